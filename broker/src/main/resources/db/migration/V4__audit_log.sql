-- Audit log: sign-ins, connections and administrative actions. tenant_id is the tenant the event
-- belongs to (its admins read it); null for platform events such as host administration or a
-- refused sign-in of an unknown user name.
create table audit_event (
    id uuid primary key,
    tenant_id uuid references tenant (id),
    occurred_at timestamptz not null,
    actor text not null,
    action text not null,
    target text,
    detail text
);
create index audit_event_tenant on audit_event (tenant_id, occurred_at desc);
