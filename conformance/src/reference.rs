//! The reference evaluator as an [`Implementation`]: runs each step of a case
//! in-process.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use iam_evaluator::evaluate::{PolicyLabel, PolicySlot, PreparedPolicySet};
use iam_evaluator::policy::ParseOptions;
use iam_evaluator::query::Verdict;
use iam_evaluator::world::{
    AnySession, AssumeRoleParams, Caller, FederatedSession, FederationTokenParams, Issued, SamlAssertion, SamlParams,
    Session, SessionTokenParams, StsError, TokenSession, WebIdentityParams, World as EvalWorld,
};
use iam_evaluator::{Context, ContextValue, Layer, Policy, PolicySet, PolicyType, Principal, Request};
use serde_json::Value;

use crate::case::{
    self, Action, Case, ContextMap, EvaluateStep, Expect, IdentityExpect, ImportAccountStep, ParseStep, ReachStep,
    SessionExpect, Step, StepResult, WhoCanStep,
};
use crate::runner::{CaseOutcome, Implementation, ImplementationInfo};
use crate::world_load::load_world;

/// The in-process reference evaluator.
#[derive(Debug, Default)]
pub struct Reference;

impl Implementation for Reference {
    fn info(&self) -> ImplementationInfo {
        reference_info()
    }

    fn run(&mut self, case: &Case) -> CaseOutcome {
        outcome_of(run_case(case, false))
    }
}

/// The reference evaluator deciding with a trace, as `explain` does: the recording
/// path of the decision procedure, every trace checked against its decision
/// ([`crate::audit::trace_contradiction`]) and every policy of an `evaluate` or
/// `parse` step printed and read back; a
/// contradiction errors the case. The corpus test runs every case with both, so a
/// wrong explanation or a policy printed wrong fails a case as a wrong decision does.
#[derive(Debug, Default)]
pub struct ExplainingReference;

impl Implementation for ExplainingReference {
    fn info(&self) -> ImplementationInfo {
        reference_info()
    }

    fn run(&mut self, case: &Case) -> CaseOutcome {
        outcome_of(run_case(case, true))
    }
}

fn reference_info() -> ImplementationInfo {
    ImplementationInfo {
        name: "iam-evaluator".to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        language: "rust".to_string(),
    }
}

fn outcome_of(results: Result<Vec<ExplainedStep>, CaseError>) -> CaseOutcome {
    match results {
        Ok(results) => CaseOutcome::Results(results.into_iter().map(|r| r.result).collect()),
        Err(message) => CaseOutcome::Errored(message.to_string()),
    }
}

/// With `explain`, a trace that contradicts its decision: a bug of the oracle.
fn audit(decision: &iam_evaluator::Decision, explain: bool) -> Result<(), StepFailure> {
    match crate::audit::trace_contradiction(decision) {
        Some(why) if explain => {
            Err(StepFailure::Disagreement(format!("the explanation contradicts the decision: {why}")))
        }
        _ => Ok(()),
    }
}

/// The three-valued engine of the account queries (`can`, `who-can`, `reach`) asked of
/// an evaluate step, with the keys the step gives known and every other key unknown:
/// the request as given (those keys absent) is one of the cases it bounds, so "yes"
/// must mean allowed and "no" denied, and an "if" can only name keys not given; and
/// its own exact decision (the recording path)
/// must be the step's. Either disagreement is a bug of the oracle.
fn bracketed(
    request: &Request,
    set: &iam_evaluator::PolicySet,
    decision: &iam_evaluator::Decision,
) -> Result<(), StepFailure> {
    let can = iam_evaluator::query::can_with_policies(request.clone(), set, &request.context);
    let contradiction = match &can.verdict {
        Verdict::Yes => !decision.is_allowed(),
        Verdict::No => decision.is_allowed(),
        // An "if" depends only on keys the step does not give.
        Verdict::If(u) => u.keys.iter().any(|k| request.context.get(k).is_some()),
    };
    if contradiction || can.decision.outcome != decision.outcome || can.decision.denied_by != decision.denied_by {
        return Err(StepFailure::Disagreement(format!(
            "the query engine says {:?} ({:?} by {:?}) of a request decided {:?} by {:?}",
            can.verdict, can.decision.outcome, can.decision.denied_by, decision.outcome, decision.denied_by
        )));
    }
    Ok(())
}

