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
    assert_eq!(String::from_utf8_lossy(&out.stderr), "report: wrote report.html\n", "it says where it wrote");
    let mut written: Vec<String> =
        std::fs::read_dir(&*dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    written.sort();
    assert_eq!(written, ["cases", "other.json", "reference.json", "report.html"], "nothing else is written");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();

    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    for external in ["<script", "<link", "src=", "url(", "@import"] {
        assert!(!html.contains(external), "the page must not load {external}");
    }
    // Both implementations are columns; the reference's headline rate leaves out the
    // uncertain case (1 of 2 passed) and counts it apart.
    assert!(html.contains("<div class=\"name\">iam-evaluator</div>"));
    assert!(html.contains("<div class=\"name\">other-impl</div>"));
    assert!(html.contains("50% <small>1 of 2 cases not tagged uncertain passed</small>"), "{html}");
    assert!(html.contains("uncertain-tagged, counted apart from the pass rate: 1 of 1 passed"));
    // The headline totals are the CLI's closing line: 2 passed, 1 failed of 3.
    assert!(html.contains("<span class=\"c-pass\"><b>2</b> passed</span><span class=\"c-fail\"><b>1</b> failed</span>"));
    assert!(html.contains("compared 3 of 3 cases with their expectations"));
    // Sources as links or code.
    assert!(html.contains("Sources: <code>regression:report-test</code>"));
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

/// Debian's Chromium, when installed (`apt-get install chromium`).
fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()))
}

fn headless(browser: &str, profile: &Path, extra: &[&str], url: &str) -> Output {
    Command::new("timeout")
        .arg("120")
        .arg(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        .args(["--disable-component-update", "--disable-sync", "--hide-scrollbars"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .unwrap()
}

/// Renders the report in headless Chromium and reads the rendered DOM: the sections
/// and the failure groups are there and open, the tag table is collapsed. Skipped,
/// with a message, where Chromium is not installed.
#[test]
fn the_report_renders_in_headless_chromium_with_its_sections_and_failure_groups() {
    let Some(browser) = chromium() else {
        eprintln!(
            "SKIPPED: chromium is not installed (apt-get install -y chromium); the rendered report is not checked"
        );
        return;
    };
    let dir = scratch("chromium");
    write_cases(&dir);
    let run = bin(&dir, &["run", "--format", "json", "cases"]);
    std::fs::write(dir.join("reference.json"), &run.stdout).unwrap();
    let out = bin(&dir, &["report", "reference.json", "-o", "report.html"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let url = format!("file://{}", dir.join("report.html").display());
    let profile = dir.join("profile");
    let dom = headless(browser, &profile, &["--dump-dom"], &url);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("</html>"), "chromium rendered nothing: {dom}");
    for id in ["summary", "failures", "areas", "tags"] {
        assert!(dom.contains(&format!("<section id=\"{id}\">")), "no #{id} in the rendered DOM");
    }
    let failures = dom.split("<section id=\"failures\">").nth(1).unwrap().split("</section>").next().unwrap();
    assert!(
        failures.contains("<details class=\"group\" open=\"\" id=\"failures-0-parse\">"),
        "the failure group is in the DOM and open: {failures}"
    );
    assert!(failures.contains("cases/parse/2-wrong.json") && failures.contains("a &lt;wrong&gt; expectation"));
    let tags = dom.split("<section id=\"tags\">").nth(1).unwrap();
    assert!(tags.trim_start().starts_with("<details class=\"tagtable\"><summary>"), "the tag table is collapsed");
    // The page at #failures is a picture with something on it (a blank one compresses
    // to a few KB); the screenshot stays in the scratch folder.
    let png = dir.join("failures.png");
    let shot = headless(
        browser,
        &profile,
        &[&format!("--screenshot={}", png.display()), "--window-size=1280,900"],
        &format!("{url}#failures"),
    );
    assert!(png.exists(), "no screenshot: {}", String::from_utf8_lossy(&shot.stderr));
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(bytes.len() > 15_000, "the #failures screenshot looks blank ({} bytes)", bytes.len());
}
