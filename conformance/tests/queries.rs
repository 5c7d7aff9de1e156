//! `who-can` and `reach` checked against the oracle's own decisions, on random worlds
//! from `iam_conformance::gen`:
//!
//! - `who_can` gives each principal the verdict `can` gives it, and the verdict
//!   agrees with the exact decision under every context tried: "yes" means allowed
//!   whatever the unknown keys are, "no" denied whatever they are, and a principal
//!   allowed under some context is never "no";
//! - every `reach` edge is an AssumeRole call that succeeds ("yes": the plain call and
//!   every variant; "if": some variant may), and every AssumeRole call that succeeds
//!   is an edge.
//!
//! 256 cases each unless `PROPTEST_CASES` says otherwise.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use iam_conformance::gen::{self, WorldModel};
use iam_conformance::world_load::load_world;
use iam_evaluator::query::{self, Knowledge, Question, Verdict, Who, SESSION_NAME};
use iam_evaluator::world::{AssumeRoleParams, Caller, World};
use iam_evaluator::{Context, ContextValue};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(256);
    Config {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("proptest-regressions/queries.txt"))),
        max_shrink_iters: 20_000,
        ..Config::with_cases(cases)
    }
}

fn world_of(model: &WorldModel) -> World {
    load_world(&model.to_world()).expect("the generator writes worlds that load")
}

/// Contexts over keys the world cannot know, with the vocabulary's values: none, each
/// key with each of its values, and every key at once.
fn contexts(pick: &[u8]) -> Vec<Context> {
    let known = Knowledge::default();
    let keys: Vec<&(&str, &[&str], bool)> = gen::CONTEXT_KEYS.iter().filter(|(k, _, _)| !known.is_known(k)).collect();
    let mut out = vec![Context::new()];
    for (k, values, multi) in &keys {
        for v in values.iter() {
            let mut c = Context::new();
            let value = if *multi { ContextValue::multi(vec![v.to_string()]) } else { ContextValue::single(*v) };
            c.insert(k, value);
            out.push(c);
        }
    }
    let mut all = Context::new();
    for ((k, values, _), p) in keys.iter().zip(pick.iter().cycle()) {
        all.insert(k, ContextValue::single(gen::pick(values, *p)));
    }
    out.push(all);
    out
}

fn exact(world: &World, who: &Who, q: &Question, ctx: &Context) -> bool {
    let caller = who.caller();
    let mut ctx = ctx.clone();
    if let Some(id) = query::user_id(world, who) {
        ctx.insert_default("aws:userid", ContextValue::single(id));
    }
    world.authorize(&caller, &q.action, &q.resource, None, ctx, false).expect("a principal of the world").1.is_allowed()
}

/// Progress as the CLI's bar shows it: it starts at (0, total), never goes back nor
/// past the total, ends at (total, total), and is reported once per `every`
/// principals besides the end.
fn check_progress(calls: &[(usize, usize)], total: usize, every: usize) -> Result<(), TestCaseError> {
    if total > 0 {
        prop_assert_eq!(calls.first(), Some(&(0, total)), "progress starts at zero: {:?}", calls);
    }
    prop_assert_eq!(calls.last(), Some(&(total, total)), "progress ends at the total: {:?}", calls);
    prop_assert!(calls.iter().all(|&(d, t)| t == total && d <= t), "{:?}", calls);
    prop_assert!(calls.windows(2).all(|w| matches!(w, [a, b] if a.0 <= b.0)), "{:?}", calls);
    prop_assert!(calls.len() <= total / every + 2, "{} reports for {total}: {:?}", calls.len(), calls);
    Ok(())
}

