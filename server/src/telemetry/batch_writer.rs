//! The log's writer: the threads that log append whole lines to one shared
//! buffer, and a thread of its own writes that buffer to stdout in batches.
//!
//! Why not `tracing_appender::non_blocking`: it sends every line through a
//! channel as an allocation of its own, wakes its writer thread for it, and the
//! writer flushes whenever the channel is momentarily empty. Under load that was
//! a `write(2)` for every second request and a wake-up (futex, `sched_yield`)
//! for most, about 4 µs of a cached request's 26 (issue #14). Here a line costs
//! a copy under an uncontended lock; the writer wakes when a line arrives at an
//! idle server (so a quiet server's lines appear at once), then gathers lines
//! for [`PERIOD`] before it writes again.
//!
//! Nothing is dropped: past [`FULL`] bytes waiting, loggers wait for the writer,
//! so memory stays bounded when stdout is slower than the logging.

use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

/// How long the writer gathers lines after a write, at most: how late a line
/// can appear on a busy server.
pub const PERIOD: Duration = Duration::from_millis(50);

/// Bytes waiting at which the writer is woken before its period ends.
const SOON: usize = 256 * 1024;

/// Bytes waiting at which loggers wait for the writer (~13k access-log lines).
const FULL: usize = 4 * 1024 * 1024;

/// A buffer of this capacity or more is not kept for reuse after a burst.
const KEEP: usize = 1024 * 1024;

/// The `MakeWriter` the subscriber writes through.
#[derive(Clone)]
pub struct BatchWriter {
    shared: Arc<Shared>,
}

/// Stops the writer when dropped, after it has written every line logged before.
#[must_use = "dropping the guard stops the log writer"]
pub struct BatchGuard {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    state: Mutex<State>,
    /// The writer waits here: for a first line, or out its period.
    wake: Condvar,
    /// Loggers wait here while [`FULL`] bytes are waiting.
    drained: Condvar,
    /// Where lines go (stdout in the server): the writer thread's, and after
    /// it has stopped, each logger's in turn.
    out: Mutex<Box<dyn Write + Send>>,
}

