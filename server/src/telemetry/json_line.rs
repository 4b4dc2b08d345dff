//! The JSON log line, written straight into the line's buffer.
//!
//! Same shape as `tracing-subscriber`'s flattened JSON format (`timestamp`,
//! `level`, the event's fields, `target`, and `span`: the current span's
//! fields and `name`, or inside a request with no span of ours, the request's
//! context from [`server_core::trace`] in the same shape), which it replaces because of its cost on the request
//! path: that format keeps each span's fields as a JSON object in text and
//! parses it back into a map for every line logged inside the span, and it
//! builds a map of `serde_json::Value`s for the span's fields and the event's.
//! Here the span's fields are kept as the inside of a JSON object
//! (`"k":v,"k2":v2`) and spliced into each line as they are, and every value
//! is written where it goes. The access log line of every request is the line
//! this matters for (~22k instructions of the ~113k a cached request cost).

use std::fmt::{self, Write};

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_log::NormalizeEvent;
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields};
use tracing_subscriber::registry::LookupSpan;

/// Formats a span's fields as the inside of a JSON object, for [`JsonLine`]
/// to splice into the lines logged inside it.
#[derive(Debug, Default, Clone, Copy)]
pub struct JsonSpanFields;

impl<'writer> FormatFields<'writer> for JsonSpanFields {
    fn format_fields<R: RecordFields>(&self, mut writer: Writer<'writer>, fields: R) -> fmt::Result {
        let mut visitor = JsonVisitor::new(&mut writer, true);
        fields.record(&mut visitor);
        visitor.result
    }

    /// Fields recorded later are appended: the text stays a list of members.
    fn add_fields(
        &self,
        current: &'writer mut FormattedFields<Self>,
        fields: &tracing::span::Record<'_>,
    ) -> fmt::Result {
        let first = current.fields.is_empty();
        let mut writer = current.as_writer();
        let mut visitor = JsonVisitor::new(&mut writer, first);
        fields.record(&mut visitor);
        visitor.result
    }
}

/// One JSON object per event: `{"timestamp", "level", …fields, "target", "span"}`.
#[derive(Debug, Default, Clone, Copy)]
pub struct JsonLine;

impl<S> FormatEvent<S, JsonSpanFields> for JsonLine
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, JsonSpanFields>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        // The line is made in a `String` of its own, then written at once: the
        // writer is a `dyn fmt::Write`, and each of the line's few dozen small
        // writes through it was a call that could not be inlined.
        LINE.with(|buffer| match buffer.try_borrow_mut() {
            Ok(mut line) => {
                line.clear();
                self.write_line(ctx, &mut line, event)?;
                writer.write_str(&line)?;
                // One huge line must not keep its space for good.
                if line.capacity() > KEEP_LINE {
                    *line = String::new();
                }
                Ok(())
            }
            // A line logged while this thread makes another (from inside a
            // field's `Debug`): a buffer of its own.
            Err(_) => {
                let mut line = String::new();
                self.write_line(ctx, &mut line, event)?;
                writer.write_str(&line)
            }
        })
    }
}

thread_local! {
    /// Each thread's line buffer (see [`JsonLine::format_event`]).
    static LINE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// The most space a thread's line buffer keeps between lines.
const KEEP_LINE: usize = 64 * 1024;

impl JsonLine {
    /// Writes the line for `event` into `writer`.
    fn write_line<S>(
        &self,
        ctx: &FmtContext<'_, S, JsonSpanFields>,
        writer: &mut String,
        event: &Event<'_>,
    ) -> fmt::Result
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        // Events from the `log` crate carry their real target and level apart.
        let normalized = event.normalized_metadata();
        let meta = normalized.as_ref().unwrap_or_else(|| event.metadata());

        writer.push_str("{\"timestamp\":\"");
        write_now(writer)?;
        writer.push_str("\",\"level\":\"");
        writer.push_str(meta.level().as_str());
        writer.push('"');
        let mut visitor = JsonVisitor::new(&mut *writer, false);
        event.record(&mut visitor);
        visitor.result?;
        writer.push_str(",\"target\":");
        write_json_str(writer, meta.target())?;

        // The innermost span of our own (a job's); else the request's context.
        let span = event.parent().and_then(|id| ctx.span(id)).or_else(|| ctx.lookup_current());
        if let Some(span) = span {
            writer.push_str(",\"span\":{");
            let extensions = span.extensions();
            if let Some(fields) = extensions.get::<FormattedFields<JsonSpanFields>>().filter(|f| !f.is_empty()) {
                writer.push_str(fields);
                writer.push(',');
            }
            writer.push_str("\"name\":");
            write_json_str(writer, span.metadata().name())?;
            writer.push('}');
        } else {
            // Inside a request: its context, in the shape its span had.
            server_core::trace::with_current(|request| {
                writer.push_str(",\"span\":{\"trace_id\":");
                write_json_str(writer, &request.trace_id)?;
                writer.push_str(",\"http.method\":");
                write_json_str(writer, request.method)?;
                writer.push_str(",\"http.route\":");
                write_json_str(writer, request.route.as_str())?;
                writer.push_str(",\"name\":\"request\"}");
                Ok::<_, fmt::Error>(())
            })
            .transpose()?;
        }
        writer.push_str("}\n");
        Ok(())
    }
}

