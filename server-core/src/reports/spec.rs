//! What a run makes, fixed when the run is created: the report's sections,
//! period, zone, language, formats and destinations at that moment. An edit
//! to the report or its template afterwards never changes a run under way.

use serde::{Deserialize, Serialize};

use crate::model::{Period, Section};

/// A run's snapshot of its report (stored as JSON in `report_runs.spec`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunSpec {
    /// The report's name.
    pub name: String,
    /// The template's sections, in order.
    pub sections: Vec<Section>,
    /// The report's period, or its template's.
    pub period: Period,
    /// `kst` or `utc`.
    pub figures_zone: String,
    /// `ko` or `en`.
    pub lang: String,
    /// The formats to make.
    pub formats: Vec<String>,
    /// The channels to deliver to.
    pub destinations: Vec<i64>,
}
