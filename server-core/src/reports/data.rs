//! What a report shows, gathered before any format is made: the period, and
//! each section's figures in the template's order. Every renderer reads this
//! and nothing else.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::model::range::ResolvedRange;
use crate::model::{ActivityHeatmap, ActivitySeries, CountryStat, ProblemMatrix, UserGrowth, UsersByType};

/// One report's figures, ready to render.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReportData {
    /// The report's name: the heading and the file names.
    pub title: String,
    /// Korean (true) or English labels.
    pub korean: bool,
    /// The days the report covers, in its figures' zone.
    pub range: ResolvedRange,
    /// The same number of days just before, for the changes.
    pub previous: ResolvedRange,
    /// When the run made it (the slot's time for scheduled runs).
    pub generated_at: DateTime<Utc>,
    /// The sections, in the template's order.
    pub sections: Vec<SectionData>,
}

/// One figure with its value over the previous period of the same length.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Figure {
    /// `new_users`, `active_users`, `activities`, `new_problems` or `total_users`.
    pub key: &'static str,
    /// Over the period.
    pub value: i64,
    /// Over the previous period.
    pub previous: i64,
}

impl Figure {
    /// The change in percent, when there is a previous value to compare with.
    pub fn change_pct(&self) -> Option<f64> {
        (self.previous != 0).then(|| (self.value - self.previous) as f64 * 100.0 / self.previous as f64)
    }
}

/// A headline figure as messages show it: named and compared in the
/// report's language (kept with the run, see [`ReportData::key_figures`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFigure {
    /// `new_users`, `active_users`, …
    pub key: String,
    /// Its name (`활성 사용자` / `Active users`).
    pub label: String,
    /// Over the period.
    pub value: i64,
    /// Over the previous period.
    pub previous: i64,
    /// The change as written (`▲ 12.5 %`).
    pub change: String,
}

/// What a finished run keeps of its figures for its messages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSummary {
    /// The headline figures, at most 8.
    #[serde(default)]
    pub figures: Vec<KeyFigure>,
}

impl RunSummary {
    /// Read from `report_runs.summary` (absent or damaged: empty).
    pub fn parse(json: Option<&str>) -> Self {
        json.and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default()
    }
}

impl ReportData {
    /// The first stat-summary or comparison section's figures (at most 8),
    /// named in the report's language.
    pub fn key_figures(&self) -> RunSummary {
        let figures = self
            .sections
            .iter()
            .find_map(|section| match section {
                SectionData::StatSummary { figures, .. } | SectionData::Comparison { figures, .. } => Some(figures),
                _ => None,
            })
            .map(|figures| {
                figures
                    .iter()
                    .take(8)
                    .map(|f| KeyFigure {
                        key: f.key.to_owned(),
                        label: super::text::figure_name(self.korean, f.key).to_owned(),
                        value: f.value,
                        previous: f.previous,
                        change: super::text::change(self.korean, f.value, f.previous),
                    })
                    .collect()
            })
            .unwrap_or_default();
        RunSummary { figures }
    }
}

/// A dashboard chart's data, as the dashboard computes it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "chart", content = "data", rename_all = "snake_case")]
pub enum ChartData {
    /// New users per day and the running total.
    UserGrowth(UserGrowth),
    /// Users by type now.
    UsersByType(UsersByType),
    /// Activities per type and day.
    Activity(ActivitySeries),
    /// Activities per weekday and hour.
    Heatmap(ActivityHeatmap),
    /// Problems per subject and difficulty.
    Problems(ProblemMatrix),
}

/// A problem as the problem-bank section lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProblemLine {
    /// Its id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Its subject.
    pub subject: Option<String>,
    /// Its difficulty.
    pub difficulty: Option<String>,
    /// Solves, all time.
    pub solves: i64,
    /// Wrong or unfinished tries, all time.
    pub attempts: i64,
    /// Solves over tries, 0–1.
    pub solve_rate: Option<f64>,
}

/// An unusual day: a daily count far from its baseline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Anomaly {
    /// The day, in the figures' zone.
    pub day: NaiveDate,
    /// `new_users`, or `activities` with `activity_type` set.
    pub metric: &'static str,
    /// The activity type, for activity counts.
    pub activity_type: Option<String>,
    /// That day's count.
    pub value: i64,
    /// The baseline's mean per day.
    pub mean: f64,
    /// Standard deviations from the mean (signed).
    pub z: f64,
}

/// One section's figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SectionData {
    /// The headline figures with their changes.
    StatSummary {
        /// A heading replacing the default one.
        title: Option<String>,
        /// The figures.
        figures: Vec<Figure>,
    },
    /// One dashboard chart over the period.
    Chart {
        /// A heading replacing the default one.
        title: Option<String>,
        /// The data.
        chart: ChartData,
    },
    /// Countries by users.
    TopCountries {
        /// A heading replacing the default one.
        title: Option<String>,
        /// The countries, most users first.
        rows: Vec<CountryStat>,
    },
    /// The problem bank.
    ProblemBank {
        /// A heading replacing the default one.
        title: Option<String>,
        /// Active problems.
        active: i64,
        /// All problems in the bank.
        total: i64,
        /// Per subject and difficulty.
        matrix: ProblemMatrix,
        /// Most solved.
        top_solved: Vec<ProblemLine>,
        /// Lowest solve rate (among problems tried at least 10 times).
        lowest_rate: Vec<ProblemLine>,
    },
    /// This period against the previous one.
    Comparison {
        /// A heading replacing the default one.
        title: Option<String>,
        /// The figures compared.
        figures: Vec<Figure>,
    },
    /// Unusual days in the period.
    Anomalies {
        /// A heading replacing the default one.
        title: Option<String>,
        /// Days before the period that make the baseline.
        lookback_days: i64,
        /// The threshold, in standard deviations.
        min_z: f64,
        /// At most 10, most unusual first.
        items: Vec<Anomaly>,
    },
    /// Free text: paragraphs, and lines starting `- ` as bullets.
    Text {
        /// The heading.
        title: Option<String>,
        /// The text.
        body: String,
    },
}
