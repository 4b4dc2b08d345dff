//! A chart's data together with the ECharts option the server drew it as.

use serde::{Deserialize, Serialize};

/// `data` and the ECharts option (JSON text) built from it on the server, in
/// the viewer's language and time zone: the browser hands `option` to ECharts
/// as it is and reads `data` for the text beside the chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charted<T> {
    /// What the widget shows.
    pub data: T,
    /// The ECharts option, as JSON text.
    pub option: String,
}
