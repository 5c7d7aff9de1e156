//! Runs cases against an [`Implementation`] and compares results with `expect`,
//! field by field. Passed, failed, skipped and errored are kept apart.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::case::{Case, Expect, StepResult};
use crate::case_error::{CaseError, Cause};

/// Who an implementation is (the protocol's `implementation` object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ImplementationInfo {
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Language.
    pub language: String,
}

/// What an implementation answered for a whole case.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseOutcome {
    /// One result per step.
    Results(Vec<StepResult>),
    /// The implementation skipped the case.
    Skipped(String),
    /// The implementation broke.
    Errored(String),
}

/// Anything that can run cases: the reference evaluator or an external program.
pub trait Implementation {
    /// Its name, version and language.
    fn info(&self) -> ImplementationInfo;
    /// Runs one case.
    fn run(&mut self, case: &Case) -> CaseOutcome;
    /// True when the implementation leaves out of a step result the fields it cannot
    /// give (its start reply's `givenFieldsOnly`): then only the fields it gives are
    /// compared, except `decision` and `valid`, which are compared whenever expected.
    fn given_fields_only(&self) -> bool {
        false
    }
}

/// The verdict on one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Every expectation met.
    Passed,
    /// Some expectation not met.
    Failed,
    /// Not run by the implementation (never a pass).
    Skipped,
    /// The implementation or the case broke.
    Errored,
}

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mismatch {
    /// Step number, from 1.
    pub step: usize,
    /// The field (`decision`, `session.arn`, ...).
    pub field: String,
    /// Expected value.
    pub expected: serde_json::Value,
    /// Actual value (`null` when absent).
    pub actual: serde_json::Value,
}

/// The result of one case file.
#[derive(Debug, Clone, Serialize)]
pub struct CaseReport {
    /// The file.
    pub path: String,
    /// The case description (empty when the file could not be read).
    pub description: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Where the expected outcome comes from.
    #[serde(default)]
    pub sources: Vec<String>,
    /// The verdict.
    pub status: Status,
    /// Mismatches, for a failure.
    pub mismatches: Vec<Mismatch>,
    /// Why it was skipped or errored.
    pub message: Option<String>,
    /// The `expect` fields that were compared (over all steps answered).
    pub compared: Vec<String>,
    /// The `expect` fields left uncompared because the implementation did not give them.
    #[serde(rename = "notGiven", skip_serializing_if = "Vec::is_empty")]
    pub not_given: Vec<String>,
}

/// Compares one step's result with its expectation; only fields present in `expect`.
pub fn compare_step(step: usize, expect: &Expect, actual: &Expect) -> Vec<Mismatch> {
    compare_fields(step, expect, actual, false).mismatches
}

/// What comparing one step found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StepComparison {
    /// The fields that differ.
    pub mismatches: Vec<Mismatch>,
    /// The fields compared.
    pub compared: Vec<&'static str>,
    /// The expected fields not compared because the result did not give them.
    pub not_given: Vec<&'static str>,
}

/// Compares one step's result with its expectation, field by field, over the fields
/// present in `expect`. With `given_only`, a field the result leaves out is not
/// compared (and is listed in `not_given`), except `decision` and `valid`.
pub fn compare_fields(step: usize, expect: &Expect, actual: &Expect, given_only: bool) -> StepComparison {
    let mut out = StepComparison::default();
    let mut check = |field: &'static str, e: Option<serde_json::Value>, a: Option<serde_json::Value>| {
        if let Some(e) = e {
            let primary = field == "decision" || field == "valid";
            if given_only && !primary && a.is_none() {
                out.not_given.push(field);
                return;
            }
            out.compared.push(field);
            let a = a.unwrap_or(serde_json::Value::Null);
            if e != a {
                out.mismatches.push(Mismatch { step, field: field.to_string(), expected: e, actual: a });
            }
        }
    };
    let s = |v: &Option<String>| v.as_ref().map(|x| serde_json::Value::String(x.clone()));
    check("decision", s(&expect.decision), s(&actual.decision));
    check("deniedBy", s(&expect.denied_by), s(&actual.denied_by));
    check("message", s(&expect.message), s(&actual.message));
    check("error", s(&expect.error), s(&actual.error));
    check("valid", expect.valid.map(serde_json::Value::Bool), actual.valid.map(serde_json::Value::Bool));
    check("errorKind", s(&expect.error_kind), s(&actual.error_kind));
    check("errorPointer", s(&expect.error_pointer), s(&actual.error_pointer));
    if let Some(es) = &expect.session {
        let as_ = actual.session.clone().unwrap_or_default();
        check("session.arn", s(&es.arn), s(&as_.arn));
        check("session.durationSeconds", es.duration_seconds.map(Into::into), as_.duration_seconds.map(Into::into));
        check("session.chained", es.chained.map(Into::into), as_.chained.map(Into::into));
        check("session.principalType", s(&es.principal_type), s(&as_.principal_type));
        check("session.userId", s(&es.user_id), s(&as_.user_id));
        check("session.sourceIdentity", s(&es.source_identity), s(&as_.source_identity));
        check("session.mfa", es.mfa.map(Into::into), as_.mfa.map(Into::into));
        let tags = |t: &Option<std::collections::BTreeMap<String, String>>| {
            t.as_ref()
                .map(|m| serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), v.clone().into())).collect()))
        };
        check("session.tags", tags(&es.tags), tags(&as_.tags));
    }
    let verdicts = |m: &Option<std::collections::BTreeMap<String, String>>| {
        m.as_ref().map(|m| serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), v.clone().into())).collect()))
    };
    check(
        "principals",
        verdicts(&expect.principals),
        verdicts(&who_can_answers(&expect.principals, &actual.principals)),
    );
    check("roles", verdicts(&expect.roles), verdicts(&actual.roles));
    if let Some(ei) = &expect.identity {
        let ai = actual.identity.clone().unwrap_or_default();
        check("identity.arn", s(&ei.arn), s(&ai.arn));
        check("identity.account", s(&ei.account), s(&ai.account));
        check("identity.userId", s(&ei.user_id), s(&ai.user_id));
    }
    out
}

