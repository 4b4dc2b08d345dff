//! The `meta` block every list page carries (keyset paging; the cursor itself
//! is made and read on the server, `services::paging`).

use serde::{Deserialize, Serialize};

/// The longest page any list returns (docs/API-DESIGN.md, Paging).
pub const MAX_PER_PAGE: i64 = 100;

/// The page size when none is asked for.
pub const DEFAULT_PER_PAGE: i64 = 50;

/// What comes with every page of a list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PageMeta {
    /// Rows matching the filters, over all pages.
    pub total: i64,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}
