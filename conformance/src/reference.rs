//! The reference evaluator as an [`Implementation`]: runs each step of a case
//! in-process.

use std::collections::HashMap;

use iam_evaluator::evaluate::{PolicyLabel, PolicySlot, PreparedPolicySet};
use iam_evaluator::policy::ParseOptions;
use iam_evaluator::world::{AssumeRoleParams, Session, StsError, World as EvalWorld};
use iam_evaluator::{Context, ContextValue, Policy, PolicySet, PolicyType, Principal, Request};
use serde_json::Value;

use crate::case::{self, Case, ContextMap, EvaluateStep, Expect, SessionExpect, Step, StepKind, StepResult};
use crate::runner::{CaseOutcome, Implementation, ImplementationInfo};
use crate::world_load::load_world;

/// The in-process reference evaluator.
#[derive(Debug, Default)]
pub struct Reference;

impl Implementation for Reference {
    fn info(&self) -> ImplementationInfo {
        ImplementationInfo {
            name: "iam-evaluator".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            language: "rust".to_string(),
        }
    }

    fn run(&mut self, case: &Case) -> CaseOutcome {
        match run_case(case, false) {
            Ok(results) => CaseOutcome::Results(results.into_iter().map(|r| r.result).collect()),
            Err(message) => CaseOutcome::Errored(message),
        }
    }
}

/// A step's result together with a readable explanation.
#[derive(Debug, Clone)]
pub struct ExplainedStep {
    /// The protocol result.
    pub result: StepResult,
    /// For `explain`: the trace rendered as text.
    pub explanation: Option<String>,
    /// For `explain --format json`: the same evidence as data
    /// ([`crate::explain::render_json`]), for steps that made a decision.
    pub evidence: Option<serde_json::Value>,
}

/// Runs every step of `case`. `explain` records a trace per decision.
pub fn run_case(case: &Case, explain: bool) -> Result<Vec<ExplainedStep>, String> {
    let mut world: Option<EvalWorld> = None;
    if let Some(w) = &case.world {
        world = Some(load_world(w).map_err(|e| format!("world: {e}"))?);
    }
    let mut sessions: HashMap<String, Session> = HashMap::new();
    let mut out = Vec::with_capacity(case.steps.len());
    for (i, step) in case.steps.iter().enumerate() {
        let kind = step.kind().map_err(|e| format!("step {}: {e}", i + 1))?;
        let result = match kind {
            StepKind::Parse => run_parse(step),
            StepKind::Evaluate => match &step.evaluate {
                Some(e) => run_evaluate(e, explain),
                None => Err("missing evaluate".to_string()),
            },
            StepKind::Request => run_request(step, world.as_ref(), &sessions, explain),
            StepKind::AssumeRole => run_assume_role(step, world.as_ref(), &mut sessions, explain),
        };
        out.push(result.map_err(|e| format!("step {} ({}): {e}", i + 1, kind.name()))?);
    }
    Ok(out)
}

fn run_parse(step: &Step) -> Result<ExplainedStep, String> {
    let p = step.parse.as_ref().ok_or("missing parse")?;
    let ty =
        PolicyType::from_name(&p.policy_type).ok_or_else(|| format!("unknown policy type \"{}\"", p.policy_type))?;
    let text = case::policy_text(&p.policy);
    let fields = match Policy::parse(&text, ty) {
        Ok(_) => Expect { valid: Some(true), ..Expect::default() },
        Err(e) => Expect { valid: Some(false), error_kind: Some(e.kind.name().to_string()), ..Expect::default() },
    };
    let explanation = Policy::parse(&text, ty).err().map(|e| e.to_string());
    Ok(ExplainedStep { result: StepResult { fields, ..StepResult::default() }, explanation, evidence: None })
}

/// Reads a context map of the case format.
pub fn context_from(map: &ContextMap) -> Result<Context, String> {
    let mut ctx = Context::new();
    for (key, value) in map {
        let scalar = |v: &Value| -> Result<String, String> {
            match v {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                Value::Bool(b) => Ok(b.to_string()),
                other => Err(format!("context key \"{key}\": {other} is not a string, number or boolean")),
            }
        };
        let cv = match value {
            Value::Array(items) => ContextValue::multi(items.iter().map(scalar).collect::<Result<_, _>>()?),
            other => ContextValue::single(scalar(other)?),
        };
        ctx.insert(key, cv);
    }
    Ok(ctx)
}

