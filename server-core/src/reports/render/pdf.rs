//! The report as a PDF, laid out by Typst in this process: no browser, no
//! external program, no network. `report.typ` holds the layout; this file
//! turns [`ReportData`] into the JSON it reads (every piece of text a string,
//! so nothing is parsed as Typst markup) with each chart as SVG, and compiles.
//!
//! Korean needs a font that has it: Pretendard (SIL OFL 1.1), the UI's font,
//! from its npm package (`make assets` installs it), embedded in the binary and
//! subset into each PDF. The output carries no date, so the same data gives the
//! same bytes.

use std::sync::LazyLock;

use serde::Serialize;
use typst::foundations::{Dict, IntoValue};
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use super::super::data::{Figure, ReportData};
use super::super::text::{self, label, Label, Trend};
use super::{card_change, chart_label, chart_table, generated_at, heading, parts, period, svg, Block, Part, Table};

/// The page layout.
const TEMPLATE: &str = include_str!("report.typ");
/// Pretendard Regular and Bold (OpenType/CFF, 1.5 MB each; a PDF keeps only
/// the glyphs it uses).
const REGULAR: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../node_modules/pretendard/dist/public/static/Pretendard-Regular.otf"
));
const BOLD: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../node_modules/pretendard/dist/public/static/Pretendard-Bold.otf"
));

/// One engine per process: the fonts are parsed once. Typst's memo cache is
/// emptied after each compile (typst-as-lib's default), so memory stays flat.
static ENGINE: LazyLock<TypstEngine<TypstTemplateMainFile>> =
    LazyLock::new(|| TypstEngine::builder().main_file(TEMPLATE).fonts([REGULAR, BOLD]).build());

/// What `report.typ` reads.
#[derive(Serialize)]
struct Doc<'a> {
    lang: &'static str,
    title: &'a str,
    period: String,
    generated: String,
    footer: &'static str,
    no_data: &'static str,
    sections: Vec<Section>,
}

/// A section: its heading and parts.
#[derive(Serialize)]
struct Section {
    heading: String,
    parts: Vec<PdfPart>,
}

/// A part as the layout draws it.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum PdfPart {
    Cards { cards: Vec<Card> },
    Chart { svg: String, alt: &'static str, table: PdfTable },
    Table { table: PdfTable },
    Subheading { text: &'static str },
    Note { text: String },
    Paragraph { text: String },
    Bullets { items: Vec<String> },
}

/// A headline figure's card.
#[derive(Serialize)]
struct Card {
    name: &'static str,
    value: String,
    change: String,
    /// `up`, `down` or `flat`: the change's colour.
    trend: &'static str,
    previous: String,
}

/// A table, as strings.
#[derive(Serialize)]
struct PdfTable {
    headers: Vec<String>,
    numeric: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl From<Table> for PdfTable {
    fn from(table: Table) -> Self {
        Self { headers: table.headers, numeric: table.numeric, rows: table.rows }
    }
}

/// The PDF of `data`, or why Typst could not make it.
pub fn render(data: &ReportData) -> Result<Vec<u8>, String> {
    let json = serde_json::to_string(&doc(data)).map_err(|e| format!("PDF input: {e}"))?;
    let mut inputs = Dict::new();
    inputs.insert("data".into(), json.into_value());
    let document: PagedDocument = ENGINE.compile_with_input(inputs).output.map_err(|e| format!("PDF layout: {e}"))?;
    typst_pdf::pdf(&document, &PdfOptions::default()).map_err(|errors| {
        let first = errors.first().map_or_else(String::new, |e| e.message.to_string());
        format!("PDF export: {first}")
    })
}

/// The layout's input for `data`.
fn doc(data: &ReportData) -> Doc<'_> {
    let korean = data.korean;
    let sections = data
        .sections
        .iter()
        .map(|section| Section {
            heading: heading(korean, section),
            parts: parts(korean, section).into_iter().flat_map(|part| pdf_parts(korean, part)).collect(),
        })
        .collect();
    Doc {
        lang: if korean { "ko" } else { "en" },
        title: &data.title,
        period: format!("{}: {}", label(korean, Label::Period), period(&data.range)),
        generated: format!("{}: {}", label(korean, Label::Generated), generated_at(data)),
        footer: label(korean, Label::Footer),
        no_data: label(korean, Label::NoData),
        sections,
    }
}

/// One shared part as the PDF's parts (free text becomes one per block).
fn pdf_parts(korean: bool, part: Part<'_>) -> Vec<PdfPart> {
    match part {
        Part::Figures(figures) => vec![PdfPart::Cards { cards: figures.iter().map(|f| card(korean, f)).collect() }],
        Part::Chart(chart) => vec![PdfPart::Chart {
            svg: svg::chart(korean, chart).standalone(),
            alt: label(korean, chart_label(chart)),
            table: chart_table(korean, chart).into(),
        }],
        Part::Table(table) => vec![PdfPart::Table { table: table.into() }],
        Part::Subheading(text) => vec![PdfPart::Subheading { text }],
        Part::Note(text) => vec![PdfPart::Note { text }],
        Part::Text(blocks) => blocks
            .into_iter()
            .map(|block| match block {
                Block::Paragraph(text) => PdfPart::Paragraph { text },
                Block::Bullets(items) => PdfPart::Bullets { items },
            })
            .collect(),
    }
}

/// A figure's card, worded as the HTML report's.
fn card(korean: bool, f: &Figure) -> Card {
    Card {
        name: text::figure_name(korean, f.key),
        value: text::count(f.value),
        change: card_change(korean, f),
        trend: match Trend::of(f.value, f.previous) {
            Trend::Up => "up",
            Trend::Down => "down",
            Trend::Flat => "flat",
        },
        previous: format!("{} {}", label(korean, Label::PreviousPeriod), text::count(f.previous)),
    }
}
