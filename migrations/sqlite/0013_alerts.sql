-- Alerts (SPEC §5.14, issue #16; docs/design/alerts.md): threshold rules over
-- the platform's figures and the service's health, the state each is in, one
-- row per (rule, evaluation slot) that the evaluators claim (whichever replica
-- inserts it evaluates it), the history of state changes, and the per-minute
-- request statistics each replica writes so that health figures are summed
-- across replicas. Times are epoch seconds.

create table alert_rules (
    id               integer primary key autoincrement,
    name             text not null check (length(name) between 1 and 100),
    description      text not null default '',
    metric           text not null,
    filter           text,
    window_minutes   integer,
    condition        text not null check (condition in ('above', 'below', 'outside', 'change_up', 'change_down', 'no_data')),
    threshold        real,
    threshold_high   real,
    recovery         real,
    no_data_minutes  integer,
    interval_seconds integer not null check (interval_seconds between 10 and 86400),
    pending_seconds  integer not null default 0,
    repeat_seconds   integer not null default 3600,
    severity         text not null default 'warning' check (severity in ('info', 'warning', 'critical')),
    message          text not null default '',
    status           text not null default 'active' check (status in ('active', 'paused')),
    builtin          text unique,
    -- State, written only by the evaluation that claimed the newest slot.
    state            text not null default 'normal' check (state in ('normal', 'pending', 'firing')),
    state_since      integer,
    incident_since   integer,
    notified_at      integer,
    silenced_until   integer,
    last_value       real,
    last_slot_at     integer,
    last_evaluated_at integer,
    next_eval_at     integer,
    created_by       text not null,
    created_at       integer not null,
    updated_at       integer not null
);
create unique index alert_rules_name on alert_rules (lower(name));
create index alert_rules_due on alert_rules (next_eval_at) where status = 'active';

create table alert_destinations (
    rule_id    integer not null references alert_rules (id) on delete cascade,
    channel_id integer not null references channels (id) on delete restrict,
    primary key (rule_id, channel_id)
);
create index alert_destinations_channel on alert_destinations (channel_id);

-- The claim: one row per (rule, slot), so however many replicas tick, a slot
-- is evaluated once. `value` is the sparkline.
create table alert_evaluations (
    rule_id  integer not null references alert_rules (id) on delete cascade,
    slot_at  integer not null,
    value    real,
    state    text,
    instance text not null,
    at       integer not null,
    primary key (rule_id, slot_at)
);
create index alert_evaluations_at on alert_evaluations (at);

create table alert_events (
    id        integer primary key autoincrement,
    rule_id   integer not null references alert_rules (id) on delete cascade,
    kind      text not null check (kind in ('pending', 'firing', 'repeat', 'resolved', 'cleared')),
    severity  text not null,
    value     real,
    message   text not null,
    silenced  integer not null default 0,
    since     integer not null,
    at        integer not null
);
create index alert_events_rule on alert_events (rule_id, id);
create index alert_events_at on alert_events (at);

-- Each replica's request statistics per minute: one row per route it served
-- that minute and one with route '' for the whole server, which also carries
-- the database pool's most waiting callers and the ingestion lag. `latency`
-- is the count per fixed latency bucket (docs/design/alerts.md §3).
create table request_minutes (
    instance     text not null,
    minute       integer not null,
    route        text not null,
    requests     integer not null,
    errors       integer not null,
    latency      text not null,
    pool_waiting integer not null default 0,
    ingest_lag_ms integer,
    primary key (minute, route, instance)
);
