-- Provisioning: what administrators define.
create table tenant (
    id uuid primary key,
    name text not null unique,
    display_name text not null,
    created_at timestamptz not null
);

create table pool (
    id uuid primary key,
    tenant_id uuid not null references tenant (id),
    name text not null,
    kind text not null check (kind in ('POOLED', 'PERSISTENT')),
    size integer not null check (size >= 0),
    warm_buffer integer not null check (warm_buffer >= 0),
    memory_mib integer not null check (memory_mib > 0),
    boot_source text not null,
    entitled_group text not null,
    created_at timestamptz not null,
    unique (tenant_id, name)
);

create table user_account (
    id uuid primary key,
    tenant_id uuid not null references tenant (id),
    username text not null unique,
    password_hash text not null,
    roles text[] not null,
    groups text[] not null,
    failed_attempts integer not null default 0,
    locked_until timestamptz,
    created_at timestamptz not null
);

-- Broker: what runs.
create table host (
    name text primary key,
    control_url text not null,
    capacity_memory_mib integer not null,
    capacity_vms integer not null,
    free_memory_mib integer not null,
    state text not null check (state in ('UP', 'DOWN')),
    registered_at timestamptz not null,
    last_heartbeat timestamptz not null
);

create table desktop (
    id uuid primary key,
    tenant_id uuid not null references tenant (id),
    pool_id uuid not null references pool (id),
    host_name text references host (name),
    state text not null,
    assigned_user_id uuid references user_account (id),
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index desktop_pool_state on desktop (pool_id, state);
create index desktop_host on desktop (host_name);

create table desktop_session (
    id uuid primary key,
    tenant_id uuid not null references tenant (id),
    user_id uuid not null references user_account (id),
    pool_id uuid not null references pool (id),
    desktop_id uuid not null references desktop (id),
    state text not null check (state in ('CONNECTED', 'DISCONNECTED', 'ENDED')),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    ended_at timestamptz
);
create index desktop_session_user on desktop_session (tenant_id, user_id, state);
-- At most one live session per desktop: the database itself forbids double assignment.
create unique index desktop_session_live on desktop_session (desktop_id) where state <> 'ENDED';

-- Connection tokens the gateway has consumed (one use).
create table consumed_token (
    jti text primary key,
    expires_at timestamptz not null,
    consumed_at timestamptz not null
);

-- Leader lease: one broker replica runs the reconciler.
create table lease (
    name text primary key,
    holder text not null,
    expires_at timestamptz not null
);

-- Connection-token signing keys, shared by all broker replicas.
create table signing_key (
    kid text primary key,
    private_pkcs8 bytea not null,
    public_x509 bytea not null,
    created_at timestamptz not null
);
