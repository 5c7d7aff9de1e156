//! The harness protocol of CASE-FORMAT.md: JSON lines over stdin and stdout.
//! [`External`] drives another implementation as a child process; [`serve`] puts the
//! reference evaluator behind the same protocol.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::Duration;

use serde_json::{json, Value};

use crate::case::{Case, StepResult};
use crate::runner::{CaseOutcome, Implementation, ImplementationInfo};

/// An implementation run as a child process (`sh -c CMD`).
pub struct External {
    command: String,
    timeout: Duration,
    info: ImplementationInfo,
    supports: Vec<String>,
    proc: Option<Running>,
    seq: u64,
}

struct Running {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
}

impl Drop for External {
    fn drop(&mut self) {
        self.stop();
    }
}

impl External {
    /// Starts `command` and performs the `start` handshake.
    pub fn start(command: &str, timeout: Duration) -> Result<External, String> {
        let mut ext = External {
            command: command.to_string(),
            timeout,
            info: ImplementationInfo { name: command.to_string(), version: String::new(), language: String::new() },
            supports: Vec::new(),
            proc: None,
            seq: 0,
        };
        ext.spawn()?;
        Ok(ext)
    }

    fn spawn(&mut self) -> Result<(), String> {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(&self.command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start \"{}\": {e}", self.command))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
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
        self.proc = Some(Running { child, stdin, lines: rx });
        let reply = self.exchange(&json!({"cmd": "start", "version": 1}))?;
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
        Ok(())
    }

    fn stop(&mut self) {
        if let Some(mut p) = self.proc.take() {
            let _ = writeln!(p.stdin, "{}", json!({"cmd": "stop"}));
            let _ = p.stdin.flush();
            drop(p.stdin);
            std::thread::sleep(Duration::from_millis(20));
            if !matches!(p.child.try_wait(), Ok(Some(_))) {
                let _ = p.child.kill();
            }
            let _ = p.child.wait();
        }
    }

    fn exchange(&mut self, message: &Value) -> Result<Value, String> {
        let p = self.proc.as_mut().ok_or("the implementation is not running")?;
        writeln!(p.stdin, "{message}").map_err(|e| format!("write failed: {e}"))?;
        p.stdin.flush().map_err(|e| format!("write failed: {e}"))?;
        loop {
            match p.lines.recv_timeout(self.timeout) {
                Ok(line) if line.trim().is_empty() => continue,
                Ok(line) => {
                    return serde_json::from_str(&line).map_err(|e| {
                        let shown: String = line.chars().take(200).collect();
                        format!("the implementation printed a line that is not JSON ({e}): {shown}")
                    })
                }
                Err(RecvTimeoutError::Timeout) => return Err(format!("no answer within {:?}", self.timeout)),
                Err(RecvTimeoutError::Disconnected) => return Err("the implementation exited".to_string()),
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

    fn run(&mut self, case: &Case) -> CaseOutcome {
        if self.proc.is_none() {
            if let Err(e) = self.spawn() {
                return CaseOutcome::Errored(format!("restart failed: {e}"));
            }
        }
        self.seq += 1;
        let seq = self.seq;
        let reply = serde_json::to_value(case)
            .map_err(|e| e.to_string())
            .and_then(|c| self.exchange(&json!({"cmd": "run", "seq": seq, "case": c})));
        let reply = match reply {
            Ok(r) => r,
            Err(e) => {
                // A crashed, hung or garbled implementation is restarted for the next case.
                self.stop();
                return CaseOutcome::Errored(e);
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

/// The reply of the reference evaluator to one protocol message, or `None` for `stop`.
pub fn handle_message(line: &str) -> Option<Value> {
    let msg: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return Some(json!({"errored": true, "message": format!("not JSON: {e}")})),
    };
    match msg.get("cmd").and_then(Value::as_str) {
        Some("start") => Some(json!({
            "implementation": {"name": "iam-evaluator", "version": env!("CARGO_PKG_VERSION"), "language": "rust"},
            "supports": ["evaluate", "request", "assumeRole", "parse"]
        })),
        Some("stop") => None,
        Some("run") => {
            let seq = msg.get("seq").cloned().unwrap_or(Value::Null);
            let case = msg.get("case").cloned().unwrap_or(Value::Null);
            let case: Case = match serde_json::from_value(case) {
                Ok(c) => c,
                Err(e) => return Some(json!({"seq": seq, "errored": true, "message": format!("invalid case: {e}")})),
            };
            match crate::reference::run_case(&case, false) {
                Ok(steps) => {
                    let results: Vec<StepResult> = steps.into_iter().map(|s| s.result).collect();
                    Some(json!({"seq": seq, "results": results}))
                }
                Err(e) => Some(json!({"seq": seq, "errored": true, "message": e})),
            }
        }
        other => Some(json!({"errored": true, "message": format!("unknown cmd {other:?}")})),
    }
}

/// Serves the reference evaluator on `input` and `output` until `stop` or the end of
/// the input.
pub fn serve(input: impl BufRead, mut output: impl Write) -> std::io::Result<()> {
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        match handle_message(&line) {
            Some(reply) => {
                writeln!(output, "{reply}")?;
                output.flush()?;
            }
            None => break,
        }
    }
    Ok(())
}
