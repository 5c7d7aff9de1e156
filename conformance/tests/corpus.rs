//! Every case file in `corpus/` is its own test, run against the reference evaluator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;

use iam_conformance::reference::Reference;
use iam_conformance::runner::{run_file, Status, NON_CASE_DIRS};

fn run_case_file(path: &Path) -> datatest_stable::Result<()> {
    if path.components().any(|c| NON_CASE_DIRS.contains(&c.as_os_str().to_str().unwrap_or(""))) {
        return Ok(());
    }
    let report = run_file(&mut Reference, path);
    match report.status {
        Status::Passed => Ok(()),
        _ => {
            let mut msg = format!("{:?}: {}\n", report.status, report.description);
            if let Some(m) = &report.message {
                msg.push_str(&format!("  {m}\n"));
            }
            for m in &report.mismatches {
                msg.push_str(&format!("  step {} {}: expected {} but got {}\n", m.step, m.field, m.expected, m.actual));
            }
            Err(msg.into())
        }
    }
}

datatest_stable::harness! {
    { test = run_case_file, root = "../corpus", pattern = r"^.*\.json$" },
}
