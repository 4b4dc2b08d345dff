//! What every list shares: the opaque keyset cursor that points just past a
//! page's last row, the page-size check, and the parsing of common query
//! fields into field errors.

use base64::Engine as _;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::db::select::{After, KeyValue};
use crate::db::Ts;
use crate::error::{AppError, FieldError};
use crate::model::range::{day_start, Zone};
use crate::model::{DEFAULT_PER_PAGE, MAX_PER_PAGE};

/// Where a page ends: the sort key's value in its last row (absent when that
/// value is NULL) and that row's id, which breaks ties. `sort` names the order
/// it was made for, so a cursor cannot be replayed against another order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The order (`created_at.desc`, …).
    #[serde(rename = "s")]
    pub sort: String,
    /// The last row's sort value: a number or a string.
    #[serde(rename = "v", default, skip_serializing_if = "Option::is_none")]
    pub value: Option<KeyValue>,
    /// The last row's id.
    #[serde(rename = "i")]
    pub id: i64,
}

impl Cursor {
    /// The cursor as it travels in URLs: base64url JSON, so clients treat it as opaque.
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    /// The cursor in `text`, made for `sort`; `None` when it is malformed or
    /// belongs to another order.
    pub fn decode(text: &str, sort: &str) -> Option<Self> {
        let json = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text.trim()).ok()?;
        let cursor: Self = serde_json::from_slice(&json).ok()?;
        (cursor.sort == sort).then_some(cursor)
    }

    /// Where the page after this cursor starts.
    pub fn after(&self) -> After {
        After { value: self.value.clone(), id: self.id }
    }
}

/// The position after the cursor the request carries, if any; an error for a
/// cursor that is malformed or was made for another order.
pub fn parse_cursor(text: &Option<String>, order: &str) -> Result<Option<After>, String> {
    match given(text) {
        None => Ok(None),
        Some(text) => Cursor::decode(text, order)
            .map(|c| Some(c.after()))
            .ok_or_else(|| "is not a cursor of this list in this order".to_owned()),
    }
}

/// The name a cursor is bound to: the order it was made for (`email.asc`).
pub fn order_key(sort: &str, descending: bool) -> String {
    format!("{sort}.{}", if descending { "desc" } else { "asc" })
}

/// The next page's cursor: present when the page is full (`rows` holds one
/// more row than the page, which is dropped).
pub fn next_cursor<T>(
    rows: &mut Vec<T>,
    limit: i64,
    sort: &str,
    key: impl Fn(&T) -> (Option<KeyValue>, i64),
) -> Option<String> {
    if rows.len() as i64 <= limit {
        return None;
    }
    rows.truncate(limit as usize);
    rows.last().map(|row| {
        let (value, id) = key(row);
        Cursor { sort: sort.to_owned(), value, id }.encode()
    })
}

/// The cursor just past each of `rows`, in `order`: what a GraphQL
/// connection's edges carry, so a client may resume after any row, not only
/// after the page's last one.
pub fn cursors_after<T>(rows: &[T], order: &str, key: impl Fn(&T) -> (Option<KeyValue>, i64)) -> Vec<String> {
    rows.iter()
        .map(|row| {
            let (value, id) = key(row);
            Cursor { sort: order.to_owned(), value, id }.encode()
        })
        .collect()
}

/// `per_page` checked against [`MAX_PER_PAGE`], or the default.
pub fn per_page(value: Option<i64>) -> Result<i64, AppError> {
    match value {
        None => Ok(DEFAULT_PER_PAGE),
        Some(n) if (1..=MAX_PER_PAGE).contains(&n) => Ok(n),
        Some(_) => Err(AppError::invalid_field("per_page", format!("must be between 1 and {MAX_PER_PAGE}"))),
    }
}

/// Collects every invalid field of a request, so one answer names them all.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    /// Notes that `field` is wrong.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError { field: field.to_owned(), message: message.into() });
    }

    /// `value` if it parsed, noting `field` otherwise.
    pub fn keep<T>(&mut self, field: &str, value: Result<T, String>) -> Option<T> {
        value.map_err(|message| self.add(field, message)).ok()
    }

    /// Ok when nothing was noted, else the 400 naming every field.
    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation { message: "the request has invalid fields".into(), fields: self.0 })
        }
    }
}

/// The trimmed value, or None when absent or blank.
pub fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// `value` when it is one of `allowed` (None when not given).
pub fn one_of(value: &Option<String>, allowed: &[&str]) -> Result<Option<String>, String> {
    match given(value) {
        None => Ok(None),
        Some(v) if allowed.contains(&v) => Ok(Some(v.to_owned())),
        Some(_) => Err(format!("must be one of {}", allowed.join(", "))),
    }
}

/// `desc` (true, the default) or `asc`.
pub fn descending(order: &Option<String>) -> Result<bool, String> {
    match given(order) {
        None | Some("desc") => Ok(true),
        Some("asc") => Ok(false),
        Some(_) => Err("must be asc or desc".into()),
    }
}

/// The sort the request names among `options` (the first is the default),
/// with its name.
pub fn sort<T: Copy>(value: &Option<String>, options: &[(&'static str, T)]) -> Result<(T, &'static str), String> {
    let (default_name, default) = options[0];
    match given(value) {
        None => Ok((default, default_name)),
        Some(v) => options.iter().find(|(name, _)| *name == v).map(|(name, sort)| (*sort, *name)).ok_or_else(|| {
            let names: Vec<&str> = options.iter().map(|(name, _)| *name).collect();
            format!("must be one of {}", names.join(", "))
        }),
    }
}

/// The zone days are counted in: `kst` (default) or `utc`.
pub fn zone(tz: &Option<String>) -> Result<Zone, String> {
    match given(tz) {
        None => Ok(Zone::default()),
        Some(v) => Zone::parse(v).ok_or_else(|| "must be kst or utc".to_owned()),
    }
}

/// The start of day `value` (`YYYY-MM-DD`) in `zone`; with `next`, the start
/// of the day after (an inclusive last day becomes an exclusive bound).
pub fn day(value: &Option<String>, zone: Zone, next: bool) -> Result<Option<Ts>, String> {
    let Some(v) = given(value) else { return Ok(None) };
    let date = NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| "must be a date, YYYY-MM-DD".to_owned())?;
    let date = if next { date.succ_opt().ok_or_else(|| "is out of range".to_owned())? } else { date };
    Ok(Some(Ts::from(day_start(date, zone))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_is_bound_to_its_order() {
        let c = Cursor { sort: "email.asc".into(), value: Some(KeyValue::Text("a@b.c".into())), id: 7 };
        let text = c.encode();
        assert_eq!(Cursor::decode(&text, "email.asc"), Some(c));
        assert_eq!(Cursor::decode(&text, "email.desc"), None);
        assert_eq!(Cursor::decode("not base64!", "email.asc"), None);
    }

    #[test]
    fn per_page_is_bounded() {
        assert_eq!(per_page(None).unwrap(), DEFAULT_PER_PAGE);
        assert_eq!(per_page(Some(100)).unwrap(), 100);
        assert!(per_page(Some(101)).is_err());
        assert!(per_page(Some(0)).is_err());
    }
}