/// A trace that leaves out evidence, or names a policy it did not decide with: a bug
/// of the oracle ([`crate::audit::trace_incomplete`]).
fn complete(decision: &iam_evaluator::Decision, set: &iam_evaluator::PolicySet) -> Result<(), StepFailure> {
    match crate::audit::trace_incomplete(decision, set) {
        Some(why) => Err(StepFailure::Disagreement(format!("the explanation is incomplete: {why}"))),
        None => Ok(()),
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

/// Why a step could not be run: the case itself is wrong (not an STS or policy
/// outcome, which are results).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StepFailure {
    /// A `request` or STS step in a case without a world.
    #[error("a {0} step needs a world")]
    NeedsWorld(&'static str),
    /// A `parse` step's `type` is not a policy type.
    #[error("unknown policy type \"{0}\"")]
    UnknownPolicyType(String),
    /// A context value of the wrong JSON type.
    #[error("context key \"{key}\": {value} is not a string, number or boolean")]
    ContextValue {
        /// The key.
        key: String,
        /// The value, as JSON.
        value: String,
    },
    /// A policy of an `evaluate` step does not parse.
    #[error("{policy_type} policy: {source}")]
    Policy {
        /// The policy type it is read as.
        policy_type: &'static str,
        /// The parser's error, with its kind and location.
        source: iam_evaluator::ParseError,
    },
    /// An `evaluate` step's principal is not a caller ARN.
    #[error(transparent)]
    Principal(#[from] iam_evaluator::principal::PrincipalError),
    /// The world does not know the caller, or is inconsistent.
    #[error(transparent)]
    World(#[from] iam_evaluator::world::WorldError),
    /// Another STS failure outside the call's result.
    #[error("{0}")]
    Sts(String),
    /// Two engines of the oracle gave different answers to one question (a bug of the
    /// oracle, never a result).
    #[error("{0}")]
    Disagreement(String),
    /// A `whoCan` or `reach` question the world cannot answer (an unknown principal).
    #[error(transparent)]
    Query(#[from] iam_evaluator::query::QueryError),
}

impl From<StepFailure> for String {
    fn from(e: StepFailure) -> String {
        e.to_string()
    }
}

/// Why a case could not be run, with where in the case.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CaseError {
    /// The world does not load.
    #[error("world: {0}")]
    World(String),
    /// A step could not be run.
    #[error("step {index} ({kind}): {cause}")]
    Step {
        /// The step number, from 1.
        index: usize,
        /// The step kind.
        kind: &'static str,
        /// Why.
        cause: StepFailure,
    },
}

impl CaseError {
    /// The JSON pointer of the part of the case at fault.
    pub fn pointer(&self) -> String {
        match self {
            CaseError::World(_) => "/world".to_string(),
            CaseError::Step { index, kind, cause } => {
                let step = format!("/steps/{}/{kind}", index.saturating_sub(1));
                match cause {
                    StepFailure::ContextValue { key, .. } => {
                        format!("{step}/context/{}", key.replace('~', "~0").replace('/', "~1"))
                    }
                    StepFailure::UnknownPolicyType(_) => format!("{step}/type"),
                    StepFailure::Principal(_) => format!("{step}/principal"),
                    _ => step,
                }
            }
        }
    }
}

impl From<CaseError> for String {
    fn from(e: CaseError) -> String {
        e.to_string()
    }
}

/// The sessions saved by earlier steps, by `saveAs` name.
pub type Sessions = HashMap<String, AnySession>;

/// Runs every step of `case`. `explain` records a trace per decision.
pub fn run_case(case: &Case, explain: bool) -> Result<Vec<ExplainedStep>, CaseError> {
    let mut world: Option<EvalWorld> = None;
    if let Some(w) = &case.world {
        world = Some(load_world(w).map_err(CaseError::World)?);
    }
    let mut sessions = Sessions::new();
    let mut out = Vec::with_capacity(case.steps.len());
    for (i, step) in case.steps.iter().enumerate() {
        let result = run_step(step, world.as_ref(), &mut sessions, explain);
        out.push(result.map_err(|cause| CaseError::Step { index: i + 1, kind: step.kind().name(), cause })?);
    }
    Ok(out)
}

/// Runs one step against the world and the sessions saved so far.
pub fn run_step(
    step: &Step,
    world: Option<&EvalWorld>,
    sessions: &mut Sessions,
    explain: bool,
) -> Result<ExplainedStep, StepFailure> {
    let needs_world = || world.ok_or(StepFailure::NeedsWorld(step.kind().name()));
    match &step.action {
        Action::Parse(p) => run_parse(p, explain),
        Action::ImportAccount(i) => Ok(run_import(i, world)),
        Action::Evaluate(e) => run_evaluate(e, explain),
        Action::Request(r) => run_request(r, needs_world()?, sessions, explain),
        Action::WhoCan(w) => run_who_can(w, needs_world()?, explain),
        Action::Reach(r) => run_reach(r, needs_world()?, explain),
        Action::AssumeRole(a) => {
            let world = needs_world()?;
            let params = assume_role_params(a)?;
            let outcome = world.assume_role(&caller(&a.as_, world, sessions)?, &params, explain);
            role_outcome(outcome, step, sessions, explain)
        }
        Action::AssumeRoleWithWebIdentity(w) => {
            let outcome = needs_world()?.assume_role_with_web_identity(&web_identity_params(w)?, explain);
            role_outcome(outcome, step, sessions, explain)
        }
        Action::AssumeRoleWithSaml(a) => {
            let outcome = needs_world()?.assume_role_with_saml(&saml_params(a)?, explain);
            role_outcome(outcome, step, sessions, explain)
        }
        Action::GetFederationToken(f) => {
            let world = needs_world()?;
            let params = federation_token_params(f)?;
            let outcome = world.get_federation_token(&caller(&f.as_, world, sessions)?, &params, explain);
            finish(outcome.map(|issued| federated_result(world, issued)), step, sessions, explain)
        }
        Action::GetSessionToken(t) => {
            let world = needs_world()?;
            let params = session_token_params(t)?;
            let outcome = world.get_session_token(&caller(&t.as_, world, sessions)?, &params);
            finish(outcome.map(|s| token_result(world, s)), step, sessions, explain)
        }
        Action::GetCallerIdentity(g) => {
            let world = needs_world()?;
            let who = caller(&g.as_, world, sessions)?;
            let id = world.get_caller_identity(&who).map_err(|e| match e {
                StsError::World(w) => StepFailure::World(w),
                other => StepFailure::Sts(other.to_string()),
            })?;
            let fields = Expect {
                identity: Some(IdentityExpect { arn: Some(id.arn), account: Some(id.account), user_id: id.user_id }),
                ..Expect::default()
            };
            let explanation = explain.then(|| {
                "GetCallerIdentity needs no permission and is never denied (R11.10); userId is aws:userid".to_string()
            });
            Ok(ExplainedStep { result: StepResult { fields, ..StepResult::default() }, explanation, evidence: None })
        }
    }
}

/// `whoCan`: every principal of the world whose verdict is not "no".
fn run_who_can(w: &WhoCanStep, world: &EvalWorld, explain: bool) -> Result<ExplainedStep, StepFailure> {
    let q = iam_evaluator::query::Question {
        action: w.action.clone(),
        resource: w.resource.clone(),
        resource_account: w.resource_account.clone(),
        context: context_from(&w.context)?,
    };
    let answer = iam_evaluator::query::who_can(world, &q)?;
    // The same question asked of each principal alone (`iam-conformance can`) must
    // give the same verdict: the corpus checks both engines.
    for a in &answer.answers {
        let alone = iam_evaluator::query::can(world, &a.principal, &q)?;
        if alone.verdict != a.verdict {
            return Err(StepFailure::Disagreement(format!(
                "whoCan: who-can says {} for {} but can says {}",
                a.verdict.name(),
                a.principal,
                alone.verdict.name()
            )));
        }
    }
    let allowed: Vec<_> = answer.answers.iter().filter(|a| a.verdict != Verdict::No).collect();
    // `if` with the keys the answer depends on, so that a case can ask for them.
    let principals = allowed
        .iter()
        .map(|a| {
            let verdict = match a.verdict.unknowns() {
                Some(u) if !u.keys.is_empty() => {
                    format!("if {}", u.key_list())
                }
                _ => a.verdict.name().to_string(),
            };
            (a.principal.clone(), verdict)
        })
        .collect();
    let explanation = explain.then(|| {
        let mut lines: Vec<String> = allowed
            .iter()
            .map(|a| match a.verdict.unknowns() {
                Some(u) => {
                    format!("if  {} (unknown: {})", a.principal, u.key_list())
                }
                None => format!("yes {}", a.principal),
            })
            .collect();
        lines.extend(answer.undecided.iter().map(|u| format!("not decided: {} ({})", u.principal, u.reason)));
        lines.join("\n")
    });
    let fields = Expect { principals: Some(principals), ..Expect::default() };
    Ok(ExplainedStep { result: StepResult { fields, ..StepResult::default() }, explanation, evidence: None })
}

/// `reach`: every role `from` can become, "yes" when a path of "yes" hops exists.
///
/// Answered twice, by the two engines of `iam-conformance reach`: the path search from
/// `from` (`reach --from`) and the closure over the whole account's graph (its summary
/// of every principal). They must agree, and the graph both stand on must equal the
/// one found by deciding every principal against every role (no pre-filter); a
/// disagreement is an error of the oracle, so the corpus checks all three.
fn run_reach(r: &ReachStep, world: &EvalWorld, explain: bool) -> Result<ExplainedStep, StepFailure> {
    use iam_evaluator::query;
    let reached: Vec<_> = query::reach(world, Some(&r.from))?.into_iter().flat_map(|(_, rs)| rs).collect();
    let roles: BTreeMap<String, String> =
        reached.iter().map(|x| (x.role.clone(), if x.definite() { "yes" } else { "if" }.to_string())).collect();
    let graph = query::reach_edges(world, &mut |_, _| {})?;
    // The graph decides only the callers a trust policy can name; deciding every
    // principal against every role must give the same edges.
    let exhaustive = query::reach_edges_exhaustive(world)?;
    if exhaustive != graph {
        let differ: Vec<&String> = graph
            .edges
            .keys()
            .chain(exhaustive.edges.keys())
            .filter(|c| graph.edges.get(*c) != exhaustive.edges.get(*c))
            .collect();
        return Err(StepFailure::Disagreement(format!(
            "reach: the graph's edges from {differ:?} differ from those found by trying every principal on every role"
        )));
    }
    let closure = query::Closure::new(&graph);
    let definite = closure.definite_roles(&r.from);
    // The principal itself is not a role it becomes (a role that can assume itself is
    // that role already).
    let by_closure: BTreeMap<String, String> = closure
        .roles(&r.from)
        .into_iter()
        .filter(|role| *role != r.from)
        .map(|role| (role.to_string(), if definite.contains(&role) { "yes" } else { "if" }.to_string()))
        .collect();
    if by_closure != roles {
        return Err(StepFailure::Disagreement(format!(
            "reach from {}: the path search gives {roles:?} but the closure of the account's graph {by_closure:?}",
            r.from
        )));
    }
    // The whole-account summary (`reach` without --from) must say the same of `from`.
    let definite_count = roles.values().filter(|v| *v == "yes").count();
    let (summary, counts) = summary_of(&closure, &r.from);
    if summary != roles.keys().cloned().collect::<BTreeSet<_>>() || counts != (roles.len(), definite_count) {
        return Err(StepFailure::Disagreement(format!(
            "reach from {}: the whole-account summary gives {summary:?} (counts {counts:?}) but the path search {roles:?}",
            r.from
        )));
    }
    let explanation = explain.then(|| {
        reached
            .iter()
            .map(|x| {
                let hops: Vec<String> = x.path.iter().map(|h| format!("{} ({})", h.role, h.verdict.name())).collect();
                format!("{} <- {} -> {}", x.role, r.from, hops.join(" -> "))
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    let fields = Expect { roles: Some(roles), ..Expect::default() };
    Ok(ExplainedStep { result: StepResult { fields, ..StepResult::default() }, explanation, evidence: None })
}

/// What the whole-account summary of `reach` says of `from`: the member ARNs of the
/// components its component reaches (itself left out), read through the node table
/// as the summary's JSON is, and its two counts.
fn summary_of(closure: &iam_evaluator::query::Closure, from: &str) -> (BTreeSet<String>, (usize, usize)) {
    let nodes = closure.nodes();
    let mut roles = BTreeSet::new();
    if let Some(c) = closure.component_of(from) {
        let members: Vec<&[usize]> = closure.component_members().map(|(m, _)| m).collect();
        let named: Vec<Vec<&str>> = closure.components().map(|(m, _)| m).collect();
        for reached in closure.reached_components(c) {
            let by_index = members.get(reached).into_iter().flat_map(|m| m.iter().filter_map(|&i| nodes.get(i)));
            let by_name = named.get(reached).into_iter().flatten();
            for (arn, name) in by_index.zip(by_name) {
                // Both listings of a component name the same nodes, in the same order.
                let same = arn == name && closure.index_of(arn).and_then(|i| nodes.get(i)) == Some(arn);
                roles.insert(if same { arn.clone() } else { format!("{arn} / {name} (the node table disagrees)") });
            }
        }
    }
    roles.remove(from);
    (roles, closure.counts(from))
}

fn run_parse(p: &ParseStep, explain: bool) -> Result<ExplainedStep, StepFailure> {
    let ty =
        PolicyType::from_name(&p.policy_type).ok_or_else(|| StepFailure::UnknownPolicyType(p.policy_type.clone()))?;
    let text = case::policy_text(&p.policy);
    let parsed = Policy::parse(&text, ty);
    if let (true, Ok(policy)) = (explain, &parsed) {
        roundtrip(policy, ty, &text)?;
    }
    let fields = match &parsed {
        Ok(_) => Expect { valid: Some(true), ..Expect::default() },
        Err(e) => Expect {
            valid: Some(false),
            error_kind: Some(e.kind.name().to_string()),
            error_pointer: Some(e.location.pointer.clone()),
            ..Expect::default()
        },
    };
    let explanation = parsed.err().map(|e| e.to_string());
    Ok(ExplainedStep { result: StepResult { fields, ..StepResult::default() }, explanation, evidence: None })
}

/// `importAccount`: the documents read into a copy of the world (or an empty one). An
/// error's `errorPointer` leads from the list of documents: `/1/RoleDetailList/0/Arn`.
fn run_import(step: &ImportAccountStep, world: Option<&EvalWorld>) -> ExplainedStep {
    let mut copy = world.cloned().unwrap_or_default();
    // Each document is labelled by its index, so an error's label and pointer make
    // the pointer into the list.
    let labels: Vec<String> = (0..step.documents.len()).map(|i| i.to_string()).collect();
    let documents: Vec<(&str, &Value)> = labels.iter().map(String::as_str).zip(&step.documents).collect();
    let imported = crate::world_load::import_labelled(&mut copy, &documents, &std::collections::BTreeMap::new());
    let fields = match &imported {
        Ok(_) => Expect { valid: Some(true), ..Expect::default() },
        Err(e) => Expect {
            valid: Some(false),
            error_kind: Some(e.kind.name().to_string()),
            error_pointer: Some(format!("/{}{}", e.file, e.pointer)),
            ..Expect::default()
        },
    };
    let explanation = imported.err().map(|e| format!("document {e}"));
    ExplainedStep { result: StepResult { fields, ..StepResult::default() }, explanation, evidence: None }
}

/// Reads a context map of the case format.
pub fn context_from(map: &ContextMap) -> Result<Context, StepFailure> {
    let mut ctx = Context::new();
    for (key, value) in map {
        let scalar = |v: &Value| -> Result<String, StepFailure> {
            match v {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                Value::Bool(b) => Ok(b.to_string()),
                other => Err(StepFailure::ContextValue { key: key.clone(), value: other.to_string() }),
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
pub fn policy_from(doc: &Value, ty: PolicyType) -> Result<Policy, StepFailure> {
    let options = ParseOptions { check_size: false };
    let parsed = match doc {
        Value::String(text) => Policy::parse_with(text, ty, options),
        other => iam_evaluator::policy::parse_policy_value(other, ty, options),
    };
    parsed.map_err(|source| StepFailure::Policy { policy_type: ty.name(), source })
}

/// Builds the request and policy set of an evaluate step.
pub fn evaluate_inputs(e: &EvaluateStep) -> Result<(Request, PolicySet), StepFailure> {
    let principal = Principal::parse(&e.principal)?;
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
    let path = |slot: PolicySlot| match slot {
        PolicySlot::Identity(i) => format!("identityPolicies[{i}]"),
        PolicySlot::Resource => "resourcePolicy".to_string(),
        PolicySlot::Boundary => "permissionsBoundary".to_string(),
        PolicySlot::Session(i) => format!("sessionPolicies[{i}]"),
        PolicySlot::Scp { level, index } => format!("scps[{level}][{index}]"),
        PolicySlot::Rcp { level, index } => format!("rcps[{level}][{index}]"),
    };
    let labels: Vec<(PolicySlot, PolicyLabel)> =
        set.slots().into_iter().map(|(slot, _)| (slot, PolicyLabel::CaseField { path: path(slot) })).collect();
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

/// With `explain`, every policy is also printed and read back: the printer writes the
/// policies of the cases the differential fuzzer reports, so a policy it cannot print
/// faithfully is a bug of the oracle. (Read back without the size limit, as the
/// policies of a step are read: AWS managed policies are exempt from it.)
fn roundtrip(policy: &Policy, ty: PolicyType, text: &str) -> Result<(), StepFailure> {
    crate::props::check_roundtrip_with(policy, ty, text, ParseOptions { check_size: false })
        .map_err(StepFailure::Disagreement)
}

fn roundtrip_set(set: &PolicySet) -> Result<(), StepFailure> {
    set.slots().into_iter().try_for_each(|(slot, p)| {
        let ty = match set.layer_of(slot) {
            Layer::TrustPolicy => PolicyType::Trust,
            Layer::ResourcePolicy => PolicyType::Resource,
            Layer::PermissionsBoundary => PolicyType::Boundary,
            Layer::SessionPolicy => PolicyType::Session,
            Layer::Scp => PolicyType::Scp,
            Layer::Rcp => PolicyType::Rcp,
            Layer::IdentityPolicy | Layer::CredentialType => PolicyType::Identity,
        };
        roundtrip(p, ty, "(a policy of the step)")
    })
}

fn run_evaluate(e: &EvaluateStep, explain: bool) -> Result<ExplainedStep, StepFailure> {
    let (request, set) = evaluate_inputs(e)?;
    if explain {
        roundtrip_set(&set)?;
    }
    let prepared = PreparedPolicySet::new(set);
    let decision = prepared.decide(&request, explain);
    audit(&decision, explain)?;
    if explain {
        complete(&decision, prepared.set())?;
    }
    bracketed(&request, prepared.set(), &decision)?;
    Ok(ExplainedStep {
        result: StepResult { fields: decision_result(&decision, &request), ..StepResult::default() },
        explanation: explain.then(|| crate::explain::render(&request, &decision)),
        evidence: explain.then(|| crate::explain::render_json(&request, &decision)),
    })
}

fn caller<'a>(as_: &'a str, world: &'a EvalWorld, sessions: &'a Sessions) -> Result<Caller<'a>, StepFailure> {
    if let Some(s) = sessions.get(as_) {
        return Ok(s.caller());
    }
    Ok(world.user_caller(as_)?)
}

fn run_request(
    r: &case::RequestStep,
    world: &EvalWorld,
    sessions: &Sessions,
    explain: bool,
) -> Result<ExplainedStep, StepFailure> {
    let who = caller(&r.as_, world, sessions)?;
    let ctx = context_from(&r.context)?;
    let (request, decision) =
        world.authorize(&who, &r.action, &r.resource, r.resource_account.as_deref(), ctx, explain)?;
    audit(&decision, explain)?;
    // A federated user's decision also shows the calling user's policies (R7.5), a
    // set of its own.
    if explain && !matches!(who, Caller::Federated(_)) {
        let set = world.policy_set_for(&who, &request)?;
        complete(&decision, &set)?;
    }
    Ok(ExplainedStep {
        result: StepResult { fields: decision_result(&decision, &request), ..StepResult::default() },
        explanation: explain.then(|| crate::explain::render(&request, &decision)),
        evidence: explain.then(|| crate::explain::render_json(&request, &decision)),
    })
}

/// The parameters of an `assumeRole` step (the one place they are built).
pub fn assume_role_params(a: &case::AssumeRoleStep) -> Result<AssumeRoleParams, StepFailure> {
    Ok(AssumeRoleParams {
        role_arn: a.role_arn.clone(),
        role_session_name: a.role_session_name.clone(),
        policy: a.policy.as_ref().map(case::policy_text),
        policy_arns: a.policy_arns.clone().unwrap_or_default(),
        duration_seconds: a.duration_seconds,
        external_id: a.external_id.clone(),
        serial_number: a.serial_number.clone(),
        token_code: a.token_code.clone(),
        wrong_token_code: a.token_code_valid == Some(false),
        source_identity: a.source_identity.clone(),
        tags: a.tags.clone().unwrap_or_default().into_iter().collect(),
        transitive_tag_keys: a.transitive_tag_keys.clone().unwrap_or_default(),
        context: context_from(&a.context)?,
    })
}

/// The parameters of an `assumeRoleWithWebIdentity` step.
pub fn web_identity_params(w: &case::WebIdentityStep) -> Result<WebIdentityParams, StepFailure> {
    Ok(WebIdentityParams {
        role_arn: w.role_arn.clone(),
        role_session_name: w.role_session_name.clone(),
        token: w.web_identity_token.clone(),
        token_valid: w.token_valid != Some(false),
        provider_id: w.provider_id.clone(),
        policy: w.policy.as_ref().map(case::policy_text),
        policy_arns: w.policy_arns.clone().unwrap_or_default(),
        duration_seconds: w.duration_seconds,
        context: context_from(&w.context)?,
    })
}

/// The parameters of an `assumeRoleWithSAML` step.
pub fn saml_params(a: &case::SamlStep) -> Result<SamlParams, StepFailure> {
    let s = &a.saml_assertion;
    Ok(SamlParams {
        role_arn: a.role_arn.clone(),
        principal_arn: a.principal_arn.clone(),
        assertion: SamlAssertion {
            issuer: s.issuer.clone(),
            recipient: s.recipient.clone(),
            subject: s.subject.clone(),
            subject_type: s.subject_type.clone(),
            not_on_or_after: s.not_on_or_after,
            issue_instant: s.issue_instant,
            session_not_on_or_after: s.session_not_on_or_after,
            attributes: s.attributes.clone(),
        },
        assertion_valid: a.assertion_valid != Some(false),
        policy: a.policy.as_ref().map(case::policy_text),
        policy_arns: a.policy_arns.clone().unwrap_or_default(),
        duration_seconds: a.duration_seconds,
        context: context_from(&a.context)?,
    })
}

/// The parameters of a `getFederationToken` step.
pub fn federation_token_params(f: &case::FederationTokenStep) -> Result<FederationTokenParams, StepFailure> {
    Ok(FederationTokenParams {
        name: f.name.clone(),
        policy: f.policy.as_ref().map(case::policy_text),
        policy_arns: f.policy_arns.clone().unwrap_or_default(),
        duration_seconds: f.duration_seconds,
        tags: f.tags.clone().unwrap_or_default().into_iter().collect(),
        context: context_from(&f.context)?,
    })
}

/// The parameters of a `getSessionToken` step.
pub fn session_token_params(t: &case::SessionTokenStep) -> Result<SessionTokenParams, StepFailure> {
    Ok(SessionTokenParams {
        duration_seconds: t.duration_seconds,
        serial_number: t.serial_number.clone(),
        token_code: t.token_code.clone(),
        wrong_token_code: t.token_code_valid == Some(false),
        context: context_from(&t.context)?,
    })
}

/// A successful STS call, ready to report and save.
struct Success {
    session: AnySession,
    fields: SessionExpect,
    /// The authorization that allowed it (none for GetSessionToken).
    proof: Option<(iam_evaluator::Request, iam_evaluator::Decision)>,
    /// What a reader should know beyond the trace.
    notes: Vec<String>,
}

fn role_fields(s: &Session) -> SessionExpect {
    SessionExpect {
        arn: Some(s.arn().to_string()),
        duration_seconds: Some(s.duration_seconds),
        chained: Some(s.chained),
        principal_type: Some(s.principal.principal_type().to_string()),
        user_id: s.user_id.clone(),
        source_identity: s.source_identity.clone(),
        mfa: Some(s.mfa),
        tags: Some(s.tags.clone()),
    }
}

fn explained(proof: Option<&(iam_evaluator::Request, iam_evaluator::Decision)>, notes: &[String]) -> String {
    let mut text = proof.map(|(request, decision)| crate::explain::render(request, decision)).unwrap_or_default();
    for n in notes {
        text.push_str(&format!("sts: {n}\n"));
    }
    text
}

fn role_outcome(
    outcome: Result<Issued, StsError>,
    step: &Step,
    sessions: &mut Sessions,
    explain: bool,
) -> Result<ExplainedStep, StepFailure> {
    let success = outcome.map(|issued| Success {
        fields: role_fields(&issued.session),
        proof: Some((issued.request, issued.decision)),
        notes: issued.notes,
        session: AnySession::Role(issued.session),
    });
    finish(success, step, sessions, explain)
}

fn federated_result(world: &EvalWorld, issued: Issued<FederatedSession>) -> Success {
    let s = &issued.session;
    let fields = SessionExpect {
        arn: Some(s.principal.arn().to_string()),
        duration_seconds: Some(s.duration_seconds),
        principal_type: Some(s.principal.principal_type().to_string()),
        user_id: iam_evaluator::sts::session::user_id(world, &Caller::Federated(s)),
        mfa: Some(false),
        tags: Some(s.tags.clone()),
        ..SessionExpect::default()
    };
    Success {
        fields,
        proof: Some((issued.request, issued.decision)),
        notes: issued.notes,
        session: AnySession::Federated(issued.session),
    }
}

fn token_result(world: &EvalWorld, s: TokenSession) -> Success {
    let fields = SessionExpect {
        arn: Some(s.principal.arn().to_string()),
        duration_seconds: Some(s.duration_seconds),
        principal_type: Some(s.principal.principal_type().to_string()),
        user_id: iam_evaluator::sts::session::user_id(world, &Caller::SessionToken(&s)),
        mfa: Some(s.mfa),
        ..SessionExpect::default()
    };
    let notes = vec![format!(
        "GetSessionToken: no policy controls the call (GST); the credentials are {} with its own permissions, MFA {}",
        s.principal.arn(),
        if s.mfa { "present" } else { "absent" }
    )];
    Success { fields, proof: None, notes, session: AnySession::Token(s) }
}

/// Reports an STS call's outcome and saves its session under `saveAs`.
fn finish(
    outcome: Result<Success, StsError>,
    step: &Step,
    sessions: &mut Sessions,
    explain: bool,
) -> Result<ExplainedStep, StepFailure> {
    let mut evidence = None;
    let (fields, explanation) = match outcome {
        Ok(success) => {
            if let Some((_, decision)) = &success.proof {
                audit(decision, explain)?;
            }
            let fields =
                Expect { decision: Some("allowed".to_string()), session: Some(success.fields), ..Expect::default() };
            if let Some(name) = &step.save_as {
                sessions.insert(name.clone(), success.session);
            }
            if explain {
                evidence = success.proof.as_ref().map(|(r, d)| crate::explain::render_json(r, d));
            }
            (fields, explain.then(|| explained(success.proof.as_ref(), &success.notes)))
        }
        Err(err) => match (err.message(), err) {
            (message, StsError::AccessDenied { request, decision }) => {
                audit(&decision, explain)?;
                let mut fields = decision_result(&decision, &request);
                fields.error = Some("AccessDenied".to_string());
                fields.message = message;
                evidence = explain.then(|| crate::explain::render_json(&request, &decision));
                (fields, explain.then(|| crate::explain::render(&request, &decision)))
            }
            (message, other) => {
                let fields = Expect { error: Some(other.code().to_string()), message, ..Expect::default() };
                (fields, Some(other.to_string()))
            }
        },
    };
    Ok(ExplainedStep { result: StepResult { fields, detail: None, skipped: None }, explanation, evidence })
}