/// A `whoCan` answer as its expectation reads it. An expected `if` asks only for the
/// verdict, so an answer `if KEY, ...` counts as `if` there; an expected
/// `if KEY, KEY` asks for the keys too, which match as a set, case-insensitively
/// (condition keys are not case-sensitive).
fn who_can_answers(
    expect: &Option<BTreeMap<String, String>>,
    actual: &Option<BTreeMap<String, String>>,
) -> Option<BTreeMap<String, String>> {
    let (Some(expect), Some(actual)) = (expect, actual) else { return actual.clone() };
    let keys = |v: &str| -> Option<std::collections::BTreeSet<String>> {
        v.strip_prefix("if ").map(|k| k.split(',').map(|x| x.trim().to_ascii_lowercase()).collect())
    };
    let read = |arn: &String, a: &String| -> String {
        match expect.get(arn) {
            Some(e) if e == "if" && a.starts_with("if") => e.clone(),
            Some(e) if keys(e).is_some() && keys(e) == keys(a) => e.clone(),
            _ => a.clone(),
        }
    };
    Some(actual.iter().map(|(arn, a)| (arn.clone(), read(arn, a))).collect())
}

/// Judges an implementation's answer to a case.
pub fn judge(case: &Case, outcome: &CaseOutcome) -> (Status, Vec<Mismatch>, Option<String>) {
    let j = judge_with(case, outcome, false);
    (j.status, j.mismatches, j.message)
}

/// The verdict on one case with what was compared.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    /// The verdict.
    pub status: Status,
    /// Mismatches, for a failure.
    pub mismatches: Vec<Mismatch>,
    /// Why it was skipped or errored.
    pub message: Option<String>,
    /// The fields compared, each once, in the order first met.
    pub compared: Vec<String>,
    /// The expected fields not given by the implementation, each once.
    pub not_given: Vec<String>,
}

/// Judges an answer; `given_only` as in [`compare_fields`]. A step of which no field
/// could be compared counts as skipped: nothing the implementation gave was expected.
pub fn judge_with(case: &Case, outcome: &CaseOutcome, given_only: bool) -> Judgement {
    let bare = |status, message: &str| Judgement {
        status,
        mismatches: Vec::new(),
        message: Some(message.to_string()),
        compared: Vec::new(),
        not_given: Vec::new(),
    };
    match outcome {
        CaseOutcome::Skipped(m) => bare(Status::Skipped, m),
        CaseOutcome::Errored(m) => bare(Status::Errored, m),
        CaseOutcome::Results(results) => {
            if results.len() != case.steps.len() {
                return bare(Status::Errored, &format!("{} results for {} steps", results.len(), case.steps.len()));
            }
            let mut j = bare(Status::Passed, "");
            j.message = None;
            let mut skipped = false;
            let add = |list: &mut Vec<String>, fields: &[&str]| {
                for f in fields {
                    if !list.iter().any(|x| x == f) {
                        list.push((*f).to_string());
                    }
                }
            };
            for (i, (step, result)) in case.steps.iter().zip(results).enumerate() {
                if result.skipped == Some(true) {
                    skipped = true;
                    continue;
                }
                let c = compare_fields(i + 1, &step.expect, &result.fields, given_only);
                if c.compared.is_empty() {
                    skipped = true;
                }
                add(&mut j.compared, &c.compared);
                add(&mut j.not_given, &c.not_given);
                j.mismatches.extend(c.mismatches);
            }
            if !j.mismatches.is_empty() {
                j.status = Status::Failed;
            } else if skipped {
                j.status = Status::Skipped;
                j.message = Some("some steps were skipped".to_string());
            }
            j
        }
    }
}