#[derive(Default)]
struct State {
    /// Whole lines not yet written.
    lines: Vec<u8>,
    /// The writer waits for a line with no time limit: the next one wakes it.
    idle: bool,
    /// The guard was dropped: write what is left, then stop.
    closing: bool,
    /// The writer has stopped; loggers write to the output themselves.
    gone: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A logger that panicked mid-append left whole lines before its own; go on.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes `bytes` to the output. A closed output (stdout on a closed
    /// pipe) loses them: there is nowhere to say so.
    fn write_out(&self, bytes: &[u8]) {
        let mut out = self.out.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = out.write_all(bytes).and_then(|()| out.flush());
    }
}

/// Starts the writer thread, writing to `out` (stdout in the server). Without
/// a thread (the process is out of them) there is no guard, and every line is
/// written to `out` by the thread that logs it.
pub fn spawn(out: impl Write + Send + 'static) -> (BatchWriter, Option<BatchGuard>) {
    let shared = Arc::new(Shared {
        state: Mutex::default(),
        wake: Condvar::new(),
        drained: Condvar::new(),
        out: Mutex::new(Box::new(out)),
    });
    let writer = BatchWriter { shared: Arc::clone(&shared) };
    let thread = {
        let shared = Arc::clone(&shared);
        std::thread::Builder::new().name("log-writer".into()).spawn(move || run(&shared))
    };
    match thread {
        Ok(thread) => (writer, Some(BatchGuard { shared, thread: Some(thread) })),
        Err(err) => {
            eprintln!("dreamseed: no thread for the log writer ({err}); writing lines directly");
            shared.lock().gone = true;
            (writer, None)
        }
    }
}

/// The writer thread: wait for lines, write them all, gather for a period, again.
fn run(shared: &Shared) {
    let mut batch = Vec::new();
    let mut state = shared.lock();
    loop {
        while state.lines.is_empty() && !state.closing {
            state.idle = true;
            state = shared.wake.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        state.idle = false;
        if state.lines.is_empty() {
            break; // closing, and everything is written
        }
        std::mem::swap(&mut state.lines, &mut batch);
        drop(state);
        shared.drained.notify_all();
        shared.write_out(&batch);
        batch.clear();
        if batch.capacity() > KEEP {
            batch = Vec::new();
        }
        state = shared.lock();
        if !state.closing {
            state = shared
                .wake
                .wait_timeout_while(state, PERIOD, |s| !s.closing && s.lines.len() < SOON)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
    state.gone = true;
    drop(state);
    shared.drained.notify_all();
}

impl Drop for BatchGuard {
    fn drop(&mut self) {
        self.shared.lock().closing = true;
        self.shared.wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One logger's handle for one line (the subscriber formats a whole line, then
/// writes it in one call).
pub struct Appender<'a> {
    shared: &'a Shared,
}

impl<'a> MakeWriter<'a> for BatchWriter {
    type Writer = Appender<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        Appender { shared: &self.shared }
    }
}

impl Write for Appender<'_> {
    fn write(&mut self, line: &[u8]) -> io::Result<usize> {
        let shared = self.shared;
        let mut state = shared.lock();
        while state.lines.len() >= FULL && !state.gone {
            state = shared.drained.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        if state.gone {
            // After shutdown (a line from a task still running): straight out.
            drop(state);
            shared.write_out(line);
            return Ok(line.len());
        }
        let before = state.lines.len();
        state.lines.extend_from_slice(line);
        let wake = (before == 0 && state.idle) || (before < SOON && state.lines.len() >= SOON);
        drop(state);
        if wake {
            shared.wake.notify_one();
        }
        Ok(line.len())
    }

    /// Lines are written within [`PERIOD`]; a flush of one line would defeat
    /// the batching, and the guard writes everything out at the end.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// A `Write` into shared memory, so the test can read what the writer wrote.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn text(sink: &Sink) -> String {
        String::from_utf8(sink.0.lock().unwrap().clone()).unwrap()
    }

    fn log(writer: &BatchWriter, line: &str) {
        writer.make_writer().write_all(line.as_bytes()).unwrap();
    }

    #[test]
    fn a_line_on_an_idle_writer_is_written_without_waiting_for_more() {
        let sink = Sink::default();
        let (writer, _guard) = spawn(sink.clone());
        log(&writer, "one\n");
        // Bounded by a generous deadline, not timed: only that it arrives alone.
        let deadline = Instant::now() + Duration::from_secs(10);
        while text(&sink).is_empty() {
            assert!(Instant::now() < deadline, "the first line was never written");
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(text(&sink), "one\n");
    }

    #[test]
    fn every_line_from_many_threads_is_written_whole_and_in_each_threads_order() {
        let sink = Sink::default();
        let (writer, guard) = spawn(sink.clone());
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let writer = writer.clone();
                std::thread::spawn(move || {
                    for i in 0..20_000 {
                        log(&writer, &format!("thread {t} line {i} {}\n", "x".repeat(i % 300)));
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        drop(guard); // writes out what is still waiting
        let written = text(&sink);
        let mut next = [0usize; 4];
        for line in written.lines() {
            let mut words = line.split(' ');
            let t: usize = words.nth(1).unwrap().parse().unwrap();
            let i: usize = words.nth(1).unwrap().parse().unwrap();
            assert_eq!(i, next[t], "thread {t}'s lines out of order or lost");
            assert_eq!(words.next().unwrap().len(), i % 300, "line {i} of thread {t} cut");
            next[t] += 1;
        }
        assert_eq!(next, [20_000; 4]);
    }

    #[test]
    fn a_slow_output_makes_loggers_wait_rather_than_grow_without_bound() {
        /// Takes a while over each write, as a slow pipe reader would.
        struct Slow(Sink);
        impl Write for Slow {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                std::thread::sleep(Duration::from_millis(20));
                self.0.write(buf)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let sink = Sink::default();
        let (writer, guard) = spawn(Slow(sink.clone()));
        let line = format!("{}\n", "y".repeat(1023));
        let mut most = 0;
        for _ in 0..20_000 {
            log(&writer, &line);
            most = most.max(writer.shared.lock().lines.len());
        }
        assert!(most < FULL + line.len(), "{most} bytes were waiting");
        drop(guard);
        assert_eq!(text(&sink).len(), 20_000 * line.len());
    }

    #[test]
    fn lines_logged_after_the_guard_is_dropped_go_straight_out() {
        let sink = Sink::default();
        let (writer, guard) = spawn(sink.clone());
        log(&writer, "before\n");
        drop(guard);
        assert_eq!(text(&sink), "before\n");
        assert!(writer.shared.lock().gone);
        log(&writer, "after\n");
        assert_eq!(text(&sink), "before\nafter\n", "to the same output, at once");
    }
}
