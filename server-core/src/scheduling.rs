//! Schedules shared by scheduled reports (#15) and alerts (#16): when work is
//! due, computed in its owner's time zone. Pure logic with no storage; the
//! jobs that claim and run each slot live in the server.

pub mod cron;