fn check_who_can(model: &WorldModel, action: u8, resource: u8, pick: &[u8]) -> Result<(), TestCaseError> {
    let world = world_of(model);
    let action = gen::pick(&gen::ACTIONS, action);
    let resource = gen::pick(&gen::RESOURCES, resource);
    let q = Question::new(action, resource);
    let mut calls = Vec::new();
    let result = query::who_can_with_progress(&world, &q, &mut |done, total| calls.push((done, total)))
        .expect("who-can answers");
    check_progress(&calls, world.users.len() + world.roles.len(), 256)?;
    let answers = &result.answers;
    let roots = query::roots(&world);
    let undecided_roots = result.undecided.iter().filter(|u| u.kind == "root").count();
    prop_assert_eq!(answers.len() + undecided_roots, world.users.len() + world.roles.len() + roots.len());
    // Root users are undecided only for sts:AssumeRole; federated users whenever their
    // credentials could make the request (not IAM, not STS but GetCallerIdentity).
    prop_assert_eq!(undecided_roots, if action == "sts:AssumeRole" { roots.len() } else { 0 });
    let federated_possible =
        !action.starts_with("iam:") && (!action.starts_with("sts:") || action == "sts:GetCallerIdentity");
    let federated = result.undecided.iter().filter(|u| u.kind == "federated").count();
    prop_assert_eq!(federated, if federated_possible { roots.len() } else { 0 });
    prop_assert!(result.undecided.iter().all(|u| !u.reason.is_empty()));
    let tried = contexts(pick);
    for a in answers {
        let who = Who::find(&world, &a.principal).expect("a principal of the world");
        prop_assert_eq!(a.kind, who.kind());
        let can = query::can(&world, &a.principal, &q).expect("can answers");
        prop_assert_eq!(&can.verdict, &a.verdict, "who-can and can differ for {}", a.principal);
        prop_assert_eq!(can.decision.is_allowed(), exact(&world, &who, &q, &Context::new()));
        let allowed: Vec<bool> = tried.iter().map(|c| exact(&world, &who, &q, c)).collect();
        match &a.verdict {
            Verdict::Yes => {
                prop_assert!(allowed.iter().all(|x| *x), "{} is yes but denied under a context", a.principal)
            }
            Verdict::No => {
                prop_assert!(!allowed.iter().any(|x| *x), "{} is no but allowed under a context", a.principal)
            }
            Verdict::If(u) => prop_assert!(!u.keys.is_empty()),
        }
    }
    // R11.1: the question "who can sts:AssumeRole on this role" is the authorization of
    // the AssumeRole call, decided with the role's trust policy: whoever the call lets
    // in is never "no".
    if action == "sts:AssumeRole" && world.roles.contains_key(resource) {
        for a in answers.iter().filter(|a| a.kind != "root") {
            let who = Who::find(&world, &a.principal).expect("a principal of the world");
            let (plain_ok, _) = assume_variants(&world, &who, resource);
            prop_assert!(
                !plain_ok || a.verdict != Verdict::No,
                "{} can assume {} but who-can says no",
                a.principal,
                resource
            );
        }
    }
    Ok(())
}

/// AssumeRole variants: the plain call, with MFA, with each external ID, from each
/// source address, and with the caller's session made with MFA.
fn assume_variants(world: &World, who: &Who, role: &str) -> (bool, bool) {
    let plain = AssumeRoleParams {
        role_arn: role.to_string(),
        role_session_name: SESSION_NAME.to_string(),
        ..AssumeRoleParams::default()
    };
    let mut variants = vec![plain.clone()];
    let mfa = AssumeRoleParams {
        serial_number: Some("arn:aws:iam::111122223333:mfa/alice".into()),
        token_code: Some("123456".into()),
        ..plain.clone()
    };
    variants.push(mfa.clone());
    for e in ["ext-1", "ext-2"] {
        variants.push(AssumeRoleParams { external_id: Some(e.into()), ..plain.clone() });
        variants.push(AssumeRoleParams { external_id: Some(e.into()), ..mfa.clone() });
    }
    for ip in ["10.1.2.3", "192.0.2.1", "203.0.113.9"] {
        let mut ctx = Context::new();
        ctx.insert("aws:SourceIp", ContextValue::single(ip));
        variants.push(AssumeRoleParams { context: ctx, ..plain.clone() });
    }
    let run = |caller: &Caller<'_>, p: &AssumeRoleParams| world.assume_role(caller, p, false).is_ok();
    let plain_ok = run(&who.caller(), &plain);
    let mut any = variants.iter().any(|p| run(&who.caller(), p));
    if let Who::Role(s) = who {
        let with_mfa = iam_evaluator::world::Session { mfa: true, ..(**s).clone() };
        any |= variants.iter().any(|p| run(&Caller::Session(&with_mfa), p));
    }
    (plain_ok, any)
}

