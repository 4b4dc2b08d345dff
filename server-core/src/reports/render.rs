//! The renderers: pure functions from [`ReportData`] to a file (HTML,
//! Markdown, CSV, PDF), with no database, clock or network, so golden files pin
//! them. What the formats share lives here: the section headings, the tables a
//! chart becomes (days folded into weeks past 31), the period and the file name.
//! Each format escapes every piece of text itself, on its way out.

pub mod csv;
pub mod html;
pub mod markdown;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod svg;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::data::{Anomaly, ChartData, Figure, ProblemLine, ReportData, SectionData};
use super::text::{self, label, Label, Trend};
use crate::model::range::{Bucket, ResolvedRange, Zone};
use crate::model::{CountryStat, ProblemMatrix};

/// Day buckets a table shows one by one; longer series are summed per ISO week.
const MAX_DAY_ROWS: usize = 31;

/// One made file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// `html`, `markdown`, `csv` or `pdf`.
    pub format: &'static str,
    /// Its media type, with the charset.
    pub content_type: &'static str,
    /// Its file name's extension, without the dot.
    pub extension: &'static str,
    /// The bytes.
    pub body: Vec<u8>,
}

/// Makes `format` ("html" | "markdown" | "csv" | "pdf") of `data`; Err(message)
/// for an unknown format or a PDF Typst could not lay out.
pub fn render(data: &ReportData, format: &str) -> Result<Rendered, String> {
    let (format, content_type, extension, body) = match format {
        "html" => ("html", "text/html; charset=utf-8", "html", html::render(data).into_bytes()),
        "markdown" => ("markdown", "text/markdown; charset=utf-8", "md", markdown::render(data).into_bytes()),
        "csv" => ("csv", "text/csv; charset=utf-8", "csv", csv::render(data)),
        #[cfg(feature = "pdf")]
        "pdf" => ("pdf", "application/pdf", "pdf", pdf::render(data)?),
        #[cfg(not(feature = "pdf"))]
        "pdf" => return Err("this server was built without PDF support".into()),
        other => return Err(format!("'{other}' is not a format this server renders (html, markdown, csv, pdf)")),
    };
    Ok(Rendered { format, content_type, extension, body })
}

/// A file name: "<slug of title>-<first day>_<last day>.<ext>" (ASCII-safe slug; Korean titles → "report").
pub fn filename(data: &ReportData, extension: &str) -> String {
    let mut slug = String::new();
    for c in data.title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    // Long titles are cut; 60 ASCII characters keep the name readable.
    let slug = slug.get(..60).unwrap_or(&slug).trim_end_matches('-');
    let slug = if slug.is_empty() { "report" } else { slug };
    format!("{slug}-{}_{}.{extension}", data.range.first_day, data.range.last_day)
}

/// The zone's short name (`KST`).
fn zone_name(zone: Zone) -> &'static str {
    match zone {
        Zone::Kst => "KST",
        Zone::Utc => "UTC",
    }
}

/// The period: "2026-11-23 – 2026-11-29 (KST)", one day alone.
fn period(range: &ResolvedRange) -> String {
    let zone = zone_name(range.zone);
    if range.first_day == range.last_day {
        format!("{} ({zone})", range.first_day)
    } else {
        format!("{} – {} ({zone})", range.first_day, range.last_day)
    }
}

/// When the report was made, in the period's zone: "2026-11-30 09:00 KST".
fn generated_at(data: &ReportData) -> String {
    let local = data.generated_at.with_timezone(&data.range.zone.offset());
    format!("{} {}", local.format("%Y-%m-%d %H:%M"), zone_name(data.range.zone))
}