/// Reads a case file; the error names the file and the place in it.
pub fn load_case(path: &Path) -> Result<Case, CaseError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| CaseError::new(Cause::Read(e)).in_file(&shown))?;
    parse_case(&text).map_err(|e| e.in_file(shown))
}

/// Parses case text: its JSON shape, then the load-time checks of [`crate::validate`].
pub fn parse_case(text: &str) -> Result<Case, CaseError> {
    let case: Case = match serde_json::from_str(text) {
        Ok(case) => case,
        Err(e) => {
            // A step is read as one of its kinds, so a step without (or with several)
            // action keys fails the typed read; the load-time checks locate it better.
            let tree = serde_json::from_str::<serde_json::Value>(text).ok();
            if let Some(Err(l)) = tree.as_ref().map(crate::validate::check) {
                if matches!(l.problem, crate::validate::Problem::NoAction | crate::validate::Problem::SeveralActions(_))
                {
                    return Err(CaseError::located(text, l));
                }
            }
            return Err(CaseError::syntax(&e));
        }
    };
    if case.sources.is_empty() {
        return Err(CaseError::new(Cause::NoSource));
    }
    if case.steps.is_empty() {
        return Err(CaseError::new(Cause::NoStep));
    }
    let tree: serde_json::Value = serde_json::from_str(text).map_err(|e| CaseError::syntax(&e))?;
    crate::validate::check(&tree).map_err(|l| CaseError::located(text, l))?;
    Ok(case)
}

/// Every `.json` case file under the given files and folders, sorted. Folders named
/// `schema`, `managed` and `fuzz` hold other data and are skipped.
pub fn collect_case_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CaseError> {
    let mut out = Vec::new();
    for p in paths {
        let shown = p.display().to_string();
        if p.is_dir() {
            walk(p, &mut out).map_err(|e| CaseError::new(Cause::Read(e)).in_file(&shown))?;
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(CaseError::new(Cause::Missing).in_file(shown));
        }
    }
    out.sort();
    Ok(out)
}

/// Folders under `corpus/` that hold data other than case files.
pub const NON_CASE_DIRS: [&str; 3] = ["schema", "managed", "fuzz"];

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !NON_CASE_DIRS.contains(&name) {
                walk(&path, out)?;
            }
        } else if path.extension().and_then(|e| e.to_str()) == Some("json") {
            out.push(path);
        }
    }
    Ok(())
}

/// Runs one file.
pub fn run_file(implementation: &mut dyn Implementation, path: &Path) -> CaseReport {
    run_loaded(implementation, path, load_case(path))
}

/// Runs a case already loaded from `path`; an invalid case is errored, never sent.
pub fn run_loaded(implementation: &mut dyn Implementation, path: &Path, loaded: Result<Case, CaseError>) -> CaseReport {
    let shown = path.display().to_string();
    match loaded {
        Err(e) => CaseReport {
            path: shown,
            description: String::new(),
            tags: Vec::new(),
            sources: Vec::new(),
            status: Status::Errored,
            mismatches: Vec::new(),
            // The file is named by the report's path already.
            message: Some(format!("invalid case file: {}", e.describe())),
            compared: Vec::new(),
            not_given: Vec::new(),
        },
        Ok(case) => {
            let outcome = implementation.run(&case);
            let j = judge_with(&case, &outcome, implementation.given_fields_only());
            CaseReport {
                path: shown,
                description: case.description.clone(),
                tags: case.tags.clone(),
                sources: case.sources.clone(),
                status: j.status,
                mismatches: j.mismatches,
                message: j.message,
                compared: j.compared,
                not_given: j.not_given,
            }
        }
    }
}

/// Counts by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Passed.
    pub passed: usize,
    /// Failed.
    pub failed: usize,
    /// Skipped.
    pub skipped: usize,
    /// Errored.
    pub errored: usize,
}

impl Counts {
    /// Adds one verdict.
    pub fn add(&mut self, status: Status) {
        match status {
            Status::Passed => self.passed += 1,
            Status::Failed => self.failed += 1,
            Status::Skipped => self.skipped += 1,
            Status::Errored => self.errored += 1,
        }
    }

    /// Total.
    pub fn total(&self) -> usize {
        self.passed + self.failed + self.skipped + self.errored
    }

