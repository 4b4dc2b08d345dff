-- Lists and dashboard at 1M users / 10M activities (docs/perf/db-1m-proposal.md):
-- country + type sorted by username becomes one index range; the search total
-- counts two index-only halves; distinct active users read the index alone;
-- users per country and type are kept in a counter by triggers, so the totals of
-- type/country filters and the dashboard's users by type read ~100 rows, not 1M.
-- On a large live database, create the indexes beforehand (`concurrently` on
-- Postgres): `if not exists` then skips them.

create index if not exists users_country_user_type_username_id on users (country, user_type, username, id);
drop index if exists users_country_user_type;
create index if not exists users_lower_username_cov on users (lower(username) text_pattern_ops) include (username);
create index if not exists users_lower_email_username on users
    (lower(email) text_pattern_ops, lower(username) text_pattern_ops) include (email, username);
drop index if exists users_lower_email;
drop index if exists users_lower_username;
create index if not exists activities_created_at_id_user on activities (created_at, id) include (user_id);
drop index if exists activities_created_at_id;
create table user_country_type_counts (country text not null, -- '' for users without a country
    user_type text not null, n bigint not null, primary key (country, user_type));
insert into user_country_type_counts (country, user_type, n)
    select coalesce(country, ''), user_type, count(*) from users group by 1, 2;
create function count_users_by_country_type() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' then
        with changed as (
            select o.country, o.user_type, -1 as sign from old_rows o join new_rows n using (id)
            where (o.country, o.user_type) is distinct from (n.country, n.user_type)
            union all
            select n.country, n.user_type, 1 from old_rows o join new_rows n using (id)
            where (o.country, o.user_type) is distinct from (n.country, n.user_type))
        insert into user_country_type_counts (country, user_type, n)
        select coalesce(country, ''), user_type, sum(sign) from changed group by 1, 2
        on conflict (country, user_type) do update set n = user_country_type_counts.n + excluded.n;
    elsif tg_op = 'DELETE' then
        update user_country_type_counts c set n = c.n - d.n
        from (select coalesce(country, '') as country, user_type, count(*) as n from old_rows group by 1, 2) d
        where c.country = d.country and c.user_type = d.user_type;
    else
        insert into user_country_type_counts (country, user_type, n)
        select coalesce(country, ''), user_type, count(*) from new_rows group by 1, 2
        on conflict (country, user_type) do update set n = user_country_type_counts.n + excluded.n;
    end if;
    return null;
end $$;
create trigger users_country_type_insert after insert on users
    referencing new table as new_rows for each statement execute function count_users_by_country_type();
create trigger users_country_type_delete after delete on users
    referencing old table as old_rows for each statement execute function count_users_by_country_type();
create trigger users_country_type_update after update on users
    referencing old table as old_rows new table as new_rows for each statement execute function count_users_by_country_type();
alter table activities set (autovacuum_vacuum_insert_threshold = 50000, autovacuum_vacuum_insert_scale_factor = 0);
alter table users set (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02);
analyze users; analyze activities;