/// A section's heading: its own title, or the kind's.
fn heading(korean: bool, section: &SectionData) -> String {
    let (own, default) = match section {
        SectionData::StatSummary { title, .. } => (title, Label::StatSummary),
        SectionData::Chart { title, chart } => (title, chart_label(chart)),
        SectionData::TopCountries { title, .. } => (title, Label::TopCountries),
        SectionData::ProblemBank { title, .. } => (title, Label::ProblemBank),
        SectionData::Comparison { title, .. } => (title, Label::Comparison),
        SectionData::Anomalies { title, .. } => (title, Label::Anomalies),
        SectionData::Text { title, .. } => (title, Label::Notes),
    };
    match own.as_deref().map(str::trim) {
        Some(own) if !own.is_empty() => own.to_owned(),
        _ => label(korean, default).to_owned(),
    }
}

/// A chart's default heading.
fn chart_label(chart: &ChartData) -> Label {
    match chart {
        ChartData::UserGrowth(_) => Label::UserGrowth,
        ChartData::UsersByType(_) => Label::UsersByType,
        ChartData::Activity(_) => Label::ActivityByType,
        ChartData::Heatmap(_) => Label::ActivityHeatmap,
        ChartData::Problems(_) => Label::ProblemsBySubject,
    }
}

/// A table as every format shows it: plain text cells, escaped by the format.
#[derive(Clone, Debug, Default)]
struct Table {
    /// The header cells.
    headers: Vec<String>,
    /// Which columns hold numbers (aligned right).
    numeric: Vec<bool>,
    /// The rows, each as long as `headers`.
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these columns (`true`: numbers).
    fn new(korean: bool, columns: &[(Label, bool)]) -> Self {
        Self {
            headers: columns.iter().map(|(l, _)| label(korean, *l).to_owned()).collect(),
            numeric: columns.iter().map(|(_, n)| *n).collect(),
            rows: Vec::new(),
        }
    }
}

