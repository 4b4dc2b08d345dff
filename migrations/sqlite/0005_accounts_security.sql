-- The admin side (SPEC §3, §4, §5.7): the people who sign in, their sessions and
-- API token families, API keys for scripts and the platform's backend, and the
-- audit log. Secrets are never stored: passwords as argon2id PHC strings, session
-- ids, refresh tokens and API keys as SHA-256 hex digests.

create table accounts (
    id            integer primary key autoincrement,
    -- Stored lower-case: e-mail addresses compare case-insensitively.
    email         text    not null unique check (email = lower(email)),
    password_hash text    not null,
    role          text    not null check (role in ('viewer', 'editor', 'owner', 'admin')),
    status        text    not null default 'active' check (status in ('active', 'disabled')),
    -- TOTP second factor: the base32 secret once enrolment starts, enabled once confirmed.
    totp_secret   text,
    totp_enabled  integer not null default 0 check (totp_enabled in (0, 1)),
    created_at    integer not null,
    updated_at    integer not null,
    last_login_at integer
);

-- A browser session (cookie) or an API client's token family (refresh token).
create table sessions (
    id                  text    primary key,
    account_id          integer not null references accounts (id) on delete cascade,
    kind                text    not null check (kind in ('browser', 'api')),
    -- The cookie's session id, or the family's current refresh token.
    token_hash          text    not null unique,
    created_at          integer not null,
    last_seen_at        integer not null,
    expires_at          integer not null,
    revoked_at          integer,
    ip                  text,
    user_agent          text
);

create index sessions_account_id on sessions (account_id);

-- Refresh tokens a family has used up: presenting one again means it was
-- copied, and the whole family is revoked.
create table retired_tokens (
    token_hash text    primary key,
    session_id text    not null references sessions (id) on delete cascade,
    retired_at integer not null
);

create index retired_tokens_session_id on retired_tokens (session_id);

create table api_keys (
    id           integer primary key autoincrement,
    name         text    not null check (length(name) between 1 and 100),
    -- The visible start of the key (`ds_` and 8 characters), to tell keys apart.
    prefix       text    not null,
    key_hash     text    not null unique,
    role         text    not null check (role in ('viewer', 'editor', 'owner', 'admin')),
    -- Space-separated extra permissions; `ingest` allows POST /api/v1/events.
    scopes       text    not null default '',
    created_by   integer references accounts (id) on delete set null,
    created_at   integer not null,
    last_used_at integer,
    expires_at   integer not null,
    revoked_at   integer
);

create index api_keys_created_at on api_keys (created_at);

-- Every write and every login attempt. No foreign keys: the record outlives
-- the accounts and keys it names.
create table audit_log (
    id         integer primary key autoincrement,
    at         integer not null,
    account_id integer,
    -- Who: an account's e-mail, `api_key:ds_xxxxxxxx`, or `anonymous`.
    actor      text    not null,
    action     text    not null,
    target     text,
    outcome    text    not null check (outcome in ('success', 'failure')),
    ip         text,
    trace_id   text,
    details    text    check (details is null or json_valid(details))
);

create index audit_log_at on audit_log (at);
create index audit_log_action_at on audit_log (action, at);
create index audit_log_actor_at on audit_log (actor, at);
-- Login throttling counts recent failures per e-mail and per address.
create index audit_log_login_target on audit_log (target, at) where action = 'auth.login' and outcome = 'failure';
create index audit_log_login_ip on audit_log (ip, at) where action = 'auth.login' and outcome = 'failure';
