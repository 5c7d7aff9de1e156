//! `serve` survives any input (issue 13): every line gets an answer in the protocol's
//! words, with the `seq` when the line has one, and the server goes on. And the fast
//! path of `run` (evaluate steps, cached policy sets) answers exactly as the general
//! path does.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;

use iam_conformance::case::StepResult;
use iam_conformance::reference::run_case;
use iam_conformance::runner::load_case;
use iam_conformance::serve::serve;
use serde_json::{json, Value};

const START: &str = r#"{"cmd":"start","version":1}"#;

/// Feeds `input` to the server and returns its answers, one per line.
fn answers(input: &[u8]) -> Vec<Value> {
    let mut out = Vec::new();
    serve(input, &mut out).expect("serve reads from memory and writes to memory");
    let text = String::from_utf8(out).expect("answers are UTF-8");
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("answer {l:?} is not JSON: {e}"))).collect()
}

fn lines(parts: &[&[u8]]) -> Vec<u8> {
    let mut input = Vec::new();
    for p in parts {
        input.extend_from_slice(p);
        input.push(b'\n');
    }
    input
}

fn allow_policy() -> Value {
    json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}})
}

fn evaluate_case(evaluate: Value) -> Value {
    json!({"description": "d", "sources": ["regression:serve-test"], "steps": [{"evaluate": evaluate, "expect": {}}]})
}

fn alice(extra: Value) -> Value {
    let mut e = json!({"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject",
                       "resource": "arn:aws:s3:::bucket/key"});
    for (k, v) in extra.as_object().unwrap() {
        e[k] = v.clone();
    }
    e
}

fn run_line(seq: u64, case: &Value) -> Vec<u8> {
    json!({"cmd": "run", "seq": seq, "case": case}).to_string().into_bytes()
}

/// A good run that must be answered after whatever came before it.
fn good_run(seq: u64) -> Vec<u8> {
    run_line(seq, &evaluate_case(alice(json!({"identityPolicies": [allow_policy()]}))))
}

fn assert_error(answer: &Value, seq: Option<u64>, words: &str) {
    assert_eq!(answer["errored"], true, "{answer}");
    match seq {
        Some(seq) => assert_eq!(answer["seq"], seq, "{answer}"),
        None => assert!(answer.get("seq").is_none(), "{answer}"),
    }
    let message = answer["message"].as_str().unwrap_or_else(|| panic!("no message: {answer}"));
    assert!(message.contains(words), "{message:?} should say {words:?}");
    for rust in ["struct ", "enum ", "Option<", "Vec<", "serde", "Value", "RawValue", "Utf8Error", "alloc::"] {
        assert!(!message.contains(rust), "{message:?} names a Rust type ({rust})");
    }
}

fn assert_allowed(answer: &Value, seq: u64) {
    assert_eq!(answer["seq"], seq, "{answer}");
    assert_eq!(answer["results"][0]["decision"], "allowed", "{answer}");
}

#[test]
fn a_line_that_is_not_utf8_is_answered_and_the_server_goes_on() {
    let got = answers(&lines(&[START.as_bytes(), b"\xff\xfe{\"cmd\":\"run\"}", &good_run(2)]));
    assert_eq!(got.len(), 3, "{got:?}");
    assert_error(&got[1], None, "not UTF-8");
    assert_allowed(&got[2], 2);
}

#[test]
fn a_message_with_invalid_utf8_inside_a_string_keeps_its_seq() {
    let got =
        answers(&lines(&[START.as_bytes(), b"{\"cmd\":\"run\",\"seq\":41,\"case\":\"\xc3\x28\"}", &good_run(42)]));
    assert_eq!(got.len(), 3, "{got:?}");
    assert_error(&got[1], Some(41), "not UTF-8");
    assert_allowed(&got[2], 42);
}

