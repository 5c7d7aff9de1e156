//! The import of `get-account-authorization-details` output on damaged input: a
//! hand-written sample account (`corpus/accounts/001`) with one value replaced or one
//! key removed imports or fails with an error whose JSON pointer is a place in the
//! document (or a member missing from one of its objects), never panics, and leaves the world as it was when it fails.
//!
//! Bounded by default; `PROPTEST_CASES` asks for more.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeMap;

use iam_evaluator::import::{import, Document};
use iam_evaluator::world::World;
use proptest::prelude::*;
use serde_json::{json, Value};

/// The authorization-details documents of the sample account.
fn sample() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus/accounts/001-example-corp-one-account.json");
    let case: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    case["world"]["accountAuthorizationDetails"].as_array().unwrap().clone()
}

/// Every JSON pointer of `v` (the whole value included), depth first.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                pointers(child, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// Values that stand in for the replaced one: wrong types, empty and truncated
/// forms, and text that looks like what the format carries.
fn replacement() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        Just(Some(Value::Null)),
        any::<bool>().prop_map(|b| Some(json!(b))),
        any::<i64>().prop_map(|n| Some(json!(n))),
        Just(Some(json!(""))),
        Just(Some(json!("%7B%2"))),
        Just(Some(json!("%7B%7D"))),
        Just(Some(json!("{\"Version\":\"2012-10-17\",\"Statement\":[]}"))),
        Just(Some(json!("arn:aws:iam::111122223333:policy/nowhere"))),
        Just(Some(json!("arn:aws:iam::aws:policy/NotShipped"))),
        Just(Some(json!([]))),
        Just(Some(json!({}))),
        Just(Some(json!([{"Arn": 1}]))),
        "[ -~]{0,12}".prop_map(|s| Some(json!(s))),
    ]
}

/// Replaces the value at `pointer` (or removes it from its object or array).
fn damage(doc: &mut Value, pointer: &str, with: Option<Value>) {
    match with {
        Some(v) => {
            if let Some(slot) = doc.pointer_mut(pointer) {
                *slot = v;
            }
        }
        None => {
            let Some((parent, last)) = pointer.rsplit_once('/') else {
                *doc = Value::Null;
                return;
            };
            let key = last.replace("~1", "/").replace("~0", "~");
            match doc.pointer_mut(parent) {
                Some(Value::Object(m)) => {
                    m.remove(&key);
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = key.parse::<usize>() {
                        if i < items.len() {
                            items.remove(i);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

#[test]
fn the_sample_account_imports() {
    let docs = sample();
    let documents: Vec<Document<'_>> = docs.iter().map(|value| Document { file: "sample.json", value }).collect();
    let mut world = World::default();
    let summary = import(&mut world, &documents, &BTreeMap::new());
    assert!(summary.is_ok(), "{summary:?}");
    assert_ne!(world, World::default());
}

/// 256 cases, or `PROPTEST_CASES`.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(256);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn damaged_documents_fail_with_a_place_or_import(doc_index in any::<prop::sample::Index>(),
                                                     place in any::<prop::sample::Index>(),
                                                     with in replacement()) {
        let mut docs = sample();
        let d = doc_index.index(docs.len());
        let mut all = Vec::new();
        pointers(&docs[d], String::new(), &mut all);
        let pointer = all[place.index(all.len())].clone();
        damage(&mut docs[d], &pointer, with);

        let files: Vec<String> = (0..docs.len()).map(|i| format!("doc{i}.json")).collect();
        let documents: Vec<Document<'_>> =
            docs.iter().zip(&files).map(|(value, file)| Document { file, value }).collect();
        let mut world = World::default();
        if let Err(e) = import(&mut world, &documents, &BTreeMap::new()) {
            prop_assert_eq!(&world, &World::default(), "a failed import changed the world: {}", e);
            let i = files.iter().position(|f| *f == e.file);
            prop_assert!(i.is_some(), "the error names no document: {}", e);
            let doc = &docs[i.unwrap_or(0)];
            // The pointer names a value of the document, or a member its object lacks
            // (an error about a missing key points where the key belongs).
            let names_a_place = doc.pointer(&e.pointer).is_some()
                || e.pointer.rsplit_once('/').is_some_and(|(parent, _)| doc.pointer(parent).is_some_and(Value::is_object));
            prop_assert!(names_a_place, "the pointer {:?} is not in {}: {}", e.pointer, e.file, e);
            prop_assert!(!e.to_string().is_empty());
        }
    }
}
