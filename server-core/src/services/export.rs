//! CSV export of any filtered list: streamed page by page through
//! the same keyset queries as the list, so a million rows never sit in memory
//! and no connection is held between pages. UTF-8 with a byte-order mark so
//! Excel reads Korean text correctly; cells that a spreadsheet would run as a
//! formula are defused.

use std::future::Future;

use chrono::{DateTime, Utc};
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

/// Where the export continues after `rows`: past the last row when the page
/// was full (a shorter page was the last).
fn next_after<T>(rows: &[T], key: impl Fn(&T) -> (Option<KeyValue>, i64)) -> Option<After> {
    if rows.len() as i64 != CHUNK {
        return None;
    }
    rows.last().map(|row| {
        let (value, id) = key(row);
        After { value, id }
    })
}

/// The export `name` (also its file name, dated `now`): `header`, then every
/// page of [`CHUNK`] rows that `page` returns after the position before it
/// (`key` says where a row stands in the list's order), each row written by
/// `record`, until a page comes back short.
pub fn csv<T, P, Fut, K>(
    name: &'static str,
    header: &'static [&'static str],
    now: DateTime<Utc>,
    page: P,
    key: K,
    record: fn(T) -> Vec<String>,
) -> CsvExport
where
    T: Send + 'static,
    P: Fn(Option<After>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Vec<T>>> + Send,
    K: Fn(&T) -> (Option<KeyValue>, i64) + Send + 'static,
{
    let first = encode(Some(BOM), std::iter::once(header.iter().map(|h| (*h).to_owned()).collect()));
    let start = (page, key, Some(None::<After>), 0_u64);
    let pages = stream::try_unfold(start, move |(page, key, next, written)| async move {
        let Some(after) = next else {
            tracing::info!(export = name, rows = written, "export completed");
            return Ok(None);
        };
        let rows = page(after).await?;
        let next = next_after(&rows, &key);
        let written = written + rows.len() as u64;
        let bytes = encode(None, rows.into_iter().map(record))?;
        Ok(Some((bytes, (page, key, next.map(Some), written))))
    });
    CsvExport { filename: filename(name, now), body: stream::once(async move { first }).chain(pages).boxed() }
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
fn filename(name: &str, today: DateTime<Utc>) -> String {
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
