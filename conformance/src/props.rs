//! The laws the evaluation rules imply, each a function from a generated input
//! ([`crate::gen`]) to `Ok(())` or a message that explains the violation and carries a
//! reproducer (the case step or world as JSON). The same functions run under proptest
//! (`tests/properties.rs`) and under cargo-fuzz ([`crate::fuzzing`]).
//!
//! Rule numbers (R6.9, ...) refer to `IAM-SPEC.md`.

use iam_evaluator::evaluate::RCP_SERVICES;
use iam_evaluator::pattern::{arn_components, ArnPattern, Glob};
use iam_evaluator::world::{
    AssumeRoleParams, Caller, FederatedSession, FederationTokenParams, Issued, Session, SessionTokenParams, StsError,
    TokenSession, WebIdentityParams, World,
};
use iam_evaluator::{evaluate, evaluate_with_trace, Decision, Layer, Outcome, Policy, PolicyType, Request};
use serde_json::{json, Value};

use crate::case::{self, EvaluateStep};
use crate::gen::{self, letter_case, CallerRef, EvalInput, ParseInput, PatternInput, TypedPolicy, WorldModel};
use crate::reference::{context_from, evaluate_inputs};
use crate::world_load::load_world;

// ---------------------------------------------------------------------------------
// Deciding and reporting
// ---------------------------------------------------------------------------------

/// What a decision shows: the outcome, `deniedBy` and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The outcome.
    pub outcome: Outcome,
    /// The layer named for a denial.
    pub denied_by: Option<Layer>,
    /// The access-denied message.
    pub message: Option<String>,
}

impl Verdict {
    fn of(decision: &Decision, request: &Request) -> Verdict {
        Verdict { outcome: decision.outcome, denied_by: decision.denied_by, message: decision.message(request) }
    }

    fn allowed(&self) -> bool {
        self.outcome == Outcome::Allowed
    }

    fn short(&self) -> String {
        match self.denied_by {
            Some(l) => format!("{} by {}", self.outcome.name(), l.name()),
            None => self.outcome.name().to_string(),
        }
    }
}

/// The step as an `evaluate` case step, for a reproducer.
pub fn show(step: &EvaluateStep) -> String {
    serde_json::to_string_pretty(&json!({ "evaluate": step })).unwrap_or_default()
}

/// Builds the request and policy set of `step` with the real parser and decides it.
pub fn decide(step: &EvaluateStep) -> Result<(Request, Decision), String> {
    let (request, set) =
        evaluate_inputs(step).map_err(|e| format!("the generator wrote an invalid case: {e}\n{}", show(step)))?;
    let decision = evaluate(&request, &set);
    Ok((request, decision))
}

fn verdict(step: &EvaluateStep) -> Result<Verdict, String> {
    let (request, decision) = decide(step)?;
    Ok(Verdict::of(&decision, &request))
}

fn violation(law: &str, before: &EvaluateStep, vb: &Verdict, after: &EvaluateStep, va: &Verdict) -> String {
    format!(
        "{law}\nbefore: {} ({:?})\n{}\nafter: {} ({:?})\n{}",
        vb.short(),
        vb.message,
        show(before),
        va.short(),
        va.message,
        show(after)
    )
}

/// `after` must not allow what `before` denies.
fn never_widens(law: &str, before: &EvaluateStep, after: &EvaluateStep) -> Result<(), String> {
    let vb = verdict(before)?;
    let va = verdict(after)?;
    if va.allowed() && !vb.allowed() {
        return Err(violation(law, before, &vb, after, &va));
    }
    Ok(())
}

/// `after` must decide exactly as `before`: outcome, deniedBy and message.
fn same_verdict(law: &str, before: &EvaluateStep, after: &EvaluateStep) -> Result<(), String> {
    let vb = verdict(before)?;
    let va = verdict(after)?;
    if va != vb {
        return Err(violation(law, before, &vb, after, &va));
    }
    Ok(())
}

fn is_federated(step: &EvaluateStep) -> bool {
    step.principal.contains(":federated-user/")
}

fn is_service(step: &EvaluateStep) -> bool {
    !step.principal.starts_with("arn:")
}

/// A role session or a federated user: the callers session policies limit (R6.9).
fn is_session(step: &EvaluateStep) -> bool {
    step.principal.contains(":assumed-role/") || is_federated(step)
}

fn is_root(step: &EvaluateStep) -> bool {
    step.principal.ends_with(":root")
}

/// An AssumeRole-family request on a role: its resource-based policy is the role's
/// trust policy (R11.1), which must always allow the caller (R7.7).
fn is_trust_request(step: &EvaluateStep) -> bool {
    let on_role = arn_components(&step.resource)
        .is_some_and(|[_, _, service, _, _, res]| service == "iam" && res.starts_with("role/"));
    on_role
        && ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]
            .iter()
            .any(|a| a.eq_ignore_ascii_case(&step.action))
}

// ---------------------------------------------------------------------------------
// Editing steps
// ---------------------------------------------------------------------------------

/// The statements of a policy document as an array (a bare statement object becomes a
/// one-element array, which means the same, R1.1).
fn statements_mut(doc: &mut Value) -> Option<&mut Vec<Value>> {
    let st = doc.as_object_mut()?.get_mut("Statement")?;
    if st.is_object() {
        let one = st.take();
        *st = Value::Array(vec![one]);
    }
    st.as_array_mut()
}

fn policy_with(statement: Value) -> Value {
    json!({ "Version": "2012-10-17", "Statement": [statement] })
}

/// Every policy document of a step, with its type.
fn for_each_policy(step: &mut EvaluateStep, f: &mut dyn FnMut(&mut Value, PolicyType)) {
    for p in &mut step.identity_policies {
        f(p, PolicyType::Identity);
    }
    if let Some(p) = &mut step.resource_policy {
        f(p, PolicyType::Resource);
    }
    if let Some(p) = &mut step.permissions_boundary {
        f(p, PolicyType::Boundary);
    }
    for p in step.session_policies.iter_mut().flatten() {
        f(p, PolicyType::Session);
    }
    for p in step.scps.iter_mut().flatten().flatten() {
        f(p, PolicyType::Scp);
    }
    for p in step.rcps.iter_mut().flatten().flatten() {
        f(p, PolicyType::Rcp);
    }
}

fn rotate<T>(items: &mut [T], by: u8) {
    if !items.is_empty() {
        let k = usize::from(by) % items.len();
        items.rotate_left(k);
    }
}

/// The layers an addition can go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Identity,
    Resource,
    Boundary,
    Session,
    Scp,
    Rcp,
}

impl Place {
    fn of(i: u8) -> Place {
        match i % 6 {
            0 => Place::Identity,
            1 => Place::Resource,
            2 => Place::Boundary,
            3 => Place::Session,
            4 => Place::Scp,
            _ => Place::Rcp,
        }
    }

    fn policy_type(self) -> PolicyType {
        match self {
            Place::Identity => PolicyType::Identity,
            Place::Resource => PolicyType::Resource,
            Place::Boundary => PolicyType::Boundary,
            Place::Session => PolicyType::Session,
            Place::Scp => PolicyType::Scp,
            Place::Rcp => PolicyType::Rcp,
        }
    }

    fn layer(self) -> Layer {
        match self {
            Place::Identity => Layer::IdentityPolicy,
            Place::Resource => Layer::ResourcePolicy,
            Place::Boundary => Layer::PermissionsBoundary,
            Place::Session => Layer::SessionPolicy,
            Place::Scp => Layer::Scp,
            Place::Rcp => Layer::Rcp,
        }
    }
}

