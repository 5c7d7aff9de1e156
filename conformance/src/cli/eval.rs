//! `iam-conformance eval` and `explain`: one case through the reference evaluator,
//! each step's result, and whether it matched the step's `expect`.

use iam_conformance::reference::run_case;
use iam_conformance::runner::{self, CaseOutcome, Mismatch};

use super::error::read_input;
use super::{shown, CliError, Format};

/// Runs `eval` (`explain` None: results as JSON) or `explain` (text, or JSON with the
/// evidence); `Ok(false)` when a step does not match its expect.
pub fn eval(file: &str, explain: Option<Format>) -> Result<bool, CliError> {
    let text = read_input(file)?;
    let case = runner::parse_case(&text).map_err(|e| e.in_file(file))?;
    let steps = run_case(&case, explain.is_some()).map_err(|e| CliError::Other(format!("{file}: {e}")))?;
    let results: Vec<_> = steps.iter().map(|s| s.result.clone()).collect();
    let (_, mismatches, _) = runner::judge(&case, &CaseOutcome::Results(results.clone()));
    let of_step = |i: usize| -> Vec<&Mismatch> { mismatches.iter().filter(|m| m.step == i + 1).collect() };
    let checks = |i: usize| serde_json::json!({"matched": of_step(i).is_empty(), "mismatches": of_step(i)});
    if explain == Some(Format::Json) {
        let out: Vec<_> = steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                serde_json::json!({
                    "step": i + 1, "result": s.result, "expect": checks(i),
                    "evidence": s.evidence, "explanation": s.explanation,
                })
            })
            .collect();
        let doc = serde_json::json!({"description": case.description, "steps": out, "matched": mismatches.is_empty()});
        println!("{doc}");
    } else if explain.is_some() {
        println!("{}", case.description);
        for (i, s) in steps.iter().enumerate() {
            println!("\n== step {} ==", i + 1);
            println!("{}", serde_json::to_string(&s.result).unwrap_or_default());
            if let Some(e) = &s.explanation {
                print!("{e}");
            }
            println!("{}", matched_line(&of_step(i)));
        }
        let bad = (0..steps.len()).filter(|&i| !of_step(i).is_empty()).count();
        println!(
            "\n{}",
            if bad == 0 {
                format!("every step ({}) matched its expect", steps.len())
            } else {
                format!("{bad} of {} steps did not match their expect", steps.len())
            }
        );
    } else {
        let checks: Vec<_> = (0..steps.len())
            .map(|i| serde_json::json!({"step": i + 1, "matched": of_step(i).is_empty(), "mismatches": of_step(i)}))
            .collect();
        println!("{}", serde_json::json!({ "results": results, "expect": checks, "matched": mismatches.is_empty() }));
    }
    Ok(mismatches.is_empty())
}

/// `expect: matched`, or each field that differs.
fn matched_line(mismatches: &[&Mismatch]) -> String {
    if mismatches.is_empty() {
        return "expect: matched".to_string();
    }
    let fields: Vec<String> = mismatches
        .iter()
        .map(|m| format!("{} expected {} but got {}", m.field, shown(&m.expected), shown(&m.actual)))
        .collect();
    format!("expect: NOT matched: {}", fields.join("; "))
}
