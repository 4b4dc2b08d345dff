//! The report as GitHub-flavoured Markdown: headings, and a table for every
//! chart (days summed per ISO week past 31). Text is escaped, so a title or a
//! note can neither add markup, links or HTML nor break a table.

use std::fmt::Write as _;

use super::super::data::ReportData;
use super::super::text::{label, Label};
use super::{chart_table, figures_table, generated_at, heading, parts, period, Block, Part, Table};

/// `text` as literal Markdown: a backslash before every character GFM could
/// read as markup (`\ ` * _ [ ] < > | & ~ #`), line breaks as spaces, and a
/// leading list marker (`- `, `+ `, `1. `) escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '~' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    // A line starting "- ", "+ " or "1. " would become a list item.
    let digits = out.len() - out.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = &out[digits..];
    let marker = match digits {
        0 => rest.starts_with(['-', '+']).then_some(0),
        _ => rest.starts_with(['.', ')']).then_some(digits),
    };
    if let Some(at) = marker {
        if rest[1..].is_empty() || rest[1..].starts_with(' ') {
            out.insert(at, '\\');
        }
    }
    out
}

/// The Markdown document of `data`.
pub fn render(data: &ReportData) -> String {
    let korean = data.korean;
    let mut md = String::with_capacity(16 * 1024);
    // `write!` into a String cannot fail.
    let _ = writeln!(md, "# {}\n", escape(&data.title));
    let _ = writeln!(md, "{}: {}  ", label(korean, Label::Period), escape(&period(&data.range)));
    let _ = writeln!(md, "{}: {}\n", label(korean, Label::Generated), escape(&generated_at(data)));
    for section in &data.sections {
        let _ = writeln!(md, "## {}\n", escape(&heading(korean, section)));
        for part in parts(korean, section) {
            match part {
                Part::Figures(figures) => write_table(&mut md, korean, &figures_table(korean, figures)),
                Part::Chart(chart) => write_table(&mut md, korean, &chart_table(korean, chart)),
                Part::Table(table) => write_table(&mut md, korean, &table),
                Part::Subheading(text) => {
                    let _ = writeln!(md, "### {}\n", escape(text));
                }
                Part::Note(text) => {
                    let _ = writeln!(md, "{}\n", escape(&text));
                }
                Part::Text(blocks) => {
                    for block in blocks {
                        match block {
                            Block::Paragraph(p) => {
                                let _ = writeln!(md, "{}\n", escape(&p));
                            }
                            Block::Bullets(items) => {
                                for item in items {
                                    let _ = writeln!(md, "- {}", escape(&item));
                                }
                                md.push('\n');
                            }
                        }
                    }
                }
            }
        }
    }
    let _ = writeln!(md, "---\n\n{}", escape(label(korean, Label::Footer)));
    md
}

/// A GFM table, numbers aligned right; an empty one says so.
fn write_table(md: &mut String, korean: bool, table: &Table) {
    if table.rows.is_empty() {
        let _ = writeln!(md, "{}\n", escape(label(korean, Label::NoData)));
        return;
    }
    let cells = |row: &[String]| row.iter().map(|c| escape(c)).collect::<Vec<_>>().join(" | ");
    let _ = writeln!(md, "| {} |", cells(&table.headers));
    let rule: Vec<&str> = table.numeric.iter().map(|&n| if n { "---:" } else { "---" }).collect();
    let _ = writeln!(md, "|{}|", rule.join("|"));
    for row in &table.rows {
        let _ = writeln!(md, "| {} |", cells(row));
    }
    md.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_to_literal_text() {
        assert_eq!(escape("| a *b* [c](d) <x> |"), r"\| a \*b\* \[c\](d) \<x\> \|");
        assert_eq!(escape("`code` _u_ \\ & ~s~ #1"), r"\`code\` \_u\_ \\ \& \~s\~ \#1");
        assert_eq!(escape("- not a list\nnext"), r"\- not a list next");
        assert_eq!(escape("12. not a list"), r"12\. not a list");
        assert_eq!((escape("-10"), escape("+5")), ("-10".to_owned(), "+5".to_owned()));
    }
}
