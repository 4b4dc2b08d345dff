//! Alerts: `alertRules`, `alerts(ruleId, first, after)` (the history, each
//! event with its `rule`, batched), and `silenceAlert`.

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{ComplexObject, Context, Object, SimpleObject};
use server_core::model::{AlertEvent, AlertQuery, AlertRule, SilenceInput};
use server_core::services::alerts;

use super::connection::{self, Total};
use super::context::door;
use super::loaders::Loaders;

/// The alert queries.
#[derive(Default)]
pub struct AlertsQuery;

#[Object]
impl AlertsQuery {
    /// Every alert rule with its state, latest value and sparkline.
    async fn alert_rules(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AlertRule>> {
        let (state, caller) = door(ctx)?;
        Ok(alerts::list(state, caller).await?.rules)
    }

    /// The alert history, newest first, of one rule or all: `first` rows
    /// (1–100, default 50) after the cursor `after`.
    #[graphql(complexity = "connection::cost(child_complexity, first)")]
    async fn alerts(
        &self,
        ctx: &Context<'_>,
        rule_id: Option<i64>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, AlertEventNode, Total, EmptyFields>> {
        let (state, caller) = door(ctx)?;
        let query = AlertQuery { rule_id, per_page: connection::first(first)?, cursor: after.clone() };
        let page = alerts::events(state, caller, &query).await?;
        let cursors = alerts::event_cursors(&page.events);
        let nodes = page.events.into_iter().map(AlertEventNode::from).collect();
        Ok(connection::of(nodes, cursors, page.meta.total, &after, page.meta.next_cursor.is_some()))
    }
}

/// One change of an alert rule's state.
#[derive(SimpleObject)]
#[graphql(complex, name = "AlertEvent")]
pub struct AlertEventNode {
    #[graphql(flatten)]
    event: AlertEvent,
}

impl From<AlertEvent> for AlertEventNode {
    fn from(event: AlertEvent) -> Self {
        Self { event }
    }
}

#[ComplexObject]
impl AlertEventNode {
    /// The rule as it is now, if it still exists (batched).
    async fn rule(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AlertRule>> {
        door(ctx)?;
        Ok(ctx.data::<Loaders>()?.rules.load_one(self.event.rule_id).await?)
    }
}

/// The alert mutations.
#[derive(Default)]
pub struct AlertsMutation;

#[Object]
impl AlertsMutation {
    /// Silences a rule's notifications until `input.until` (at most 30 days
    /// ahead); without it, or with a past instant, lifts the silence. The
    /// rule keeps being evaluated.
    async fn silence_alert(
        &self,
        ctx: &Context<'_>,
        rule_id: i64,
        input: SilenceInput,
    ) -> async_graphql::Result<AlertRule> {
        let (state, caller) = door(ctx)?;
        Ok(alerts::silence(state, caller, rule_id, &input).await?)
    }
}