/// Writes each field it visits as a JSON member (`"name":value`), each after
/// a comma but the first one when `first`.
struct JsonVisitor<'a, W: Write> {
    writer: &'a mut W,
    first: bool,
    result: fmt::Result,
}

impl<'a, W: Write> JsonVisitor<'a, W> {
    fn new(writer: &'a mut W, first: bool) -> Self {
        Self { writer, first, result: Ok(()) }
    }

    /// Writes `"name":` and then the value with `value`, unless an earlier
    /// write failed. Fields the `log` bridge adds (`log.target`, …) are left
    /// out: the line's `target` and `level` carry them.
    fn member(&mut self, field: &Field, value: impl FnOnce(&mut W) -> fmt::Result) {
        let name = field.name();
        if self.result.is_err() || name.starts_with("log.") {
            return;
        }
        let name = name.strip_prefix("r#").unwrap_or(name);
        self.result = self.name(name).and_then(|()| value(self.writer));
    }

    /// Writes `"name":`, after a comma unless it is the first member.
    fn name(&mut self, name: &str) -> fmt::Result {
        if !std::mem::take(&mut self.first) {
            self.writer.write_char(',')?;
        }
        write_json_str(self.writer, name)?;
        self.writer.write_char(':')
    }
}

impl<W: Write> Visit for JsonVisitor<'_, W> {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.member(field, |w| write_json_f64(w, value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.member(field, |w| w.write_str(itoa::Buffer::new().format(value)));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.member(field, |w| w.write_str(itoa::Buffer::new().format(value)));
    }

    fn record_i128(&mut self, field: &Field, value: i128) {
        self.member(field, |w| w.write_str(itoa::Buffer::new().format(value)));
    }

    fn record_u128(&mut self, field: &Field, value: u128) {
        self.member(field, |w| w.write_str(itoa::Buffer::new().format(value)));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.member(field, |w| w.write_str(if value { "true" } else { "false" }));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.member(field, |w| write_json_str(w, value));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.member(field, |w| write_json_fmt(w, format_args!("{value}")));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.member(field, |w| write_json_fmt(w, format_args!("{value:?}")));
    }
}

/// The time now as RFC 3339 in UTC with microseconds, as tracing-subscriber's
/// `SystemTime` writes it (`2026-12-05T10:18:36.123456Z`). The part up to the
/// seconds is kept per thread and made again only when the second changes:
/// formatting the whole date was a tenth of the access log line's cost.
fn write_now(w: &mut impl Write) -> fmt::Result {
    thread_local! {
        static SECOND: std::cell::Cell<(u64, [u8; 20])> = const { std::cell::Cell::new((u64::MAX, [0; 20])) };
    }
    let Ok(since_epoch) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) else {
        return SystemTime.format_time(&mut Writer::new(w)); // a clock before 1970: the slow way
    };
    let secs = since_epoch.as_secs();
    let (cached, mut text) = SECOND.get();
    if cached != secs {
        let Some(made) = seconds_text(secs) else { return SystemTime.format_time(&mut Writer::new(w)) };
        text = made;
        SECOND.set((secs, text));
    }
    // Both parts are ASCII.
    w.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)?;
    w.write_str(std::str::from_utf8(&micros_text(since_epoch.subsec_micros())).map_err(|_| fmt::Error)?)
}