#[test]
fn binary_garbage_is_answered_line_by_line() {
    // Bytes of every value, NULs and control characters, three newlines among them, and
    // no newline at the very end before the good run's line.
    let mut garbage: Vec<u8> = (0..=255u8).collect();
    garbage.extend_from_slice(b"\x00\x01\x1b[31m{{{{[[[\"\\");
    let text: Vec<u8> = garbage.iter().copied().filter(|&b| b != b'\n').collect();
    let mut input = lines(&[START.as_bytes(), &text, &text[..100], &text[50..]]);
    input.extend_from_slice(&good_run(7));
    let got = answers(&input);
    assert_eq!(got.len(), 5, "{got:?}");
    for g in &got[1..4] {
        assert_error(g, None, "message");
    }
    assert_allowed(&got[4], 7);
}

#[test]
fn json_that_is_not_a_message_is_answered() {
    let got = answers(&lines(&[
        START.as_bytes(),
        b"{not json",
        b"[1, 2, 3]",
        b"\"run\"",
        br#"{"seq": 3}"#,
        br#"{"cmd": 5, "seq": 4}"#,
        &good_run(5),
    ]));
    assert_eq!(got.len(), 7, "{got:?}");
    assert_error(&got[1], None, "not JSON");
    assert_error(&got[2], None, "JSON object");
    assert_error(&got[3], None, "JSON object");
    assert_error(&got[4], Some(3), "no \"cmd\"");
    assert_error(&got[5], Some(4), "\"cmd\" must be a string");
    assert_allowed(&got[6], 5);
}

#[test]
fn a_run_without_a_case_is_answered_with_its_seq() {
    let got = answers(&lines(&[
        START.as_bytes(),
        br#"{"cmd":"run","seq":3}"#,
        br#"{"cmd":"run","seq":4,"case":null}"#,
        br#"{"cmd":"run","seq":5,"case":[1]}"#,
        &good_run(6),
    ]));
    assert_eq!(got.len(), 5, "{got:?}");
    assert_error(&got[1], Some(3), "has no \"case\"");
    assert_error(&got[2], Some(4), "must be a JSON object");
    assert_error(&got[3], Some(5), "must be a JSON object");
    assert_allowed(&got[4], 6);
}

#[test]
fn an_invalid_case_is_answered_in_the_words_of_the_case_format() {
    let bad_steps = json!({"description": "d", "sources": ["s"], "steps": [1]});
    let unknown_field = json!({"description": "d", "sources": ["s"], "steps": [], "colour": "red"});
    let no_action = json!({"description": "d", "sources": ["s"], "steps": [{"expect": {}}]});
    let got = answers(&lines(&[
        START.as_bytes(),
        &run_line(1, &bad_steps),
        &run_line(2, &unknown_field),
        &run_line(3, &no_action),
        &good_run(4),
    ]));
    assert_eq!(got.len(), 5, "{got:?}");
    assert_error(&got[1], Some(1), "step object");
    assert_error(&got[2], Some(2), "colour");
    assert_error(&got[3], Some(3), "no action key");
    assert_allowed(&got[4], 4);
}

