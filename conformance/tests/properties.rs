//! The laws of `iam_conformance::props` as proptests: one test per law, 256 cases each
//! unless `PROPTEST_CASES` says otherwise. Failing seeds are kept in
//! `conformance/proptest-regressions/properties.txt` (committed) and replayed first.
//!
//! The inputs come from `iam_conformance::gen`: random bytes read through the same
//! `Arbitrary` definitions the fuzz targets use, so shrinking works on the bytes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeMap;

use iam_conformance::gen::{self, EvalInput, ParseInput, PatternInput, TypedPolicy, WorldModel};
use iam_conformance::props;
use iam_evaluator::pattern::Glob;
use iam_evaluator::world::StsError;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};

/// 256 cases per law, or `PROPTEST_CASES`; failures are kept in the committed
/// regression file and shrunk thoroughly.
fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(256);
    Config {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("proptest-regressions/properties.txt"))),
        // Inputs are byte vectors of up to ~1.5 KB: shrinking deletes and lowers bytes
        // one at a time, so it needs more steps than proptest's automatic 4 per case.
        max_shrink_iters: 20_000,
        ..Config::with_cases(cases)
    }
}

fn holds(result: Result<(), String>) -> Result<(), TestCaseError> {
    result.map_err(TestCaseError::fail)
}

fn eval_input() -> BoxedStrategy<EvalInput> {
    gen::strategy(gen::EVAL_BYTES)
}

fn world_input() -> BoxedStrategy<WorldModel> {
    gen::strategy(gen::WORLD_BYTES)
}

fn federation_input() -> BoxedStrategy<gen::FederationModel> {
    gen::strategy(gen::WORLD_BYTES)
}

proptest! {
    #![proptest_config(config())]

    /// Glob agrees with the naive reference matcher on short patterns over a small
    /// alphabet (upper and lower case, a two-byte character, both wildcards).
    #[test]
    fn glob_agrees_with_the_reference_matcher(
        pattern in "[aAbé?*]{0,8}",
        input in "[aAbéB]{0,10}",
        ci in proptest::bool::ANY,
    ) {
        prop_assert_eq!(Glob::new(&pattern, ci).matches(&input), props::reference_match(&pattern, &input, ci));
    }

    /// Segments long enough for the linear searches (KMP, Shift-And) agree with it too.
    #[test]
    fn long_glob_segments_agree_with_the_reference_matcher(
        pattern in "[abé?]{28,40}",
        input in "[abé]{0,60}",
        ci in proptest::bool::ANY,
    ) {
        let pattern = format!("*{pattern}*");
        prop_assert_eq!(Glob::new(&pattern, ci).matches(&input), props::reference_match(&pattern, &input, ci));
    }

    #[test]
    fn session_policy_never_widens_federated(input in federation_input()) {
        holds(props::law_session_policy_never_widens_federated(&input))?;
    }

    #[test]
    fn federated_user_within_calling_user(input in federation_input()) {
        holds(props::law_federated_user_within_calling_user(&input))?;
    }

    #[test]
    fn session_token_within_user(input in federation_input()) {
        holds(props::law_session_token_within_user(&input))?;
    }

    #[test]
    fn web_identity_sub_checked(input in federation_input()) {
        holds(props::law_web_identity_sub_checked(&input))?;
    }

    #[test]
    fn session_policy_never_widens(input in eval_input()) {
        holds(props::law_session_policy_never_widens(&input))?;
    }

    #[test]
    fn boundary_never_widens(input in eval_input()) {
        holds(props::law_boundary_never_widens(&input))?;
    }

    #[test]
    fn scp_level_never_widens(input in eval_input()) {
        holds(props::law_scp_level_never_widens(&input))?;
    }

    #[test]
    fn rcp_never_widens(input in eval_input()) {
        holds(props::law_rcp_never_widens(&input))?;
    }

    #[test]
    fn added_deny_never_widens(input in eval_input()) {
        holds(props::law_added_deny_never_widens(&input))?;
    }

    #[test]
    fn added_allow_never_narrows(input in eval_input()) {
        holds(props::law_added_allow_never_narrows(&input))?;
    }

    #[test]
    fn order_never_matters(input in eval_input()) {
        holds(props::law_order_never_matters(&input))?;
    }

    #[test]
    fn split_identity_policy(input in eval_input()) {
        holds(props::law_split_identity_policy(&input))?;
    }

    #[test]
    fn json_forms_equivalent(input in eval_input()) {
        holds(props::law_json_forms_equivalent(&input))?;
    }

    #[test]
    fn action_case_insensitive(input in eval_input()) {
        holds(props::law_action_case_insensitive(&input))?;
    }

    #[test]
    fn if_exists_agrees_when_present(input in eval_input()) {
        holds(props::law_if_exists_agrees_when_present(&input))?;
    }

    #[test]
    fn explicit_deny_wins(input in eval_input()) {
        holds(props::law_explicit_deny_wins(&input))?;
    }

    #[test]
    fn trace_agrees(input in eval_input()) {
        holds(props::law_trace_agrees(&input))?;
    }

    #[test]
    fn cross_account_needs_both_sides(input in eval_input()) {
        holds(props::law_cross_account_needs_both_sides(&input))?;
    }

    #[test]
    fn scp_ignores_service_principals(input in eval_input()) {
        holds(props::law_scp_ignores_service_principals(&input))?;
    }

    #[test]
    fn denial_is_explained(input in eval_input()) {
        holds(props::law_denial_is_explained(&input))?;
    }

    #[test]
    fn policy_variables_substitute(input in eval_input()) {
        holds(props::law_policy_variables_substitute(&input))?;
    }

    #[test]
    fn principal_forms_equivalent(input in eval_input()) {
        holds(props::law_principal_forms_equivalent(&input))?;
    }

    #[test]
    fn print_parse_identity(input in gen::strategy::<TypedPolicy>(gen::POLICY_BYTES)) {
        holds(props::law_print_parse_identity(&input))?;
    }

    #[test]
    fn parse_total_on_edited_policies(input in gen::strategy::<ParseInput>(gen::POLICY_BYTES)) {
        holds(props::law_parse_edited_policy(&input))?;
    }

    #[test]
    fn parse_total_on_any_text(text in any::<String>()) {
        holds(props::law_parse_total_and_roundtrip(&text))?;
    }

    #[test]
    fn glob_matches_reference(input in gen::strategy::<PatternInput>(gen::PATTERN_BYTES)) {
        holds(props::law_glob_matches_reference(&input))?;
    }

    #[test]
    fn arn_pattern_matches_components(input in gen::strategy::<PatternInput>(gen::PATTERN_BYTES)) {
        holds(props::law_arn_pattern_matches_components(&input))?;
    }

    #[test]
    fn role_session_within_role(input in world_input()) {
        holds(props::law_role_session_within_role(&input))?;
    }

    #[test]
    fn chained_session_at_most_one_hour(input in world_input()) {
        holds(props::law_chained_session_at_most_one_hour(&input))?;
    }

    #[test]
    fn chain_carries_transitive_tags_and_source_identity(input in world_input()) {
        holds(props::law_chain_carries_transitive_tags_and_source_identity(&input))?;
    }
}

