//! Relay-style connections over the services' keyset pages: each edge's
//! cursor is the one just past its row, `pageInfo.endCursor` the page's
//! `meta.next_cursor`, and `totalCount` the page's `meta.total`.

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{OutputType, SimpleObject};
use server_core::error::AppError;
use server_core::model::{DEFAULT_PER_PAGE, MAX_PER_PAGE};

/// What a connection carries besides its edges.
#[derive(SimpleObject)]
pub struct Total {
    /// Rows matching the filters, over all pages.
    pub total_count: i64,
}

/// A connection of `nodes`, whose cursors are `cursors` (one each), of the
/// page after the cursor `after` (none, or an empty one: the first page);
/// `has_next`: the service gave a next cursor.
pub fn of<T: OutputType>(
    nodes: Vec<T>,
    cursors: Vec<String>,
    total: i64,
    after: &Option<String>,
    has_next: bool,
) -> Connection<String, T, Total, EmptyFields> {
    let has_previous = server_core::services::paging::given(after).is_some();
    let mut connection = Connection::with_additional_fields(has_previous, has_next, Total { total_count: total });
    connection.edges.extend(cursors.into_iter().zip(nodes).map(|(cursor, node)| Edge::new(cursor, node)));
    connection
}

/// `first` as a page size: the services check the bounds (1–100) and name
/// the field `per_page`; here it is `first`.
pub fn first(first: Option<i32>) -> Result<Option<i64>, AppError> {
    match first.map(i64::from) {
        Some(n) if !(1..=MAX_PER_PAGE).contains(&n) => {
            Err(AppError::invalid_field("first", format!("must be between 1 and {MAX_PER_PAGE}")))
        }
        other => Ok(other),
    }
}

/// What a field costs on top of its selection when it runs a query of its own
/// for each row of the list it is in (a report's runs).
pub const QUERY: usize = 10;

/// The complexity of a connection field: its child's cost times the rows it
/// may return (`first`, default 50).
pub fn cost(child: usize, first: Option<i32>) -> usize {
    let rows = first.map_or(DEFAULT_PER_PAGE, |n| i64::from(n).clamp(1, MAX_PER_PAGE)) as usize;
    rows.saturating_mul(child).saturating_add(1)
}
