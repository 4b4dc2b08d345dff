//! CSV export of any filtered list (SPEC §5.4): streamed page by page through
//! the same keyset queries as the list, so a million rows never sit in memory
//! and no connection is held between pages. UTF-8 with a byte-order mark so
//! Excel reads Korean text correctly; cells that a spreadsheet would run as a
//! formula are defused.

use std::future::Future;
use std::pin::Pin;

use futures::stream::{self, BoxStream, StreamExt};

use crate::db::select::{After, KeyValue};
use crate::error::{AppError, Result};

/// Rows fetched per query while exporting.
pub const CHUNK: i64 = 2_000;

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A CSV download: its file name and its body, produced as it is sent.
pub struct CsvExport {
    /// `users-2026-11-22.csv`.
    pub filename: String,
    /// The bytes: the BOM and header first, then one chunk per page of rows.
    pub body: BoxStream<'static, Result<Vec<u8>>>,
}

impl std::fmt::Debug for CsvExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvExport").field("filename", &self.filename).finish_non_exhaustive()
    }
}

/// One page of an export: its records and where the next page starts (None
/// after the last).
pub type Chunk = (Vec<Vec<String>>, Option<After>);

/// Fetches the page after a position.
pub type FetchChunk = Box<dyn Fn(Option<After>) -> Pin<Box<dyn Future<Output = Result<Chunk>> + Send>> + Send + Sync>;

/// Where the export continues after `rows`: past the last row when the page
/// was full (a shorter page was the last).
pub fn next_after<T>(rows: &[T], key: impl Fn(&T) -> (Option<KeyValue>, i64)) -> Option<After> {
    if rows.len() as i64 != CHUNK {
        return None;
    }
    rows.last().map(|row| {
        let (value, id) = key(row);
        After { value, id }
    })
}

/// Streams `header` and then every page `fetch` returns, until one has no successor.
pub fn csv_stream(
    resource: &'static str,
    header: &'static [&'static str],
    fetch: FetchChunk,
) -> BoxStream<'static, Result<Vec<u8>>> {
    let first = encode(Some(BOM), std::iter::once(header.iter().map(|h| (*h).to_owned()).collect()));
    let pages = stream::try_unfold((fetch, Some(None::<After>), 0_u64), move |(fetch, next, rows)| async move {
        let Some(after) = next else {
            tracing::info!(export = resource, rows, "export completed");
            return Ok(None);
        };
        let (records, next) = fetch(after).await?;
        let rows = rows + records.len() as u64;
        let bytes = encode(None, records.into_iter())?;
        Ok(Some((bytes, (fetch, next.map(Some), rows))))
    });
    stream::once(async move { first }).chain(pages).boxed()
}

/// The CSV text of `records`, each cell defused, after `prefix`.
fn encode(prefix: Option<&[u8]>, records: impl Iterator<Item = Vec<String>>) -> Result<Vec<u8>> {
    let mut buffer = Vec::with_capacity(64 * 1024);
    buffer.extend_from_slice(prefix.unwrap_or_default());
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(buffer);
    let failed = |e: csv::Error| {
        tracing::error!(error = %e, "csv encoding failed");
        AppError::Internal
    };
    for record in records {
        for cell in &record {
            writer.write_field(defuse(cell).as_bytes()).map_err(failed)?;
        }
        // An empty record ends the current one.
        writer.write_record(std::iter::empty::<&[u8]>()).map_err(failed)?;
    }
    writer.into_inner().map_err(|_| AppError::Internal)
}

/// A cell a spreadsheet would evaluate (`=`, `+`, `-`, `@`, or a tab or
/// carriage return before one) gets a leading apostrophe, which makes it text
/// (OWASP "CSV injection").
pub fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// `name-YYYY-MM-DD.csv`.
pub fn filename(name: &str, today: chrono::DateTime<chrono::Utc>) -> String {
    format!("{name}-{}.csv", today.format("%Y-%m-%d"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused_and_others_kept() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=x", "\r=x"] {
            assert_eq!(defuse(bad), format!("'{bad}"));
        }
        for good in ["1", "a=b", "김철수", "", "'quoted"] {
            assert_eq!(defuse(good), good);
        }
    }

    #[test]
    fn records_are_quoted_by_rfc_4180() {
        let bytes =
            encode(Some(BOM), vec![vec!["a,b".to_owned(), "say \"hi\"".to_owned(), "=cmd".to_owned()]].into_iter())
                .unwrap();
        assert_eq!(bytes, "\u{feff}\"a,b\",\"say \"\"hi\"\"\",'=cmd\r\n".as_bytes());
    }
}
