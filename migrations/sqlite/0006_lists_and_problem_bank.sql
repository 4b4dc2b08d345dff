-- The users, activities and problems lists (SPEC §5.4, §5.5): keyset pages in
-- every offered order come straight off an index. SQLite appends the rowid (id)
-- to every index, so `(created_at)` already orders by `(created_at, id)`.

-- Archiving keeps a problem and its history but takes it out of the bank.
alter table problems add column archived_at integer;

-- Problems list: newest changes first (the default order) and title order.
create index problems_updated_at on problems (updated_at);
create index problems_title on problems (title);

-- Per-problem stats (views, tries, solves) and the foreign key's lookups.
create index activities_problem_id_type on activities (problem_id, activity_type);

-- Users list: sort by name; prefix search on e-mail and username in any case;
-- the map's country filter and the type filter, newest first.
create index users_username on users (username);
create index users_lower_email on users (lower(email));
create index users_lower_username on users (lower(username));
create index users_country_created_at on users (country, created_at);
drop index if exists users_user_type;
create index users_user_type_created_at on users (user_type, created_at);

-- Per-problem stats kept by triggers like the dashboard's counters (0004): the
-- problems list shows views and solves for 50 problems at once, which would
-- otherwise count through millions of activities per page.
create table problem_stats (
    problem_id integer primary key,
    views      integer not null default 0,
    attempts   integer not null default 0,
    solves     integer not null default 0
);

insert into problem_stats (problem_id, views, attempts, solves)
    select problem_id, sum(activity_type = 'problem_view'), sum(activity_type = 'problem_attempt'),
        sum(activity_type = 'problem_solve')
    from activities where problem_id is not null group by problem_id;

create trigger activities_problem_stats_insert after insert on activities
when new.problem_id is not null and new.activity_type in ('problem_view', 'problem_attempt', 'problem_solve') begin
    insert into problem_stats (problem_id, views, attempts, solves) values (new.problem_id,
        new.activity_type = 'problem_view', new.activity_type = 'problem_attempt', new.activity_type = 'problem_solve')
    on conflict (problem_id) do update set views = views + excluded.views,
        attempts = attempts + excluded.attempts, solves = solves + excluded.solves;
end;

create trigger activities_problem_stats_delete after delete on activities
when old.problem_id is not null and old.activity_type in ('problem_view', 'problem_attempt', 'problem_solve') begin
    update problem_stats set views = views - (old.activity_type = 'problem_view'),
        attempts = attempts - (old.activity_type = 'problem_attempt'),
        solves = solves - (old.activity_type = 'problem_solve')
    where problem_id = old.problem_id;
end;

create trigger activities_problem_stats_update after update of problem_id, activity_type on activities begin
    update problem_stats set views = views - (old.activity_type = 'problem_view'),
        attempts = attempts - (old.activity_type = 'problem_attempt'),
        solves = solves - (old.activity_type = 'problem_solve')
    where problem_id = old.problem_id;
    insert into problem_stats (problem_id, views, attempts, solves)
        select new.problem_id, new.activity_type = 'problem_view', new.activity_type = 'problem_attempt',
            new.activity_type = 'problem_solve'
        where new.problem_id is not null
    on conflict (problem_id) do update set views = views + excluded.views,
        attempts = attempts + excluded.attempts, solves = solves + excluded.solves;
end;
