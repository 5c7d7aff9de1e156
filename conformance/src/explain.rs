//! Renders a decision and its evidence, for a person ([`render`]) and for programs
//! ([`render_json`]): the request as evaluated (derived context keys marked), the
//! steps of the decision procedure by rule, and every statement consulted with what
//! each element and condition matched.

use std::fmt::Write;

use iam_evaluator::condition::Tri;
use iam_evaluator::decision::{ConditionTrace, ElementTrace, StatementTrace, StepTrace};
use iam_evaluator::{Decision, Request};
use serde_json::{json, Value};

fn tri_name(t: Tri) -> &'static str {
    match t {
        Tri::True => "true",
        Tri::False => "false",
        Tri::Unknown => "unknown",
    }
}

fn quoted(values: &[String]) -> String {
    let items: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
    format!("[{}]", items.join(", "))
}

fn request_text(out: &mut String, request: &Request) {
    let p = &request.principal;
    let _ = writeln!(out, "request:");
    let _ = writeln!(out, "  principal: {} ({})", p.arn(), p.principal_type());
    let _ = writeln!(out, "  action: {}", request.action);
    let _ = writeln!(out, "  resource: {}", request.resource);
    let same = if request.same_account() { "the caller's account" } else { "another account than the caller's" };
    let _ = writeln!(out, "  resource account: {} ({same})", request.resource_account);
    let _ = writeln!(out, "  context:");
    for (key, value) in request.context.iter() {
        let shown = if value.multi { quoted(&value.values) } else { quoted(&value.values).replace(['[', ']'], "") };
        let derived = if request.context.is_derived(key) { " (derived)" } else { "" };
        let _ = writeln!(out, "    {key} = {shown}{derived}");
    }
}

fn step_text(s: &StepTrace) -> String {
    let decided = s.decided.map(|o| format!(" => {}", o.name())).unwrap_or_default();
    format!("{} {}: {}{decided}", s.rule.id(), s.rule.title(), s.detail)
}

fn element_text(e: &ElementTrace) -> String {
    let verdict = if e.matched { "matches" } else { "does not match" };
    let pattern = match (&e.pattern, e.element.starts_with("Not")) {
        (Some(p), false) => format!(" (pattern \"{p}\")"),
        (Some(p), true) => format!(" (lists it as \"{p}\")"),
        (None, false) if !e.matched && e.note.is_none() => " (no pattern matches)".to_string(),
        (None, true) if e.matched => " (not listed)".to_string(),
        _ => String::new(),
    };
    let note = e.note.as_deref().map(|n| format!(": {n}")).unwrap_or_default();
    format!("{} {verdict}{pattern}{note}", e.element)
}

fn condition_text(c: &ConditionTrace) -> String {
    let request = match &c.request_values {
        Some(values) => format!("request {}", quoted(values)),
        None => "key absent".to_string(),
    };
    let why = c.why_unknown.as_deref().map(|w| format!(" ({w})")).unwrap_or_default();
    let counts = if c.result == Tri::Unknown {
        if c.holds {
            ", counted as holding in a Deny"
        } else {
            ", counted as not holding in an Allow"
        }
    } else {
        ""
    };
    format!(
        "{} {}: policy {}, {request} => {}{why}{counts}",
        c.operator,
        c.key,
        quoted(&c.policy_values),
        tri_name(c.result)
    )
}

fn statement_text(out: &mut String, s: &StatementTrace) {
    let name = match &s.sid {
        Some(sid) => format!("\"{sid}\""),
        None => format!("#{}", s.index + 1),
    };
    let verdict = if s.matched { "MATCHES" } else { "does not match" };
    let _ = writeln!(out, "    statement {name} ({}): {verdict}", s.effect.as_str());
    let _ = writeln!(out, "      {}", element_text(&s.action));
    for e in s.resource.iter().chain(s.principal.iter()) {
        let _ = writeln!(out, "      {}", element_text(e));
    }
    for c in &s.conditions {
        let _ = writeln!(out, "      condition {}", condition_text(c));
    }
}

