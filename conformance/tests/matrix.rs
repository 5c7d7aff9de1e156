//! The matrix page as a browser shows it: `iam-conformance matrix` over a slice of the
//! corpus, with every peer adapter that is installed, rendered by headless Chromium
//! (`--dump-dom`); the rendered DOM must have a column and a totals cell for every
//! implementation that ran, and each failing cell's drill-down.
//!
//! Skips, saying so, when Chromium is not installed; peers that are not installed
//! (scripts/adapters/setup.sh) are named and left out, so `cargo test` never needs
//! Node or Python.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn chromium() -> Option<String> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .map(str::to_string)
        .find(|c| Command::new(c).arg("--version").output().map(|o| o.status.success()).unwrap_or(false))
}

/// The text between `start` (inclusive) and the next `end` after it.
fn slice<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = text.find(start)?;
    let rest = &text[i..];
    let j = rest.find(end)?;
    Some(&rest[..j])
}

#[test]
fn the_rendered_page_has_every_implementation_and_the_totals() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: chromium is not installed (apt-get install chromium)");
        return;
    };
    let root = workspace();
    let out = std::env::temp_dir().join(format!("matrix-dom-{}", std::process::id()));
    let run = Command::new(env!("CARGO_BIN_EXE_iam-conformance"))
        .current_dir(&root)
        .args(["matrix", "--timeout", "30", "--out"])
        .arg(&out)
        .args(["corpus/docs-examples", "corpus/docs-grammar"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&run.stderr));

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("matrix.json")).unwrap()).unwrap();
    let ids: Vec<String> =
        json["implementations"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids.first().map(String::as_str), Some("reference"));
    for absent in json["notInstalled"].as_array().unwrap() {
        eprintln!("peer {} not installed, left out: {}", absent["name"], absent["reason"]);
    }

    let page = out.join("matrix.html");
    let dom = Command::new(&browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(dom.status.success(), "{}", String::from_utf8_lossy(&dom.stderr));
    let dom = String::from_utf8_lossy(&dom.stdout);

    let head = slice(&dom, "<thead>", "</thead>").expect("the table has a header");
    let total = slice(&dom, "data-row=\"total:all cases\"", "</tr>").expect("the totals row is there");
    assert_eq!(total.matches("<td class=\"c").count(), ids.len(), "one totals cell per implementation");
    for (i, id) in ids.iter().enumerate() {
        assert!(head.contains(&format!("data-impl=\"{id}\"")), "no column for {id}");
        assert!(dom.contains(&format!("<div class=\"card{}\" data-impl=\"{id}\">", if i == 0 { " ref" } else { "" })));
        let summary = &json["implementations"][i]["summary"];
        let passed = summary["passed"].as_u64().unwrap();
        let failed = summary["failed"].as_u64().unwrap();
        let errored = summary["errored"].as_u64().unwrap();
        let cell = total.split("<td class=\"c").nth(i + 1).unwrap();
        let expressed = passed + failed + errored;
        if let Some(rate) = (passed * 100).checked_div(expressed) {
            assert!(
                cell.contains(&format!("{rate}%<small>{passed} of {}</small>", passed + failed + errored)),
                "{id}: {cell}"
            );
        } else {
            assert!(cell.contains("not expressed"), "{id}: {cell}");
        }
        // A cell with failures links to a drill-down section that is in the page.
        if failed + errored > 0 {
            let after = &cell[cell.find("href=\"#").expect("the failing cell is a link") + 7..];
            let href = &after[..after.find('"').unwrap()];
            assert!(dom.contains(&format!("<section class=\"drill\" id=\"{href}\">")), "{id}: no section {href}");
        }
    }
    let reference = &json["implementations"][0]["summary"];
    assert_eq!(reference["failed"], 0, "the reference passes the corpus");
    std::fs::remove_dir_all(&out).unwrap();
}