/// Draws `n` values of `strategy` from a fixed seed.
fn sample<T: std::fmt::Debug>(strategy: BoxedStrategy<T>, n: usize) -> Vec<T> {
    let mut runner = TestRunner::deterministic();
    (0..n).map(|_| strategy.new_tree(&mut runner).unwrap().current()).collect()
}

/// The laws are only as good as the inputs: the generated cases must reach every
/// outcome and every layer that can deny, or a monotonicity law holds vacuously.
#[test]
fn generated_cases_reach_every_outcome_and_layer() {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for input in sample(eval_input(), 1500) {
        let (_, decision) = props::decide(&input.case.to_step()).unwrap();
        let key = match decision.denied_by {
            Some(l) => format!("{} by {}", decision.outcome.name(), l.name()),
            None => decision.outcome.name().to_string(),
        };
        *seen.entry(key).or_default() += 1;
    }
    let expected = [
        "allowed",
        "explicitDeny by scp",
        "explicitDeny by rcp",
        "explicitDeny by resourcePolicy",
        "explicitDeny by identityPolicy",
        "explicitDeny by permissionsBoundary",
        "explicitDeny by sessionPolicy",
        "implicitDeny by scp",
        "implicitDeny by resourcePolicy",
        "implicitDeny by identityPolicy",
        "implicitDeny by permissionsBoundary",
        "implicitDeny by sessionPolicy",
    ];
    for e in expected {
        assert!(
            seen.get(e).copied().unwrap_or(0) >= 5,
            "fewer than 5 of 1500 generated cases decide \"{e}\": {seen:?}"
        );
    }
    let allowed = seen.get("allowed").copied().unwrap_or(0);
    assert!(allowed >= 150, "only {allowed} of 1500 generated cases are allowed: {seen:?}");
}

/// The world generator must issue sessions, chained ones among them, deny some calls,
/// and give the sessions requests that are allowed.
#[test]
fn generated_worlds_issue_and_deny_sessions() {
    let (mut issued, mut chained, mut denied, mut invalid) = (0, 0, 0, 0);
    for model in sample(world_input(), 400) {
        let run = props::run_chain(&model).unwrap();
        for call in &run.calls {
            match &call.result {
                Ok(i) if i.session.chained => chained += 1,
                Ok(_) => issued += 1,
                Err(StsError::AccessDenied { .. }) => denied += 1,
                Err(_) => invalid += 1,
            }
        }
    }
    assert!(issued >= 40, "only {issued} sessions issued by users");
    assert!(chained >= 10, "only {chained} chained sessions issued");
    assert!(denied >= 40, "only {denied} AccessDenied");
    assert!(invalid >= 10, "only {invalid} validation errors");
}

/// The policy generator writes valid policies of every type.
#[test]
fn generated_policies_are_valid_for_their_type() {
    let mut valid = [0usize; 7];
    for input in sample(gen::strategy::<TypedPolicy>(gen::POLICY_BYTES), 700) {
        let ty = input.policy_type();
        let text = input.policy.render(ty, input.style).to_string();
        match iam_evaluator::Policy::parse(&text, ty) {
            Ok(_) => valid[iam_evaluator::PolicyType::ALL.iter().position(|t| *t == ty).unwrap()] += 1,
            Err(e) => assert_eq!(e.kind, iam_evaluator::ErrorKind::Size, "{e}\n{text}"),
        }
    }
    assert!(valid.iter().all(|n| *n >= 20), "valid policies per type: {valid:?}");
}
