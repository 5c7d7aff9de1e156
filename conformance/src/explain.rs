//! Renders a decision and its trace for a person to read.

use std::fmt::Write;

use iam_evaluator::{Decision, Request};

/// The decision, the steps of the procedure, every statement consulted and why it
/// did or did not match, and the AWS message.
pub fn render(request: &Request, decision: &Decision) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "request: {} performs {} on {}", request.principal.arn(), request.action, request.resource);
    let _ = writeln!(
        out,
        "  principal account {}, resource account {}",
        request.principal.account().unwrap_or("-"),
        request.resource_account
    );
    let _ = writeln!(
        out,
        "decision: {}{}",
        decision.outcome.name(),
        decision.denied_by.map(|l| format!(" (by {})", l.name())).unwrap_or_default()
    );
    if let Some(trace) = &decision.trace {
        let _ = writeln!(out, "procedure:");
        for s in &trace.steps {
            let _ = writeln!(out, "  - {s}");
        }
        let _ = writeln!(out, "policies consulted:");
        for p in &trace.policies {
            let _ = writeln!(out, "  {} [{}]", p.label, p.layer.name());
            for s in &p.statements {
                let sid = s.sid.as_deref().map(|x| format!(" \"{x}\"")).unwrap_or_default();
                let verdict = if s.matched { "MATCHED" } else { "no match" };
                let mut why = Vec::new();
                if !s.action {
                    why.push("action not matched".to_string());
                }
                if !s.resource {
                    why.push("resource not matched".to_string());
                }
                if s.principal == Some(false) {
                    why.push("principal not matched".to_string());
                }
                for (op, key, ok) in &s.conditions {
                    if !ok {
                        why.push(format!("condition {op} on {key} false"));
                    }
                }
                let why = if why.is_empty() { String::new() } else { format!(": {}", why.join(", ")) };
                let _ = writeln!(out, "    statement {}{sid} ({}): {verdict}{why}", s.index + 1, s.effect.as_str());
            }
        }
    }
    if let Some(m) = decision.message(request) {
        let _ = writeln!(out, "message: {m}");
    }
    out
}