/// `2026-12-05T10:18:36.` for Unix time `secs`; `None` past the year 9999.
fn seconds_text(secs: u64) -> Option<[u8; 20]> {
    let date = chrono::DateTime::from_timestamp(i64::try_from(secs).ok()?, 0)?;
    let text = date.format("%Y-%m-%dT%H:%M:%S.").to_string();
    <[u8; 20]>::try_from(text.as_bytes()).ok()
}

/// `123456Z` for `micros` (below a million).
fn micros_text(mut micros: u32) -> [u8; 7] {
    let mut text = *b"000000Z";
    for digit in text[..6].iter_mut().rev() {
        *digit = b'0' + (micros % 10) as u8;
        micros /= 10;
    }
    text
}

/// `value` as a JSON number; `null` for NaN and the infinities, which JSON
/// cannot hold. Whole numbers keep a `.0`, so a reader sees a float each time.
fn write_json_f64(w: &mut impl Write, value: f64) -> fmt::Result {
    if !value.is_finite() {
        w.write_str("null")
    } else if let Some(thousandths) = thousandths(value) {
        write_thousandths(w, thousandths)
    } else if value.fract() == 0.0 && value.abs() < 1e15 {
        write!(w, "{value:.1}")
    } else {
        write!(w, "{value}")
    }
}

/// `value` × 1000 when that is a whole number and `value` is below 10¹²
/// (durations in milliseconds to the microsecond: every request's access log
/// line has one). Below 10¹² the doubles are closer together than a
/// thousandth, so the decimal with those three places is exactly the shortest
/// text that reads back as `value`: what `{value}` writes, without the
/// float-to-text algorithm.
fn thousandths(value: f64) -> Option<i64> {
    // -0.0 would lose its sign as an integer.
    if value.abs() >= 1e12 || (value == 0.0 && value.is_sign_negative()) {
        return None;
    }
    let scaled = (value * 1000.0).round();
    (scaled / 1000.0 == value).then_some(scaled as i64)
}

/// `thousandths` / 1000 as a decimal: no trailing zeros after the point, but
/// at least `.0`.
fn write_thousandths(w: &mut impl Write, thousandths: i64) -> fmt::Result {
    if thousandths < 0 {
        w.write_char('-')?;
    }
    let magnitude = thousandths.unsigned_abs();
    w.write_str(itoa::Buffer::new().format(magnitude / 1000))?;
    let mut fraction = *b".000";
    let mut rest = magnitude % 1000;
    for digit in fraction[1..].iter_mut().rev() {
        *digit = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    let kept = fraction.iter().rposition(|&d| d != b'0').map_or(2, |last| last + 1).max(2);
    w.write_str(std::str::from_utf8(&fraction[..kept]).map_err(|_| fmt::Error)?)
}

/// `text` as a JSON string, quotes included.
fn write_json_str(w: &mut impl Write, text: &str) -> fmt::Result {
    w.write_char('"')?;
    Escaped(&mut *w).write_str(text)?;
    w.write_char('"')
}

/// What `text` formats to, as a JSON string, quotes included (no `String` in between).
fn write_json_fmt(w: &mut impl Write, text: fmt::Arguments<'_>) -> fmt::Result {
    w.write_char('"')?;
    Escaped(&mut *w).write_fmt(text)?;
    w.write_char('"')
}

/// Escapes what it is given for the inside of a JSON string (RFC 8259 §7):
/// quotes, backslashes and control characters.
struct Escaped<'a, W: Write>(&'a mut W);

/// Whether `text` needs no escaping: no quote, backslash or control
/// character. Tested 16 bytes at a time without an early exit, which the
/// compiler turns into vector compares; most text logged is plain.
fn is_plain(text: &str) -> bool {
    text.as_bytes()
        .chunks(16)
        .all(|chunk| chunk.iter().fold(true, |plain, &b| plain & (b >= 0x20) & (b != b'"') & (b != b'\\')))
}

