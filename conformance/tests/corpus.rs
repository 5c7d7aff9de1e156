//! Every case file in `corpus/` is its own test, run against the reference evaluator.
//!
//! Each case has a deadline (`IAM_CORPUS_CASE_DEADLINE_SECS`, default 10 s; a case
//! takes milliseconds): an evaluator that does not finish a case fails the test at
//! once (the process exits with status 1 after naming the case), as the runner's
//! `--timeout` fails a harness that does not answer. Without it a hanging evaluator
//! would hang the test instead of failing it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use iam_conformance::reference::{ExplainingReference, Reference};
use iam_conformance::runner::{run_file, Status, NON_CASE_DIRS};

fn run_case_file(path: &Path) -> datatest_stable::Result<()> {
    if path.components().any(|c| NON_CASE_DIRS.contains(&c.as_os_str().to_str().unwrap_or(""))) {
        return Ok(());
    }
    let deadline = std::env::var("IAM_CORPUS_CASE_DEADLINE_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(10);
    let (send, receive) = mpsc::channel();
    let owned = path.to_path_buf();
    // A case that never ends leaves its thread behind; the test binary exits anyway.
    std::thread::spawn(move || {
        // The receiver is gone only when the deadline has passed: nothing to tell then.
        let _ = send.send(run_file(&mut Reference, &owned));
        // The same case decided with a trace (the path `explain` takes), each trace
        // checked against its decision.
        let _ = send.send(run_file(&mut ExplainingReference, &owned));
    });
    for mode in ["plain", "explaining"] {
        check_report(path, mode, receive.recv_timeout(Duration::from_secs(deadline)), deadline)?;
    }
    Ok(())
}

fn check_report(
    path: &Path,
    mode: &str,
    received: Result<iam_conformance::runner::CaseReport, mpsc::RecvTimeoutError>,
    deadline: u64,
) -> datatest_stable::Result<()> {
    let report = match received {
        Ok(report) => report,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            // The hung case's thread cannot be stopped and would keep a core busy while
            // the other cases run (and hang likewise): stop the whole test, failed.
            eprintln!("{}: the evaluator did not finish this case within {deadline} s", path.display());
            std::process::exit(1);
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => return Err("the evaluator panicked on this case".into()),
    };
    match report.status {
        Status::Passed => Ok(()),
        _ => {
            let mut msg = format!("{:?} ({mode} reference): {}\n", report.status, report.description);
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