    /// Cases an implementation answered and that were compared with `expect`:
    /// passed and failed ones (skipped and errored cases were not compared).
    pub fn compared(&self) -> usize {
        self.passed + self.failed
    }

    /// The closing line.
    pub fn line(&self) -> String {
        format!("{} passed, {} failed, {} skipped, {} errored", self.passed, self.failed, self.skipped, self.errored)
    }
}

/// Counts per area (the folder under `corpus/`) and per tag.
pub fn summarize(reports: &[CaseReport]) -> (Counts, BTreeMap<String, Counts>, BTreeMap<String, Counts>) {
    let mut total = Counts::default();
    let mut areas: BTreeMap<String, Counts> = BTreeMap::new();
    let mut tags: BTreeMap<String, Counts> = BTreeMap::new();
    for r in reports {
        total.add(r.status);
        areas.entry(area_of(&r.path)).or_default().add(r.status);
        for t in &r.tags {
            tags.entry(t.clone()).or_default().add(r.status);
        }
    }
    (total, areas, tags)
}

/// The area of a case path: the folder that holds the file.
pub fn area_of(path: &str) -> String {
    Path::new(path).parent().and_then(|p| p.file_name()).and_then(|n| n.to_str()).unwrap_or(".").to_string()
}

#[cfg(test)]
mod given_fields_tests {
    use super::*;

    fn case(expect: &str) -> Case {
        let text = format!(
            r#"{{"description":"d","sources":["s"],"steps":[{{"parse":{{"type":"identity","policy":"x"}},"expect":{expect}}}]}}"#
        );
        parse_case(&text).unwrap()
    }

    fn answer(json: &str) -> CaseOutcome {
        CaseOutcome::Results(vec![serde_json::from_str(json).unwrap()])
    }

    #[test]
    fn without_given_only_a_missing_field_is_a_mismatch() {
        let c = case(r#"{"valid":false,"errorKind":"json"}"#);
        let j = judge_with(&c, &answer(r#"{"valid":false}"#), false);
        assert_eq!(j.status, Status::Failed);
        assert_eq!(j.compared, ["valid", "errorKind"]);
        assert!(j.not_given.is_empty());
    }

    #[test]
    fn with_given_only_a_field_left_out_is_not_compared_but_named() {
        let c = case(r#"{"valid":false,"errorKind":"json"}"#);
        let j = judge_with(&c, &answer(r#"{"valid":false}"#), true);
        assert_eq!(j.status, Status::Passed);
        assert_eq!(j.compared, ["valid"]);
        assert_eq!(j.not_given, ["errorKind"]);
        // A field that is given is compared.
        let j = judge_with(&c, &answer(r#"{"valid":false,"errorKind":"shape"}"#), true);
        assert_eq!(j.status, Status::Failed);
    }

    #[test]
    fn with_given_only_decision_and_valid_are_always_compared() {
        let c = case(r#"{"valid":false}"#);
        let j = judge_with(&c, &answer(r#"{}"#), true);
        assert_eq!(j.status, Status::Failed);
        assert_eq!(j.mismatches[0].field, "valid");
    }

    #[test]
    fn a_step_with_nothing_comparable_is_skipped_not_passed() {
        let c = case(r#"{"errorKind":"json"}"#);
        let j = judge_with(&c, &answer(r#"{"valid":false}"#), true);
        assert_eq!(j.status, Status::Skipped);
        assert!(j.compared.is_empty());
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn map(entries: &[(&str, &str)]) -> Option<BTreeMap<String, String>> {
        Some(entries.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn who_can_keys_are_compared_only_when_expected() {
        let answer = map(&[("a", "if aws:SecureTransport, aws:SourceIp"), ("b", "yes")]);
        // A bare `if` asks for the verdict only.
        assert_eq!(who_can_answers(&map(&[("a", "if"), ("b", "yes")]), &answer), map(&[("a", "if"), ("b", "yes")]));
        // Keys match as a set, case-insensitively.
        let expect = map(&[("a", "if aws:sourceip, aws:SecureTransport"), ("b", "yes")]);
        assert_eq!(who_can_answers(&expect, &answer), expect);
        // Other keys, or an answer without keys, stay as they are and so differ.
        let expect = map(&[("a", "if aws:SourceIp"), ("b", "yes")]);
        assert_eq!(who_can_answers(&expect, &answer), answer);
        let bare = map(&[("a", "if"), ("b", "yes")]);
        assert_eq!(who_can_answers(&expect, &bare), bare);
        // `yes` is never read as `if`.
        assert_eq!(who_can_answers(&map(&[("b", "if")]), &map(&[("b", "yes")])), map(&[("b", "yes")]));
    }
}