/// What a section is made of, for the formats to lay out.
enum Part<'a> {
    /// Headline figures: cards in HTML, a table elsewhere.
    Figures(&'a [Figure]),
    /// A chart: its drawing where the format has pictures, then its table.
    Chart(&'a ChartData),
    /// A table.
    Table(Table),
    /// A smaller heading inside the section.
    Subheading(&'static str),
    /// A line of plain text.
    Note(String),
    /// Free text: paragraphs and bullets.
    Text(Vec<Block>),
}

/// The parts of `section`, in order.
fn parts(korean: bool, section: &SectionData) -> Vec<Part<'_>> {
    match section {
        SectionData::StatSummary { figures, .. } => vec![Part::Figures(figures)],
        SectionData::Comparison { figures, .. } => vec![Part::Table(figures_table(korean, figures))],
        SectionData::Chart { chart, .. } => vec![Part::Chart(chart)],
        SectionData::TopCountries { rows, .. } => vec![Part::Table(countries_table(korean, rows))],
        SectionData::ProblemBank { active, total, matrix, top_solved, lowest_rate, .. } => vec![
            Part::Note(format!(
                "{}: {} / {}",
                label(korean, Label::ActiveProblems),
                text::count(*active),
                text::count(*total)
            )),
            Part::Table(matrix_table(korean, matrix)),
            Part::Subheading(label(korean, Label::TopSolved)),
            Part::Table(problems_table(korean, top_solved)),
            Part::Subheading(label(korean, Label::LowestRate)),
            Part::Table(problems_table(korean, lowest_rate)),
        ],
        SectionData::Anomalies { lookback_days, min_z, items, .. } => {
            let rule = if korean {
                format!("{}: 직전 {lookback_days}일 대비 |z| ≥ {min_z}", label(korean, Label::AnomalyRule))
            } else {
                format!("{}: |z| ≥ {min_z} against the {lookback_days} days before", label(korean, Label::AnomalyRule))
            };
            if items.is_empty() {
                vec![Part::Note(label(korean, Label::NoAnomalies).to_owned()), Part::Note(rule)]
            } else {
                vec![Part::Table(anomalies_table(korean, items)), Part::Note(rule)]
            }
        }
        SectionData::Text { body, .. } => vec![Part::Text(blocks(body))],
    }
}

/// A headline figure's change as its card shows it: `▲ 27.5 % (+22)`,
/// `▲ +4` after nothing, or "no change" (HTML and PDF).
fn card_change(korean: bool, f: &Figure) -> String {
    let change = text::change(korean, f.value, f.previous);
    let diff = text::difference(f.value, f.previous);
    match (Trend::of(f.value, f.previous), f.previous) {
        (Trend::Flat, _) => change,
        (_, 0) => format!("{change} {diff}"),
        _ => format!("{change} ({diff})"),
    }
}

/// Figures against the previous period.
fn figures_table(korean: bool, figures: &[Figure]) -> Table {
    use Label::*;
    let mut table = Table::new(
        korean,
        &[(Figure, false), (ThisPeriod, true), (PreviousPeriod, true), (Difference, true), (Change, true)],
    );
    for f in figures {
        table.rows.push(vec![
            text::figure_name(korean, f.key).to_owned(),
            text::count(f.value),
            text::count(f.previous),
            text::difference(f.value, f.previous),
            text::change(korean, f.value, f.previous),
        ]);
    }
    table
}

/// A country's name in the report's language.
fn country_name(korean: bool, country: &CountryStat) -> &str {
    if korean {
        &country.name_ko
    } else {
        &country.name
    }
}

/// Countries, most users first.
fn countries_table(korean: bool, rows: &[CountryStat]) -> Table {
    use Label::*;
    let mut table = Table::new(korean, &[(Rank, true), (Country, false), (Users, true), (TodayActive, true)]);
    for (i, c) in rows.iter().enumerate() {
        let name = format!("{} ({})", country_name(korean, c), c.country);
        table.rows.push(vec![(i + 1).to_string(), name, text::count(c.users), text::count(c.today_active)]);
    }
    table
}

/// Problems per subject (rows) and difficulty (columns), with totals.
fn matrix_table(korean: bool, matrix: &ProblemMatrix) -> Table {
    let mut table = Table::new(korean, &[(Label::Subject, false)]);
    for d in &matrix.difficulties {
        table.headers.push(text::value_name(korean, d).to_owned());
        table.numeric.push(true);
    }
    table.headers.push(label(korean, Label::Total).to_owned());
    table.numeric.push(true);
    for (subject, counts) in matrix.subjects.iter().zip(&matrix.counts) {
        let mut row = vec![text::value_name(korean, subject).to_owned()];
        row.extend(counts.iter().map(|n| text::count(*n)));
        row.push(text::count(counts.iter().sum()));
        table.rows.push(row);
    }
    table
}

/// Problems with their solves, tries and solve rate.
fn problems_table(korean: bool, lines: &[ProblemLine]) -> Table {
    use Label::*;
    let columns = [
        (ProblemTitle, false),
        (Subject, false),
        (Difficulty, false),
        (Solves, true),
        (Attempts, true),
        (SolveRate, true),
    ];
    let mut table = Table::new(korean, &columns);
    let none = label(korean, NoSubject);
    for p in lines {
        table.rows.push(vec![
            p.title.clone(),
            p.subject.as_deref().map_or(none, |s| text::value_name(korean, s)).to_owned(),
            p.difficulty.as_deref().map_or(none, |d| text::value_name(korean, d)).to_owned(),
            text::count(p.solves),
            text::count(p.attempts),
            p.solve_rate.map_or_else(|| "–".to_owned(), text::percent),
        ]);
    }
    table
}

/// An anomaly's metric in words (`Sign-ups`, `Activities: 정답`).
fn anomaly_metric(korean: bool, a: &Anomaly) -> String {
    let name = text::figure_name(korean, a.metric);
    match &a.activity_type {
        Some(t) => format!("{name}: {}", text::activity_name(korean, t)),
        None => name.to_owned(),
    }
}

/// Unusual days, most unusual first.
fn anomalies_table(korean: bool, items: &[Anomaly]) -> Table {
    use Label::*;
    let mut table =
        Table::new(korean, &[(Day, false), (Metric, false), (Value, true), (BaselineMean, true), (ZScore, true)]);
    for a in items {
        table.rows.push(vec![
            a.day.to_string(),
            anomaly_metric(korean, a),
            text::count(a.value),
            format!("{:.1}", a.mean),
            format!("{:+.1}", a.z),
        ]);
    }
    table
}

/// A time bucket's label in `zone`: `09:00` for hours, `2026-11-23` for days.
fn bucket_label(start: DateTime<Utc>, bucket: Bucket, zone: Zone) -> String {
    let local = start.with_timezone(&zone.offset());
    match bucket {
        Bucket::Hour => local.format("%H:00").to_string(),
        Bucket::Day => local.format("%Y-%m-%d").to_string(),
    }
}

/// Rows of a day series as a table shows them: one per bucket, or, past
/// [`MAX_DAY_ROWS`] days, one per ISO week (`2026-11-23 – 11-29`, a lone day
/// as itself); each row with the indices of the buckets it covers.
fn fold(range: &ResolvedRange, days: &[NaiveDate], labels: Vec<String>) -> (Label, Vec<(String, Vec<usize>)>) {
    if range.bucket == Bucket::Hour || days.len() <= MAX_DAY_ROWS {
        return (Label::Date, labels.into_iter().enumerate().map(|(i, l)| (l, vec![i])).collect());
    }
    let mut weeks: Vec<(String, Vec<usize>)> = Vec::new();
    let mut current = None;
    for (i, day) in days.iter().enumerate() {
        let week = day.iso_week();
        if current != Some(week) {
            current = Some(week);
            weeks.push((day.to_string(), Vec::new()));
        }
        if let Some((_, members)) = weeks.last_mut() {
            members.push(i);
        }
    }
    for (name, members) in &mut weeks {
        if let (Some(&first), Some(&last)) = (members.first(), members.last()) {
            *name = if first == last {
                days[first].to_string()
            } else {
                format!("{} – {}", days[first], days[last].format("%m-%d"))
            };
        }
    }
    (Label::Week, weeks)
}

/// The table a chart becomes (its figures, for readers without the picture).
fn chart_table(korean: bool, chart: &ChartData) -> Table {
    use Label::*;
    match chart {
        ChartData::UserGrowth(g) => {
            let days: Vec<NaiveDate> = g.points.iter().map(|p| p.date).collect();
            let labels = g.points.iter().map(|p| bucket_label(p.start, g.range.bucket, g.range.zone)).collect();
            let (first, rows) = fold(&g.range, &days, labels);
            let mut table = Table::new(korean, &[(first, false), (NewUsers, true), (CumulativeUsers, true)]);
            for (name, members) in rows {
                let new: i64 = members.iter().map(|&i| g.points[i].new_users).sum();
                let total = members.last().map_or(0, |&i| g.points[i].total_users);
                table.rows.push(vec![name, text::count(new), text::count(total)]);
            }
            table
        }
        ChartData::UsersByType(t) => {
            let mut table = Table::new(korean, &[(UserType, false), (Users, true), (Share, true)]);
            let all = t.free + t.paid + t.premium;
            for (key, n) in [("free", t.free), ("paid", t.paid), ("premium", t.premium)] {
                let share = if all == 0 { "–".to_owned() } else { text::percent(n as f64 / all as f64) };
                table.rows.push(vec![text::value_name(korean, key).to_owned(), text::count(n), share]);
            }
            table.rows.push(vec![label(korean, Total).to_owned(), text::count(all), String::new()]);
            table
        }
        ChartData::Activity(a) => {
            let zone = a.range.zone.offset();
            let days: Vec<NaiveDate> = a.buckets.iter().map(|b| b.with_timezone(&zone).date_naive()).collect();
            let labels = a.buckets.iter().map(|b| bucket_label(*b, a.range.bucket, a.range.zone)).collect();
            let (first, rows) = fold(&a.range, &days, labels);
            let mut table = Table::new(korean, &[(first, false)]);
            for s in &a.series {
                table.headers.push(text::activity_name(korean, &s.activity_type).to_owned());
                table.numeric.push(true);
            }
            table.headers.push(label(korean, Total).to_owned());
            table.numeric.push(true);
            for (name, members) in rows {
                let sums: Vec<i64> =
                    a.series.iter().map(|s| members.iter().filter_map(|&i| s.counts.get(i)).sum()).collect();
                let mut row = vec![name];
                row.extend(sums.iter().map(|n| text::count(*n)));
                row.push(text::count(sums.iter().sum()));
                table.rows.push(row);
            }
            table
        }
        ChartData::Heatmap(h) => {
            // Eight three-hour columns: 24 would not fit a mail or a Markdown page.
            let mut table = Table::new(korean, &[(Weekday, false)]);
            for block in 0..8 {
                table.headers.push(format!("{:02}–{:02}", block * 3, block * 3 + 2));
                table.numeric.push(true);
            }
            table.headers.push(label(korean, Total).to_owned());
            table.numeric.push(true);
            for (day, name) in text::weekdays(korean).iter().enumerate() {
                let hours = h.counts.get(day).map(Vec::as_slice).unwrap_or_default();
                let mut row = vec![(*name).to_owned()];
                row.extend(hours.chunks(3).map(|c| text::count(c.iter().sum())));
                row.resize(9, "0".to_owned());
                row.push(text::count(hours.iter().sum()));
                table.rows.push(row);
            }
            table
        }
        ChartData::Problems(m) => matrix_table(korean, m),
    }
}

/// A piece of free text.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Block {
    /// Lines joined into one paragraph.
    Paragraph(String),
    /// Consecutive `- ` lines.
    Bullets(Vec<String>),
}