/// Adds `statement` to the layer `place`: into an existing policy (chosen by `which`)
/// when `into_existing` and there is one, else as a new policy (for SCPs and RCPs, in
/// a new level). Returns false when nothing could be added without creating a new
/// container and `create` is false.
fn add_statement(step: &mut EvaluateStep, place: Place, which: u8, statement: Value, create: bool) -> bool {
    let into_existing = which % 2 == 0;
    let idx = usize::from(which / 2);
    let push_into = |docs: &mut Vec<Value>, statement: Value| -> bool {
        let n = docs.len();
        match docs.get_mut(idx % n.max(1)).and_then(statements_mut) {
            Some(sts) => {
                sts.push(statement);
                true
            }
            None => false,
        }
    };
    match place {
        Place::Identity => {
            if !(into_existing && push_into(&mut step.identity_policies, statement.clone())) {
                step.identity_policies.push(policy_with(statement));
            }
            true
        }
        Place::Resource | Place::Boundary => {
            let slot =
                if place == Place::Resource { &mut step.resource_policy } else { &mut step.permissions_boundary };
            match slot {
                Some(doc) => {
                    if let Some(sts) = statements_mut(doc) {
                        sts.push(statement);
                    }
                    true
                }
                None if create => {
                    *slot = Some(policy_with(statement));
                    true
                }
                None => false,
            }
        }
        // An empty list of session policies is no session policy at all (R6.9): adding
        // the first one is a new ceiling.
        Place::Session => match &mut step.session_policies {
            Some(docs) if create || !docs.is_empty() => {
                if !(into_existing && push_into(docs, statement.clone())) {
                    docs.push(policy_with(statement));
                }
                true
            }
            None if create => {
                step.session_policies = Some(vec![policy_with(statement)]);
                true
            }
            _ => false,
        },
        Place::Scp | Place::Rcp => {
            let slot = if place == Place::Scp { &mut step.scps } else { &mut step.rcps };
            match slot {
                Some(levels) if !levels.is_empty() => {
                    let n = levels.len();
                    let level = levels.get_mut(idx % n);
                    match level {
                        Some(docs) => {
                            if !(into_existing && push_into(docs, statement.clone())) {
                                docs.push(policy_with(statement));
                            }
                        }
                        None => return false,
                    }
                    true
                }
                Some(levels) if create => {
                    levels.push(vec![policy_with(statement)]);
                    true
                }
                None if create => {
                    *slot = Some(vec![vec![policy_with(statement)]]);
                    true
                }
                _ => false,
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Laws over policy sets and requests
// ---------------------------------------------------------------------------------

/// A session policy never widens (R6.9, R10.2): passing session policies (where none
/// were passed) never turns a denial into an Allow. Stated for every caller but a
/// federated user, whom R6.9 denies when no session policy is passed at all.
pub fn law_session_policy_never_widens(input: &EvalInput) -> Result<(), String> {
    let case = input.case.to_step();
    if is_federated(&case) {
        return Ok(());
    }
    let mut before = case.clone();
    before.session_policies = None;
    let mut after = case;
    if after.session_policies.is_none() {
        after.session_policies = Some(vec![input.extra_policy.render(PolicyType::Session, input.case.style)]);
    }
    never_widens("a session policy widened the permissions", &before, &after)
}

/// A permissions boundary never widens (R6.8, R10.1): attaching a boundary (where there
/// was none) never turns a denial into an Allow.
pub fn law_boundary_never_widens(input: &EvalInput) -> Result<(), String> {
    let case = input.case.to_step();
    let mut before = case.clone();
    before.permissions_boundary = None;
    let mut after = case;
    if after.permissions_boundary.is_none() {
        after.permissions_boundary = Some(input.extra_policy.render(PolicyType::Boundary, input.case.style));
    }
    never_widens("a permissions boundary widened the permissions", &before, &after)
}

/// An SCP level never widens (R6.4, R9.1): adding a level to the path from the root to
/// the account (or the first level, where SCPs did not apply) never turns a denial into
/// an Allow. Adding a policy to an existing level can widen; that is not claimed.
pub fn law_scp_level_never_widens(input: &EvalInput) -> Result<(), String> {
    let before = input.case.to_step();
    let mut after = before.clone();
    let level = vec![input.extra_policy.render(PolicyType::Scp, input.case.style)];
    match &mut after.scps {
        Some(levels) => levels.insert(usize::from(input.place) % (levels.len() + 1), level),
        None => after.scps = Some(vec![level]),
    }
    never_widens("an added SCP level widened the permissions", &before, &after)
}

/// An RCP never widens (R6.3, R9.3): RCPs only deny, so adding an RCP to any level, or
/// a new level, never turns a denial into an Allow.
pub fn law_rcp_never_widens(input: &EvalInput) -> Result<(), String> {
    let before = input.case.to_step();
    let mut after = before.clone();
    let policy = input.extra_policy.render(PolicyType::Rcp, input.case.style);
    match &mut after.rcps {
        Some(levels) => {
            let i = usize::from(input.place) % (levels.len() + 1);
            match levels.get_mut(i) {
                Some(level) => level.push(policy),
                None => levels.push(vec![policy]),
            }
        }
        None => after.rcps = Some(vec![vec![policy]]),
    }
    never_widens("an added RCP widened the permissions", &before, &after)
}

/// An added Deny statement never widens (R6.2): whatever layer it goes to, into an
/// existing policy or as a new one, a denial stays a denial, and an explicit deny stays
/// an explicit deny.
pub fn law_added_deny_never_widens(input: &EvalInput) -> Result<(), String> {
    let before = input.case.to_step();
    let place = Place::of(input.place);
    let mut after = before.clone();
    let statement = input.extra.render(place.policy_type(), input.case.style, "Deny", &before);
    add_statement(&mut after, place, input.place / 6, statement, true);
    let vb = verdict(&before)?;
    let va = verdict(&after)?;
    if (va.allowed() && !vb.allowed()) || (vb.outcome == Outcome::ExplicitDeny && va.outcome != Outcome::ExplicitDeny) {
        return Err(violation("an added Deny statement widened the permissions", &before, &vb, &after, &va));
    }
    Ok(())
}

/// An added Allow statement never narrows (R6.7, R6.10), stated precisely: an Allow
/// added to an identity policy or the resource-based policy (new or existing), or to a
/// policy that already exists in the boundary, the session policies or an SCP level,
/// never turns an Allow into a denial and never removes an explicit deny. (A *new*
/// boundary, session policy set or SCP level holding only that Allow can narrow: it is
/// a new ceiling. So can a new role trust policy, which must name the caller, R7.7.
/// RCPs cannot hold an Allow.)
pub fn law_added_allow_never_narrows(input: &EvalInput) -> Result<(), String> {
    let before = input.case.to_step();
    let mut place = match input.place % 5 {
        0 => Place::Identity,
        1 => Place::Resource,
        2 => Place::Boundary,
        3 => Place::Session,
        _ => Place::Scp,
    };
    let mut after = before.clone();
    let statement = input.extra.render(place.policy_type(), input.case.style, "Allow", &before);
    let create = place == Place::Identity || (place == Place::Resource && !is_trust_request(&before));
    if !add_statement(&mut after, place, input.place / 5, statement, create) {
        place = Place::Identity;
        let statement = input.extra.render(place.policy_type(), input.case.style, "Allow", &before);
        add_statement(&mut after, place, input.place / 5, statement, true);
    }
    let vb = verdict(&before)?;
    let va = verdict(&after)?;
    if (vb.allowed() && !va.allowed()) || (vb.outcome == Outcome::ExplicitDeny && va.outcome != Outcome::ExplicitDeny) {
        return Err(violation(
            &format!("an Allow statement added to the {} narrowed the permissions", place.layer().name()),
            &before,
            &vb,
            &after,
            &va,
        ));
    }
    Ok(())
}

/// Statement order, policy order and SCP/RCP level order never change the decision,
/// the message or `deniedBy` (DESIGN.md determinism; R6.10 and R9.1 are unions and
/// intersections).
pub fn law_order_never_matters(input: &EvalInput) -> Result<(), String> {
    let before = input.case.to_step();
    let mut after = before.clone();
    let by = input.rotate;
    for_each_policy(&mut after, &mut |doc, _| {
        if let Some(sts) = statements_mut(doc) {
            rotate(sts, by);
        }
    });
    rotate(&mut after.identity_policies, by);
    if let Some(ps) = &mut after.session_policies {
        rotate(ps, by);
    }
    for levels in [&mut after.scps, &mut after.rcps].into_iter().flatten() {
        for level in levels.iter_mut() {
            rotate(level, by.wrapping_add(1));
        }
        rotate(levels, by);
    }
    same_verdict("reordering statements, policies or levels changed the decision", &before, &after)
}

/// Splitting every identity policy into one policy per statement changes nothing
/// (R6.10: identity policies are one union).
pub fn law_split_identity_policy(input: &EvalInput) -> Result<(), String> {
    let before = input.case.to_step();
    let mut after = before.clone();
    let mut split = Vec::new();
    for doc in &before.identity_policies {
        let mut doc = doc.clone();
        let version = doc.get("Version").cloned();
        for st in statements_mut(&mut doc).map(std::mem::take).unwrap_or_default() {
            let mut one = serde_json::Map::new();
            if let Some(v) = &version {
                one.insert("Version".into(), v.clone());
            }
            one.insert("Statement".into(), Value::Array(vec![st]));
            split.push(Value::Object(one));
        }
    }
    after.identity_policies = split;
    same_verdict("splitting identity policies into one policy per statement changed the decision", &before, &after)
}

/// The JSON forms of one policy decide the same (R1.1, R1.7, R1.8): a single statement
/// as an object or a one-element array, a one-element list or a bare string, compact or
/// indented text.
pub fn law_json_forms_equivalent(input: &EvalInput) -> Result<(), String> {
    let style = input.case.style;
    let before = input.case.to_step_styled(style);
    let flipped = input.case.to_step_styled(style.flipped());
    same_verdict("writing the policies in another JSON form changed the decision", &before, &flipped)?;
    let mut pretty = before.clone();
    for_each_policy(&mut pretty, &mut |doc, _| {
        *doc = Value::String(serde_json::to_string_pretty(doc).unwrap_or_default());
    });
    same_verdict("indenting the policy text changed the decision", &before, &pretty)
}

/// Action names match case-insensitively (R2.1): writing the request's action and every
/// `Action`/`NotAction` pattern in another letter case gives the same outcome and
/// `deniedBy` (the message quotes the action as written, so it is not compared).
pub fn law_action_case_insensitive(input: &EvalInput) -> Result<(), String> {
    let before = input.case.to_step();
    let mut after = before.clone();
    let request_mode = 1 + input.case_mode % 3;
    let policy_mode = 1 + (input.case_mode / 3) % 3;
    after.action = letter_case(&after.action, request_mode);
    for_each_policy(&mut after, &mut |doc, _| {
        for st in statements_mut(doc).into_iter().flatten() {
            for key in ["Action", "NotAction"] {
                match st.get_mut(key) {
                    Some(Value::String(s)) => *s = letter_case(s, policy_mode),
                    Some(Value::Array(items)) => {
                        for item in items.iter_mut() {
                            if let Value::String(s) = item {
                                *s = letter_case(s, policy_mode);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    });
    let vb = verdict(&before)?;
    let va = verdict(&after)?;
    if (vb.outcome, vb.denied_by) != (va.outcome, va.denied_by) {
        return Err(violation("the letter case of action names changed the decision", &before, &vb, &after, &va));
    }
    Ok(())
}

/// `X` and `XIfExists` agree when the key is present (R3.4): toggling `IfExists` on every
/// condition whose key the request carries (with a value) changes nothing.
pub fn law_if_exists_agrees_when_present(input: &EvalInput) -> Result<(), String> {
    let before = input.case.to_step();
    let (request, _) = decide(&before)?;
    let present = |key: &str| request.context.get(key).is_some_and(|v| !v.is_empty());
    let mut after = before.clone();
    let mut toggled = 0usize;
    for_each_policy(&mut after, &mut |doc, _| {
        for st in statements_mut(doc).into_iter().flatten() {
            let Some(Value::Object(ops)) = st.get_mut("Condition") else { continue };
            let mut moves: Vec<(String, String, String)> = Vec::new();
            for (op, keys) in ops.iter() {
                if op == "Null" {
                    continue;
                }
                let target = match op.strip_suffix("IfExists") {
                    Some(base) => base.to_string(),
                    None => format!("{op}IfExists"),
                };
                if let Value::Object(keys) = keys {
                    for key in keys.keys() {
                        let clash = ops.get(&target).and_then(|t| t.get(key)).is_some();
                        if present(key) && !clash {
                            moves.push((op.clone(), target.clone(), key.clone()));
                        }
                    }
                }
            }
            for (from, to, key) in moves {
                let value = ops.get_mut(&from).and_then(|k| k.as_object_mut()).and_then(|k| k.remove(&key));
                if let Some(value) = value {
                    let entry = ops.entry(to).or_insert_with(|| Value::Object(serde_json::Map::new()));
                    if let Value::Object(keys) = entry {
                        keys.insert(key, value);
                        toggled += 1;
                    }
                }
            }
            ops.retain(|_, keys| keys.as_object().is_none_or(|k| !k.is_empty()));
            if ops.is_empty() {
                if let Some(obj) = st.as_object_mut() {
                    obj.remove("Condition");
                }
            }
        }
    });
    if toggled == 0 {
        return Ok(());
    }
    same_verdict("toggling IfExists on a condition whose key is present changed the decision", &before, &after)
}

/// An explicit deny beats any allow (R6.2, R7.8): a Deny of every action on every
/// resource (for everyone, in resource-based layers) added to any layer makes the
/// decision an explicit deny, named by a layer no later than that one in the order of
/// section 14. Documented exceptions: `sts:GetCallerIdentity` (R11.10); the bucket
/// owner's root user and the bucket policy actions (S3 PutBucketPolicy); SCPs, which
/// follow the principal's account (R8.3) and so never apply to a service principal;
/// RCPs, which apply only to the services of R9.4; session policies, which limit
/// sessions only (R6.9).
pub fn law_explicit_deny_wins(input: &EvalInput) -> Result<(), String> {
    let before = input.case.to_step();
    let place = Place::of(input.place);
    let service = before.action.split(':').next().unwrap_or("");
    let rcp_covers = RCP_SERVICES.iter().any(|s| s.eq_ignore_ascii_case(service));
    if before.action.eq_ignore_ascii_case("sts:GetCallerIdentity")
        || (place == Place::Scp && is_service(&before))
        || (place == Place::Rcp && !rcp_covers)
        || (place == Place::Session && !is_session(&before))
    {
        return Ok(());
    }
    let mut statement = json!({"Effect": "Deny", "Action": "*", "Resource": "*"});
    if place.policy_type().is_resource_based() {
        if let Some(m) = statement.as_object_mut() {
            m.insert("Principal".into(), Value::String("*".into()));
        }
    }
    let mut after = before.clone();
    add_statement(&mut after, place, input.place / 6, statement, true);
    let (request, decision) = decide(&after)?;
    let root_exception = place == Place::Resource
        && is_root(&before)
        && request.same_account()
        && ["s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"]
            .iter()
            .any(|a| a.eq_ignore_ascii_case(&before.action));
    if root_exception {
        return Ok(());
    }
    let order = Layer::ALL;
    // On a role, the resource-based policy is the trust policy (R11.1): same rank.
    let rank = |l: Layer| {
        let l = if l == Layer::TrustPolicy { Layer::ResourcePolicy } else { l };
        order.iter().position(|x| *x == l).unwrap_or(order.len())
    };
    let ok =
        decision.outcome == Outcome::ExplicitDeny && decision.denied_by.is_some_and(|l| rank(l) <= rank(place.layer()));
    if !ok {
        let va = Verdict::of(&decision, &request);
        let vb = verdict(&before)?;
        return Err(violation(
            &format!("a Deny of everything in the {} did not decide as an explicit deny", place.layer().name()),
            &before,
            &vb,
            &after,
            &va,
        ));
    }
    Ok(())
}

/// Deciding with a trace decides the same, and deciding twice decides the same
/// (determinism); the trace agrees with its decision
/// ([`crate::audit::trace_contradiction`]); the trace lists every identity policy
/// (they always apply) and no more policies than the set holds.
pub fn law_trace_agrees(input: &EvalInput) -> Result<(), String> {
    let step = input.case.to_step();
    let (request, set) = evaluate_inputs(&step).map_err(|e| format!("the generator wrote an invalid case: {e}"))?;
    let plain = evaluate(&request, &set);
    let again = evaluate(&request, &set);
    let traced = evaluate_with_trace(&request, &set);
    let traced_again = evaluate_with_trace(&request, &set);
    let fail = |what: &str| Err(format!("{what}\n{}", show(&step)));
    if plain != again || traced != traced_again {
        return fail("deciding the same request twice gave different results");
    }
    if (plain.outcome, plain.denied_by) != (traced.outcome, traced.denied_by) {
        return fail(&format!(
            "the traced decision {:?}/{:?} differs from the plain one {:?}/{:?}",
            traced.outcome, traced.denied_by, plain.outcome, plain.denied_by
        ));
    }
    let Some(trace) = &traced.trace else { return fail("evaluate_with_trace returned no trace") };
    if let Some(why) = crate::audit::trace_contradiction(&traced) {
        return fail(&format!("the trace contradicts its decision: {why}"));
    }
    if !step.action.eq_ignore_ascii_case("sts:GetCallerIdentity") {
        let policies = set.identity.len()
            + usize::from(set.resource_policy.is_some())
            + usize::from(set.boundary.is_some())
            + set.session.as_ref().map_or(0, Vec::len)
            + set.scps.iter().flatten().map(Vec::len).sum::<usize>()
            + set.rcps.iter().flatten().map(Vec::len).sum::<usize>();
        let identity = trace.policies.iter().filter(|p| p.layer == Layer::IdentityPolicy).count();
        if trace.policies.len() > policies || identity != set.identity.len() {
            return fail(&format!(
                "the trace lists {} policies ({identity} identity) of {policies} ({} identity)",
                trace.policies.len(),
                set.identity.len()
            ));
        }
    }
    Ok(())
}

/// Cross-account requests need both accounts (R8.1): when a caller (other than a root
/// user) is allowed on a resource of another account, taking away the resource-based
/// policy denies it, and so does taking away the caller's identity policies
/// (`sts:GetCallerIdentity` needs no permission at all, R11.10).
pub fn law_cross_account_needs_both_sides(input: &EvalInput) -> Result<(), String> {
    let before = input.case.to_step();
    let (request, decision) = decide(&before)?;
    let free = before.action.eq_ignore_ascii_case("sts:GetCallerIdentity");
    if request.same_account() || !decision.is_allowed() || is_root(&before) || free {
        return Ok(());
    }
    let mut no_rbp = before.clone();
    no_rbp.resource_policy = None;
    let mut no_identity = before.clone();
    no_identity.identity_policies.clear();
    for (what, after) in [("resource-based policy", no_rbp), ("identity policies", no_identity)] {
        let va = verdict(&after)?;
        if va.allowed() {
            let vb = Verdict::of(&decision, &request);
            return Err(violation(
                &format!("a cross-account request stayed allowed without the {what}"),
                &before,
                &vb,
                &after,
                &va,
            ));
        }
    }
    Ok(())
}

/// SCPs follow the principal's account (R8.3) and apply to the IAM users and roles of
/// member accounts (R9.2); a service principal belongs to no account, so SCPs never
/// change its decision.
pub fn law_scp_ignores_service_principals(input: &EvalInput) -> Result<(), String> {
    let with = input.case.to_step();
    if !is_service(&with) || with.scps.is_none() {
        return Ok(());
    }
    let mut without = with.clone();
    without.scps = None;
    same_verdict("SCPs changed the decision for a service principal", &without, &with)
}

/// Every denial names a layer and carries the message of section 13; an Allow names
/// none. RCPs never deny implicitly (R6.3: `RCPFullAWSAccess` is always attached).
pub fn law_denial_is_explained(input: &EvalInput) -> Result<(), String> {
    let step = input.case.to_step();
    let (request, decision) = decide(&step)?;
    let v = Verdict::of(&decision, &request);
    let fail = |what: &str| Err(format!("{what}: {} {:?}\n{}", v.short(), v.message, show(&step)));
    match v.outcome {
        Outcome::Allowed => {
            if v.denied_by.is_some() || v.message.is_some() {
                return fail("an Allow names a denying layer or has a message");
            }
        }
        Outcome::ExplicitDeny | Outcome::ImplicitDeny => {
            let (Some(layer), Some(message)) = (v.denied_by, &v.message) else {
                return fail("a denial without deniedBy or message");
            };
            let prefix = format!("User: {} is not authorized to perform: ", request.principal.arn());
            let explicit = v.outcome == Outcome::ExplicitDeny;
            let reason_ok = if explicit {
                message.contains(" with an explicit deny in ")
            } else {
                message.contains(" because no ") && message.ends_with(" action")
            };
            if !message.starts_with(&prefix) || !reason_ok {
                return fail("the access-denied message does not have the shape of section 13");
            }
            if !explicit && layer == Layer::Rcp {
                return fail("an RCP denied implicitly");
            }
        }
    }
    Ok(())
}

/// Substitutes the policy variables of `text` whose value `lookup` knows (R4.1, R4.4);
/// escapes and unresolvable variables stay as written. `None` when nothing changed.
fn substitute(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(start) = rest.find("${") {
        let (before, from) = rest.split_at(start);
        out.push_str(before);
        let Some(end) = from.find('}') else { break };
        let (var, after) = from.split_at(end + 1);
        let body = var.get(2..var.len() - 1).unwrap_or("");
        let (key, default) = match body.split_once(',') {
            Some((k, d)) => (k.trim(), d.trim().strip_prefix('\'').and_then(|d| d.strip_suffix('\''))),
            None => (body, None),
        };
        let value = if matches!(key, "*" | "?" | "$") { None } else { lookup(key).or(default.map(str::to_string)) };
        match value {
            Some(v) => {
                out.push_str(&v);
                changed = true;
            }
            None => out.push_str(var),
        }
        rest = after;
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// Policy variables stand for their values (R4.1 to R4.4): in every `2012-10-17`
/// policy, writing the request's value (or the default) in place of a variable — in the
/// resource part of `Resource`/`NotResource` (after the fifth colon, R4.2) and in
/// `String*`/`Arn*` condition values — decides the same, when every substituted value
/// is plain text (no `*`, `?` or `$`, which a substitution keeps literal).
pub fn law_policy_variables_substitute(input: &EvalInput) -> Result<(), String> {
    let before = input.case.to_step();
    let (request, _) = decide(&before)?;
    let special = std::cell::Cell::new(false);
    let lookup = |key: &str| -> Option<String> {
        let v = request.context.get(key)?;
        match v.values.as_slice() {
            [one] if !v.multi => Some(one.clone()),
            _ => None,
        }
    };
    let checked = |key: &str| -> Option<String> {
        let v = lookup(key);
        if v.as_deref().is_some_and(|v| v.contains(['*', '?', '$'])) {
            special.set(true);
        }
        v
    };
    let mut after = before.clone();
    let mut changed = 0usize;
    for_each_policy(&mut after, &mut |doc, _| {
        if doc.get("Version").and_then(Value::as_str) != Some("2012-10-17") {
            return;
        }
        for st in statements_mut(doc).into_iter().flatten() {
            for key in ["Resource", "NotResource"] {
                let mut one = |v: &mut Value| {
                    let Some(text) = v.as_str() else { return };
                    let prefix_len = text.match_indices(':').nth(4).map(|(i, _)| i + 1);
                    let Some(prefix_len) = prefix_len else { return };
                    let (head, tail) = text.split_at(prefix_len);
                    if head.contains("${") {
                        return;
                    }
                    if let Some(new_tail) = substitute(tail, &checked) {
                        *v = Value::String(format!("{head}{new_tail}"));
                        changed += 1;
                    }
                };
                match st.get_mut(key) {
                    Some(Value::Array(items)) => items.iter_mut().for_each(&mut one),
                    Some(v) => one(v),
                    None => {}
                }
            }
            let Some(Value::Object(ops)) = st.get_mut("Condition") else { continue };
            for (op, keys) in ops.iter_mut() {
                let base = op.rsplit(':').next().unwrap_or(op);
                if !(base.starts_with("String") || base.starts_with("Arn")) {
                    continue;
                }
                let Value::Object(keys) = keys else { continue };
                for values in keys.values_mut() {
                    let mut one = |v: &mut Value| {
                        let Some(text) = v.as_str() else { return };
                        if let Some(new) = substitute(text, &checked) {
                            *v = Value::String(new);
                            changed += 1;
                        }
                    };
                    match values {
                        Value::Array(items) => items.iter_mut().for_each(&mut one),
                        v => one(v),
                    }
                }
            }
        }
    });
    if changed == 0 || special.get() {
        return Ok(());
    }
    same_verdict("writing a policy variable's value in its place changed the decision", &before, &after)
}

/// The equivalent ways of naming a principal decide the same (R2.8, R2.10): an account
/// id and its `arn:aws:iam::ID:root` ARN, and `"*"` and `{"AWS": "*"}`.
pub fn law_principal_forms_equivalent(input: &EvalInput) -> Result<(), String> {
    let before = input.case.to_step();
    let mut after = before.clone();
    let mut changed = 0usize;
    for_each_policy(&mut after, &mut |doc, ty| {
        if !ty.is_resource_based() {
            return;
        }
        for st in statements_mut(doc).into_iter().flatten() {
            for key in ["Principal", "NotPrincipal"] {
                let Some(p) = st.get_mut(key) else { continue };
                if p.as_str() == Some("*") {
                    if ty != PolicyType::Rcp {
                        *p = json!({"AWS": "*"});
                        changed += 1;
                    }
                    continue;
                }
                let Some(aws) = p.get_mut("AWS") else { continue };
                let mut one = |v: &mut Value| {
                    let Some(id) = v.as_str() else { return };
                    let swapped = if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
                        format!("arn:aws:iam::{id}:root")
                    } else if let Some(account) = id.strip_prefix("arn:aws:iam::").and_then(|r| r.strip_suffix(":root"))
                    {
                        account.to_string()
                    } else {
                        return;
                    };
                    *v = Value::String(swapped);
                    changed += 1;
                };
                match aws {
                    Value::Array(items) => items.iter_mut().for_each(&mut one),
                    v => one(v),
                }
            }
        }
    });
    if changed == 0 {
        return Ok(());
    }
    same_verdict("naming a principal in an equivalent form changed the decision", &before, &after)
}

// ---------------------------------------------------------------------------------
// Laws over policy text
// ---------------------------------------------------------------------------------

/// Checks that an accepted policy prints to canonical text that parses back to the same
/// policy, and that printing is a fixed point.
pub fn check_roundtrip(policy: &Policy, ty: PolicyType, text: &str) -> Result<(), String> {
    check_roundtrip_with(policy, ty, text, iam_evaluator::policy::ParseOptions::default())
}

/// [`check_roundtrip`], reading the printed text back with `options` (without the size
/// limit for the policies of a case step, which may be AWS managed policies).
pub fn check_roundtrip_with(
    policy: &Policy,
    ty: PolicyType,
    text: &str,
    options: iam_evaluator::policy::ParseOptions,
) -> Result<(), String> {
    let printed = policy.to_canonical_string();
    match Policy::parse_with(&printed, ty, options) {
        Ok(again) if again == *policy => {
            let reprinted = again.to_canonical_string();
            if reprinted != printed {
                return Err(format!(
                    "printing is not a fixed point for a {} policy:\n{printed}\n{reprinted}",
                    ty.name()
                ));
            }
            Ok(())
        }
        Ok(again) => Err(format!(
            "a {} policy printed and parsed back differs\ntext: {text}\nprinted: {printed}\nfirst: {policy:?}\nagain: {again:?}",
            ty.name()
        )),
        Err(e) => Err(format!("a {} policy printed to text its parser rejects: {e}\ntext: {text}\nprinted: {printed}", ty.name())),
    }
}

/// Print then parse is the identity: every generated policy is valid for its type (or
/// too large for it), and `Policy::parse(to_canonical_string(p)) == p`; the indented
/// and the other JSON forms of the same document parse to the same policy.
pub fn law_print_parse_identity(input: &TypedPolicy) -> Result<(), String> {
    let ty = input.policy_type();
    let doc = input.policy.render(ty, input.style);
    let text = doc.to_string();
    let policy = match Policy::parse(&text, ty) {
        Ok(p) => p,
        Err(e) if e.kind == iam_evaluator::ErrorKind::Size => return Ok(()),
        Err(e) => return Err(format!("the generator wrote an invalid {} policy: {e}\n{text}", ty.name())),
    };
    check_roundtrip(&policy, ty, &text)?;
    let pretty = serde_json::to_string_pretty(&doc).unwrap_or_default();
    let other = input.policy.render(ty, input.style.flipped()).to_string();
    for variant in [pretty, other] {
        match Policy::parse(&variant, ty) {
            Ok(p) if p == policy => {}
            Err(e) if e.kind == iam_evaluator::ErrorKind::Size => {}
            Ok(_) => {
                return Err(format!("two JSON forms of one {} policy parse differently:\n{text}\n{variant}", ty.name()))
            }
            Err(e) => {
                return Err(format!("another JSON form of a valid {} policy is rejected: {e}\n{variant}", ty.name()))
            }
        }
    }
    Ok(())
}

/// Parsing is total and accepted policies round-trip: for any text and every policy
/// type, `Policy::parse` returns (never panics); an accepted policy round-trips
/// ([`check_roundtrip`]); a rejection points inside the text.
pub fn law_parse_total_and_roundtrip(text: &str) -> Result<(), String> {
    PolicyType::ALL.into_iter().try_for_each(|ty| law_parse_as(text, ty))
}

/// [`law_parse_total_and_roundtrip`] for one policy type: parsing `text` as `ty` never
/// panics, an accepted policy prints and parses back to itself, and a rejection is
/// located inside the text. The `parse` fuzz target calls it with a type chosen by the
/// input's first byte, so that each execution parses once instead of seven times.
pub fn law_parse_as(text: &str, ty: PolicyType) -> Result<(), String> {
    match Policy::parse(text, ty) {
        Ok(policy) => {
            return check_roundtrip(&policy, ty, text);
        }
        Err(e) => {
            let l = &e.location;
            if l.offset > text.len() || l.line == 0 || l.column == 0 || e.message.is_empty() {
                return Err(format!("a rejection of a {} policy is badly located: {e:?}\ntext: {text:?}", ty.name()));
            }
            if e.kind != iam_evaluator::ErrorKind::Size {
                return Ok(());
            }
        }
    }
    let unchecked = Policy::parse_with(text, ty, iam_evaluator::policy::ParseOptions { check_size: false });
    if let Ok(policy) = unchecked {
        let printed = policy.to_canonical_string();
        let again = Policy::parse_with(&printed, ty, iam_evaluator::policy::ParseOptions { check_size: false });
        if again.as_ref() != Ok(&policy) {
            return Err(format!(
                "a large {} policy does not round-trip\ntext: {text:?}\nprinted: {printed}",
                ty.name()
            ));
        }
    }
    Ok(())
}

/// [`law_parse_total_and_roundtrip`] on a generated policy with a few edits.
pub fn law_parse_edited_policy(input: &ParseInput) -> Result<(), String> {
    law_parse_total_and_roundtrip(&input.text())
}

// ---------------------------------------------------------------------------------
// Laws over patterns
// ---------------------------------------------------------------------------------

/// Consecutive stars mean one star; the naive reference is exponential in the number
/// of stars, so it is given the collapsed pattern.
fn collapse_stars(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    for c in pattern.chars() {
        if !(c == '*' && out.ends_with('*')) {
            out.push(c);
        }
    }
    out
}

/// A naive recursive wildcard matcher (R2.2: `*` any run of characters, `?` one
/// character), exponential in the worst case: the test oracle the laws, property tests
/// and fuzz targets check [`Glob`] and its fast paths against. It lives with the laws,
/// not in the evaluator, because nothing decides with it.
pub fn reference_match(pattern: &str, input: &str, case_insensitive: bool) -> bool {
    fn go(p: &[char], s: &[char]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some(('*', rest)) => (0..=s.len()).any(|i| s.get(i..).is_some_and(|tail| go(rest, tail))),
            Some(('?', rest)) => s.split_first().is_some_and(|(_, tail)| go(rest, tail)),
            Some((c, rest)) => s.split_first().is_some_and(|(h, tail)| h == c && go(rest, tail)),
        }
    }
    let fold = |t: &str| -> Vec<char> {
        if case_insensitive {
            t.chars().map(|c| c.to_ascii_lowercase()).collect()
        } else {
            t.chars().collect()
        }
    };
    go(&fold(pattern), &fold(input))
}

/// The wildcard matcher agrees with the naive [`reference_match`] on short strings, case-sensitive and
/// case-insensitive (R2.2, R2.6).
pub fn law_glob_matches_reference(input: &PatternInput) -> Result<(), String> {
    let (pattern, text) = input.strings();
    for ci in [false, true] {
        let fast = Glob::new(&pattern, ci).matches(&text);
        let naive = reference_match(&collapse_stars(&pattern), &text, ci);
        if fast != naive {
            return Err(format!(
                "Glob {pattern:?} (case-insensitive: {ci}) on {text:?}: {fast}, the reference matcher says {naive}"
            ));
        }
    }
    Ok(())
}

/// ARN patterns match component by component (R2.5, R3.11): `*` matches everything;
/// a pattern with six components matches an ARN whose six components each match, so no
/// wildcard crosses one of the first five colons; a shorter pattern (U8) is one glob.
/// The `Resource` form of a six-component pattern matches at least as much.
pub fn law_arn_pattern_matches_components(input: &PatternInput) -> Result<(), String> {
    let (pattern, text) = input.arn_strings();
    let fast = ArnPattern::new(&pattern).matches(&text);
    let naive = if pattern == "*" {
        true
    } else {
        match (arn_components(&pattern), arn_components(&text)) {
            (Some(p), Some(t)) => p.iter().zip(t.iter()).all(|(p, t)| reference_match(&collapse_stars(p), t, false)),
            (Some(_), None) => false,
            (None, _) => reference_match(&collapse_stars(&pattern), &text, false),
        }
    };
    if fast != naive {
        return Err(format!("ArnPattern {pattern:?} on {text:?}: {fast}, matching by component says {naive}"));
    }
    // In `Resource`, a `*` ending one of the first five components may also cross
    // colons (Resource element page), which can only widen a six-component pattern.
    if fast && arn_components(&pattern).is_some() && !ArnPattern::new_resource(&pattern).matches(&text) {
        return Err(format!("Resource pattern {pattern:?} does not match {text:?}, though every component matches"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// Laws over worlds and AssumeRole chains
// ---------------------------------------------------------------------------------

/// One AssumeRole call of a chain and its result.
#[derive(Debug)]
pub struct CallRecord {
    /// Who called.
    pub caller: CallerRef,
    /// The step as the case format writes it (`as` is the user ARN or `sessionN`).
    pub step: case::AssumeRoleStep,
    /// The result.
    pub result: Result<Issued, StsError>,
    /// The index among the issued sessions, when it succeeded.
    pub session: Option<usize>,
}

/// A world and the chain of calls run in it.
#[derive(Debug)]
pub struct ChainRun {
    /// The world in the case format.
    pub world_doc: case::World,
    /// The loaded world.
    pub world: World,
    /// The calls in order.
    pub calls: Vec<CallRecord>,
    /// The issued sessions in order.
    pub sessions: Vec<Session>,
}

impl ChainRun {
    /// The world and calls as a case file, for a reproducer.
    pub fn show(&self) -> String {
        let steps: Vec<Value> = self
            .calls
            .iter()
            .map(|c| {
                let mut v = json!({ "assumeRole": c.step, "result": match &c.result {
                    Ok(i) => json!({"session": i.session.arn(), "durationSeconds": i.session.duration_seconds, "chained": i.session.chained}),
                    Err(e) => json!(e.to_string()),
                }});
                if let (Some(i), Some(m)) = (c.session, v.as_object_mut()) {
                    m.insert("saveAs".into(), Value::String(format!("session{i}")));
                }
                v
            })
            .collect();
        serde_json::to_string_pretty(&json!({ "world": self.world_doc, "steps": steps })).unwrap_or_default()
    }
}

fn params_of(step: &case::AssumeRoleStep) -> Result<AssumeRoleParams, String> {
    Ok(crate::reference::assume_role_params(step)?)
}

/// Loads the world of `model` and runs its AssumeRole calls in order.
pub fn run_chain(model: &WorldModel) -> Result<ChainRun, String> {
    let world_doc = model.to_world();
    let world = load_world(&world_doc).map_err(|e| {
        format!(
            "the generator wrote a world that does not load: {e}\n{}",
            serde_json::to_string_pretty(&world_doc).unwrap_or_default()
        )
    })?;
    let mut calls = Vec::new();
    let mut sessions: Vec<Session> = Vec::new();
    for call in model.calls.iter() {
        let caller = call.caller_ref(sessions.len());
        let mut step = call.to_step(model.managed.0.len(), model.style);
        let params = params_of(&step)?;
        let result = match &caller {
            CallerRef::User(arn) => {
                step.as_ = arn.clone();
                world.assume_role(&Caller::User(arn), &params, false)
            }
            CallerRef::Session(i) => {
                step.as_ = format!("session{i}");
                match sessions.get(*i) {
                    Some(s) => world.assume_role(&Caller::Session(s), &params, false),
                    None => continue,
                }
            }
        };
        let session = match &result {
            Ok(issued) => {
                sessions.push(issued.session.clone());
                Some(sessions.len() - 1)
            }
            Err(_) => None,
        };
        calls.push(CallRecord { caller, step, result, session });
    }
    Ok(ChainRun { world_doc, world, calls, sessions })
}

/// A role session never does more than its role (R10.2, R6.9): whatever a session is
/// allowed, the same session without its session policies is allowed too.
pub fn law_role_session_within_role(model: &WorldModel) -> Result<(), String> {
    check_role_session_within_role(model, &run_chain(model)?)
}

/// [`law_role_session_within_role`] on a chain already run.
pub fn check_role_session_within_role(model: &WorldModel, run: &ChainRun) -> Result<(), String> {
    if run.sessions.is_empty() {
        return Ok(());
    }
    for r in model.requests.iter() {
        let i = usize::from(r.session) % run.sessions.len();
        let Some(session) = run.sessions.get(i) else { continue };
        let mut role_only = session.clone();
        role_only.session_policies = None;
        let action = r.action.request_action();
        let resource = gen::pick(&gen::RESOURCES, r.resource);
        let context = context_from(&gen::render_context(&r.context.0))?;
        let decide = |s: &Session| {
            run.world
                .authorize(&Caller::Session(s), &action, resource, None, context.clone(), false)
                .map_err(|e| e.to_string())
        };
        let (request, with) = decide(session)?;
        let (_, without) = decide(&role_only)?;
        if with.is_allowed() && !without.is_allowed() {
            return Err(format!(
                "session{i} is allowed {action} on {resource}, but its role without session policies is not ({:?}, {:?})\n{}",
                without.outcome,
                without.denied_by.map(Layer::name),
                run.show()
            ))
            .map_err(|e| format!("{e}\nrequest context: {:?}", request.context));
        }
    }
    Ok(())
}

/// A chained session never lasts more than one hour (R12.1), and every issued session
/// is what was asked for: chained exactly when the caller was a session, the requested
/// duration (default 3600) within the role's maximum, the session ARN
/// `assumed-role/ROLENAME/SESSION` without the role path (R2.11), and an allowed
/// authorization; every AccessDenied carries a denial.
pub fn law_chained_session_at_most_one_hour(model: &WorldModel) -> Result<(), String> {
    check_chained_session_at_most_one_hour(model, &run_chain(model)?)
}

/// [`law_chained_session_at_most_one_hour`] on a chain already run.
pub fn check_chained_session_at_most_one_hour(_model: &WorldModel, run: &ChainRun) -> Result<(), String> {
    for (n, call) in run.calls.iter().enumerate() {
        let fail = |what: String| Err(format!("call {}: {what}\n{}", n + 1, run.show()));
        match &call.result {
            Ok(issued) => {
                let s = &issued.session;
                let chained = matches!(call.caller, CallerRef::Session(_));
                if s.chained != chained {
                    return fail(format!("session chained = {}, but the caller was {:?}", s.chained, call.caller));
                }
                if chained && s.duration_seconds > 3600 {
                    return fail(format!("a chained session lasts {} seconds", s.duration_seconds));
                }
                let asked = call.step.duration_seconds.unwrap_or(3600);
                if s.duration_seconds != asked {
                    return fail(format!("asked for {asked} seconds, got {}", s.duration_seconds));
                }
                let max = run.world.roles.get(&call.step.role_arn).map(|r| r.max_session_duration).unwrap_or(0);
                if u64::try_from(s.duration_seconds).map_or(true, |d| d > max || d < 900) {
                    return fail(format!("{} seconds is outside 900 to the role's maximum {max}", s.duration_seconds));
                }
                let Some([_, _, _, _, account, resource]) = arn_components(&call.step.role_arn) else {
                    return fail("the role ARN has no components".to_string());
                };
                let name = resource.rsplit('/').next().unwrap_or(resource);
                let expected = format!("arn:aws:sts::{account}:assumed-role/{name}/{}", call.step.role_session_name);
                if s.arn() != expected || s.role_arn != call.step.role_arn {
                    return fail(format!("session {} of role {}, expected {expected}", s.arn(), s.role_arn));
                }
                if !issued.decision.is_allowed() {
                    return fail("a session was issued on a denial".to_string());
                }
            }
            Err(StsError::AccessDenied { decision, .. }) => {
                if decision.is_allowed() || decision.denied_by.is_none() {
                    return fail(format!("AccessDenied with decision {:?}", decision.outcome));
                }
            }
            Err(_) => {}
        }
    }
    Ok(())
}

/// Session tags and source identity through a chain (R12.4, R12.5): a chained session
/// keeps every transitive tag of its parent (same key, same value) and the parent's
/// transitive keys; it has no other tags than those and the call's own; it keeps the
/// parent's source identity. A session made by a user has exactly the call's tags.
pub fn law_chain_carries_transitive_tags_and_source_identity(model: &WorldModel) -> Result<(), String> {
    check_chain_carries_transitive_tags_and_source_identity(model, &run_chain(model)?)
}

/// [`law_chain_carries_transitive_tags_and_source_identity`] on a chain already run.
pub fn check_chain_carries_transitive_tags_and_source_identity(
    _model: &WorldModel,
    run: &ChainRun,
) -> Result<(), String> {
    for (n, call) in run.calls.iter().enumerate() {
        let Ok(issued) = &call.result else { continue };
        let s = &issued.session;
        let fail = |what: String| Err(format!("call {}: {what}\n{}", n + 1, run.show()));
        let own: Vec<&String> = call.step.tags.iter().flatten().map(|(k, _)| k).collect();
        let has = |keys: &[&String], k: &str| keys.iter().any(|x| x.eq_ignore_ascii_case(k));
        let parent = match call.caller {
            CallerRef::Session(i) => run.sessions.get(i),
            CallerRef::User(_) => None,
        };
        let inherited: Vec<&String> = parent.map(|p| p.transitive_tag_keys.iter().collect()).unwrap_or_default();
        for k in s.tags.keys() {
            if !has(&own, k) && !has(&inherited, k) {
                return fail(format!("session tag {k:?} is neither the call's nor an inherited transitive tag"));
            }
        }
        if let Some(p) = parent {
            for key in &p.transitive_tag_keys {
                let parent_value = p.tags.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v);
                let child_value = s.tags.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v);
                if parent_value.is_some() && parent_value != child_value {
                    return fail(format!("transitive tag {key:?} = {parent_value:?} became {child_value:?}"));
                }
                if !s.transitive_tag_keys.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                    return fail(format!("transitive key {key:?} was dropped from the chain"));
                }
            }
            if p.source_identity.is_some() && s.source_identity != p.source_identity {
                return fail(format!("source identity {:?} became {:?}", p.source_identity, s.source_identity));
            }
        }
    }
    Ok(())
}

/// A law over inputs of type `T`.
pub type Law<T> = fn(&T) -> Result<(), String>;

/// Every law over [`EvalInput`], by name.
pub const EVAL_LAWS: [(&str, Law<EvalInput>); 18] = [
    ("session_policy_never_widens", law_session_policy_never_widens),
    ("boundary_never_widens", law_boundary_never_widens),
    ("scp_level_never_widens", law_scp_level_never_widens),
    ("rcp_never_widens", law_rcp_never_widens),
    ("added_deny_never_widens", law_added_deny_never_widens),
    ("added_allow_never_narrows", law_added_allow_never_narrows),
    ("order_never_matters", law_order_never_matters),
    ("split_identity_policy", law_split_identity_policy),
    ("json_forms_equivalent", law_json_forms_equivalent),
    ("action_case_insensitive", law_action_case_insensitive),
    ("if_exists_agrees_when_present", law_if_exists_agrees_when_present),
    ("explicit_deny_wins", law_explicit_deny_wins),
    ("trace_agrees", law_trace_agrees),
    ("cross_account_needs_both_sides", law_cross_account_needs_both_sides),
    ("scp_ignores_service_principals", law_scp_ignores_service_principals),
    ("denial_is_explained", law_denial_is_explained),
    ("policy_variables_substitute", law_policy_variables_substitute),
    ("principal_forms_equivalent", law_principal_forms_equivalent),
];

/// A world law checked on a chain already run.
pub type ChainCheck = fn(&WorldModel, &ChainRun) -> Result<(), String>;

/// Every law over [`WorldModel`], by name, as a check on a chain already run (so that
/// one run of the chain serves all of them).
pub const WORLD_LAWS: [(&str, ChainCheck); 3] = [
    ("role_session_within_role", check_role_session_within_role),
    ("chained_session_at_most_one_hour", check_chained_session_at_most_one_hour),
    ("chain_carries_transitive_tags_and_source_identity", check_chain_carries_transitive_tags_and_source_identity),
];

// ---------------------------------------------------------------------------------
// Federation laws (R12a): GetFederationToken, GetSessionToken, web identity
// ---------------------------------------------------------------------------------

/// The federated sessions of a [`gen::FederationModel`], in its world.
#[derive(Debug, Clone)]
pub struct FederationRun {
    /// The world.
    pub world: World,
    /// The world document, for a reproducer.
    pub world_doc: case::World,
    /// The calling user of GetFederationToken and GetSessionToken.
    pub federated_caller: String,
    /// The GetFederationToken session, if the call succeeded.
    pub federated: Option<FederatedSession>,
    /// The calling user of GetSessionToken.
    pub token_caller: String,
    /// The GetSessionToken session, if the call succeeded.
    pub token: Option<TokenSession>,
    /// The web identity call's outcome.
    pub web: Result<Issued, StsError>,
}

impl FederationRun {
    fn show(&self) -> String {
        serde_json::to_string_pretty(&self.world_doc).unwrap_or_default()
    }
}

/// Loads the world of `model` and makes its three federated sessions.
pub fn run_federation(model: &gen::FederationModel) -> Result<FederationRun, String> {
    let world_doc = model.to_world();
    let world = load_world(&world_doc).map_err(|e| format!("the generator wrote a world that does not load: {e}"))?;
    let f = &model.federated;
    let federated_caller = gen::pick(&gen::USERS, f.caller).to_string();
    let managed = world_doc.policies.len();
    let policy_arns: Vec<String> = match managed {
        0 => Vec::new(),
        n => f.policy_arns.0.iter().flatten().map(|i| gen::managed_policy_arn(usize::from(*i) % n)).collect(),
    };
    let params = FederationTokenParams {
        name: gen::pick(&gen::FEDERATED_NAMES, f.name).to_string(),
        policy: f.policy.0.as_ref().map(|p| case::policy_text(&p.render(PolicyType::Session, model.world.style))),
        policy_arns,
        ..FederationTokenParams::default()
    };
    let federated =
        world.get_federation_token(&Caller::User(&federated_caller), &params, false).ok().map(|i| i.session);
    let token_caller = gen::pick(&gen::USERS, model.token.caller).to_string();
    let token_params = SessionTokenParams {
        serial_number: model.token.mfa.then(|| "arn:aws:iam::111122223333:mfa/alice".to_string()),
        token_code: model.token.mfa.then(|| "123456".to_string()),
        ..SessionTokenParams::default()
    };
    let token = world.get_session_token(&Caller::User(&token_caller), &token_params).ok();
    let web_params = WebIdentityParams {
        role_arn: gen::WEB_ROLE.to_string(),
        role_session_name: "run-1".to_string(),
        token: model.web.token(),
        token_valid: true,
        policy: model
            .web
            .session_policy
            .0
            .as_ref()
            .map(|p| case::policy_text(&p.render(PolicyType::Session, model.world.style))),
        ..WebIdentityParams::default()
    };
    let web = world.assume_role_with_web_identity(&web_params, false);
    Ok(FederationRun { world, world_doc, federated_caller, federated, token_caller, token, web })
}

/// The request of `r` made by `caller`, and its decision.
fn federation_request(
    run: &FederationRun,
    caller: &Caller<'_>,
    r: &gen::RequestModel,
    context: iam_evaluator::Context,
) -> Result<(Request, Decision), String> {
    let action = r.action.request_action();
    let resource = gen::pick(&gen::RESOURCES, r.resource);
    run.world.authorize(caller, &action, resource, None, context, false).map_err(|e| e.to_string())
}

/// The same request context, for a second caller: every key the first request carried.
fn same_context(request: &Request) -> iam_evaluator::Context {
    let mut ctx = iam_evaluator::Context::new();
    for (k, v) in request.context.iter() {
        ctx.insert(k, v.clone());
    }
    ctx
}

/// A session policy never widens a federated session (R10.2, R6.9): a
/// GetFederationToken session allowed something is allowed it with the widest session
/// policy (`*` on `*`) in place of its own, and a web identity session allowed something
/// is allowed it without session policies.
pub fn law_session_policy_never_widens_federated(model: &gen::FederationModel) -> Result<(), String> {
    let run = run_federation(model)?;
    for r in model.requests.iter() {
        let context = context_from(&gen::render_context(&r.context.0))?;
        if let Some(f) = &run.federated {
            let (request, with) = federation_request(&run, &Caller::Federated(f), r, context.clone())?;
            let widest =
                FederatedSession { session_policies: vec![iam_evaluator::world::full_aws_access()], ..f.clone() };
            let (_, without) = federation_request(&run, &Caller::Federated(&widest), r, context.clone())?;
            if with.is_allowed() && !without.is_allowed() {
                return Err(format!(
                    "{} is allowed {} on {} with its session policies but not with Allow *:\n{}",
                    f.principal.arn(),
                    request.action,
                    request.resource,
                    run.show()
                ));
            }
        }
        if let Ok(issued) = &run.web {
            let s = &issued.session;
            let (request, with) = federation_request(&run, &Caller::Session(s), r, context.clone())?;
            let bare = Session { session_policies: None, ..s.clone() };
            let (_, without) = federation_request(&run, &Caller::Session(&bare), r, context.clone())?;
            if with.is_allowed() && !without.is_allowed() {
                return Err(format!(
                    "web identity session {} is allowed {} on {} with a session policy but not without:\n{}",
                    s.arn(),
                    request.action,
                    request.resource,
                    run.show()
                ));
            }
        }
    }
    Ok(())
}

/// A federated-user session is never allowed what its calling user is denied on the
/// same request context (R12a.4, GFTP: "explicitly granted to both the IAM user and the
/// federated user"), outside resource policies that name the federated user.
pub fn law_federated_user_within_calling_user(model: &gen::FederationModel) -> Result<(), String> {
    let run = run_federation(model)?;
    let Some(f) = &run.federated else { return Ok(()) };
    for r in model.requests.iter() {
        let resource = gen::pick(&gen::RESOURCES, r.resource);
        let names_federated = run
            .world_doc
            .resources
            .iter()
            .filter(|(arn, _)| resource == arn.as_str() || resource.starts_with(&format!("{arn}/")))
            .any(|(_, res)| res.policy.as_ref().is_some_and(|p| case::policy_text(p).contains(f.principal.arn())));
        if names_federated {
            continue;
        }
        let context = context_from(&gen::render_context(&r.context.0))?;
        let (request, fed) = federation_request(&run, &Caller::Federated(f), r, context)?;
        let (_, user) = federation_request(&run, &Caller::User(&run.federated_caller), r, same_context(&request))?;
        if fed.is_allowed() && !user.is_allowed() {
            return Err(format!(
                "{} is allowed {} on {}, but its calling user {} is denied ({:?}):\n{}",
                f.principal.arn(),
                request.action,
                request.resource,
                run.federated_caller,
                user.denied_by.map(Layer::name),
                run.show()
            ));
        }
    }
    Ok(())
}

/// A GetSessionToken session never gets more than its user (R12a.5: "the same
/// permissions as the IAM user"), on the same request context.
pub fn law_session_token_within_user(model: &gen::FederationModel) -> Result<(), String> {
    let run = run_federation(model)?;
    let Some(t) = &run.token else { return Ok(()) };
    for r in model.requests.iter() {
        let context = context_from(&gen::render_context(&r.context.0))?;
        let (request, token) = federation_request(&run, &Caller::SessionToken(t), r, context)?;
        let (_, user) = federation_request(&run, &Caller::User(&run.token_caller), r, same_context(&request))?;
        if token.is_allowed() && !user.is_allowed() {
            return Err(format!(
                "GetSessionToken credentials of {} are allowed {} on {}, but the user is denied:\n{}",
                run.token_caller,
                request.action,
                request.resource,
                run.show()
            ));
        }
    }
    Ok(())
}

/// A web identity trust policy that checks `sub` never admits a token whose `sub` does
/// not match (IKEYS, OIDCROLE); and one whose `sub` and `aud` match is admitted unless
/// an RCP of the role's account denies it.
pub fn law_web_identity_sub_checked(model: &gen::FederationModel) -> Result<(), String> {
    let run = run_federation(model)?;
    let w = &model.web;
    let expected = gen::pick(&gen::SUB_PATTERNS, w.expected_sub);
    let sub = gen::pick(&gen::TOKEN_SUBS, w.token_sub);
    let matches =
        if w.operator % 2 == 0 { expected == sub } else { reference_match(&collapse_stars(expected), sub, false) };
    match (&run.web, matches && w.audience_ok) {
        (Ok(issued), false) => Err(format!(
            "the trust policy wants {} {expected:?} (aud ok: {}), yet the token with sub {sub:?} got {}",
            w.operator_name(),
            w.audience_ok,
            issued.session.arn()
        )),
        // An RCP of the role's account may deny the call whatever the trust policy says.
        (Err(StsError::AccessDenied { decision, .. }), true) if decision.denied_by == Some(Layer::Rcp) => Ok(()),
        (Err(StsError::AccessDenied { .. }), _) if !w.audience_ok => {
            Err("a token whose aud is no client ID of the provider must be InvalidIdentityToken".to_string())
        }
        (Err(e), true) => {
            Err(format!("sub {sub:?} matches {} {expected:?}, yet the call failed: {e}", w.operator_name()))
        }
        _ => Ok(()),
    }
}

/// Every law over [`gen::FederationModel`], by name.
pub const FEDERATION_LAWS: [(&str, Law<gen::FederationModel>); 4] = [
    ("session_policy_never_widens_federated", law_session_policy_never_widens_federated),
    ("federated_user_within_calling_user", law_federated_user_within_calling_user),
    ("session_token_within_user", law_session_token_within_user),
    ("web_identity_sub_checked", law_web_identity_sub_checked),
];

/// Every law over [`PatternInput`], by name.
pub const PATTERN_LAWS: [(&str, Law<PatternInput>); 2] = [
    ("glob_matches_reference", law_glob_matches_reference),
    ("arn_pattern_matches_components", law_arn_pattern_matches_components),
];
