//! The report as one self-contained HTML document that mail clients show as
//! it is: no script, no stylesheet (`style=` on each element, since most
//! clients drop `<style>`), no external URL, a 640 px table layout. Each chart
//! is an inline SVG followed by its figures as a table, for clients that drop
//! SVG. Every piece of text goes through [`escape`].

use std::fmt::Write as _;

use super::super::data::{ChartData, Figure, ReportData};
use super::super::text::{self, label, Label, Trend};
use super::{card_change, chart_table, generated_at, heading, parts, period, svg, Block, Part, Table};

/// The body font stack (single quotes: it sits inside `style="…"`).
const FONT: &str = "font-family:Pretendard,'Apple SD Gothic Neo','Malgun Gothic',sans-serif";
/// Main text colour (the dashboard's light theme).
const TEXT: &str = "#1b2430";
/// Secondary text.
const MUTED: &str = "#5d6b7a";
/// Rules and borders.
const BORDER: &str = "#dde3ea";
/// Growth, in the dashboard's `--up` green.
const UP: &str = "#1f7a5a";
/// Decline, in the dashboard's `--down` red.
const DOWN: &str = "#b42318";

/// `text` safe in element content and in quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The HTML document of `data`.
pub fn render(data: &ReportData) -> String {
    let korean = data.korean;
    let mut h = String::with_capacity(64 * 1024);
    let lang = if korean { "ko" } else { "en" };
    let title = escape(&data.title);
    // `write!` into a String cannot fail.
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n</head>\n\
         <body style=\"margin:0;padding:0;background:#f4f6f8;color:{TEXT};{FONT}\">\n\
         <table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" \
         style=\"background:#f4f6f8\">\n<tr><td align=\"center\" style=\"padding:24px 8px\">\n\
         <table role=\"presentation\" width=\"640\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" \
         style=\"width:640px;max-width:100%;background:#ffffff;border:1px solid {BORDER};border-radius:10px\">\n"
    );
    let _ = write!(
        h,
        "<tr><td style=\"padding:24px 20px 8px\">\n\
         <h1 style=\"margin:0 0 8px;font-size:22px;line-height:1.3;color:{TEXT};{FONT}\">{title}</h1>\n\
         <p style=\"margin:0;font-size:14px;color:{TEXT}\">{}: {}</p>\n\
         <p style=\"margin:4px 0 0;font-size:12px;color:{MUTED}\">{}: {}</p>\n</td></tr>\n",
        label(korean, Label::Period),
        escape(&period(&data.range)),
        label(korean, Label::Generated),
        escape(&generated_at(data)),
    );
    for section in &data.sections {
        let _ = write!(
            h,
            "<tr><td style=\"padding:16px 20px;border-top:1px solid {BORDER}\">\n\
             <h2 style=\"margin:0 0 12px;font-size:17px;color:{TEXT};{FONT}\">{}</h2>\n",
            escape(&heading(korean, section))
        );
        for part in parts(korean, section) {
            write_part(&mut h, korean, &part);
        }
        h.push_str("</td></tr>\n");
    }
    let _ = write!(
        h,
        "<tr><td style=\"padding:12px 20px 20px;border-top:1px solid {BORDER};font-size:12px;color:{MUTED}\">{}</td></tr>\n\
         </table>\n</td></tr>\n</table>\n</body>\n</html>\n",
        escape(label(korean, Label::Footer))
    );
    h
}

/// One part of a section.
fn write_part(h: &mut String, korean: bool, part: &Part<'_>) {
    match part {
        Part::Figures(figures) => write_cards(h, korean, figures),
        Part::Chart(chart) => {
            write_chart(h, korean, chart);
            write_table(h, korean, &chart_table(korean, chart));
        }
        Part::Table(table) => write_table(h, korean, table),
        Part::Subheading(text) => {
            let _ = writeln!(h, "<h3 style=\"margin:16px 0 8px;font-size:14px;color:{TEXT}\">{}</h3>", escape(text));
        }
        Part::Note(text) => {
            let _ = writeln!(h, "<p style=\"margin:8px 0;font-size:13px;color:{MUTED}\">{}</p>", escape(text));
        }
        Part::Text(blocks) => {
            for block in blocks {
                match block {
                    Block::Paragraph(p) => {
                        let _ = writeln!(
                            h,
                            "<p style=\"margin:0 0 10px;font-size:14px;line-height:1.6\">{}</p>",
                            escape(p)
                        );
                    }
                    Block::Bullets(items) => {
                        h.push_str("<ul style=\"margin:0 0 10px;padding-left:20px;font-size:14px;line-height:1.6\">\n");
                        for item in items {
                            let _ = writeln!(h, "<li>{}</li>", escape(item));
                        }
                        h.push_str("</ul>\n");
                    }
                }
            }
        }
    }
}

