//! Server functions for alert rules and their history: the same services as
//! `/api/v1/alert-rules` and `/api/v1/alerts`. Viewers read; editors write,
//! silence and test (the services check).

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{AlertPage, AlertQuery, AlertRule, AlertRuleInput, AlertRuleList, AlertTest, SilenceInput};

/// Every rule with its state: firing first, then pending, then by name.
#[server(prefix = "/api/fn", endpoint = "alert_rules_list")]
pub async fn list_alert_rules() -> Result<AlertRuleList, AppError> {
    crate::services::alerts::list(&super::state()?, &super::caller()).await
}

/// How many rules fire and are not silenced: the dashboard's badge.
#[server(prefix = "/api/fn", endpoint = "alert_rules_firing")]
pub async fn count_firing_alerts() -> Result<i64, AppError> {
    crate::services::alerts::firing_count(&super::state()?, &super::caller()).await
}

/// One rule.
#[server(prefix = "/api/fn", endpoint = "alert_rule_get")]
pub async fn get_alert_rule(
    /// The rule's id.
    id: i64,
) -> Result<AlertRule, AppError> {
    crate::services::alerts::get(&super::state()?, &super::caller(), id).await
}

/// Creates a rule (editors and above); every invalid field is reported.
#[server(prefix = "/api/fn", endpoint = "alert_rule_create", input = leptos::server_fn::codec::Json)]
pub async fn create_alert_rule(
    /// The new rule.
    input: AlertRuleInput,
) -> Result<AlertRule, AppError> {
    crate::services::alerts::create(&super::state()?, &super::caller(), &input).await
}

/// Replaces a rule's configuration (editors and above).
#[server(prefix = "/api/fn", endpoint = "alert_rule_update", input = leptos::server_fn::codec::Json)]
pub async fn update_alert_rule(
    /// The rule's id.
    id: i64,
    /// Every editable field.
    input: AlertRuleInput,
) -> Result<AlertRule, AppError> {
    crate::services::alerts::update(&super::state()?, &super::caller(), id, &input).await
}

/// Deletes a rule with its history (editors and above).
#[server(prefix = "/api/fn", endpoint = "alert_rule_delete")]
pub async fn delete_alert_rule(
    /// The rule's id.
    id: i64,
) -> Result<(), AppError> {
    crate::services::alerts::delete(&super::state()?, &super::caller(), id).await
}

/// Holds a rule's notifications back until a time, or lifts its silence
/// with no time (editors and above).
#[server(prefix = "/api/fn", endpoint = "alert_rule_silence", input = leptos::server_fn::codec::Json)]
pub async fn silence_alert_rule(
    /// The rule's id.
    id: i64,
    /// Until when; absent lifts the silence.
    input: SilenceInput,
) -> Result<AlertRule, AppError> {
    crate::services::alerts::silence(&super::state()?, &super::caller(), id, &input).await
}

/// What a rule would do if evaluated now, nothing stored or sent (editors
/// and above): the saved rule `id` from its stored state, else the `draft`
/// as a new rule would start.
#[server(prefix = "/api/fn", endpoint = "alert_rule_test", input = leptos::server_fn::codec::Json)]
pub async fn test_alert_rule(
    /// A saved rule's id.
    #[server(default)]
    id: Option<i64>,
    /// The form's fields, when they are what is tested.
    #[server(default)]
    draft: Option<AlertRuleInput>,
) -> Result<AlertTest, AppError> {
    crate::services::alerts::test(&super::state()?, &super::caller(), id, draft.as_ref()).await
}

/// The rules firing now and a page of the history, newest first.
#[server(prefix = "/api/fn", endpoint = "alerts_events")]
pub async fn list_alert_events(
    /// The rule filter and paging.
    // An empty query is sent as no body at all: absent is the default.
    #[server(default)]
    query: AlertQuery,
) -> Result<AlertPage, AppError> {
    crate::services::alerts::events(&super::state()?, &super::caller(), &query).await
}