/// The decision, the request as evaluated, the steps of the procedure, every
/// statement consulted and why it did or did not match, and the AWS message.
pub fn render(request: &Request, decision: &Decision) -> String {
    let mut out = String::new();
    request_text(&mut out, request);
    let _ = writeln!(
        out,
        "decision: {}{}",
        decision.outcome.name(),
        decision.denied_by.map(|l| format!(" (by {})", l.name())).unwrap_or_default()
    );
    if let Some(trace) = &decision.trace {
        let _ = writeln!(out, "steps:");
        for s in &trace.steps {
            let _ = writeln!(out, "  {}", step_text(s));
        }
        let _ = writeln!(out, "policies consulted:");
        for p in &trace.policies {
            let _ = writeln!(out, "  {} [{}]", p.label, p.layer.name());
            for s in &p.statements {
                statement_text(&mut out, s);
            }
        }
    }
    if let Some(m) = decision.message(request) {
        let _ = writeln!(out, "message: {m}");
    }
    out
}

fn element_json(e: &ElementTrace) -> Value {
    json!({ "element": e.element, "matched": e.matched, "pattern": e.pattern, "note": e.note })
}

fn condition_json(c: &ConditionTrace) -> Value {
    json!({
        "operator": c.operator,
        "key": c.key,
        "policyValues": c.policy_values,
        "requestValues": c.request_values,
        "keyPresent": c.request_values.is_some(),
        "result": tri_name(c.result),
        "whyUnknown": c.why_unknown,
        "holds": c.holds,
    })
}

fn statement_json(s: &StatementTrace) -> Value {
    json!({
        "index": s.index,
        "sid": s.sid,
        "effect": s.effect.as_str(),
        "matched": s.matched,
        "action": element_json(&s.action),
        "resource": s.resource.as_ref().map(element_json),
        "principal": s.principal.as_ref().map(element_json),
        "conditions": s.conditions.iter().map(condition_json).collect::<Vec<_>>(),
    })
}

