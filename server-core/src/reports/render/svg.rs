//! The five dashboard charts as SVG, drawn on the server with plotters: no
//! JavaScript, no font files (the SVG names the font family and the reader's
//! client draws the text), nothing random, so the same data gives the same
//! bytes. 600×300 in the dashboard's palette (ECharts' default light theme).
//! plotters escapes every text and attribute it writes; what it repeats on
//! every element (the font, full opacity) is said once on the `<svg>`, which
//! takes a third off a chart (Gmail clips a mail past 102 KB).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::super::data::ChartData;
use super::super::text::{self, label, Label};
use crate::model::range::{Bucket, Zone};
use crate::model::{ActivityHeatmap, ActivitySeries, ProblemMatrix, UserGrowth, UsersByType};

/// Width and height, in pixels.
pub const SIZE: (u32, u32) = (600, 300);

/// The reports' font stack (Pretendard, then the systems' Korean fonts).
pub const FONT_FAMILY: &str = "Pretendard, 'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif";

/// ECharts' default series colours, in order: the dashboard draws with them.
const PALETTE: [RGBColor; 9] = [
    RGBColor(0x54, 0x70, 0xc6),
    RGBColor(0x91, 0xcc, 0x75),
    RGBColor(0xfa, 0xc8, 0x58),
    RGBColor(0xee, 0x66, 0x66),
    RGBColor(0x73, 0xc0, 0xde),
    RGBColor(0x3b, 0xa2, 0x72),
    RGBColor(0xfc, 0x84, 0x52),
    RGBColor(0x9a, 0x60, 0xb4),
    RGBColor(0xea, 0x7c, 0xcc),
];
/// ECharts' axis and label grey.
const AXIS: RGBColor = RGBColor(0x6e, 0x70, 0x79);
/// ECharts' split-line grey.
const GRID: RGBColor = RGBColor(0xe0, 0xe6, 0xf1);
/// ECharts' default continuous visual-map scale (low, middle, high).
const HEAT: [RGBColor; 3] = [RGBColor(0xf6, 0xef, 0xa6), RGBColor(0xd8, 0x82, 0x73), RGBColor(0xbf, 0x44, 0x4c)];

/// plotters writes `font-size` as the size over 1.24: these give 11 and 12 px.
const SMALL: f64 = 13.64;
/// 12 px once written.
const NORMAL: f64 = 14.88;

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Drawn = Result<(), DrawingAreaErrorKind<std::io::Error>>;

/// A drawn chart: the elements inside its `<svg>` element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Svg {
    /// The elements and the closing tag.
    body: String,
}

impl Svg {
    /// A standalone SVG file (with its namespace), for files and the PDF.
    pub fn standalone(&self) -> String {
        format!("{}{}", open_tag(" xmlns=\"http://www.w3.org/2000/svg\""), self.body)
    }

    /// The SVG inside an HTML page: no namespace (HTML needs none, and a mail
    /// carries no URL), named `label` for screen readers, as wide as its column.
    pub fn inline(&self, label: &str) -> String {
        let extra = format!(
            " role=\"img\" aria-label=\"{}\" style=\"display:block;width:100%;max-width:{}px;height:auto\"",
            super::html::escape(label),
            SIZE.0
        );
        format!("{}{}", open_tag(&extra), self.body)
    }
}

/// The `<svg>` start tag with `extra` attributes, the font for all its text.
fn open_tag(extra: &str) -> String {
    let (w, h) = SIZE;
    let font = super::html::escape(FONT_FAMILY);
    format!("<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{font}\"{extra}>\n")
}

/// Takes out of plotters' output its start tag and the attributes it repeats
/// with their default or inherited value.
fn compact(drawn: &str) -> String {
    let body = drawn.split_once('\n').map_or("", |(_, body)| body);
    let font = format!(" font-family=\"{}\"", FONT_FAMILY.replace('\'', "&apos;"));
    body.replace(&font, "").replace(" opacity=\"1\"", "").replace(" stroke=\"none\"", "")
}

