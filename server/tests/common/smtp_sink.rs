//! The real SMTP server the e-mail tests deliver to: `scripts/smtp-sink.py`
//! (Debian's aiosmtpd, with a throwaway CA for the TLS modes) on 127.0.0.1,
//! keeping every message it accepts as JSON lines.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;
use server_core::channels::email::SmtpRoots;
use server_core::channels::ChannelSettings;

/// A running sink; stopped (stdin closed, then killed) when dropped.
pub struct Sink {
    child: Child,
    pub port: u16,
    ca: Option<String>,
    dir: tempfile::TempDir,
}

impl Sink {
    /// Starts `scripts/smtp-sink.py` with `args`, or `None` (skip) when
    /// aiosmtpd is missing outside CI.
    pub fn start(args: &[&str]) -> Option<Self> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/smtp-sink.py");
        let ready = Command::new("/usr/bin/python3").args(["-c", "import aiosmtpd"]).status();
        if !ready.is_ok_and(|s| s.success()) {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but python3-aiosmtpd is missing (make smtp-sink installs it)"
            );
            eprintln!("skipping: python3-aiosmtpd is not installed (make smtp-sink)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new("/usr/bin/python3")
            .arg(&script)
            .arg("--dir")
            .arg(dir.path())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the SMTP sink starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let ready: Value = serde_json::from_str(&line).unwrap_or_else(|_| panic!("the sink's ready line: {line:?}"));
        let ca = ready["ca"].as_str().map(|path| std::fs::read_to_string(path).unwrap());
        Some(Self { child, port: ready["port"].as_u64().unwrap() as u16, ca, dir })
    }

    /// Every message it accepted.
    pub fn messages(&self) -> Vec<Value> {
        let path: PathBuf = self.dir.path().join("messages.jsonl");
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    /// Channel settings that trust its CA.
    pub fn settings(&self) -> ChannelSettings {
        let smtp_roots =
            self.ca.as_deref().map(|pem| SmtpRoots::from_pem(pem).expect("the sink's CA")).unwrap_or_default();
        ChannelSettings { smtp_roots, ..ChannelSettings::default() }
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
