//! The report's figures as one long CSV table,
//! `section,metric,dimension,bucket,value,previous,change_pct`, for a
//! spreadsheet's pivot table: UTF-8 with a byte-order mark (Excel then reads
//! Korean), quoted by the csv crate. Section and metric are stable keys; the
//! dimension is the category (activity type, country, subject, problem title);
//! the bucket is the day or hour, or the second category (a difficulty, an
//! hour of a weekday). Free text is left out.
//!
//! Every text cell is defused like the exports' (`services::export::defuse`).
//! The three number columns hold only numbers formatted here, which no
//! spreadsheet runs, and are not: a decrease's `-5.3` would otherwise arrive
//! as the text `'-5.3` (Excel shows the apostrophe of an imported cell).

use chrono::{DateTime, Utc};

use super::super::data::{ChartData, Figure, ProblemLine, ReportData, SectionData};
use super::super::text;
use crate::model::range::{Bucket, Zone};
use crate::model::ProblemMatrix;
use crate::services::export::defuse;

/// The header row.
pub const HEADER: [&str; 7] = ["section", "metric", "dimension", "bucket", "value", "previous", "change_pct"];

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One row before writing: four text cells, then three numbers (or empty).
type Row = [String; 7];

/// The columns that may hold text from the data (the rest are numbers).
const TEXT_COLUMNS: usize = 4;

/// The CSV file of `data`.
pub fn render(data: &ReportData) -> Vec<u8> {
    let mut rows: Vec<Row> = Vec::new();
    for section in &data.sections {
        section_rows(data.korean, section, &mut rows);
    }
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(BOM.to_vec());
    // Writing to a Vec cannot fail; the csv crate only reports I/O errors here.
    let _ = writer.write_record(HEADER);
    for row in &rows {
        let (text, numbers) = row.split_at(TEXT_COLUMNS);
        let cells = text.iter().map(|cell| defuse(cell)).chain(numbers.iter().map(|n| n.as_str().into()));
        let _ = writer.write_record(cells.map(|cell| cell.into_owned()));
    }
    writer.into_inner().unwrap_or_else(|_| BOM.to_vec())
}

/// A row of plain cells.
fn row(section: &str, metric: &str, dimension: &str, bucket: &str, value: String) -> Row {
    [section.into(), metric.into(), dimension.into(), bucket.into(), value, String::new(), String::new()]
}

/// A figure with its previous value and change.
fn figure_row(section: &str, f: &Figure) -> Row {
    let change = f.change_pct().map(|p| format!("{p:.1}")).unwrap_or_default();
    [section.into(), f.key.into(), String::new(), String::new(), f.value.to_string(), f.previous.to_string(), change]
}

/// A time bucket: `2026-11-23` for days, `2026-11-23 09:00` for hours, in `zone`.
fn bucket(start: DateTime<Utc>, bucket: Bucket, zone: Zone) -> String {
    let local = start.with_timezone(&zone.offset());
    match bucket {
        Bucket::Hour => local.format("%Y-%m-%d %H:00").to_string(),
        Bucket::Day => local.format("%Y-%m-%d").to_string(),
    }
}

/// Problems per subject (dimension) and difficulty (bucket).
fn matrix_rows(section: &str, m: &ProblemMatrix, rows: &mut Vec<Row>) {
    for (subject, counts) in m.subjects.iter().zip(&m.counts) {
        for (difficulty, n) in m.difficulties.iter().zip(counts) {
            rows.push(row(section, "problems", subject, difficulty, n.to_string()));
        }
    }
}

/// Solves, tries and solve rate of listed problems, by title.
fn problem_rows(list: &str, lines: &[ProblemLine], rows: &mut Vec<Row>) {
    for p in lines {
        rows.push(row("problem_bank", &format!("{list}.solves"), &p.title, "", p.solves.to_string()));
        rows.push(row("problem_bank", &format!("{list}.attempts"), &p.title, "", p.attempts.to_string()));
        if let Some(rate) = p.solve_rate {
            rows.push(row("problem_bank", &format!("{list}.solve_rate"), &p.title, "", format!("{rate:.4}")));
        }
    }
}

/// The rows of one section.
fn section_rows(korean: bool, section: &SectionData, rows: &mut Vec<Row>) {
    match section {
        SectionData::StatSummary { figures, .. } => rows.extend(figures.iter().map(|f| figure_row("stat_summary", f))),
        SectionData::Comparison { figures, .. } => rows.extend(figures.iter().map(|f| figure_row("comparison", f))),
        SectionData::Chart { chart, .. } => chart_rows(chart, rows),
        SectionData::TopCountries { rows: countries, .. } => {
            for c in countries {
                let name = if korean { &c.name_ko } else { &c.name };
                let dimension = format!("{name} ({})", c.country);
                rows.push(row("top_countries", "users", &dimension, "", c.users.to_string()));
                rows.push(row("top_countries", "today_active", &dimension, "", c.today_active.to_string()));
            }
        }
        SectionData::ProblemBank { active, total, matrix, top_solved, lowest_rate, .. } => {
            rows.push(row("problem_bank", "active", "", "", active.to_string()));
            rows.push(row("problem_bank", "total", "", "", total.to_string()));
            matrix_rows("problem_bank", matrix, rows);
            problem_rows("top_solved", top_solved, rows);
            problem_rows("lowest_rate", lowest_rate, rows);
        }
        SectionData::Anomalies { items, .. } => {
            for a in items {
                let dimension = a.activity_type.as_deref().unwrap_or_default();
                let day = a.day.to_string();
                // The baseline's mean stands in the `previous` column.
                let change = (a.mean != 0.0).then(|| format!("{:.1}", (a.value as f64 - a.mean) * 100.0 / a.mean));
                rows.push([
                    "anomalies".into(),
                    a.metric.into(),
                    dimension.into(),
                    day.clone(),
                    a.value.to_string(),
                    format!("{:.1}", a.mean),
                    change.unwrap_or_default(),
                ]);
                rows.push(row("anomalies", "z_score", dimension, &day, format!("{:.2}", a.z)));
            }
        }
        SectionData::Text { .. } => {}
    }
}

/// A chart's figures, one row per number.
fn chart_rows(chart: &ChartData, rows: &mut Vec<Row>) {
    match chart {
        ChartData::UserGrowth(g) => {
            for p in &g.points {
                let at = bucket(p.start, g.range.bucket, g.range.zone);
                rows.push(row("user_growth", "new_users", "", &at, p.new_users.to_string()));
                rows.push(row("user_growth", "total_users", "", &at, p.total_users.to_string()));
            }
        }
        ChartData::UsersByType(t) => {
            for (key, n) in [("free", t.free), ("paid", t.paid), ("premium", t.premium)] {
                rows.push(row("users_by_type", "users", key, "", n.to_string()));
            }
        }
        ChartData::Activity(a) => {
            for s in &a.series {
                for (start, n) in a.buckets.iter().zip(&s.counts) {
                    let at = bucket(*start, a.range.bucket, a.range.zone);
                    rows.push(row("activity", "activities", &s.activity_type, &at, n.to_string()));
                }
            }
        }
        ChartData::Heatmap(h) => {
            let days = text::weekdays(false);
            for (day, hours) in days.iter().zip(&h.counts) {
                for (hour, n) in hours.iter().enumerate() {
                    let dimension = day.to_ascii_lowercase();
                    rows.push(row("heatmap", "activities", &dimension, &format!("{hour:02}"), n.to_string()));
                }
            }
        }
        ChartData::Problems(m) => matrix_rows("problems", m, rows),
    }
}
