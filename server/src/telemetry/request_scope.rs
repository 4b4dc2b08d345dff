//! The request's context in the pretty (development) log format: the id,
//! method and route of [`server_core::trace::Context`] before each line logged
//! inside a request, where the request's span used to show. (The JSON line
//! writes the same context as its `span`, see [`super::json_line`].)

use std::fmt;

use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

/// The pretty format with the request's context before each line logged
/// inside a request (`request{trace_id=… GET /api/…}: `), as the compact
/// format showed the request's span.
#[derive(Debug)]
pub struct WithRequest<F>(pub F);

impl<S, N, F> FormatEvent<S, N> for WithRequest<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        // Inside a span of our own that span says where the line comes from.
        if ctx.lookup_current().is_none() {
            server_core::trace::with_current(|r| {
                write!(writer, "request{{trace_id={} {} {}}}: ", r.trace_id, r.method, r.route.as_str())
            })
            .transpose()?;
        }
        self.0.format_event(ctx, writer, event)
    }
}
