-- The platform's tables as the seed defines them (users, activities, problems), same
-- names and columns. Timestamps are INTEGER Unix seconds here (app/src/db.rs `Ts`):
-- compact, index-friendly, and day buckets are integer division.

create table users (
    id            integer primary key autoincrement,
    email         text    not null unique,
    username      text    not null,
    user_type     text    not null default 'free' check (user_type in ('free', 'paid', 'premium')),
    created_at    integer not null default (unixepoch()),
    last_activity integer,
    is_online     integer not null default 0 check (is_online in (0, 1)),
    country       text    check (country is null or (length(country) = 2 and country = upper(country))),
    metadata      text    check (metadata is null or json_valid(metadata))
);

-- Dashboard: new today / growth, active today, online now, by type, per country.
create index users_created_at on users (created_at);
create index users_last_activity on users (last_activity);
create index users_online on users (is_online) where is_online;
create index users_user_type on users (user_type);
create index users_country_last_activity on users (country, last_activity);

create table problems (
    id         integer primary key autoincrement,
    title      text    not null check (length(title) between 1 and 200),
    content    text    not null,
    answer     text,
    subject    text,
    difficulty text    check (difficulty in ('easy', 'medium', 'hard')),
    status     text    not null default 'active' check (status in ('active', 'inactive', 'draft')),
    created_at integer not null default (unixepoch()),
    updated_at integer not null default (unixepoch())
);

create index problems_status on problems (status);

create table activities (
    id            integer primary key autoincrement,
    user_id       integer not null references users (id) on delete cascade,
    activity_type text    not null,
    description   text,
    metadata      text    check (metadata is null or json_valid(metadata)),
    -- Added to the seed's columns: the problem a problem_* activity is about, so
    -- per-problem stats need no JSON parsing over millions of rows.
    problem_id    integer references problems (id) on delete set null,
    created_at    integer not null default (unixepoch())
);

-- Dashboard: activities today; a user's timeline (and the foreign key's lookups).
create index activities_created_at on activities (created_at);
create index activities_user_id_created_at on activities (user_id, created_at);
