//! Report generation (SPEC §5.10): a run's spec becomes [`data::ReportData`]
//! (the figures, gathered once from the counters), which the renderers turn
//! into HTML, Markdown and CSV without a browser. Renderers are pure functions
//! of the data, so golden files pin them without a database.

pub mod data;
pub mod figures;
pub mod period;
pub mod render;
pub mod runner;
pub mod runtime;
pub mod scheduler;
pub mod spec;
pub mod text;
