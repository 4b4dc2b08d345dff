-- A finished run's headline figures (issue #15): what Slack, e-mail and
-- webhook messages show without opening the files. JSON written once when the
-- run completes: {"figures": [{"key", "label", "value", "previous", "change"}]}
-- in the report's language; null for runs before this migration or without
-- a figures section.
alter table report_runs add column summary text;
