-- Accounts an OpenID Connect provider authenticates: they have no password here and are found by
-- the provider's subject (issuer and "sub"), not by user name.
alter table user_account alter column password_hash drop not null;
alter table user_account add column external_id text unique;
alter table user_account add constraint user_account_password_or_external
    check (password_hash is not null or external_id is not null);