#[test]
fn an_unknown_cmd_is_answered_with_its_seq() {
    let got =
        answers(&lines(&[START.as_bytes(), br#"{"cmd":"evaluate","seq":9}"#, br#"{"cmd":"STOP"}"#, &good_run(10)]));
    assert_eq!(got.len(), 4, "{got:?}");
    assert_error(&got[1], Some(9), "unknown cmd \"evaluate\"");
    assert_error(&got[2], None, "unknown cmd \"STOP\"");
    assert_allowed(&got[3], 10);
}

#[test]
fn a_run_before_start_is_answered_and_start_still_works() {
    let got = answers(&lines(&[&good_run(1), START.as_bytes(), &good_run(2)]));
    assert_eq!(got.len(), 3, "{got:?}");
    assert_error(&got[0], Some(1), "run before start");
    assert_eq!(got[1]["implementation"]["name"], "iam-evaluator", "{}", got[1]);
    assert_allowed(&got[2], 2);
}

#[test]
fn a_start_of_another_version_is_refused() {
    let got = answers(&lines(&[
        br#"{"cmd":"start","version":2}"#,
        br#"{"cmd":"start","version":"1"}"#,
        &good_run(1),
        START.as_bytes(),
        &good_run(2),
    ]));
    assert_eq!(got.len(), 5, "{got:?}");
    assert_error(&got[0], None, "version 2 is not supported");
    assert_error(&got[1], None, "version \"1\" is not supported");
    assert_error(&got[2], Some(1), "run before start");
    assert_eq!(got[3]["supports"][0], "evaluate", "{}", got[3]);
    assert_allowed(&got[4], 2);
}

#[test]
fn stop_ends_the_server_and_blank_lines_are_ignored() {
    let got = answers(&lines(&[START.as_bytes(), b"", b"  \r", &good_run(1), br#"{"cmd":"stop"}"#, &good_run(2)]));
    assert_eq!(got.len(), 2, "{got:?}");
    assert_allowed(&got[1], 1);
}

/// The same policy text in different places of the set, and the same policies in
/// different SCP levels, are different sets to the cache.
#[test]
fn the_policy_cache_tells_sets_apart_by_where_each_policy_sits() {
    let p = allow_policy();
    let cases = [
        (alice(json!({"identityPolicies": [p]})), "allowed"),
        (alice(json!({"sessionPolicies": [p]})), "implicitDeny"),
        (alice(json!({"identityPolicies": [p], "sessionPolicies": [p]})), "allowed"),
        (
            alice(json!({"identityPolicies": [p], "permissionsBoundary": {"Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}}})),
            "implicitDeny",
        ),
        (alice(json!({"identityPolicies": [p], "scps": [[p]]})), "allowed"),
        (alice(json!({"identityPolicies": [p], "scps": [[p], []]})), "implicitDeny"),
        (alice(json!({"identityPolicies": [p], "scps": [[p]], "rcps": [[]]})), "allowed"),
        (alice(json!({"identityPolicies": [p.to_string()]})), "allowed"),
        (alice(json!({"identityPolicies": [p], "action": "s3:PutObject"})), "implicitDeny"),
    ];
    let mut input = lines(&[START.as_bytes()]);
    // Twice over, so that the second round is answered from the cache.
    for round in 0..2 {
        for (i, (evaluate, _)) in cases.iter().enumerate() {
            input.extend_from_slice(&run_line((round * 100 + i) as u64, &evaluate_case(evaluate.clone())));
            input.push(b'\n');
        }
    }
    let got = answers(&input);
    assert_eq!(got.len(), 1 + 2 * cases.len());
    for (n, answer) in got[1..].iter().enumerate() {
        let (evaluate, decision) = &cases[n % cases.len()];
        assert_eq!(answer["results"][0]["decision"], *decision, "{evaluate}: {answer}");
    }
}

/// Every case of corpus/evaluate, sent twice, gets the answer the general path gives
/// (`reference::run_case` on the case model), byte for byte.
#[test]
fn the_fast_path_answers_as_the_general_path_on_the_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/evaluate");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut input = lines(&[START.as_bytes()]);
    let mut expected = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let case = load_case(file).unwrap();
        let results: Vec<StepResult> = run_case(&case, false).unwrap().into_iter().map(|s| s.result).collect();
        let text: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        for round in 0..2u64 {
            let seq = round * 10_000 + i as u64;
            input.extend_from_slice(&run_line(seq, &text));
            input.push(b'\n');
            expected.push(json!({"seq": seq, "results": results}));
        }
    }
    assert!(expected.len() > 300, "{} cases", expected.len());
    let got = answers(&input);
    assert_eq!(got.len(), 1 + expected.len());
    for (g, e) in got[1..].iter().zip(&expected) {
        assert_eq!(g, e);
    }
}
