-- Lists and dashboard at 1M users / 10M activities (docs/perf/db-1m-proposal.md):
-- country + type sorted by username becomes one index range; the search total
-- counts two index-only halves; distinct active users read the index alone;
-- users per country and type are kept in a counter by triggers, so the totals of
-- type/country filters and the dashboard's users by type read ~100 rows, not 1M.
-- On a large live database, create the indexes beforehand (`concurrently` on
-- Postgres): `if not exists` then skips them.

create index if not exists users_country_user_type_username on users (country, user_type, username);
drop index if exists users_country_user_type;
create index if not exists users_lower_email_username on users (lower(email), lower(username));
drop index if exists users_lower_email; -- users_lower_username stays
create index if not exists activities_created_at_id_user on activities (created_at, id, user_id);
drop index if exists activities_created_at;
create table user_country_type_counts (country text not null, user_type text not null, n integer not null,
    primary key (country, user_type)) without rowid; -- country '' for users without one
insert into user_country_type_counts (country, user_type, n)
    select coalesce(country, ''), user_type, count(*) from users group by 1, 2;
create trigger users_country_type_insert after insert on users begin
    insert into user_country_type_counts (country, user_type, n) values (coalesce(new.country, ''), new.user_type, 1)
        on conflict (country, user_type) do update set n = n + 1;
end;
create trigger users_country_type_delete after delete on users begin
    update user_country_type_counts set n = n - 1 where country = coalesce(old.country, '') and user_type = old.user_type;
end;
create trigger users_country_type_update after update of user_type, country on users begin
    update user_country_type_counts set n = n - 1 where country = coalesce(old.country, '') and user_type = old.user_type;
    insert into user_country_type_counts (country, user_type, n) values (coalesce(new.country, ''), new.user_type, 1)
        on conflict (country, user_type) do update set n = n + 1;
end;
analyze users; analyze activities;
