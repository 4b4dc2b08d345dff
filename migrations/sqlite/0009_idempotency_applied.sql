-- When the writes an idempotent request protects committed: set in the same
-- transaction as those writes, so a key whose effects are in the database is
-- known as such even if the process died before it kept the response. Such a
-- key is never claimed again (a retry is told the request was applied).
alter table idempotency_keys add column applied_at integer;