/// Parses a policy of an evaluate step. Size limits are checked by `parse` steps and
/// by STS, not here: AWS managed policies (ReadOnlyAccess is ~90 KB) are exempt.
pub fn policy_from(doc: &Value, ty: PolicyType) -> Result<Policy, String> {
    let options = ParseOptions { check_size: false };
    let parsed = match doc {
        Value::String(text) => Policy::parse_with(text, ty, options),
        other => iam_evaluator::policy::parse_policy_value(other, ty, options),
    };
    parsed.map_err(|e| format!("{} policy: {e}", ty.name()))
}

/// Builds the request and policy set of an evaluate step.
pub fn evaluate_inputs(e: &EvaluateStep) -> Result<(Request, PolicySet), String> {
    let principal = Principal::parse(&e.principal).map_err(|err| err.to_string())?;
    let request =
        Request::new(principal, &e.action, &e.resource, e.resource_account.as_deref(), context_from(&e.context)?);
    let list = |docs: &[Value], ty| docs.iter().map(|d| policy_from(d, ty)).collect::<Result<Vec<_>, _>>();
    let levels = |levels: &[Vec<Value>], ty| levels.iter().map(|l| list(l, ty)).collect::<Result<Vec<_>, _>>();
    let mut set = PolicySet {
        identity: list(&e.identity_policies, PolicyType::Identity)?,
        resource_policy: e.resource_policy.as_ref().map(|d| policy_from(d, PolicyType::Resource)).transpose()?,
        boundary: e.permissions_boundary.as_ref().map(|d| policy_from(d, PolicyType::Boundary)).transpose()?,
        session: e.session_policies.as_ref().map(|ps| list(ps, PolicyType::Session)).transpose()?,
        scps: e.scps.as_deref().map(|l| levels(l, PolicyType::Scp)).transpose()?,
        rcps: e.rcps.as_deref().map(|l| levels(l, PolicyType::Rcp)).transpose()?,
        ..PolicySet::default()
    }
    .for_request(&request);
    label_case_fields(&mut set);
    Ok((request, set))
}

/// Names each policy of an evaluate step by its field in the case
/// (`identityPolicies[0]`, `scps[1][0]`, ...).
fn label_case_fields(set: &mut PolicySet) {
    let field = |path: String| PolicyLabel::CaseField { path };
    let mut labels = Vec::new();
    labels.extend((0..set.identity.len()).map(|i| (PolicySlot::Identity(i), field(format!("identityPolicies[{i}]")))));
    if set.resource_policy.is_some() {
        labels.push((PolicySlot::Resource, field("resourcePolicy".to_string())));
    }
    if set.boundary.is_some() {
        labels.push((PolicySlot::Boundary, field("permissionsBoundary".to_string())));
    }
    let session = set.session.as_ref().map_or(0, Vec::len);
    labels.extend((0..session).map(|i| (PolicySlot::Session(i), field(format!("sessionPolicies[{i}]")))));
    for (name, levels) in [("scps", &set.scps), ("rcps", &set.rcps)] {
        for (level, policies) in levels.iter().flatten().enumerate() {
            for index in 0..policies.len() {
                let slot =
                    if name == "scps" { PolicySlot::Scp { level, index } } else { PolicySlot::Rcp { level, index } };
                labels.push((slot, field(format!("{name}[{level}][{index}]"))));
            }
        }
    }
    set.labels.extend(labels);
}

/// The result fields of a decision: `decision`, `deniedBy` and the AWS message.
pub fn decision_result(decision: &iam_evaluator::Decision, request: &Request) -> Expect {
    Expect {
        decision: Some(decision.outcome.name().to_string()),
        denied_by: decision.denied_by.map(|l| l.name().to_string()),
        message: decision.message(request),
        ..Expect::default()
    }
}

