//! `iam-conformance report`: from `run --format json` files to one self-contained
//! HTML page, through the built binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::json;

mod common;

use common::{Scratch, BIN};

fn scratch(name: &str) -> Scratch {
    common::scratch_in("report-tests", name)
}

fn bin(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN).args(args).current_dir(dir).output().unwrap()
}

/// Case files under `dir/cases/parse/`: one the reference evaluator passes, one with
/// a wrong expectation (it fails), one uncertain-tagged.
fn write_cases(dir: &Path) {
    let folder = dir.join("cases").join("parse");
    std::fs::create_dir_all(&folder).unwrap();
    let policy =
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#;
    let case = |description: &str, tags: &[&str], expect: serde_json::Value| {
        json!({
            "description": description, "sources": ["regression:report-test"], "tags": tags,
            "steps": [{"parse": {"type": "identity", "policy": policy}, "expect": expect}],
        })
    };
    let files = [
        ("1-valid.json", case("a valid policy is valid", &["shape"], json!({"valid": true}))),
        (
            "2-wrong.json",
            case(
                "a <wrong> expectation & a failure",
                &["shape", "effect"],
                json!({"valid": false, "errorKind": "effect"}),
            ),
        ),
        ("3-uncertain.json", case("an uncertain one", &["shape", "uncertain"], json!({"valid": true}))),
    ];
    for (name, value) in files {
        std::fs::write(folder.join(name), serde_json::to_string_pretty(&value).unwrap()).unwrap();
    }
}

#[test]
fn report_from_two_runs_shows_the_matrix_and_the_failures() {
    let dir = scratch("two-runs");
    write_cases(&dir);
    let run = bin(&dir, &["run", "--format", "json", "cases"]);
    assert_eq!(run.status.code(), Some(1), "one case fails");
    std::fs::write(dir.join("reference.json"), &run.stdout).unwrap();
    // A second implementation's result, written by hand.
    let other = json!({
        "implementation": {"name": "other-impl", "version": "9.9", "language": "go"},
        "summary": {}, "areas": {}, "tags": {},
        "cases": [
            {"path": "cases/parse/1-valid.json", "description": "a valid policy is valid", "tags": ["shape"],
             "status": "errored", "mismatches": [], "message": "no answer within 10s"},
            {"path": "cases/parse/2-wrong.json", "description": "", "tags": ["shape", "effect"],
             "status": "skipped", "mismatches": [], "message": "parse is not supported"},
            {"path": "cases/parse/3-uncertain.json", "description": "", "tags": ["shape", "uncertain"],
             "status": "passed", "mismatches": [], "message": null},
        ],
    });
    std::fs::write(dir.join("other.json"), other.to_string()).unwrap();

    let out = bin(&dir, &["report", "reference.json", "other.json", "-o", "report.html"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();

    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    for external in ["<script", "<link", "src=", "url(", "@import"] {
        assert!(!html.contains(external), "the page must not load {external}");
    }
    // Both implementations are columns; the reference's headline rate leaves out the
    // uncertain case (1 of 2 passed) and counts it apart.
    assert!(html.contains("<div class=\"name\">iam-evaluator</div>"));
    assert!(html.contains("<div class=\"name\">other-impl</div>"));
    assert!(html.contains("50% <small>1 of 2 cases passed</small>"), "{html}");
    assert!(html.contains("uncertain-tagged, counted apart: 1 of 1 passed"));
    let shape = html.lines().find(|l| l.starts_with("<tr><th class=\"row\">shape</th>")).unwrap();
    assert_eq!(shape.matches("<td").count(), 2, "{shape}");
    assert!(shape.contains("<span class=\"rate\">50%</span><span class=\"n\">1/2</span>"), "{shape}");
    assert!(shape.contains("<span class=\"rate\">0%</span><span class=\"n\">0/2</span>"), "{shape}");
    assert!(html.contains("<tr><th class=\"row\">parse</th>"), "the area row");
    // The failing case, escaped, with its field-by-field diff.
    assert!(html.contains("a &lt;wrong&gt; expectation &amp; a failure"));
    assert!(
        html.contains("<td class=\"mono\">valid</td><td class=\"exp mono\">false</td><td class=\"act mono\">true</td>")
    );
    assert!(
        html.contains("<td class=\"exp mono\">effect</td><td class=\"act mono\"><span class=\"absent\">absent</span>")
    );
    assert!(html.contains("<pre class=\"msg\">no answer within 10s</pre>"));
}

#[test]
fn report_rejects_bad_input_naming_the_file() {
    let dir = scratch("bad-input");
    std::fs::write(dir.join("text.txt"), "1 passed, 0 failed, 0 skipped, 0 errored\n").unwrap();
    let cases = [
        (vec!["report", "-o", "r.html"], "<INPUTS>"),
        (vec!["report", "missing.json", "-o", "r.html"], "missing.json"),
        (vec!["report", "text.txt", "-o", "r.html"], "text.txt"),
    ];
    for (args, needle) in cases {
        let out = bin(&dir, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(!dir.join("r.html").exists(), "no page is written from bad input");
    }
    std::fs::write(
        dir.join("ok.json"),
        json!({"implementation": {"name": "a", "version": "", "language": ""}, "cases": []}).to_string(),
    )
    .unwrap();
    let out = bin(&dir, &["report", "ok.json", "-o", "no/such/folder/r.html"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/folder/r.html"));
}
