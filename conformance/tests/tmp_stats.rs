#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
use iam_conformance::gen::{self, WorldModel};
use iam_conformance::props;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use std::collections::BTreeMap;
#[test]
fn stats() {
    let mut runner = TestRunner::deterministic();
    let s = gen::strategy::<WorldModel>(gen::WORLD_BYTES);
    let mut m: BTreeMap<String, usize> = BTreeMap::new();
    for _ in 0..400 {
        let model = s.new_tree(&mut runner).unwrap().current();
        let run = props::run_chain(&model).unwrap();
        for c in &run.calls {
            let k = match &c.result {
                Ok(i) => format!("ok chained={}", i.session.chained),
                Err(iam_evaluator::world::StsError::AccessDenied { decision, .. }) => format!(
                    "denied {:?} {:?} {}",
                    decision.outcome,
                    decision.denied_by,
                    match c.caller {
                        gen::CallerRef::User(_) => "user",
                        _ => "session",
                    }
                ),
                Err(e) => {
                    let s = e.to_string();
                    s.chars().take(60).collect()
                }
            };
            *m.entry(k).or_default() += 1;
        }
    }
    for (k, v) in m {
        println!("{v:5} {k}");
    }
}