fn check_reach(model: &WorldModel) -> Result<(), TestCaseError> {
    let world = world_of(model);
    let mut calls = Vec::new();
    let graph = query::reach_edges(&world, &mut |done, total| calls.push((done, total))).expect("reach answers");
    let total = calls.last().map_or(0, |c| c.1);
    prop_assert!(total <= query::principals(&world).len(), "reach counts {total} callers");
    check_progress(&calls, total, 64)?;
    let roles: Vec<String> = {
        let mut r: Vec<String> = world.roles.keys().cloned().collect();
        r.sort();
        r
    };
    for who in query::principals(&world) {
        let edges = graph.edges.get(who.arn());
        for role in &roles {
            let edge = edges.and_then(|es| es.iter().find(|e| &e.to == role));
            let (plain, any) = assume_variants(&world, &who, role);
            match edge.map(|e| &e.verdict) {
                Some(Verdict::Yes) => {
                    prop_assert!(plain, "{} -> {role} is yes but the plain AssumeRole fails", who.arn())
                }
                Some(Verdict::If(u)) => prop_assert!(!u.keys.is_empty()),
                Some(Verdict::No) => prop_assert!(false, "a kept edge is no"),
                None => prop_assert!(!any, "{} -> {role} succeeds but is not an edge", who.arn()),
            }
            if plain {
                prop_assert!(edge.is_some(), "{} -> {role}: the plain AssumeRole succeeds, no edge", who.arn());
            }
        }
        // The per-principal answer agrees with the whole graph.
        let from = query::reach(&world, Some(who.arn())).expect("reach from one principal");
        let reached: Vec<&str> = from.iter().flat_map(|(_, rs)| rs.iter().map(|r| r.role.as_str())).collect();
        let expected: Vec<String> = graph.from(who.arn()).into_iter().map(|r| r.role).collect();
        prop_assert_eq!(reached, expected.iter().map(String::as_str).collect::<Vec<_>>());
    }
    Ok(())
}

/// The reachability computed once over the graph's strongly connected components
/// equals a plain breadth-first search from each principal: the same roles, and the
/// same roles reached through "yes" hops alone.
fn check_closure(model: &WorldModel) -> Result<(), TestCaseError> {
    let world = world_of(model);
    let graph = query::reach_edges(&world, &mut |_, _| {}).expect("reach answers");
    let closure = query::Closure::new(&graph);
    for who in query::principals(&world) {
        let searched = graph.from(who.arn());
        let all: Vec<&str> = searched.iter().map(|r| r.role.as_str()).collect();
        let definite: Vec<&str> = searched.iter().filter(|r| r.definite()).map(|r| r.role.as_str()).collect();
        prop_assert_eq!(closure.roles(who.arn()), all.clone(), "roles reached from {}", who.arn());
        prop_assert_eq!(closure.definite_roles(who.arn()), definite.clone(), "yes-only roles from {}", who.arn());
        prop_assert_eq!(closure.counts(who.arn()), (all.len(), definite.len()));
        if !all.is_empty() {
            let c = closure.component_of(who.arn()).expect("a principal with an edge has a component");
            let members: Vec<String> = closure
                .reached_components(c)
                .into_iter()
                .flat_map(|d| closure.components().nth(d).map(|(m, _)| m).unwrap_or_default())
                .filter(|m| *m != who.arn())
                .map(str::to_string)
                .collect();
            let mut members = members;
            members.sort();
            prop_assert_eq!(members, all.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn who_can_agrees_with_can(
        model in gen::strategy::<WorldModel>(gen::WORLD_BYTES),
        action in any::<u8>(),
        resource in any::<u8>(),
        pick in proptest::collection::vec(any::<u8>(), 1..8),
    ) {
        check_who_can(&model, action, resource, &pick)?;
    }

    #[test]
    fn reach_edges_are_the_assume_role_decisions(model in gen::strategy::<WorldModel>(gen::WORLD_BYTES)) {
        check_reach(&model)?;
    }

    #[test]
    fn reach_closure_equals_a_search_per_principal(model in gen::strategy::<WorldModel>(gen::WORLD_BYTES)) {
        check_closure(&model)?;
    }
}