/// The chart of `chart`, labelled in Korean or English.
pub fn chart(korean: bool, chart: &ChartData) -> Svg {
    match chart {
        ChartData::UserGrowth(g) => user_growth(korean, g),
        ChartData::UsersByType(t) => users_by_type(korean, t),
        ChartData::Activity(a) => activity(korean, a),
        ChartData::Heatmap(h) => heatmap(korean, h),
        ChartData::Problems(m) => problems(korean, m),
    }
}

/// Draws on a white 600×300 canvas. Drawing into a string cannot fail on
/// I/O; should plotters still refuse, the error is logged and the SVG, which
/// the backend always closes, is returned as far as it got.
fn svg(name: &'static str, draw: impl FnOnce(&Area) -> Drawn) -> Svg {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
        let drawn = root.fill(&WHITE).and_then(|()| draw(&root)).and_then(|()| root.present());
        if let Err(error) = drawn {
            tracing::warn!(chart = name, error = %error, "report chart drawing failed");
        }
    }
    Svg { body: compact(&out) }
}

/// Text in the reports' font.
fn font(size: f64, color: &RGBColor) -> TextStyle<'static> {
    (FONT_FAMILY, size).into_font().color(color)
}

/// A rough width of `text` in pixels at `px`: Hangul is about square, Latin
/// about 0.6 em (plotters' own guess counts UTF-8 bytes, three per Hangul).
fn text_width(text: &str, px: f64) -> i32 {
    let ems: f64 = text.chars().map(|c| if c.is_ascii() { 0.6 } else { 1.0 }).sum();
    (ems * px).ceil() as i32
}

/// Draws a legend of coloured squares and names across the top of `area`,
/// wrapping lines; returns the height it took.
fn legend(area: &Area, items: &[(String, RGBColor)]) -> Result<i32, DrawingAreaErrorKind<std::io::Error>> {
    let (width, _) = area.dim_in_pixel();
    let (mut x, mut y) = (56, 14);
    for (name, color) in items {
        let item = 16 + text_width(name, 12.0);
        if x + item > width as i32 - 8 && x > 56 {
            (x, y) = (56, y + 18);
        }
        area.draw(&Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled()))?;
        let style = font(NORMAL, &AXIS).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(name.clone(), (x + 14, y), style))?;
        x += item + 16;
    }
    Ok(y + 12)
}

/// The top of a value axis: `max` rounded up to a round number (1, 1.5, 2,
/// 2.5, 3, 4, 5, 6 or 8 times a power of ten), so the grid lines fall on round
/// numbers and the bars fill most of the height.
fn nice_top(max: i64) -> i64 {
    let mut power = 1;
    loop {
        for tenths in [10, 15, 20, 25, 30, 40, 50, 60, 80] {
            let top = tenths * power;
            if top % 10 == 0 && top / 10 >= max.max(1) {
                return top / 10;
            }
        }
        power *= 10;
    }
}