/// The headline figures as cards, three to a row: the value, its change
/// (a green ▲ or a red ▼ as text, so it survives any client) and the previous value.
fn write_cards(h: &mut String, korean: bool, figures: &[Figure]) {
    h.push_str("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\">\n");
    for row in figures.chunks(3) {
        h.push_str("<tr>\n");
        for f in row {
            let color = match Trend::of(f.value, f.previous) {
                Trend::Up => UP,
                Trend::Down => DOWN,
                Trend::Flat => MUTED,
            };
            let _ = writeln!(
                h,
                "<td width=\"33%\" valign=\"top\" style=\"width:33%;padding:4px\">\
                 <div style=\"border:1px solid {BORDER};border-radius:8px;padding:10px 12px\">\
                 <div style=\"font-size:12px;color:{MUTED}\">{name}</div>\
                 <div style=\"font-size:22px;font-weight:700;color:{TEXT}\">{value}</div>\
                 <div style=\"font-size:12px;color:{color}\">{change}</div>\
                 <div style=\"font-size:11px;color:{MUTED}\">{prev_label} {prev}</div>\
                 </div></td>",
                name = escape(text::figure_name(korean, f.key)),
                value = text::count(f.value),
                change = escape(&card_change(korean, f)),
                prev_label = label(korean, Label::PreviousPeriod),
                prev = text::count(f.previous),
            );
        }
        // Empty cells keep a short last row's cards the same width.
        for _ in row.len()..3 {
            h.push_str("<td width=\"33%\" style=\"width:33%;padding:4px\"></td>\n");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

/// The chart as inline SVG.
fn write_chart(h: &mut String, korean: bool, chart: &ChartData) {
    let name = label(korean, super::chart_label(chart));
    let _ = writeln!(h, "<div style=\"margin:0 0 8px\">{}</div>", svg::chart(korean, chart).inline(name));
}

/// A compact data table, numbers right-aligned; an empty one says so.
fn write_table(h: &mut String, korean: bool, table: &Table) {
    if table.rows.is_empty() {
        let _ =
            writeln!(h, "<p style=\"margin:8px 0;font-size:13px;color:{MUTED}\">{}</p>", label(korean, Label::NoData));
        return;
    }
    h.push_str(
        "<table cellpadding=\"0\" cellspacing=\"0\" border=\"0\" \
         style=\"width:100%;border-collapse:collapse;font-size:12px;margin:0 0 8px\">\n<tr>",
    );
    let numeric = |i: usize| table.numeric.get(i).copied().unwrap_or(false);
    let align = |i: usize| if numeric(i) { "right" } else { "left" };
    for (i, cell) in table.headers.iter().enumerate() {
        let _ = write!(
            h,
            "<th align=\"{a}\" style=\"padding:4px 6px;border-bottom:1px solid {BORDER};\
             color:{MUTED};font-weight:600\">{}</th>",
            escape(cell),
            a = align(i)
        );
    }
    h.push_str("</tr>\n");
    for row in &table.rows {
        h.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            // Left is a cell's default: only numbers say how they align.
            let a = if numeric(i) { " align=\"right\"" } else { "" };
            let _ = write!(h, "<td{a} style=\"padding:3px 6px;border-bottom:1px solid #eef1f4\">{}</td>", escape(cell));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_both_quotes() {
        assert_eq!(escape(r#"<a href="x" onclick='y'>&"#), "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;");
    }
}
