-- Base URL of a host's RFB WebSocket when it is not the control URL's (e.g. its own port).
alter table host add column rfb_url text;