/// `name` cut with an ellipsis to about `px` pixels at 11 px.
fn fit(name: &str, px: i32) -> String {
    if text_width(name, 11.0) <= px {
        return name.to_owned();
    }
    let mut out = String::new();
    for c in name.chars() {
        if text_width(&out, 11.0) + text_width(&c.to_string(), 11.0) + 11 > px {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

/// The label of category `v` (an axis position) among `names`, blank between them.
fn category(names: &[String], v: f64) -> String {
    let i = v.round();
    if (v - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    names.get(i as usize).cloned().unwrap_or_default()
}

/// An axis label of a time bucket: `09` for hours, `11-23` for days.
fn axis_label(start: chrono::DateTime<chrono::Utc>, bucket: Bucket, zone: Zone) -> String {
    let local = start.with_timezone(&zone.offset());
    match bucket {
        Bucket::Hour => local.format("%H").to_string(),
        Bucket::Day => local.format("%m-%d").to_string(),
    }
}

/// New users per bucket (bars, left axis) and the running total (a line, right axis).
fn user_growth(korean: bool, data: &UserGrowth) -> Svg {
    let names: Vec<String> =
        data.points.iter().map(|p| axis_label(p.start, data.range.bucket, data.range.zone)).collect();
    let n = names.len().max(1) as f64;
    let top = nice_top(data.points.iter().map(|p| p.new_users).max().unwrap_or(0));
    let (lo, hi) = {
        let totals = data.points.iter().map(|p| p.total_users);
        let (min, max) = (totals.clone().min().unwrap_or(0), totals.max().unwrap_or(0));
        let pad = ((max - min) / 10).max(1);
        ((min - pad).max(0), max + pad)
    };
    svg("user_growth", |root| {
        let items = [
            (label(korean, Label::NewUsers).to_owned(), PALETTE[0]),
            (label(korean, Label::CumulativeUsers).to_owned(), PALETTE[1]),
        ];
        let (_, body) = root.split_vertically(legend(root, &items)?);
        let mut chart = ChartBuilder::on(&body)
            .margin(8)
            .x_label_area_size(24)
            .y_label_area_size(48)
            .right_y_label_area_size(56)
            .build_cartesian_2d(-0.5..n - 0.5, 0..top)?
            .set_secondary_coord(-0.5..n - 0.5, lo..hi);
        let x_label = |v: &f64| category(&names, *v);
        let y_label = |v: &i64| text::count(*v);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(AXIS)
            .label_style(font(SMALL, &AXIS))
            .x_labels(names.len().clamp(1, 8))
            .y_labels(6)
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .draw()?;
        chart
            .configure_secondary_axes()
            .axis_style(AXIS)
            .label_style(font(SMALL, &AXIS))
            .y_labels(6)
            .y_label_formatter(&y_label)
            .draw()?;
        chart.draw_series(data.points.iter().enumerate().filter(|(_, p)| p.new_users > 0).map(|(i, p)| {
            let x = i as f64;
            Rectangle::new([(x - 0.35, 0), (x + 0.35, p.new_users)], PALETTE[0].filled())
        }))?;
        let line = data.points.iter().enumerate().map(|(i, p)| (i as f64, p.total_users));
        chart.draw_secondary_series(LineSeries::new(line, PALETTE[1].stroke_width(2)))?;
        Ok(())
    })
}

/// Users per tier as horizontal bars, each with its count.
fn users_by_type(korean: bool, data: &UsersByType) -> Svg {
    let tiers = [("free", data.free), ("paid", data.paid), ("premium", data.premium)];
    // The first tier on top: the axis counts upwards.
    let names: Vec<String> = tiers.iter().rev().map(|(k, _)| text::value_name(korean, k).to_owned()).collect();
    let top = nice_top(tiers.iter().map(|(_, n)| *n).max().unwrap_or(0) * 11 / 10);
    svg("users_by_type", |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(16)
            .margin_right(24)
            .x_label_area_size(24)
            .y_label_area_size(72)
            .build_cartesian_2d(0..top, -0.5..2.5)?;
        let y_label = |v: &f64| category(&names, *v);
        let x_label = |v: &i64| text::count(*v);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(AXIS)
            .label_style(font(SMALL, &AXIS))
            .y_label_style(font(NORMAL, &AXIS))
            .x_labels(6)
            .y_labels(3)
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .draw()?;
        chart.draw_series(tiers.iter().enumerate().map(|(i, (_, n))| {
            let y = 2.0 - i as f64;
            Rectangle::new([(0, y - 0.3), (*n, y + 0.3)], PALETTE[i].filled())
        }))?;
        let value = font(NORMAL, &AXIS).pos(Pos::new(HPos::Left, VPos::Center));
        chart.draw_series(tiers.iter().enumerate().map(|(i, (_, n))| {
            EmptyElement::at((*n, 2.0 - i as f64)) + Text::new(text::count(*n), (6, 0), value.clone())
        }))?;
        Ok(())
    })
}

/// Activities per bucket, stacked by type (busiest type at the bottom).
fn activity(korean: bool, data: &ActivitySeries) -> Svg {
    let names: Vec<String> = data.buckets.iter().map(|b| axis_label(*b, data.range.bucket, data.range.zone)).collect();
    let n = names.len().max(1) as f64;
    let sums = (0..names.len()).map(|i| data.series.iter().filter_map(|s| s.counts.get(i)).sum::<i64>());
    let top = nice_top(sums.max().unwrap_or(0));
    svg("activity", |root| {
        let items: Vec<(String, RGBColor)> = data
            .series
            .iter()
            .enumerate()
            .map(|(k, s)| (text::activity_name(korean, &s.activity_type).to_owned(), PALETTE[k % PALETTE.len()]))
            .collect();
        let (_, body) = root.split_vertically(legend(root, &items)?);
        let mut chart = ChartBuilder::on(&body)
            .margin(8)
            .margin_right(24)
            .x_label_area_size(24)
            .y_label_area_size(48)
            .build_cartesian_2d(-0.5..n - 0.5, 0..top)?;
        let x_label = |v: &f64| category(&names, *v);
        let y_label = |v: &i64| text::count(*v);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(AXIS)
            .label_style(font(SMALL, &AXIS))
            .x_labels(names.len().clamp(1, 8))
            .y_labels(6)
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .draw()?;
        let mut base = vec![0_i64; names.len()];
        for (k, series) in data.series.iter().enumerate() {
            let color = PALETTE[k % PALETTE.len()];
            let mut bars = Vec::new();
            for (i, count) in series.counts.iter().enumerate().take(names.len()) {
                if *count > 0 {
                    let x = i as f64;
                    bars.push(Rectangle::new([(x - 0.35, base[i]), (x + 0.35, base[i] + count)], color.filled()));
                    base[i] += count;
                }
            }
            chart.draw_series(bars)?;
        }
        Ok(())
    })
}

/// The colour of a heat-map cell at `share` (0–1) of the largest cell.
fn heat(share: f64) -> RGBColor {
    let share = share.clamp(0.0, 1.0) * 2.0;
    let (from, to, t) = if share <= 1.0 { (HEAT[0], HEAT[1], share) } else { (HEAT[1], HEAT[2], share - 1.0) };
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    RGBColor(mix(from.0, to.0), mix(from.1, to.1), mix(from.2, to.2))
}

/// Activities per weekday (rows, Monday on top) and hour (columns): 7×24 cells,
/// hour labels every three hours and a five-step scale from 0 to the largest cell.
fn heatmap(korean: bool, data: &ActivityHeatmap) -> Svg {
    const LEFT: i32 = 48;
    const TOP: i32 = 12;
    const CELL_W: i32 = 22;
    const CELL_H: i32 = 28;
    let max = data.max.max(1);
    svg("heatmap", |root| {
        let muted = font(SMALL, &AXIS);
        for (day, name) in text::weekdays(korean).iter().enumerate() {
            let y = TOP + day as i32 * CELL_H;
            let style = font(NORMAL, &AXIS).pos(Pos::new(HPos::Right, VPos::Center));
            root.draw(&Text::new(*name, (LEFT - 8, y + CELL_H / 2), style))?;
            for hour in 0..24 {
                let n = data.counts.get(day).and_then(|row| row.get(hour)).copied().unwrap_or(0);
                let x = LEFT + hour as i32 * CELL_W;
                let cell = [(x, y), (x + CELL_W - 1, y + CELL_H - 1)];
                root.draw(&Rectangle::new(cell, heat(n as f64 / max as f64).filled()))?;
            }
        }
        let below = TOP + 7 * CELL_H + 6;
        for hour in (0..24).step_by(3) {
            let style = muted.pos(Pos::new(HPos::Center, VPos::Top));
            root.draw(&Text::new(format!("{hour:02}"), (LEFT + hour * CELL_W + CELL_W / 2, below), style))?;
        }
        // The scale, centred under the grid.
        let (scale_y, step_w) = (below + 28, 32);
        let scale_x = LEFT + 12 * CELL_W - 5 * step_w / 2;
        for step in 0..5 {
            let x = scale_x + step * step_w;
            let cell = [(x, scale_y), (x + step_w - 1, scale_y + 12)];
            root.draw(&Rectangle::new(cell, heat(f64::from(step) / 4.0).filled()))?;
        }
        let right = muted.pos(Pos::new(HPos::Right, VPos::Center));
        root.draw(&Text::new("0", (scale_x - 6, scale_y + 6), right))?;
        let left = muted.pos(Pos::new(HPos::Left, VPos::Center));
        root.draw(&Text::new(text::count(data.max), (scale_x + 5 * step_w + 6, scale_y + 6), left))?;
        Ok(())
    })
}

/// Problems per subject, one bar per difficulty side by side.
fn problems(korean: bool, data: &ProblemMatrix) -> Svg {
    // Each subject's label gets its slot of the ~480 px plot.
    let slot = 480 / data.subjects.len().max(1) as i32 - 8;
    let names: Vec<String> = data.subjects.iter().map(|s| fit(text::value_name(korean, s), slot)).collect();
    let n = names.len().max(1) as f64;
    let top = nice_top(data.counts.iter().flatten().copied().max().unwrap_or(0));
    let groups = data.difficulties.len().max(1) as f64;
    svg("problems", |root| {
        let items: Vec<(String, RGBColor)> = data
            .difficulties
            .iter()
            .enumerate()
            .map(|(k, d)| (text::value_name(korean, d).to_owned(), PALETTE[k % PALETTE.len()]))
            .collect();
        let (_, body) = root.split_vertically(legend(root, &items)?);
        let mut chart = ChartBuilder::on(&body)
            .margin(8)
            .margin_right(24)
            .x_label_area_size(24)
            .y_label_area_size(48)
            .build_cartesian_2d(-0.5..n - 0.5, 0..top)?;
        let x_label = |v: &f64| category(&names, *v);
        let y_label = |v: &i64| text::count(*v);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(AXIS)
            .label_style(font(SMALL, &AXIS))
            .x_labels(names.len().clamp(1, 12))
            .y_labels(6)
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .draw()?;
        // Each subject gets 80 % of its slot, split evenly between the difficulties.
        let width = 0.8 / groups;
        for k in 0..data.difficulties.len() {
            let color = PALETTE[k % PALETTE.len()];
            let bars = data.counts.iter().enumerate().filter_map(|(i, row)| {
                let count = row.get(k).copied().unwrap_or(0);
                let x = i as f64 - 0.4 + width * k as f64;
                (count > 0).then(|| Rectangle::new([(x + 0.01, 0), (x + width - 0.01, count)], color.filled()))
            });
            chart.draw_series(bars)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_axes_end_on_round_numbers() {
        assert_eq!(
            [0, 1, 3, 7, 10, 11, 180, 231, 1_101, 4_321].map(nice_top),
            [1, 1, 3, 8, 10, 15, 200, 250, 1_500, 5_000]
        );
    }

    #[test]
    fn long_labels_are_cut_to_their_slot() {
        assert_eq!(fit("math", 100), "math");
        let cut = fit("a very long subject name indeed", 80);
        assert!(cut.ends_with('…') && text_width(&cut, 11.0) <= 80, "{cut}");
    }

    #[test]
    fn charts_are_closed_svg_with_the_font_said_once() {
        let drawn = users_by_type(true, &UsersByType { free: 3, paid: 2, premium: 1 });
        let file = drawn.standalone();
        assert!(file.starts_with("<svg width=\"600\" height=\"300\" viewBox=\"0 0 600 300\" font-family="));
        assert!(file.contains("xmlns=\"http://www.w3.org/2000/svg\"") && file.ends_with("</svg>\n"));
        assert_eq!(file.matches("font-family").count(), 1);
        assert!(file.contains(">\n프리미엄\n</text>"), "Korean as UTF-8 text");
        let inline = drawn.inline("a \"b\"");
        assert!(!inline.contains("http") && inline.contains("aria-label=\"a &quot;b&quot;\""));
        assert_eq!(drawn, users_by_type(true, &UsersByType { free: 3, paid: 2, premium: 1 }), "deterministic");
    }

    #[test]
    fn heat_runs_from_the_first_stop_to_the_last() {
        assert_eq!(heat(0.0), HEAT[0]);
        assert_eq!(heat(0.5), HEAT[1]);
        assert_eq!(heat(1.0), HEAT[2]);
        assert_eq!(heat(7.0), HEAT[2]);
    }

    #[test]
    fn categories_are_named_only_at_whole_positions() {
        let names = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(
            (category(&names, 1.0), category(&names, 0.5), category(&names, 5.0)),
            ("b".into(), "".into(), "".into())
        );
    }
}