/// Free text as paragraphs (split at blank lines) and bullet lists (lines starting `- `).
fn blocks(body: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, out: &mut Vec<Block>| {
        if !paragraph.is_empty() {
            out.push(Block::Paragraph(paragraph.join(" ")));
            paragraph.clear();
        }
    };
    for line in body.lines().map(str::trim) {
        if let Some(item) = line.strip_prefix("- ") {
            flush(&mut paragraph, &mut out);
            match out.last_mut() {
                Some(Block::Bullets(items)) => items.push(item.trim().to_owned()),
                _ => out.push(Block::Bullets(vec![item.trim().to_owned()])),
            }
        } else if line.is_empty() {
            flush(&mut paragraph, &mut out);
        } else {
            paragraph.push(line);
        }
    }
    flush(&mut paragraph, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_becomes_paragraphs_and_bullets() {
        let body = "First line\nsame paragraph\n\n- one\n- two\nafter\n\n\n";
        assert_eq!(
            blocks(body),
            [
                Block::Paragraph("First line same paragraph".into()),
                Block::Bullets(vec!["one".into(), "two".into()]),
                Block::Paragraph("after".into()),
            ]
        );
        assert!(blocks("  \n").is_empty());
    }

    #[test]
    fn long_day_series_fold_into_iso_weeks() {
        use crate::model::range::Preset;
        let first = NaiveDate::from_ymd_opt(2026, 11, 4).unwrap(); // a Wednesday
        let days: Vec<NaiveDate> = (0..40).map(|i| first + chrono::Duration::days(i)).collect();
        let range = ResolvedRange {
            preset: Preset::Custom,
            zone: Zone::Kst,
            first_day: first,
            last_day: days[39],
            start: Utc::now(),
            end: Utc::now(),
            bucket: Bucket::Day,
        };
        let labels: Vec<String> = days.iter().map(ToString::to_string).collect();
        let (column, rows) = fold(&range, &days, labels.clone());
        assert_eq!(column, Label::Week);
        assert_eq!(rows[0], ("2026-11-04 – 11-08".to_owned(), vec![0, 1, 2, 3, 4]));
        assert_eq!(rows[1].1.len(), 7);
        assert_eq!(rows.iter().map(|r| r.1.len()).sum::<usize>(), 40);
        let (column, rows) = fold(&range, &days[..31], labels[..31].to_vec());
        assert_eq!((column, rows.len()), (Label::Date, 31));
    }
}
