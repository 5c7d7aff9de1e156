//! Reports: JUnit XML for CI systems ([`junit`]) and a self-contained HTML page
//! ([`render_html`]) built from one or more `iam-conformance run --format json`
//! results, read back and counted here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::runner::{area_of, Counts, ImplementationInfo, Status};

mod html;
mod junit;

pub use html::{html_escape, render_html};

/// Escapes `&`, `<`, `>`, `"` and `'` (as `apos`) for markup text and quoted
/// attribute values; characters `keep` refuses become U+FFFD.
fn escape_markup(s: &str, apos: &str, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str(apos),
            c if keep(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}
pub use junit::junit;

/// The tag that marks behaviour the AWS documentation leaves open; counted apart.
pub const UNCERTAIN: &str = "uncertain";

/// Why a report could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// No input files.
    #[error("no input: give one or more files written by `iam-conformance run --format json`")]
    NoInput,
    /// An input file that cannot be read.
    #[error("{file}: {source}")]
    Read {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// An input that is not `run --format json` output.
    #[error("{file}: {source} (expected the output of `iam-conformance run --format json`)")]
    NotARun {
        /// The file.
        file: String,
        /// The JSON error, with its line and column.
        source: serde_json::Error,
    },
    /// The page cannot be written.
    #[error("{file}: {source}")]
    Write {
        /// The output file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
}

/// A result value for a person: `(absent)` for a field the implementation did not
/// give, other values as JSON.
pub fn shown(v: &Value) -> String {
    if v.is_null() {
        "(absent)".to_string()
    } else {
        v.to_string()
    }
}

// ---------------------------------------------------------------------------------
// Reading `run --format json` results back.

/// A verdict as written by `run --format json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Passed.
    Passed,
    /// Failed.
    Failed,
    /// Skipped.
    Skipped,
    /// Errored.
    Errored,
}

impl Verdict {
    /// The runner's status.
    pub fn status(self) -> Status {
        match self {
            Verdict::Passed => Status::Passed,
            Verdict::Failed => Status::Failed,
            Verdict::Skipped => Status::Skipped,
            Verdict::Errored => Status::Errored,
        }
    }
}

/// One mismatching field as written by `run --format json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RunMismatch {
    /// Step number, from 1.
    pub step: usize,
    /// The field.
    pub field: String,
    /// Expected value.
    #[serde(default)]
    pub expected: Value,
    /// Actual value (`null` when absent).
    #[serde(default)]
    pub actual: Value,
}

/// One case as written by `run --format json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RunCase {
    /// The case file.
    pub path: String,
    /// Its description.
    #[serde(default)]
    pub description: String,
    /// Its tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Where its expected outcome comes from.
    #[serde(default)]
    pub sources: Vec<String>,
    /// The verdict.
    pub status: Verdict,
    /// The fields that differ, for a failure.
    #[serde(default)]
    pub mismatches: Vec<RunMismatch>,
    /// Why it was skipped or errored.
    #[serde(default)]
    pub message: Option<String>,
}

impl RunCase {
    /// Whether the case is tagged `uncertain`.
    pub fn uncertain(&self) -> bool {
        self.tags.iter().any(|t| t == UNCERTAIN)
    }
}

/// One `run --format json` output. Its `summary`, `areas` and `tags` are not read:
/// the report recounts from `cases` so that uncertain cases can be counted apart.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RunResult {
    /// Who ran.
    pub implementation: ImplementationInfo,
    /// Every case.
    pub cases: Vec<RunCase>,
    /// Where it was read from (shown in the column header); not part of the JSON.
    #[serde(skip)]
    pub source: String,
}

/// Parses one `run --format json` output.
pub fn parse_run(text: &str, source: &str) -> Result<RunResult, ReportError> {
    let mut run: RunResult =
        serde_json::from_str(text).map_err(|e| ReportError::NotARun { file: source.to_string(), source: e })?;
    run.source = source.to_string();
    Ok(run)
}

/// Reads one `run --format json` output file.
pub fn load_run(path: &Path) -> Result<RunResult, ReportError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| ReportError::Read { file: path.display().to_string(), source: e })?;
    parse_run(&text, &path.display().to_string())
}

/// Builds the HTML report from `run --format json` result files and writes it.
pub fn write_html(inputs: &[PathBuf], output: &Path) -> Result<(), ReportError> {
    if inputs.is_empty() {
        return Err(ReportError::NoInput);
    }
    let runs = inputs.iter().map(|p| load_run(p)).collect::<Result<Vec<_>, _>>()?;
    std::fs::write(output, render_html(&runs))
        .map_err(|e| ReportError::Write { file: output.display().to_string(), source: e })
}