/// The same evidence as [`render`], as JSON for programs.
pub fn render_json(request: &Request, decision: &Decision) -> Value {
    let p = &request.principal;
    let context: Vec<Value> = request
        .context
        .iter()
        .map(|(key, v)| json!({ "key": key, "values": v.values, "multi": v.multi, "derived": request.context.is_derived(key) }))
        .collect();
    let trace = decision.trace.as_ref();
    let steps: Vec<Value> = trace
        .map(|t| {
            t.steps
                .iter()
                .map(|s| {
                    json!({
                        "rule": s.rule.id(),
                        "name": s.rule.title(),
                        "decided": s.decided.map(|o| o.name()),
                        "detail": s.detail,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let policies: Vec<Value> = trace
        .map(|t| {
            t.policies
                .iter()
                .map(|pt| {
                    json!({
                        "label": pt.label,
                        "layer": pt.layer.name(),
                        "statements": pt.statements.iter().map(statement_json).collect::<Vec<_>>(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    json!({
        "request": {
            "principal": p.arn(),
            "principalType": p.principal_type(),
            "principalAccount": p.account(),
            "action": request.action,
            "resource": request.resource,
            "resourceAccount": request.resource_account,
            "sameAccount": request.same_account(),
            "context": context,
        },
        "decision": {
            "outcome": decision.outcome.name(),
            "deniedBy": decision.denied_by.map(|l| l.name()),
            "message": decision.message(request),
        },
        "traced": trace.is_some(),
        "steps": steps,
        "policies": policies,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use iam_evaluator::evaluate::{PolicyLabel, PolicySlot, PreparedPolicySet};
    use iam_evaluator::{Context, ContextValue, Policy, PolicySet, PolicyType, Principal};

    const FROM_OFFICE: &str = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"FromTheOffice","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*",
         "Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}},
        {"Sid":"FewKeys","Effect":"Allow","Action":"s3:ListBucket","Resource":"*",
         "Condition":{"NumericLessThan":{"s3:max-keys":"10"}}},
        {"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}"#;

    fn explained(action: &str, context: &[(&str, &str)]) -> (String, Value) {
        let policy = Policy::parse(FROM_OFFICE, PolicyType::Identity).unwrap();
        let mut set = PolicySet { identity: vec![policy], ..PolicySet::default() };
        set.set_label(
            PolicySlot::Identity(0),
            PolicyLabel::Managed { arn: "arn:aws:iam::111122223333:policy/office".into() },
        );
        let mut ctx = Context::new();
        for (k, v) in context {
            ctx.insert(k, ContextValue::single(*v));
        }
        let caller = Principal::parse("arn:aws:iam::111122223333:user/alice").unwrap();
        let request = Request::new(caller, action, "arn:aws:s3:::b/k", None, ctx);
        let decision = PreparedPolicySet::new(set).evaluate_with_trace(&request);
        (render(&request, &decision), render_json(&request, &decision))
    }

    #[test]
    fn requests_that_differ_only_in_context_explain_differently() {
        let (inside, inside_json) = explained("s3:GetObject", &[("aws:SourceIp", "203.0.113.7")]);
        let (absent, absent_json) = explained("s3:GetObject", &[]);
        assert_ne!(inside, absent);
        assert!(
            inside.contains("IpAddress aws:SourceIp: policy [\"203.0.113.0/24\"], request [\"203.0.113.7\"] => true")
        );
        assert!(absent.contains("IpAddress aws:SourceIp: policy [\"203.0.113.0/24\"], key absent => false"));
        assert!(inside.contains("decision: allowed") && absent.contains("decision: implicitDeny"));
        let condition = |j: &Value| j["policies"][0]["statements"][0]["conditions"][0].clone();
        assert_eq!(condition(&inside_json)["result"], "true");
        assert_eq!(condition(&absent_json)["keyPresent"], false);
        assert_eq!(condition(&absent_json)["requestValues"], Value::Null);
    }

    #[test]
    fn an_unreadable_value_is_unknown_with_the_reason() {
        let (text, json) = explained("s3:ListBucket", &[("s3:max-keys", "many")]);
        assert!(
            text.contains("=> unknown (\"many\" cannot be read as a number), counted as not holding in an Allow"),
            "{text}"
        );
        let c = &json["policies"][0]["statements"][1]["conditions"][0];
        assert_eq!(c["result"], "unknown");
        assert_eq!(c["holds"], false);
    }

    #[test]
    fn the_evidence_names_policies_patterns_and_steps() {
        let (text, json) = explained("s3:GetObject", &[("aws:SourceIp", "198.51.100.1")]);
        assert!(text.contains("managed policy arn:aws:iam::111122223333:policy/office [identityPolicy]"), "{text}");
        assert!(text.contains("statement \"FromTheOffice\" (Allow): does not match"), "{text}");
        assert!(text.contains("Action matches (pattern \"s3:GetObject\")"), "{text}");
        assert!(text.contains("Resource matches (pattern \"arn:aws:s3:::b/*\")"), "{text}");
        assert!(text.contains("R6.2 explicit deny: no Deny statement matches"), "{text}");
        assert!(
            text.contains("R6.7 identity-based policies: no identity-based policy allows the action => implicitDeny")
        );
        assert!(text.contains("aws:principalarn = \"arn:aws:iam::111122223333:user/alice\" (derived)"), "{text}");
        assert!(text.contains("aws:sourceip = \"198.51.100.1\"\n"), "{text}");
        let context = json["request"]["context"].as_array().unwrap();
        let derived = |key: &str| context.iter().find(|c| c["key"] == key).map(|c| c["derived"].clone());
        assert_eq!(derived("aws:principalarn"), Some(Value::Bool(true)));
        assert_eq!(derived("aws:username"), Some(Value::Bool(true)));
        assert_eq!(derived("aws:sourceip"), Some(Value::Bool(false)));
        assert_eq!(json["steps"][0]["rule"], "R6.2");
        assert_eq!(json["steps"][0]["name"], "explicit deny");
        assert_eq!(json["policies"][0]["label"], "managed policy arn:aws:iam::111122223333:policy/office");
        // The index rules out the EC2 statement for an S3 action, and says so.
        let skipped = &json["policies"][0]["statements"][2]["action"];
        assert_eq!(skipped["matched"], false);
        assert!(skipped["note"].as_str().is_some_and(|n| n.contains("action index")), "{skipped}");
        assert!(text.contains("statement #3 (Allow): does not match"), "{text}");
    }

    #[test]
    fn the_root_users_path_is_shown_as_such() {
        let caller = Principal::parse("arn:aws:iam::111122223333:root").unwrap();
        let request = Request::new(caller, "s3:GetObject", "arn:aws:s3:::b/k", None, Context::new());
        let decision = iam_evaluator::evaluate_with_trace(&request, &PolicySet::default());
        let text = render(&request, &decision);
        assert!(text.contains("R6.1 root user: the account's root user has full access"), "{text}");
        assert!(text.contains("decision: allowed"));
    }
}