fn run_evaluate(e: &EvaluateStep, explain: bool) -> Result<ExplainedStep, String> {
    let (request, set) = evaluate_inputs(e)?;
    let decision = PreparedPolicySet::new(set).decide(&request, explain);
    Ok(ExplainedStep {
        result: StepResult { fields: decision_result(&decision, &request), ..StepResult::default() },
        explanation: explain.then(|| crate::explain::render(&request, &decision)),
        evidence: explain.then(|| crate::explain::render_json(&request, &decision)),
    })
}

fn caller<'a>(
    as_: &'a str,
    world: &'a EvalWorld,
    sessions: &'a HashMap<String, Session>,
) -> Result<iam_evaluator::world::Caller<'a>, String> {
    if let Some(s) = sessions.get(as_) {
        return Ok(iam_evaluator::world::Caller::Session(s));
    }
    world.user_caller(as_).map_err(|e| e.to_string())
}

fn run_request(
    step: &Step,
    world: Option<&EvalWorld>,
    sessions: &HashMap<String, Session>,
    explain: bool,
) -> Result<ExplainedStep, String> {
    let r = step.request.as_ref().ok_or("missing request")?;
    let world = world.ok_or("a request step needs a world")?;
    let who = caller(&r.as_, world, sessions)?;
    let ctx = context_from(&r.context)?;
    let (request, decision) = world
        .authorize(&who, &r.action, &r.resource, r.resource_account.as_deref(), ctx, explain)
        .map_err(|e| e.to_string())?;
    Ok(ExplainedStep {
        result: StepResult { fields: decision_result(&decision, &request), ..StepResult::default() },
        explanation: explain.then(|| crate::explain::render(&request, &decision)),
        evidence: explain.then(|| crate::explain::render_json(&request, &decision)),
    })
}

fn run_assume_role(
    step: &Step,
    world: Option<&EvalWorld>,
    sessions: &mut HashMap<String, Session>,
    explain: bool,
) -> Result<ExplainedStep, String> {
    let a = step.assume_role.as_ref().ok_or("missing assumeRole")?;
    let world = world.ok_or("an assumeRole step needs a world")?;
    let params = AssumeRoleParams {
        role_arn: a.role_arn.clone(),
        role_session_name: a.role_session_name.clone(),
        policy: a.policy.as_ref().map(case::policy_text),
        policy_arns: a.policy_arns.clone().unwrap_or_default(),
        duration_seconds: a.duration_seconds,
        external_id: a.external_id.clone(),
        serial_number: a.serial_number.clone(),
        token_code: a.token_code.clone(),
        source_identity: a.source_identity.clone(),
        tags: a.tags.clone().unwrap_or_default().into_iter().collect(),
        transitive_tag_keys: a.transitive_tag_keys.clone().unwrap_or_default(),
        context: context_from(&a.context)?,
    };
    let outcome = {
        let who = caller(&a.as_, world, sessions)?;
        world.assume_role(&who, &params, explain)
    };
    let mut evidence = None;
    let (fields, explanation) = match outcome {
        Ok(issued) => {
            let fields = Expect {
                decision: Some("allowed".to_string()),
                session: Some(SessionExpect {
                    arn: Some(issued.session.arn().to_string()),
                    duration_seconds: Some(issued.session.duration_seconds),
                    chained: Some(issued.session.chained),
                }),
                ..Expect::default()
            };
            let explanation = explain.then(|| crate::explain::render(&issued.request, &issued.decision));
            evidence = explain.then(|| crate::explain::render_json(&issued.request, &issued.decision));
            if let Some(name) = &step.save_as {
                sessions.insert(name.clone(), issued.session);
            }
            (fields, explanation)
        }
        Err(StsError::AccessDenied { request, decision }) => {
            let mut fields = decision_result(&decision, &request);
            fields.error = Some("AccessDenied".to_string());
            evidence = explain.then(|| crate::explain::render_json(&request, &decision));
            (fields, explain.then(|| crate::explain::render(&request, &decision)))
        }
        Err(other) => (Expect { error: Some(other.code().to_string()), ..Expect::default() }, Some(other.to_string())),
    };
    Ok(ExplainedStep { result: StepResult { fields, detail: None, skipped: None }, explanation, evidence })
}