// ---------------------------------------------------------------------------------
// Counting.

/// Counts of one group of cases, with `uncertain`-tagged cases apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Split {
    /// Cases not tagged `uncertain`: these make the pass rate.
    pub certain: Counts,
    /// Cases tagged `uncertain`.
    pub uncertain: Counts,
}

impl Split {
    fn add(&mut self, case: &RunCase) {
        if case.uncertain() {
            self.uncertain.add(case.status.status());
        } else {
            self.certain.add(case.status.status());
        }
    }
}

/// The counts of one run: in total, per area (the folder of the case file) and per tag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// All cases.
    pub total: Split,
    /// Per area.
    pub areas: BTreeMap<String, Split>,
    /// Per tag.
    pub tags: BTreeMap<String, Split>,
}

/// Counts the cases of one run.
pub fn tally(run: &RunResult) -> Tally {
    let mut t = Tally::default();
    for case in &run.cases {
        t.total.add(case);
        t.areas.entry(area_of(&case.path)).or_default().add(case);
        for tag in &case.tags {
            t.tags.entry(tag.clone()).or_default().add(case);
        }
    }
    t
}

/// The pass rate in whole percent, rounded down so that 100 means every case passed.
/// Skipped cases count as not passed. `None` when there are no cases.
pub fn pass_percent(c: &Counts) -> Option<usize> {
    let total = c.total();
    (total > 0).then(|| c.passed * 100 / total)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

    use super::*;
    use serde_json::json;

    /// A run as `run --format json` writes it (shared with the page's tests).
    pub(super) fn run_json(name: &str, cases: Value) -> RunResult {
        let v = json!({
            "implementation": {"name": name, "version": "1.2", "language": "toy"},
            "summary": {"passed": 0, "failed": 0, "skipped": 0, "errored": 0},
            "areas": {}, "tags": {}, "cases": cases,
        });
        parse_run(&v.to_string(), &format!("{name}.json")).unwrap()
    }

    /// One case of such a run.
    pub(super) fn case(path: &str, tags: &[&str], status: &str) -> Value {
        json!({"path": path, "description": format!("case {path}"), "tags": tags, "status": status,
               "mismatches": [], "message": null})
    }

    #[test]
    fn tally_counts_uncertain_apart_by_tag_and_area() {
        let run = run_json(
            "a",
            json!([
                case("corpus/parse/1.json", &["json"], "passed"),
                case("corpus/parse/2.json", &["json", "uncertain"], "failed"),
                case("corpus/parse/3.json", &["json"], "skipped"),
                case("corpus/sts/4.json", &["mfa"], "errored"),
            ]),
        );
        let t = tally(&run);
        let json_tag = t.tags["json"];
        assert_eq!((json_tag.certain.passed, json_tag.certain.skipped, json_tag.certain.total()), (1, 1, 2));
        assert_eq!((json_tag.uncertain.failed, json_tag.uncertain.total()), (1, 1));
        assert_eq!(t.areas["parse"].certain.total(), 2);
        assert_eq!(t.areas["parse"].uncertain.total(), 1);
        assert_eq!(t.areas["sts"].certain.errored, 1);
        assert_eq!(t.total.certain.total(), 3);
        assert_eq!(t.total.uncertain.total(), 1);
        assert_eq!(pass_percent(&t.total.certain), Some(33));
    }

    #[test]
    fn pass_percent_rounds_down_and_skips_are_not_passes() {
        let c = Counts { passed: 199, failed: 1, skipped: 0, errored: 0 };
        assert_eq!(pass_percent(&c), Some(99));
        assert_eq!(pass_percent(&Counts { passed: 2, failed: 0, skipped: 2, errored: 0 }), Some(50));
        assert_eq!(pass_percent(&Counts { passed: 3, failed: 0, skipped: 0, errored: 0 }), Some(100));
        assert_eq!(pass_percent(&Counts::default()), None);
    }

    #[test]
    fn bad_input_names_the_file() {
        let e = parse_run("{\"implementation\": {}}", "x.json").unwrap_err().to_string();
        assert!(e.starts_with("x.json: "), "{e}");
        let e = parse_run("PASS 3 cases", "y.txt").unwrap_err().to_string();
        assert!(e.contains("y.txt") && e.contains("line 1"), "{e}");
        let mut c = case("a/b.json", &[], "passed");
        c["status"] = json!("great");
        let text = json!({"implementation": {"name": "a", "version": "", "language": ""}, "cases": [c]}).to_string();
        assert!(parse_run(&text, "z.json").unwrap_err().to_string().contains("unknown variant `great`"));
        assert!(write_html(&[], Path::new("/nonexistent/out.html")).unwrap_err().to_string().contains("no input"));
    }
}
