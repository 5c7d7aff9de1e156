//! The harness protocol of docs/CASE-FORMAT.md: JSON lines over stdin and stdout.
//! [`External`] drives another implementation as a child process; [`serve`] (in
//! [`crate::serve`]) puts the reference evaluator behind the same protocol.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::case::{Case, StepResult};
use crate::runner::{CaseOutcome, Implementation, ImplementationInfo};

/// Why talking to an external implementation failed.
#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    /// The command could not be started.
    #[error("cannot start \"{command}\": {source}")]
    Spawn {
        /// The shell command.
        command: String,
        /// Why.
        source: std::io::Error,
    },
    /// The child process has no stdin or stdout pipe.
    #[error("the implementation has no {0} pipe")]
    NoPipe(&'static str),
    /// The start handshake failed.
    #[error("\"{command}\" did not answer the start message: {cause}")]
    Handshake {
        /// The shell command.
        command: String,
        /// What went wrong.
        cause: Box<ProtocolError>,
    },
    /// The implementation exited or closed its pipes.
    #[error("{0}")]
    Gone(String),
    /// A line that is not JSON (shown with control characters escaped).
    #[error("the implementation printed a line that is not JSON ({error}): {line}")]
    NotJson {
        /// The JSON error.
        error: String,
        /// The start of the line.
        line: String,
    },
    /// No answer in time.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// A message to a stopped implementation.
    #[error("the implementation is not running")]
    NotRunning,
}

/// An implementation run as a child process (`sh -c CMD`).
pub struct External {
    command: String,
    timeout: Duration,
    info: ImplementationInfo,
    supports: Vec<String>,
    given_fields_only: bool,
    proc: Option<Running>,
    seq: u64,
}

struct Running {
    child: Child,
    /// Lines for the writer thread: a write never blocks the runner, so an
    /// implementation that stops reading is caught by the timeout too.
    stdin: Sender<String>,
    lines: Receiver<String>,
}

impl Running {
    /// Why the implementation stopped talking: its exit status when it has one.
    fn gone(&mut self) -> ProtocolError {
        let deadline = Instant::now() + Duration::from_millis(500);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return ProtocolError::Gone(format!("the implementation exited ({status})")),
                Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
                _ => {
                    return ProtocolError::Gone("the implementation exited or closed its stdin and stdout".to_string())
                }
            }
        }
    }
}

