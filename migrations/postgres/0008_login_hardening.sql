-- A TOTP code is good for one sign-in only: the newest 30-second step that was
-- accepted for the account. A code of that step or an older one is refused, so
-- a code seen over someone's shoulder (or replayed from a log) cannot be used
-- again within its window.
alter table accounts add column totp_last_step bigint;

-- The first admin's generated one-time password must be replaced at the first
-- sign-in: until then every page leads to the password form.
alter table accounts add column must_change_password boolean not null default false;
