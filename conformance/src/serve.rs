//! `iam-conformance serve`: the reference evaluator behind the harness protocol of
//! CASE-FORMAT.md ("Running an implementation"), the other way round from
//! [`crate::protocol::External`]: the caller is the runner.
//!
//! Every line gets an answer, whatever it holds: a line that is not UTF-8, not JSON,
//! not a message, a `run` before `start`, a `start` of another version, an unknown
//! `cmd` or a case that does not follow the format is answered with
//! `{"seq":N,"errored":true,"message":"..."}` (without `seq` when the line has none) and
//! the server reads the next line. Only `stop` and the end of the input end it.
//!
//! Speed comes from [`fast`]: a `run` of a case whose steps are all `evaluate` steps is
//! read without building JSON trees for its policies, and the parsed, indexed policy
//! set is kept in a cache keyed by the policies' raw text.

mod fast;

use std::io::{BufRead, Write};

use serde::Deserialize;
use serde_json::{json, Value};

use crate::case::{Case, StepResult};

/// The protocol version this server speaks.
pub const PROTOCOL_VERSION: u64 = 1;

/// The longest line the server reads (bytes). A longer line is answered with an error
/// and skipped up to its newline, so that a client that never sends a newline cannot
/// make the server hold its whole output in memory.
pub const MAX_LINE: usize = 256 << 20;

/// The server's state between messages.
#[derive(Default)]
pub struct Server {
    /// True once a `start` of the right version was answered.
    started: bool,
    /// Parsed and indexed policy sets of `evaluate` steps, by raw text.
    cache: fast::SetCache,
}

/// What to do after a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Read the next message.
    Continue,
    /// `stop`: end the server.
    Stop,
}

impl Server {
    /// A server that has not seen `start` yet.
    pub fn new() -> Server {
        Server::default()
    }

    /// Answers one line (without its newline): appends the answer and a newline to
    /// `out`, or returns [`Flow::Stop`] for `stop`. A blank line is ignored.
    pub fn handle(&mut self, line: &[u8], out: &mut Vec<u8>) -> Flow {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return Flow::Continue;
        }
        // A panic is a bug, but it must not take the server down with it: the client
        // gets an error answer for this message and the server goes on.
        let answered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.answer(line, out)));
        match answered {
            Ok(Some(())) => Flow::Continue,
            Ok(None) => Flow::Stop,
            Err(_) => {
                let seq = seq_of(&String::from_utf8_lossy(line));
                write_line(
                    out,
                    &error_answer(seq, "internal error while answering this message (a bug; please report it)"),
                );
                Flow::Continue
            }
        }
    }

    /// The answer to one non-blank line, or `None` for `stop`.
    fn answer(&mut self, line: &[u8], out: &mut Vec<u8>) -> Option<()> {
        let text = match std::str::from_utf8(line) {
            Ok(text) => text,
            Err(e) => {
                let seq = seq_of(&String::from_utf8_lossy(line));
                let message = format!(
                    "the message is not UTF-8 text (byte {} of the line is not valid UTF-8); \
                     messages are JSON objects, one per line",
                    e.valid_up_to() + 1
                );
                write_line(out, &error_answer(seq, &message));
                return Some(());
            }
        };
        if self.started && fast::run(text, &mut self.cache, out) {
            return Some(());
        }
        let answer = self.message(text)?;
        write_line(out, &answer);
        Some(())
    }

    /// The general path: any message, as a JSON tree.
    fn message(&mut self, text: &str) -> Option<Value> {
        let msg: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                return Some(error_answer(
                    seq_of(text),
                    &format!("the message is not JSON ({e}); messages are JSON objects, one per line"),
                ))
            }
        };
        let Some(fields) = msg.as_object() else {
            return Some(error_answer(None, "a message must be a JSON object with a \"cmd\" (start, run or stop)"));
        };
        let seq = fields.get("seq").cloned();
        let cmd = match fields.get("cmd") {
            Some(Value::String(cmd)) => cmd.as_str(),
            Some(other) => {
                return Some(error_answer(seq, &format!("\"cmd\" must be a string (start, run or stop), not {other}")))
            }
            None => return Some(error_answer(seq, "the message has no \"cmd\" (start, run or stop)")),
        };
        match cmd {
            "start" => Some(self.start(fields.get("version"), seq)),
            "stop" => None,
            "run" if !self.started => {
                Some(error_answer(seq, "run before start: the first message must be {\"cmd\":\"start\",\"version\":1}"))
            }
            "run" => Some(run_general(fields.get("case"), seq)),
            other => Some(error_answer(seq, &format!("unknown cmd \"{other}\": the commands are start, run and stop"))),
        }
    }

    /// `start`: the implementation's name and what it supports. A `version` other than
    /// [`PROTOCOL_VERSION`] is refused (a missing one is taken as version 1).
    fn start(&mut self, version: Option<&Value>, seq: Option<Value>) -> Value {
        match version {
            None => {}
            Some(v) if v.as_u64() == Some(PROTOCOL_VERSION) => {}
            Some(v) => {
                return error_answer(
                    seq,
                    &format!("protocol version {v} is not supported: this server speaks version {PROTOCOL_VERSION}"),
                )
            }
        }
        self.started = true;
        json!({
            "implementation": {"name": "iam-evaluator", "version": env!("CARGO_PKG_VERSION"), "language": "rust"},
            "supports": crate::case::StepKind::ALL.map(crate::case::StepKind::name)
        })
    }
}

