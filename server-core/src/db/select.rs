//! SELECTs whose WHERE clause depends on the request: the list filters add a
//! clause only when given (so each plan sees just the conditions it has, and
//! Postgres never has to guess a parameter's type from `$1 is null`), and the
//! keyset condition that starts a page just past the previous one.

use serde::{Deserialize, Serialize};

use super::{Backend, Ts};

/// One bound value.
#[derive(Clone, Debug)]
pub enum Arg {
    /// Integers and ids.
    Int(i64),
    /// Text.
    Text(String),
    /// Instants.
    Ts(Ts),
}

/// A statement under construction with its numbered parameters.
#[derive(Clone, Debug)]
pub struct Sql {
    text: String,
    args: Vec<Arg>,
    has_where: bool,
    backend: Backend,
}

impl Sql {
    /// Starts from `base`, which has no WHERE clause.
    pub fn new(backend: Backend, base: &str) -> Self {
        Self { text: base.to_owned(), args: Vec::new(), has_where: false, backend }
    }

    /// The dialect the statement is for.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Adds `value` as the next parameter; returns its placeholder (`$3`).
    pub fn arg(&mut self, value: Arg) -> String {
        self.args.push(value);
        format!("${}", self.args.len())
    }

    /// Adds `clause` to the WHERE clause with `and`.
    pub fn and(&mut self, clause: &str) {
        self.text.push_str(if self.has_where { " and " } else { " where " });
        self.text.push('(');
        self.text.push_str(clause);
        self.text.push(')');
        self.has_where = true;
    }

    /// Appends raw SQL (ORDER BY, LIMIT).
    pub fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// The statement's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The parameters, in placeholder order.
    pub fn args(&self) -> &[Arg] {
        &self.args
    }

    /// Starts the page just past `after` in the order `column dir, id dir`
    /// (`nullable` columns sort their NULLs last in both directions).
    pub fn after(&mut self, column: &str, nullable: bool, descending: bool, after: &After) {
        let (cmp, id_cmp) = if descending { ("<", "<") } else { (">", ">") };
        let id = self.arg(Arg::Int(after.id));
        match &after.value {
            Some(value) => {
                let v = self.arg(value.arg());
                // `column <=/>= v` first lets both planners use an index range.
                let tie = id_column(column);
                let bound = format!("{column} {cmp}= {v} and ({column} {cmp} {v} or {tie} {id_cmp} {id})");
                if nullable {
                    self.and(&format!("({bound}) or {column} is null"));
                } else {
                    self.and(&bound);
                }
            }
            // A NULL value: the page is already among the NULLs, which come last.
            None => self.and(&format!("{column} is null and {} {id_cmp} {id}", id_column(column))),
        }
    }

    /// The page of `limit` rows after `after` (or the first page) in the order
    /// `column dir [nulls last], id dir`.
    pub fn keyset(&mut self, column: &str, nullable: bool, descending: bool, after: Option<&After>, limit: i64) {
        if let Some(after) = after {
            self.after(column, nullable, descending, after);
        }
        self.order_and_limit(column, nullable, descending, limit);
    }

    /// `order by column dir [nulls last], id dir limit n`.
    pub fn order_and_limit(&mut self, column: &str, nullable: bool, descending: bool, limit: i64) {
        let dir = if descending { "desc" } else { "asc" };
        let nulls = if nullable { " nulls last" } else { "" };
        let limit = self.arg(Arg::Int(limit));
        let tie = id_column(column);
        self.push(&format!(" order by {column} {dir}{nulls}, {tie} {dir} limit {limit}"));
    }
}

/// The id column of `column`'s table (`a.created_at` → `a.id`), which breaks ties.
fn id_column(column: &str) -> String {
    column.split_once('.').map_or_else(|| "id".to_owned(), |(table, _)| format!("{table}.id"))
}

/// A sort key's value, as a cursor carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyValue {
    /// An instant, Unix seconds (compared as a timestamp: Postgres has no
    /// `timestamptz < bigint`).
    #[serde(rename = "t")]
    Time(i64),
    /// An integer.
    #[serde(rename = "n")]
    Int(i64),
    /// Text.
    #[serde(rename = "s")]
    Text(String),
}

impl KeyValue {
    fn arg(&self) -> Arg {
        match self {
            Self::Time(secs) => Arg::Ts(Ts::from_secs(*secs)),
            Self::Int(n) => Arg::Int(*n),
            Self::Text(text) => Arg::Text(text.clone()),
        }
    }
}

/// Where the previous page ended: its last row's sort value (None when NULL)
/// and id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct After {
    /// The sort column's value in the last row.
    pub value: Option<KeyValue>,
    /// The last row's id.
    pub id: i64,
}

/// Binds every parameter of a [`Sql`] to a query, in order.
macro_rules! bind_args {
    ($query:expr, $sql:expr) => {{
        let mut query = $query;
        for arg in $sql.args() {
            query = match arg {
                $crate::db::select::Arg::Int(v) => query.bind(*v),
                $crate::db::select::Arg::Text(v) => query.bind(v.as_str()),
                $crate::db::select::Arg::Ts(v) => query.bind(*v),
            };
        }
        query
    }};
}
pub(crate) use bind_args;

/// The pattern that matches text starting with `prefix` in a LIKE … ESCAPE '\'.
pub fn like_prefix(prefix: &str) -> String {
    let mut pattern = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// `[low, high)` bounds of every string starting with `prefix`, byte-wise:
/// U+10FFFF is the greatest code point, so any continuation sorts below it.
pub fn prefix_range(prefix: &str) -> (String, String) {
    (prefix.to_owned(), format!("{prefix}\u{10FFFF}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_join_with_and_and_number_their_parameters() {
        let mut sql = Sql::new(Backend::Sqlite, "select id from users u");
        let a = sql.arg(Arg::Text("KR".into()));
        sql.and(&format!("u.country = {a}"));
        sql.after("u.created_at", false, true, &After { value: Some(KeyValue::Time(10)), id: 5 });
        sql.order_and_limit("u.created_at", false, true, 50);
        assert_eq!(
            sql.text(),
            "select id from users u where (u.country = $1) and (u.created_at <= $3 and (u.created_at < $3 or u.id < $2)) \
             order by u.created_at desc, u.id desc limit $4"
        );
        assert_eq!(sql.args().len(), 4);
    }

    #[test]
    fn nullable_keys_keep_nulls_last() {
        let mut sql = Sql::new(Backend::Sqlite, "select id from users u");
        sql.after("u.last_activity", true, false, &After { value: None, id: 9 });
        assert!(sql.text().ends_with("where (u.last_activity is null and u.id > $1)"), "{}", sql.text());
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_prefix("a_b%c\\"), "a\\_b\\%c\\\\%");
    }
}
