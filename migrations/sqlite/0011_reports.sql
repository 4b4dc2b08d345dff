-- Scheduled reports (SPEC §5.10, issue #15; docs/design/reports.md §1): report
-- templates, delivery channels, reports with their cron schedule, the runs the
-- schedulers claim (one row per report and slot, whichever replica claims it
-- first), their stored outputs, and the deliveries of each run to each channel
-- with every attempt. JSON documents are `text`, validated by the services; times are epoch seconds.

create table report_templates (
    id          integer primary key autoincrement,
    name        text not null check (length(name) between 1 and 100),
    description text not null default '',
    category    text not null default 'custom' check (category in ('daily', 'weekly', 'monthly', 'custom')),
    period      text not null,
    sections    text not null,
    builtin     text unique check (builtin in ('daily', 'weekly')),
    created_by  text not null,
    created_at  integer not null,
    updated_at  integer not null
);
create unique index report_templates_name on report_templates (lower(name));

-- Secrets (URLs, signing keys, passwords) are sealed with SECRET_KEY in
-- `secrets`; `config` holds only what may be shown.
create table channels (
    id         integer primary key autoincrement,
    name       text not null check (length(name) between 1 and 100),
    kind       text not null check (kind in ('webhook', 'slack', 'email')),
    config     text not null,
    secrets    text not null,
    created_by text not null,
    created_at integer not null,
    updated_at integer not null
);
create unique index channels_name on channels (lower(name));

create table reports (
    id            integer primary key autoincrement,
    name          text not null check (length(name) between 1 and 100),
    description   text not null default '',
    template_id   integer not null references report_templates (id) on delete restrict,
    period        text,
    cron          text not null,
    timezone      text not null default 'Asia/Seoul',
    figures_zone  text not null default 'kst' check (figures_zone in ('kst', 'utc')),
    lang          text not null default 'ko' check (lang in ('ko', 'en')),
    formats       text not null,
    status        text not null default 'paused' check (status in ('active', 'paused')),
    builtin       text unique check (builtin in ('daily', 'weekly')),
    -- No slot at or before it runs: set on create, resume and schedule edits,
    -- so a change never makes a run for the past.
    schedule_from integer not null,
    -- The newest slot claimed, the schedulers' watermark; the next slot is
    -- null while paused.
    last_slot_at  integer,
    next_run_at   integer,
    created_by    text not null,
    created_at    integer not null,
    updated_at    integer not null
);
create unique index reports_name on reports (lower(name));
create index reports_due on reports (next_run_at) where status = 'active';
create index reports_template on reports (template_id);

create table report_destinations (
    report_id  integer not null references reports (id) on delete cascade,
    channel_id integer not null references channels (id) on delete restrict,
    primary key (report_id, channel_id)
);
create index report_destinations_channel on report_destinations (channel_id);

-- One row per (report, slot): the unique index is the claim, so however many
-- replicas tick, a slot runs once. Runs without a slot (run now, API) have a
-- null slot, which the unique index lets repeat. A running run holds a lease;
-- when its worker dies the lease runs out and another replica takes it.
create table report_runs (
    id           integer primary key autoincrement,
    report_id    integer not null references reports (id) on delete cascade,
    slot_at      integer,
    trigger      text not null check (trigger in ('schedule', 'manual', 'api')),
    requested_by text not null,
    status       text not null check (status in ('pending', 'running', 'completed', 'failed')),
    progress     integer not null default 0 check (progress between 0 and 100),
    stage        text,
    spec         text not null,
    attempt      integer not null default 0,
    lease_owner  text,
    lease_until  integer,
    trace_id     text not null,
    note         text,
    error        text,
    timings      text,
    created_at   integer not null,
    started_at   integer,
    finished_at  integer,
    duration_ms  integer,
    updated_at   integer not null
);
create unique index report_runs_slot on report_runs (report_id, slot_at);
create index report_runs_report on report_runs (report_id, id);
create index report_runs_open on report_runs (lease_until) where status in ('pending', 'running');
create index report_runs_updated on report_runs (updated_at);
create index report_runs_created on report_runs (created_at);

create table report_outputs (
    run_id       integer not null references report_runs (id) on delete cascade,
    format       text not null check (format in ('html', 'markdown', 'csv', 'pdf')),
    content_type text not null,
    filename     text not null,
    size_bytes   integer not null,
    sha256       text not null,
    body         blob not null,
    created_at   integer not null,
    primary key (run_id, format)
);

-- One delivery per (channel, subject): a run is never delivered twice to the
-- same destination. `message_id` is the webhook-id / Message-ID every retry
-- repeats, so a receiver can drop a repeat.
create table deliveries (
    id               integer primary key autoincrement,
    message_id       text not null unique,
    channel_id       integer not null references channels (id) on delete cascade,
    subject_kind     text not null check (subject_kind in ('report_run', 'test', 'alert')),
    subject_id       integer,
    status           text not null check (status in ('pending', 'sending', 'delivered', 'failed')),
    attempts         integer not null default 0,
    next_attempt_at  integer,
    lease_owner      text,
    lease_until      integer,
    last_status_code integer,
    last_error       text,
    payload          text,
    trace_id         text,
    created_at       integer not null,
    delivered_at     integer,
    updated_at       integer not null
);
create unique index deliveries_once on deliveries (channel_id, subject_kind, subject_id);
create index deliveries_due on deliveries (next_attempt_at) where status in ('pending', 'sending');
create index deliveries_channel on deliveries (channel_id, id);

create table delivery_attempts (
    delivery_id      integer not null references deliveries (id) on delete cascade,
    attempt          integer not null,
    instance         text not null,
    started_at       integer not null,
    duration_ms      integer,
    outcome          text check (outcome in ('delivered', 'retry', 'failed', 'lost')),
    status_code      integer,
    error            text,
    response_excerpt text,
    primary key (delivery_id, attempt)
);