/// `run` through the case model, for any case.
fn run_general(case: Option<&Value>, seq: Option<Value>) -> Value {
    let case = match case {
        None => return error_answer(seq, "the run message has no \"case\""),
        Some(case @ Value::Object(_)) => case,
        Some(other) => {
            return error_answer(
                seq,
                &format!(
                    "\"case\" must be a JSON object (the content of a case file), not {}",
                    iam_evaluator::import::type_name(other)
                ),
            )
        }
    };
    let case = match Case::deserialize(case) {
        Ok(case) => case,
        Err(e) => return error_answer(seq, &format!("invalid case: {}", in_protocol_words(&e.to_string()))),
    };
    match crate::reference::run_case(&case, false) {
        Ok(steps) => {
            let results: Vec<StepResult> = steps.into_iter().map(|s| s.result).collect();
            json!({"seq": seq.unwrap_or(Value::Null), "results": results})
        }
        Err(e) => error_answer(seq, &e.to_string()),
    }
}

/// `{"seq":..,"errored":true,"message":..}`, without `seq` when there is none.
fn error_answer(seq: Option<Value>, message: &str) -> Value {
    match seq {
        Some(seq) => json!({"seq": seq, "errored": true, "message": message}),
        None => json!({"errored": true, "message": message}),
    }
}

/// The `seq` of a message that could not be read as a whole, when its text still
/// parses as a JSON object that has one.
fn seq_of(text: &str) -> Option<Value> {
    #[derive(Deserialize)]
    struct Seq {
        seq: Option<Value>,
    }
    serde_json::from_str::<Seq>(text).ok().and_then(|s| s.seq)
}

/// A deserialization message with the case model's Rust type names replaced by the
/// names of the case format.
fn in_protocol_words(message: &str) -> String {
    const NAMES: [(&str, &str); 24] = [
        ("struct Case", "a case object"),
        ("struct Step", "a step object"),
        ("struct RawStep", "a step object"),
        ("struct WebIdentityStep", "an assumeRoleWithWebIdentity object"),
        ("struct SamlStep", "an assumeRoleWithSAML object"),
        ("struct SamlAssertion", "a samlAssertion object"),
        ("struct FederationTokenStep", "a getFederationToken object"),
        ("struct SessionTokenStep", "a getSessionToken object"),
        ("struct CallerIdentityStep", "a getCallerIdentity object"),
        ("struct WhoCanStep", "a whoCan object"),
        ("struct ReachStep", "a reach object"),
        ("struct IdentityExpect", "an identity object"),
        ("struct IdentityProvider", "an identity provider object"),
        ("struct EvaluateStep", "an evaluate object"),
        ("struct RequestStep", "a request object"),
        ("struct AssumeRoleStep", "an assumeRole object"),
        ("struct ParseStep", "a parse object"),
        ("struct Expect", "an expect object"),
        ("struct SessionExpect", "a session object"),
        ("struct World", "a world object"),
        ("struct User", "a user object"),
        ("struct Group", "a group object"),
        ("struct Role", "a role object"),
        ("struct Organization", "an organization object"),
    ];
    let mut out = message.to_string();
    // Longest names first, so that `struct Step` does not eat `struct StepX`.
    let mut names = NAMES;
    names.sort_by_key(|(rust, _)| std::cmp::Reverse(rust.len()));
    for (rust, words) in names {
        out = out.replace(rust, words);
    }
    out.replace("struct Resource", "a resource object")
        .replace("a sequence", "an array")
        .replace("a map", "an object")
        .replace("invalid type: map", "invalid type: object")
        .replace("invalid type: sequence", "invalid type: array")
}

fn write_line(out: &mut Vec<u8>, answer: &Value) {
    // Printing a `Value` into a `Vec` cannot fail.
    let _ = serde_json::to_writer(&mut *out, answer);
    out.push(b'\n');
}

/// Serves the reference evaluator on `input` and `output` until `stop` or the end of
/// the input.
///
/// Answers are buffered and written out whenever every request read so far has been
/// answered and the server is about to wait for more input: a client that sends one
/// request and waits gets its answer at once, and a client that pipelines many
/// requests gets the answers in large writes rather than one write per line.
pub fn serve(mut input: impl BufRead, mut output: impl Write) -> std::io::Result<()> {
    let mut server = Server::new();
    let mut answers: Vec<u8> = Vec::with_capacity(1 << 16);
    // Input read but not yet answered: complete lines and the start of the next one.
    let mut pending: Vec<u8> = Vec::new();
    // True while the rest of an over-long line is skipped.
    let mut skipping = false;
    loop {
        if !answers.is_empty() {
            output.write_all(&answers)?;
            answers.clear();
        }
        output.flush()?;
        let chunk = input.fill_buf()?;
        let at_end = chunk.is_empty();
        let read = chunk.len();
        pending.extend_from_slice(chunk);
        input.consume(read);
        let mut start = 0;
        loop {
            let rest = pending.get(start..).unwrap_or_default();
            let (line, next) = match memchr::memchr(b'\n', rest) {
                Some(i) => (rest.get(..i).unwrap_or_default(), start + i + 1),
                // At the end of the input the last line needs no newline.
                None if at_end && !rest.is_empty() => (rest, pending.len()),
                None => break,
            };
            start = next;
            if std::mem::take(&mut skipping) {
                continue;
            }
            if server.handle(line, &mut answers) == Flow::Stop {
                output.write_all(&answers)?;
                return output.flush();
            }
        }
        pending.drain(..start);
        if pending.len() > MAX_LINE && !skipping {
            let message = format!("the line is longer than {} MiB; it is skipped up to its newline", MAX_LINE >> 20);
            write_line(&mut answers, &error_answer(None, &message));
            skipping = true;
        }
        if skipping {
            pending.clear();
        }
        if at_end {
            output.write_all(&answers)?;
            return output.flush();
        }
    }
}
