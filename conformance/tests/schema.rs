//! Every case file in `corpus/` loads into the case model and validates against
//! `corpus/schema/case.schema.json`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::PathBuf;

use iam_conformance::runner::{collect_case_files, load_case};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus")
}

#[test]
fn every_case_file_loads_and_matches_the_schema() {
    let schema_text = std::fs::read_to_string(corpus().join("schema/case.schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let files = collect_case_files(&[corpus()]).unwrap();
    assert!(files.len() > 300, "the corpus has only {} case files", files.len());
    let mut problems = Vec::new();
    for file in &files {
        if let Err(e) = load_case(file) {
            problems.push(format!("{}: {e}", file.display()));
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        for error in validator.iter_errors(&value) {
            problems.push(format!("{}: {} at {}", file.display(), error, error.instance_path));
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn the_schema_rejects_what_the_model_rejects() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(corpus().join("schema/case.schema.json")).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let typo = serde_json::json!({
        "description": "x", "sources": ["seed:x"],
        "steps": [{"parse": {"type": "identity", "policy": "{}"}, "expect": {"vaild": true}}]
    });
    assert!(!validator.is_valid(&typo));
    assert!(iam_conformance::runner::parse_case(&typo.to_string()).is_err());
}
