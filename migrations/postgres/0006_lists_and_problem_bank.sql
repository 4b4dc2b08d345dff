-- The users, activities and problems lists (SPEC §5.4, §5.5): keyset pages in
-- every offered order come straight off an index, so each index ends in `id`,
-- the tie-breaker. Where a new index covers an old one's queries it replaces it,
-- which keeps the cost of each insert where it was.

-- Archiving keeps a problem and its history but takes it out of the bank.
alter table problems add column archived_at timestamptz;

-- Problems list: newest changes first (the default order) and title order.
create index problems_updated_at_id on problems (updated_at, id);
create index problems_title_id on problems (title, id);

-- Per-problem stats (views, tries, solves) and the foreign key's lookups.
create index activities_problem_id_type on activities (problem_id, activity_type);

-- Activities list: newest first.
drop index if exists activities_created_at;
create index activities_created_at_id on activities (created_at, id);

-- Users list: every sort with the id tie-breaker; prefix search on e-mail and
-- username in any case (`text_pattern_ops`: LIKE 'x%' whatever the collation);
-- the map's country filter and the type filter, newest first.
drop index if exists users_created_at;
create index users_created_at_id on users (created_at, id);
drop index if exists users_last_activity;
create index users_last_activity_id on users (last_activity desc nulls last, id desc);
create index users_username_id on users (username, id);
create index users_email_id on users (email, id);
create index users_lower_email on users (lower(email) text_pattern_ops);
create index users_lower_username on users (lower(username) text_pattern_ops);
create index users_country_created_at_id on users (country, created_at, id);
drop index if exists users_user_type;
create index users_user_type_created_at_id on users (user_type, created_at, id);

-- Per-problem stats kept by triggers like the dashboard's counters (0004): the
-- problems list shows views and solves for 50 problems at once, which would
-- otherwise count through millions of activities per page.
create table problem_stats (
    problem_id bigint primary key,
    views      bigint not null default 0,
    attempts   bigint not null default 0,
    solves     bigint not null default 0
);

insert into problem_stats (problem_id, views, attempts, solves)
    select problem_id, count(*) filter (where activity_type = 'problem_view'),
        count(*) filter (where activity_type = 'problem_attempt'),
        count(*) filter (where activity_type = 'problem_solve')
    from activities where problem_id is not null group by problem_id;

-- Subtracts the grouped `old_rows` and adds the grouped `new_rows`, so one
-- function serves insert, update and delete (as `count_activities` does).
create function count_problem_activities() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        update problem_stats s set views = s.views - d.views, attempts = s.attempts - d.attempts,
            solves = s.solves - d.solves
        from (select problem_id, count(*) filter (where activity_type = 'problem_view') as views,
                count(*) filter (where activity_type = 'problem_attempt') as attempts,
                count(*) filter (where activity_type = 'problem_solve') as solves
            from old_rows where problem_id is not null group by 1) d
        where s.problem_id = d.problem_id;
    end if;
    if tg_op in ('UPDATE', 'INSERT') then
        insert into problem_stats (problem_id, views, attempts, solves)
        select problem_id, count(*) filter (where activity_type = 'problem_view'),
            count(*) filter (where activity_type = 'problem_attempt'),
            count(*) filter (where activity_type = 'problem_solve')
        from new_rows where problem_id is not null
            and activity_type in ('problem_view', 'problem_attempt', 'problem_solve')
        group by 1
        on conflict (problem_id) do update set views = problem_stats.views + excluded.views,
            attempts = problem_stats.attempts + excluded.attempts, solves = problem_stats.solves + excluded.solves;
    end if;
    return null;
end $$;

create trigger activities_problem_stats_insert after insert on activities
    referencing new table as new_rows for each statement execute function count_problem_activities();
create trigger activities_problem_stats_delete after delete on activities
    referencing old table as old_rows for each statement execute function count_problem_activities();
create trigger activities_problem_stats_update after update on activities
    referencing old table as old_rows new table as new_rows for each statement execute function count_problem_activities();
