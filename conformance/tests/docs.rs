//! The documentation travels with the repository: the README and docs/ point only
//! inside it (and every relative link resolves), docs/CASE-FORMAT.md describes every
//! field and value of the schema, and the README's figures are regenerated, not typed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn documents() -> Vec<PathBuf> {
    let mut docs = vec![root().join("README.md")];
    for entry in std::fs::read_dir(root().join("docs")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "md") {
            docs.push(p);
        }
    }
    docs.sort();
    docs
}

/// The targets of the Markdown links `[text](target)` in `text`.
fn link_targets(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        if let Some(end) = rest.find(')') {
            out.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out
}

#[test]
fn readme_and_docs_point_only_inside_the_repository() {
    let mut problems = Vec::new();
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        let name = doc.strip_prefix(root()).unwrap_or(&doc).display().to_string();
        for outside in ["../shared", "/work/", "shared/IAM-SPEC", "shared/CASE-FORMAT"] {
            if text.contains(outside) {
                problems.push(format!("{name} mentions {outside}"));
            }
        }
        for target in link_targets(&text) {
            if target.starts_with("http://") || target.starts_with("https://") || target.starts_with('#') {
                continue;
            }
            let file = target.split('#').next().unwrap_or(target);
            if !doc.parent().unwrap().join(file).exists() {
                problems.push(format!("{name}: the link ({target}) leads nowhere"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The checker finds what it looks for.
    assert_eq!(link_targets("see [a](docs/A.md#x) and [b](https://x)"), ["docs/A.md#x", "https://x"]);
}

/// Every name under `properties` and every `enum` value of the schema.
fn schema_names(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                out.extend(props.keys().cloned());
            }
            if let Some(serde_json::Value::Array(values)) = map.get("enum") {
                out.extend(values.iter().filter_map(|x| x.as_str().map(str::to_string)));
            }
            map.values().for_each(|x| schema_names(x, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|x| schema_names(x, out)),
        _ => {}
    }
}

#[test]
fn the_case_format_doc_describes_every_field_and_value_of_the_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("corpus/schema/case.schema.json")).unwrap()).unwrap();
    let doc = std::fs::read_to_string(root().join("docs/CASE-FORMAT.md")).unwrap();
    let mut names = Vec::new();
    schema_names(&schema, &mut names);
    names.sort();
    names.dedup();
    assert!(names.len() > 60, "only {} names found in the schema", names.len());
    let missing: Vec<&String> =
        names.iter().filter(|n| !doc.contains(&format!("`{n}`")) && !doc.contains(&format!("\"{n}\""))).collect();
    assert!(missing.is_empty(), "docs/CASE-FORMAT.md does not describe: {missing:?}");
}

#[test]
fn the_readme_figures_are_current() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("SKIPPED: python3 is not installed; the README's figures are not checked");
        return;
    }
    let out = Command::new("python3")
        .arg(root().join("scripts/figures.py"))
        .args(["--check", "--bin", common::BIN])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the README's figures are stale: run `python3 scripts/figures.py`\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
