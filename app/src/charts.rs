//! The dashboard's charts as ECharts options, built on the server with
//! charming from a widget's data in the viewer's language and time zone. The
//! browser only hands the option to ECharts (`components::echart`): charming
//! and the serialisation of its option types stay out of the WASM, and a report
//! (HTML, PDF) can draw the same chart from the same function.

pub mod activity;
pub mod heatmap;
pub mod problems;
pub mod user_growth;
pub mod users_by_type;

use charming::Chart;

use crate::model::range::{Bucket, Zone};
use crate::model::Charted;

/// `data` with the option `build` makes of it.
pub fn charted<T>(data: T, build: impl FnOnce(&T) -> Chart) -> Charted<T> {
    let chart = build(&data);
    // charming's option types serialise infallibly (strings, numbers, options).
    let option = serde_json::to_string(&chart).unwrap_or_else(|_| "{}".to_owned());
    Charted { data, option }
}

/// A bucket's axis label: `14:00` for hours, `11-21` for days, in `zone`.
pub fn bucket_label(start: chrono::DateTime<chrono::Utc>, bucket: Bucket, zone: Zone) -> String {
    let local = start.with_timezone(&zone.offset());
    match bucket {
        Bucket::Hour => local.format("%H:00").to_string(),
        Bucket::Day => local.format("%m-%d").to_string(),
    }
}
