#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
use iam_conformance::gen::{self, WorldModel};
use iam_conformance::props;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
#[test]
fn stats() {
    let mut runner = TestRunner::deterministic();
    let s = gen::strategy::<WorldModel>(gen::WORLD_BYTES);
    let mut shown = 0;
    for _ in 0..100 {
        let model = s.new_tree(&mut runner).unwrap().current();
        let run = props::run_chain(&model).unwrap();
        for c in &run.calls {
            if let Err(iam_evaluator::world::StsError::AccessDenied { decision, .. }) = &c.result {
                if decision.denied_by == Some(iam_evaluator::Layer::TrustPolicy) && shown < 14 {
                    shown += 1;
                    let role = &run.world_doc.roles[&c.step.role_arn];
                    println!(
                        "caller {:?} role {} tags {:?} si {:?}\ntrust {}\n",
                        c.caller,
                        c.step.role_arn,
                        c.step.tags,
                        c.step.source_identity,
                        serde_json::to_string(&role.trust_policy).unwrap()
                    );
                }
            }
        }
    }
}