/// Kills the implementation and everything it started: it runs in its own process
/// group, so the `sh -c` wrapper and its children all go. (The group cannot have
/// been reused: the child is not reaped yet.)
fn kill_tree(child: &mut Child) {
    #[cfg(unix)]
    {
        let _ = Command::new("sh")
            .arg("-c")
            .arg(format!("kill -KILL -{}", child.id()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
}

impl Drop for External {
    fn drop(&mut self) {
        self.stop();
    }
}

impl External {
    /// Starts `command` and performs the `start` handshake.
    pub fn start(command: &str, timeout: Duration) -> Result<External, ProtocolError> {
        let mut ext = External {
            command: command.to_string(),
            timeout,
            info: ImplementationInfo { name: command.to_string(), version: String::new(), language: String::new() },
            supports: Vec::new(),
            given_fields_only: false,
            proc: None,
            seq: 0,
        };
        ext.spawn()?;
        Ok(ext)
    }

    fn spawn(&mut self) -> Result<(), ProtocolError> {
        let mut command = Command::new("sh");
        command.arg("-c").arg(&self.command).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child =
            command.spawn().map_err(|source| ProtocolError::Spawn { command: self.command.clone(), source })?;
        let mut stdin = child.stdin.take().ok_or(ProtocolError::NoPipe("stdin"))?;
        let stdout = child.stdout.take().ok_or(ProtocolError::NoPipe("stdout"))?;
        let (to_stdin, from_runner) = channel::<String>();
        std::thread::spawn(move || {
            for line in from_runner {
                if writeln!(stdin, "{line}").and_then(|()| stdin.flush()).is_err() {
                    break;
                }
            }
        });
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                match line {
                    Ok(l) => {
                        if tx.send(l).is_err() {
                            break;
                        }
                    }
                    Err(_) => break,
                }
            }
        });
        self.proc = Some(Running { child, stdin: to_stdin, lines: rx });
        let reply = match self.exchange(&json!({"cmd": "start", "version": 1})) {
            Ok(r) => r,
            Err(e) => {
                self.stop();
                return Err(ProtocolError::Handshake { command: self.command.clone(), cause: Box::new(e) });
            }
        };
        if let Some(info) = reply.get("implementation") {
            if let Ok(i) = serde_json::from_value::<ImplementationInfo>(info.clone()) {
                self.info = i;
            }
        }
        self.supports = reply
            .get("supports")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        self.given_fields_only = reply.get("givenFieldsOnly").and_then(Value::as_bool).unwrap_or(false);
        Ok(())
    }

    fn stop(&mut self) {
        if let Some(Running { mut child, stdin, .. }) = self.proc.take() {
            let _ = stdin.send(json!({"cmd": "stop"}).to_string());
            // Closing the channel ends the writer thread, which closes stdin.
            drop(stdin);
            let deadline = Instant::now() + Duration::from_millis(100);
            while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
            if !matches!(child.try_wait(), Ok(Some(_))) {
                kill_tree(&mut child);
            }
            let _ = child.wait();
        }
    }

    fn exchange(&mut self, message: &Value) -> Result<Value, ProtocolError> {
        let p = self.proc.as_mut().ok_or(ProtocolError::NotRunning)?;
        if p.stdin.send(message.to_string()).is_err() {
            return Err(p.gone());
        }
        // One deadline for the whole answer: blank lines do not extend it.
        let deadline = Instant::now().checked_add(self.timeout);
        loop {
            let wait = deadline.map_or(self.timeout, |d| d.saturating_duration_since(Instant::now()));
            match p.lines.recv_timeout(wait) {
                Ok(line) if line.trim().is_empty() => continue,
                Ok(line) => {
                    return serde_json::from_str(&line).map_err(|e| {
                        // Control characters (terminal escapes) are shown escaped.
                        let shown: String = line
                            .chars()
                            .take(200)
                            .map(|c| if c.is_control() { c.escape_debug().to_string() } else { c.to_string() })
                            .collect();
                        ProtocolError::NotJson { error: e.to_string(), line: shown }
                    });
                }
                Err(RecvTimeoutError::Timeout) => return Err(ProtocolError::Timeout(self.timeout)),
                Err(RecvTimeoutError::Disconnected) => return Err(p.gone()),
            }
        }
    }

    /// The step kinds the implementation said it supports.
    pub fn supports(&self) -> &[String] {
        &self.supports
    }
}

impl Implementation for External {
    fn info(&self) -> ImplementationInfo {
        self.info.clone()
    }

    fn given_fields_only(&self) -> bool {
        self.given_fields_only
    }

    fn run(&mut self, case: &Case) -> CaseOutcome {
        if self.proc.is_none() {
            if let Err(e) = self.spawn() {
                return CaseOutcome::Errored(format!("restart failed: {e}"));
            }
        }
        self.seq += 1;
        let seq = self.seq;
        let message = match serde_json::to_value(case) {
            Ok(c) => json!({"cmd": "run", "seq": seq, "case": c}),
            Err(e) => return CaseOutcome::Errored(format!("the case cannot be sent: {e}")),
        };
        let reply = match self.exchange(&message) {
            Ok(r) => r,
            Err(e) => {
                // A crashed, hung or garbled implementation is restarted for the next case.
                self.stop();
                return CaseOutcome::Errored(e.to_string());
            }
        };
        if reply.get("seq").and_then(Value::as_u64) != Some(seq) {
            self.stop();
            return CaseOutcome::Errored(format!("answer for the wrong seq: {reply}"));
        }
        let message = reply.get("message").and_then(Value::as_str).unwrap_or("").to_string();
        if reply.get("skipped").and_then(Value::as_bool) == Some(true) {
            return CaseOutcome::Skipped(message);
        }
        if reply.get("errored").and_then(Value::as_bool) == Some(true) {
            return CaseOutcome::Errored(message);
        }
        match reply.get("results").cloned().map(serde_json::from_value::<Vec<StepResult>>) {
            Some(Ok(results)) => CaseOutcome::Results(results),
            Some(Err(e)) => CaseOutcome::Errored(format!("bad results: {e}")),
            None => CaseOutcome::Errored(format!("no results in the answer: {reply}")),
        }
    }
}

/// The server half of the protocol lives in [`crate::serve`].
pub use crate::serve::serve;