impl<W: Write> Write for Escaped<'_, W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if is_plain(text) {
            return self.0.write_str(text);
        }
        let mut plain = 0;
        for (at, byte) in text.bytes().enumerate() {
            let escape = match byte {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0..=0x1f => "",
                _ => continue,
            };
            // Every byte escaped is ASCII, so the cuts fall between characters.
            self.0.write_str(&text[plain..at])?;
            if escape.is_empty() {
                write!(self.0, "\\u{byte:04x}")?;
            } else {
                self.0.write_str(escape)?;
            }
            plain = at + 1;
        }
        self.0.write_str(&text[plain..])
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::sync::{Arc, Mutex};

    use serde_json::{json, Value};
    use tracing_subscriber::fmt::MakeWriter;

    use super::*;

    /// Collects what the subscriber writes.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().expect("lines").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Lines {
        type Writer = Lines;
        fn make_writer(&'a self) -> Lines {
            self.clone()
        }
    }

    /// The lines `log` writes, each parsed.
    fn logged(log: impl FnOnce()) -> Vec<Value> {
        let lines = Lines::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(lines.clone())
            .fmt_fields(JsonSpanFields)
            .event_format(JsonLine)
            .finish();
        tracing::subscriber::with_default(subscriber, log);
        let text = String::from_utf8(lines.0.lock().expect("lines").clone()).expect("UTF-8");
        text.lines().map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))).collect()
    }

    #[test]
    fn a_line_in_a_span_carries_the_event_and_the_span() {
        let lines = logged(|| {
            let span = tracing::info_span!("request", trace_id = %"abc", http.method = "GET", n = 3_u64);
            span.in_scope(|| tracing::info!(http.status = 200_u16, duration_ms = 1.25, ok = true, "request"));
        });
        let [line] = &lines[..] else { panic!("one line: {lines:?}") };
        assert!(line["timestamp"].as_str().is_some_and(|t| t.ends_with('Z') && t.contains('T')), "{line}");
        assert_eq!(line["level"], "INFO");
        assert_eq!(line["message"], "request");
        assert_eq!(line["http.status"], 200);
        assert_eq!(line["duration_ms"], 1.25);
        assert_eq!(line["ok"], true);
        assert_eq!(line["target"], module_path!());
        assert_eq!(line["span"], json!({"trace_id": "abc", "http.method": "GET", "n": 3, "name": "request"}));
    }

    /// What the JSON line writes for `value`, through the fast path or not.
    fn number(value: f64) -> String {
        let mut text = String::new();
        write_json_f64(&mut text, value).unwrap();
        text
    }

    /// What the line wrote for `value` before the fast path: `{value}`, with
    /// a `.0` on whole numbers.
    fn formatted(value: f64) -> String {
        if value.fract() == 0.0 && value.abs() < 1e15 {
            format!("{value:.1}")
        } else {
            format!("{value}")
        }
    }

    #[test]
    fn milliseconds_to_the_microsecond_are_written_as_core_fmt_writes_them() {
        let mut values: Vec<f64> = (0..20_000).map(|n| f64::from(n) / 1000.0).collect();
        values.extend([1e12 - 0.001, 999_999_999.999, 86_400_000.5, 4_611_000.0, 0.0046110000000000005, 1e12, 1e15]);
        values.extend([1.0 / 3.0, 123.456_789, 2.5e-7, 1e300, -4.611, -0.001, -1234.5, -0.0]);
        for value in values {
            assert_eq!(number(value), formatted(value), "{value:?}");
            assert_eq!(number(value).parse::<f64>().unwrap(), value, "reads back: {value:?}");
        }
        assert_eq!(number(4.61), "4.61");
        assert_eq!(number(12.0), "12.0");
        assert_eq!(number(0.0046110000000000005), "0.0046110000000000005", "not thousandths: the slow way");
    }

    #[test]
    fn a_huge_line_comes_out_whole_and_the_buffer_gives_its_space_back() {
        let big = "x".repeat(3 * KEEP_LINE);
        let lines = logged(|| {
            tracing::info!(big = %big, "big");
            tracing::info!("after");
        });
        assert_eq!(lines[0]["big"], big.as_str());
        assert_eq!(lines[1]["message"], "after");
        assert!(LINE.with_borrow(String::capacity) <= KEEP_LINE);
    }

    #[test]
    fn text_is_escaped_and_odd_numbers_stay_valid_json() {
        let nasty = "quote \" backslash \\ newline \n tab \t bell \u{7} 한글 \u{1F600}";
        let lines = logged(|| {
            let span = tracing::warn_span!("job", note = nasty);
            span.in_scope(|| {
                tracing::warn!(text = nasty, debug = ?nasty, nan = f64::NAN, inf = f64::INFINITY, whole = 2.0, big = -7_i64, "{nasty}");
            });
            // A line outside every span has no `span`.
            tracing::error!(r#type = "raw", "outside");
        });
        let [inside, outside] = &lines[..] else { panic!("two lines: {lines:?}") };
        assert_eq!(inside["text"], nasty);
        assert_eq!(inside["message"], nasty);
        assert_eq!(inside["debug"], format!("{nasty:?}"));
        assert_eq!(inside["span"]["note"], nasty);
        assert_eq!((&inside["nan"], &inside["inf"]), (&Value::Null, &Value::Null));
        assert!(inside["whole"].is_f64() && inside["whole"] == 2.0, "{inside}");
        assert_eq!(inside["big"], -7);
        assert_eq!(outside["level"], "ERROR");
        assert_eq!(outside["type"], "raw");
        assert!(outside.get("span").is_none(), "{outside}");
    }

    #[test]
    fn the_timestamp_is_rfc_3339_with_microseconds() {
        for secs in [0_u64, 59, 86_399, 951_782_400, 1_796_459_916, 253_402_300_799] {
            for micros in [0_u32, 7, 123_456, 999_999] {
                let ours = [&seconds_text(secs).unwrap()[..], &micros_text(micros)[..]].concat();
                let date = chrono::DateTime::from_timestamp(secs as i64, micros * 1000).unwrap();
                assert_eq!(String::from_utf8(ours).unwrap(), date.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string());
            }
        }
        assert_eq!(seconds_text(253_402_300_800), None, "the year 10000 goes the slow way");
        let line = &logged(|| tracing::info!("now"))[0];
        let stamp = line["timestamp"].as_str().unwrap();
        assert!(chrono::DateTime::parse_from_rfc3339(stamp).is_ok() && stamp.len() == 27, "{stamp}");
    }

    #[test]
    fn a_line_inside_a_request_carries_its_context_as_the_span() {
        use std::sync::Arc;

        use server_core::trace::{self, Context, Route};

        let scope =
            || Arc::new(Context { trace_id: "trace_1".into(), method: "GET", route: Route::Fixed("unmatched") });
        let lines = logged(|| {
            trace::sync_scope(scope(), || {
                tracing::info!(n = 1_u64, "inside");
                // A span of our own inside the request is the line's span.
                tracing::info_span!("job", id = 3_u64).in_scope(|| tracing::info!("nested"));
            });
            tracing::info!("after");
        });
        let [inside, nested, after] = &lines[..] else { panic!("three lines: {lines:?}") };
        assert_eq!(
            inside["span"],
            json!({"trace_id": "trace_1", "http.method": "GET", "http.route": "unmatched", "name": "request"})
        );
        assert_eq!(nested["span"], json!({"id": 3, "name": "job"}));
        assert!(after.get("span").is_none(), "{after}");
    }

    #[test]
    fn fields_recorded_later_join_the_span() {
        let lines = logged(|| {
            let span = tracing::info_span!("run", id = 7_i64, outcome = tracing::field::Empty);
            span.record("outcome", "done");
            span.in_scope(|| tracing::info!("finished"));
            let bare = tracing::info_span!("bare", later = tracing::field::Empty);
            bare.record("later", 1_u64);
            bare.in_scope(|| tracing::info!("again"));
        });
        assert_eq!(lines[0]["span"], json!({"id": 7, "outcome": "done", "name": "run"}));
        assert_eq!(lines[1]["span"], json!({"later": 1, "name": "bare"}));
    }

    #[test]
    fn log_crate_records_keep_their_target_and_level() {
        let lines = logged(|| {
            let record = tracing_log::log::Record::builder()
                .args(format_args!("from log"))
                .level(tracing_log::log::Level::Warn)
                .target("some::crate")
                .build();
            tracing_log::format_trace(&record).expect("forwarded");
        });
        let [line] = &lines[..] else { panic!("one line: {lines:?}") };
        assert_eq!(
            (&line["target"], &line["level"], &line["message"]),
            (&json!("some::crate"), &json!("WARN"), &json!("from log"))
        );
        assert!(line.as_object().expect("object").keys().all(|k| !k.starts_with("log.")), "{line}");
    }
}
