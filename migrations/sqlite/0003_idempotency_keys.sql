-- Idempotency-Key records (SPEC §5.9): one per caller and key, kept an hour, so a
-- repeated request gets the stored response, across restarts and replicas.
create table idempotency_keys (
    scope            text    not null,
    idempotency_key  text    not null,
    request_hash     text    not null,
    status           text    not null check (status in ('in_progress', 'completed')),
    response_status  integer,
    response_headers text,
    response_body    blob,
    -- While in progress: until when the claim holds (a crashed request's lease runs out).
    locked_until     integer not null,
    created_at       integer not null,
    expires_at       integer not null,
    primary key (scope, idempotency_key)
);

create index idempotency_keys_expires_at on idempotency_keys (expires_at);
