//! Server function for the audit log page (admins).

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{AuditPage, AuditQuery};

/// A page of audit records, newest first, with their total and the next page's cursor.
#[server(prefix = "/api/fn", endpoint = "audit_list")]
pub async fn list_audit(
    /// Filters and paging.
    // An empty query is sent as no body at all: absent is the default.
    #[server(default)]
    query: AuditQuery,
) -> Result<AuditPage, AppError> {
    crate::services::audit::list(&super::state()?, &super::caller(), &query).await
}
