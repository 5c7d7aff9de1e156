//! The `iam-conformance` binary against bad input: malformed case files and fake
//! implementations (POSIX shell scripts) that print garbage, hang, die, skip or error.
//! Also checks that `--format json` and `--format junit` are well-formed and that
//! `serve` speaks the protocol.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::{Scratch, BIN};

fn scratch(name: &str) -> Scratch {
    common::scratch_in("cli-tests", name)
}

/// A valid identity policy: the reference evaluator passes these cases too.
const POLICY: &str =
    r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#;

/// Writes a one-step parse case whose description carries `mode` (the fake reads it).
fn case(dir: &Path, name: &str, mode: &str, tags: &[&str]) -> PathBuf {
    case_with_policy(dir, name, mode, tags, POLICY)
}

fn case_with_policy(dir: &Path, name: &str, mode: &str, tags: &[&str], policy: &str) -> PathBuf {
    let path = dir.join("cases").join(format!("{name}.json"));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let text = serde_json::json!({
        "description": format!("{mode}: a parse case answered by the fake"),
        "sources": ["regression:cli-test"],
        "tags": tags,
        "steps": [{"parse": {"type": "identity", "policy": policy}, "expect": {"valid": true}}],
    });
    std::fs::write(&path, serde_json::to_string_pretty(&text).unwrap()).unwrap();
    path
}

/// A fake implementation: answers each `run` by the MODE-... marker in the case.
/// Started as `sh FILE`, so a hung `sleep` is a grandchild of the runner's `sh -c`.
const FAKE: &str = r#"
while IFS= read -r line; do
  case "$line" in
    *'"cmd":"start"'*)
      printf '%s\n' '{"implementation":{"name":"fake","version":"0.0","language":"sh"},"supports":["parse"]}' ;;
    *'"cmd":"stop"'*) exit 0 ;;
    *'"cmd":"run"'*)
      seq=$(printf '%s\n' "$line" | sed 's/^{"cmd":"run","seq":\([0-9]*\),.*/\1/')
      case "$line" in
        *MODE-PASS*) printf '{"seq":%s,"results":[{"valid":true}]}\n' "$seq" ;;
        *MODE-FAIL*) printf '{"seq":%s,"results":[{"valid":false,"errorKind":"json"}]}\n' "$seq" ;;
        *MODE-SKIPCASE*) printf '{"seq":%s,"skipped":true,"message":"parse is not supported here"}\n' "$seq" ;;
        *MODE-SKIPSTEP*) printf '{"seq":%s,"results":[{"skipped":true}]}\n' "$seq" ;;
        *MODE-ERRORED*) printf '{"seq":%s,"errored":true,"message":"the fake broke on purpose"}\n' "$seq" ;;
        *MODE-GARBAGE*) printf 'Traceback (most recent call last): \033[31m<oops> & "x"\n' ;;
        *MODE-HANG*) sleep 30 & printf '%s\n' "$!" > "$PIDFILE"; wait ;;
        *MODE-CRASH*) exit 3 ;;
        *MODE-STALL*) printf '{"seq":%s,"results":[{"valid":true}]}\n' "$seq"; exec sleep 30 ;;
        *MODE-WRONGSEQ*) printf '{"seq":987654,"results":[{"valid":true}]}\n' ;;
        *MODE-TOOFEW*) printf '{"seq":%s,"results":[]}\n' "$seq" ;;
        *) printf '{"seq":%s,"errored":true,"message":"no mode"}\n' "$seq" ;;
      esac ;;
  esac
done
"#;

fn fake(dir: &Path, body: &str) -> String {
    let path = dir.join("fake.sh");
    let mut f = File::create(&path).unwrap();
    writeln!(f, "PIDFILE='{}'", dir.join("hang.pid").display()).unwrap();
    f.write_all(body.as_bytes()).unwrap();
    format!("sh '{}'", path.display())
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Run {
    fn closing_line(&self) -> &str {
        self.stdout.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("")
    }
}

/// Runs the binary with output to files (a leaked grandchild holding a pipe cannot
/// block the test) and a hard limit.
fn run_bin(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let out_path = dir.join("stdout.txt");
    let err_path = dir.join("stderr.txt");
    let start = Instant::now();
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(File::create(&out_path).unwrap())
        .stderr(File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        let mut w = child.stdin.take().unwrap();
        w.write_all(input.as_bytes()).unwrap();
    }
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("iam-conformance {args:?} did not finish within 20 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(out_path).unwrap(),
        stderr: std::fs::read_to_string(err_path).unwrap(),
        elapsed: start.elapsed(),
    }
}

fn run_fake(dir: &Path, extra: &[&str]) -> Run {
    let imp = fake(dir, FAKE);
    let cases = dir.join("cases");
    let mut args = vec!["run", "--impl", imp.as_str(), "--timeout", "1"];
    args.extend_from_slice(extra);
    args.push(cases.to_str().unwrap());
    run_bin(dir, &args, None)
}

#[test]
fn passed_failed_skipped_and_errored_are_counted_apart() {
    let dir = scratch("kinds");
    case(&dir, "a-pass", "MODE-PASS", &["t1"]);
    case(&dir, "b-fail", "MODE-FAIL", &["t1"]);
    case(&dir, "c-skipcase", "MODE-SKIPCASE", &["t2"]);
    case(&dir, "d-skipstep", "MODE-SKIPSTEP", &["t2"]);
    case(&dir, "e-errored", "MODE-ERRORED", &["t2"]);
    let r = run_fake(&dir, &[]);
    assert_eq!(r.closing_line(), "1 passed, 1 failed, 2 skipped, 1 errored", "{}", r.stdout);
    assert_eq!(r.code, 1, "a failure or an error exits non-zero");
    assert!(r.stdout.contains("FAIL ") && r.stdout.contains("b-fail.json"), "{}", r.stdout);
    assert!(r.stdout.contains("valid") && r.stdout.contains("expected true") && r.stdout.contains("false"));
    assert!(r.stdout.contains("e-errored.json: the fake broke on purpose"), "{}", r.stdout);
    assert!(r.stdout.contains("implementation: fake"), "the name comes from the start handshake");
}

#[test]
fn passes_and_skips_alone_exit_zero() {
    let dir = scratch("clean");
    case(&dir, "a-pass", "MODE-PASS", &[]);
    case(&dir, "b-skip", "MODE-SKIPCASE", &[]);
    let r = run_fake(&dir, &[]);
    assert_eq!(r.closing_line(), "1 passed, 0 failed, 1 skipped, 0 errored", "{}", r.stdout);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // A timeout too large to add to a clock is no deadline, not a panic.
    let imp = fake(&dir, FAKE);
    let r = run_bin(&dir, &["run", "--impl", &imp, "--timeout", &u64::MAX.to_string(), "cases"], None);
    assert_eq!(r.closing_line(), "1 passed, 0 failed, 1 skipped, 0 errored", "{}{}", r.stdout, r.stderr);
}

#[test]
fn garbage_is_reported_and_the_implementation_restarted() {
    let dir = scratch("garbage");
    case(&dir, "a-garbage", "MODE-GARBAGE", &[]);
    case(&dir, "b-pass", "MODE-PASS", &[]);
    case(&dir, "c-garbage", "MODE-GARBAGE", &[]);
    case(&dir, "d-pass", "MODE-PASS", &[]);
    let r = run_fake(&dir, &[]);
    assert_eq!(r.closing_line(), "2 passed, 0 failed, 0 skipped, 2 errored", "{}{}", r.stdout, r.stderr);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("not JSON") && r.stdout.contains("Traceback (most recent call last)"), "{}", r.stdout);
    assert!(r.stdout.contains(r"\u{1b}[31m<oops>") && !r.stdout.contains('\u{1b}'), "escapes are shown escaped");
}

#[test]
fn a_hanging_implementation_times_out_is_killed_and_restarted() {
    let dir = scratch("hang");
    case(&dir, "a-hang", "MODE-HANG", &[]);
    case(&dir, "b-pass", "MODE-PASS", &[]);
    let r = run_fake(&dir, &[]);
    assert_eq!(r.closing_line(), "1 passed, 0 failed, 0 skipped, 1 errored", "{}{}", r.stdout, r.stderr);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("a-hang.json") && r.stdout.contains("no answer within 1s"), "{}", r.stdout);
    assert!(r.elapsed < Duration::from_secs(10), "took {:?}", r.elapsed);
    // The whole implementation is gone, not only the `sh -c` that started it.
    let pid = std::fs::read_to_string(dir.join("hang.pid")).unwrap();
    let stat = Path::new("/proc").join(pid.trim()).join("stat");
    if Path::new("/proc/self/stat").exists() {
        let alive = std::fs::read_to_string(&stat).is_ok_and(|s| {
            let state = s.rsplit(')').next().unwrap_or("").split_whitespace().next().unwrap_or("");
            state != "Z" && state != "X"
        });
        assert!(!alive, "the hung implementation's child {} is still running", pid.trim());
    }
}

#[test]
fn an_implementation_that_stops_reading_is_caught_by_the_timeout() {
    // After answering, the fake stops reading stdin; the next case is larger than a
    // pipe buffer, so writing it would block if writes were not timed too.
    let dir = scratch("stall");
    case(&dir, "a-stall", "MODE-STALL", &[]);
    let big = format!("{}{POLICY}", " ".repeat(300_000));
    case_with_policy(&dir, "b-big", "MODE-PASS", &[], &big);
    case(&dir, "c-pass", "MODE-PASS", &[]);
    let r = run_fake(&dir, &[]);
    assert_eq!(r.closing_line(), "2 passed, 0 failed, 0 skipped, 1 errored", "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("b-big.json: no answer within 1s"), "{}", r.stdout);
    assert!(r.elapsed < Duration::from_secs(10), "took {:?}", r.elapsed);
}

#[test]
fn an_implementation_that_dies_mid_run_is_restarted() {
    let dir = scratch("crash");
    case(&dir, "a-pass", "MODE-PASS", &[]);
    case(&dir, "b-crash", "MODE-CRASH", &[]);
    case(&dir, "c-pass", "MODE-PASS", &[]);
    case(&dir, "d-crash", "MODE-CRASH", &[]);
    let r = run_fake(&dir, &[]);
    assert_eq!(r.closing_line(), "2 passed, 0 failed, 0 skipped, 2 errored", "{}{}", r.stdout, r.stderr);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("b-crash.json: the implementation exited (exit status: 3)"), "{}", r.stdout);
}

#[test]
fn wrong_seq_and_wrong_result_count_are_errors() {
    let dir = scratch("wrong");
    case(&dir, "a-wrongseq", "MODE-WRONGSEQ", &[]);
    case(&dir, "b-toofew", "MODE-TOOFEW", &[]);
    case(&dir, "c-pass", "MODE-PASS", &[]);
    let r = run_fake(&dir, &[]);
    assert_eq!(r.closing_line(), "1 passed, 0 failed, 0 skipped, 2 errored", "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("wrong seq"), "{}", r.stdout);
    assert!(r.stdout.contains("0 results for 1 steps"), "{}", r.stdout);
}

#[test]
fn an_implementation_that_exits_at_once_stops_the_run() {
    let dir = scratch("exit");
    case(&dir, "a-pass", "MODE-PASS", &[]);
    for imp in ["exit 0", "exit 7", "/nonexistent/implementation --flag"] {
        let r = run_bin(&dir, &["run", "--impl", imp, "--timeout", "1", "cases"], None);
        assert_eq!(r.code, 2, "{imp}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains("error:") && r.stderr.contains("exited"), "{imp}: {}", r.stderr);
        assert!(!r.stdout.contains("passed,"), "no closing line when nothing could run: {}", r.stdout);
    }
}

#[test]
fn garbage_or_silence_instead_of_the_handshake_stops_the_run() {
    let dir = scratch("badstart");
    case(&dir, "a-pass", "MODE-PASS", &[]);
    let r = run_bin(&dir, &["run", "--impl", "echo hello; cat >/dev/null", "--timeout", "1", "cases"], None);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("not JSON") && r.stderr.contains("hello"), "{}", r.stderr);
    let r = run_bin(&dir, &["run", "--impl", "sleep 30", "--timeout", "1", "cases"], None);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("no answer within 1s"), "{}", r.stderr);
    assert!(r.elapsed < Duration::from_secs(10), "took {:?}", r.elapsed);
}

#[test]
fn a_malformed_case_file_is_reported_with_its_file_and_location() {
    let dir = scratch("malformed");
    let cases = dir.join("cases");
    case(&dir, "a-pass", "MODE-PASS", &[]);
    std::fs::write(
        cases.join("b-typo.json"),
        "{\"description\": \"x\", \"sources\": [\"a\"],\n \"steps\": [{\"parse\": {\"type\": \"identity\", \"policy\": \"{}\"},\n   \"expect\": {\"valid\": true, \"decison\": \"allowed\"}}]}\n",
    )
    .unwrap();
    std::fs::write(cases.join("c-truncated.json"), "{\"description\": \"x\",\n \"sources\": [\"a\"").unwrap();
    std::fs::write(cases.join("d-nokind.json"), r#"{"description": "x", "sources": ["a"], "steps": [{"expect": {}}]}"#)
        .unwrap();
    // Against the reference evaluator and against a fake: the file is never sent.
    for imp in [None, Some(fake(&dir, FAKE))] {
        let mut args = vec!["run"];
        if let Some(i) = &imp {
            args.extend(["--impl", i.as_str()]);
        }
        args.push("cases");
        let r = run_bin(&dir, &args, None);
        assert_eq!(r.closing_line(), "1 passed, 0 failed, 0 skipped, 3 errored", "{}{}", r.stdout, r.stderr);
        assert_eq!(r.code, 1);
        let line = |name: &str| r.stdout.lines().find(|l| l.contains(name)).unwrap_or("").to_string();
        let typo = line("b-typo.json");
        assert!(typo.starts_with("ERROR") && typo.contains("line 3") && typo.contains("decison"), "{typo}");
        let truncated = line("c-truncated.json");
        assert!(truncated.contains("line 2") && truncated.contains("EOF"), "{truncated}");
        let nokind = line("d-nokind.json");
        assert!(nokind.contains("steps[0] (/steps/0)") && nokind.contains("no action key"), "{nokind}");
    }
}

#[test]
fn json_output_is_well_formed_and_consistent() {
    let dir = scratch("json");
    case(&dir, "a-pass", "MODE-PASS", &["t1", "uncertain"]);
    case(&dir, "b-fail", "MODE-FAIL", &["t1"]);
    case(&dir, "c-skip", "MODE-SKIPCASE", &["t2"]);
    case(&dir, "d-errored", "MODE-GARBAGE", &["t2"]);
    let r = run_fake(&dir, &["--format", "json"]);
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout));
    assert_eq!(v["implementation"]["name"], "fake");
    assert_eq!(v["summary"], serde_json::json!({"passed": 1, "failed": 1, "skipped": 1, "errored": 1}));
    assert_eq!(v["tags"]["t1"], serde_json::json!({"passed": 1, "failed": 1, "skipped": 0, "errored": 0}));
    assert_eq!(v["areas"]["cases"]["failed"], 1);
    let cases = v["cases"].as_array().unwrap();
    let statuses: Vec<&str> = cases.iter().map(|c| c["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["passed", "failed", "skipped", "errored"]);
    assert_eq!(
        cases[1]["mismatches"],
        serde_json::json!([{"step": 1, "field": "valid", "expected": true, "actual": false}])
    );
    assert!(cases[3]["message"].as_str().unwrap().contains("not JSON"));
    // And `report` reads it back.
    std::fs::write(dir.join("fake.json"), &r.stdout).unwrap();
    let rep = run_bin(&dir, &["report", "fake.json", "-o", "out.html"], None);
    assert_eq!(rep.code, 0, "{}", rep.stderr);
    assert!(std::fs::read_to_string(dir.join("out.html")).unwrap().contains("b-fail.json"));
}

/// A small XML well-formedness check: one root element, balanced tags, quoted
/// attributes, only known entities, no characters XML 1.0 cannot hold.
fn check_xml(doc: &str) -> Result<usize, String> {
    fn check_text(t: &str) -> Result<(), String> {
        if let Some(c) = t.chars().find(|&c| c < ' ' && !matches!(c, '\t' | '\n' | '\r')) {
            return Err(format!("control character {:?}", c));
        }
        let mut rest = t;
        while let Some(i) = rest.find('&') {
            rest = &rest[i + 1..];
            let end = rest.find(';').ok_or("& without ;")?;
            let name = &rest[..end];
            let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
                || name.strip_prefix('#').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
            if !ok {
                return Err(format!("bad entity &{name};"));
            }
        }
        if t.contains('<') {
            return Err("< in text".to_string());
        }
        Ok(())
    }
    let body = doc.strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>").ok_or("no XML declaration")?;
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut elements = 0;
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        if stack.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root: {text:?}"));
        }
        check_text(text)?;
        let close = rest[open..].find('>').ok_or("unclosed tag")? + open;
        let tag = &rest[open + 1..close];
        rest = &rest[close + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            if stack.pop().as_deref() != Some(name) {
                return Err(format!("</{name}> does not close the open element"));
            }
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (name, mut attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(format!("bad element name {name:?}"));
        }
        loop {
            attrs = attrs.trim_start();
            if attrs.is_empty() {
                break;
            }
            let (key, after) = attrs.split_once("=\"").ok_or_else(|| format!("bad attribute in <{tag}>"))?;
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(format!("bad attribute name {key:?}"));
            }
            let end = after.find('"').ok_or("unterminated attribute")?;
            check_text(&after[..end])?;
            attrs = &after[end + 1..];
        }
        if stack.is_empty() {
            roots += 1;
        }
        elements += 1;
        if !self_closing {
            stack.push(name.to_string());
        }
    }
    if !rest.trim().is_empty() || !stack.is_empty() || roots != 1 {
        return Err(format!("unbalanced document: open {stack:?}, {roots} roots"));
    }
    Ok(elements)
}

#[test]
fn the_xml_checker_rejects_broken_documents() {
    let decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    assert_eq!(check_xml(&format!("{decl}<a x=\"1\"><b/>t &amp; u</a>\n")), Ok(2));
    for bad in ["<a><b></a></b>", "<a>x < y</a>", "<a x=\"&foo;\"/>", "<a>\u{1b}</a>", "<a/><b/>", "<a>"] {
        assert!(check_xml(&format!("{decl}{bad}")).is_err(), "{bad}");
    }
}

#[test]
fn junit_output_is_well_formed_xml() {
    let dir = scratch("junit");
    case(&dir, "a-pass", "MODE-PASS", &[]);
    case(&dir, "b-fail", "MODE-FAIL <&\"'>", &[]);
    case(&dir, "c-skip", "MODE-SKIPCASE", &[]);
    case(&dir, "d-garbage", "MODE-GARBAGE", &[]);
    let r = run_fake(&dir, &["--format", "junit"]);
    assert_eq!(r.code, 1);
    let elements = check_xml(&r.stdout).unwrap_or_else(|e| panic!("{e}:\n{}", r.stdout));
    assert_eq!(elements, 1 + 4 + 3, "testsuite, 4 testcases, failure, skipped, error:\n{}", r.stdout);
    assert!(r.stdout.contains("tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"1\""), "{}", r.stdout);
    assert!(r.stdout.contains("MODE-FAIL &lt;&amp;&quot;&apos;&gt;"), "{}", r.stdout);
}

#[test]
fn serve_answers_the_protocol() {
    let dir = scratch("serve");
    let case = serde_json::json!({
        "description": "x", "sources": ["regression:cli-test"],
        "steps": [
            {"parse": {"type": "identity", "policy": "{not json"}, "expect": {"valid": false}},
            {"evaluate": {"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:GetObject",
                          "resource": "arn:aws:s3:::b/k", "identityPolicies": []},
             "expect": {"decision": "implicitDeny"}}
        ]
    });
    let input = format!(
        "{}\n{}\nnot json at all\n{}\n{}\n",
        serde_json::json!({"cmd": "start", "version": 1}),
        serde_json::json!({"cmd": "run", "seq": 5, "case": case}),
        serde_json::json!({"cmd": "stop"}),
        serde_json::json!({"cmd": "run", "seq": 6, "case": case}),
    );
    let r = run_bin(&dir, &["serve"], Some(&input));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let replies: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(replies.len(), 3, "start, run, the garbage line; nothing after stop: {}", r.stdout);
    assert_eq!(replies[0]["implementation"]["name"], "iam-evaluator");
    assert_eq!(replies[1]["seq"], 5);
    assert_eq!(replies[1]["results"][0]["valid"], false);
    assert_eq!(replies[1]["results"][0]["errorKind"], "json");
    assert_eq!(replies[1]["results"][1]["decision"], "implicitDeny");
    assert_eq!(replies[2]["errored"], true);
}

// ---------------------------------------------------------------------------------
// No silent pass.

fn write(dir: &Path, rel: &str, value: &serde_json::Value) -> PathBuf {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
    path
}

/// A one-step evaluate case: alice with an identity policy allowing s3:GetObject.
fn evaluate_case(action: &str, resource: &str, expect: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "description": "alice reads an object", "sources": ["regression:cli-test"], "tags": ["cli"],
        "steps": [{"evaluate": {"principal": "arn:aws:iam::111122223333:user/alice", "action": action,
                                "resource": resource, "identityPolicies": [serde_json::from_str::<serde_json::Value>(POLICY).unwrap()]},
                   "expect": expect}],
    })
}

#[test]
fn zero_selected_cases_is_not_a_pass() {
    let dir = scratch("zero");
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    let r = run_bin(&dir, &["run", "empty"], None);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("no case selected") && r.stderr.contains("holds no .json case files"), "{}", r.stderr);
    write(&dir, "cases/a.json", &evaluate_case("s3:GetObject", "*", serde_json::json!({"decision": "allowed"})));
    let r = run_bin(&dir, &["run", "--filter", "nothing-like-this", "cases"], None);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("--filter \"nothing-like-this\" matches none of the 1 case files"), "{}", r.stderr);
    let r = run_bin(&dir, &["run", "--tag", "no-such-tag", "cases"], None);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("has the tag no-such-tag"), "{}", r.stderr);
    let r = run_bin(&dir, &["run", "--tag", "cli", "cases"], None);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("compared 1 of 1 cases with their expectations"), "{}", r.stdout);
}

#[test]
fn skips_fail_on_request_and_everything_skipped_is_not_green() {
    let dir = scratch("skips");
    case(&dir, "a-pass", "MODE-PASS", &[]);
    case(&dir, "b-skip", "MODE-SKIPCASE", &[]);
    let r = run_fake(&dir, &["--fail-on-skip"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("1 case was skipped (--fail-on-skip)"), "{}", r.stderr);
    assert!(r.stdout.contains("compared 1 of 2 cases with their expectations (1 skipped and 0 errored were not)"));
    let r = run_fake(&dir, &["--min-cases", "2"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("only 1 cases were compared, fewer than --min-cases 2"), "{}", r.stderr);
    assert_eq!(run_fake(&dir, &["--min-cases", "1"]).code, 0);
    std::fs::remove_file(dir.join("cases/a-pass.json")).unwrap();
    let r = run_fake(&dir, &[]);
    assert_eq!(r.code, 1, "an implementation that skipped everything is not a green run");
    assert!(r.stderr.contains("no case was compared"), "{}", r.stderr);
    let r = run_fake(&dir, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["casesCompared"], 0);
}

#[test]
fn quiet_prints_the_closing_line_only() {
    let dir = scratch("quiet");
    case(&dir, "a-pass", "MODE-PASS", &[]);
    case(&dir, "b-fail", "MODE-FAIL", &[]);
    let r = run_fake(&dir, &["--quiet"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "1 passed, 1 failed, 0 skipped, 0 errored\n");
}

#[test]
fn list_and_list_tags_show_the_selection_without_running() {
    let dir = scratch("list");
    case(&dir, "a", "MODE-PASS", &["t1", "t2"]);
    case(&dir, "b", "MODE-FAIL", &["t2"]);
    let r = run_bin(&dir, &["run", "--list", "--tag", "t1", "cases"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    assert!(r.stdout.contains("a.json\tMODE-PASS: a parse case"), "{}", r.stdout);
    let r = run_bin(&dir, &["run", "--list-tags", "cases"], None);
    assert_eq!(r.stdout, "     1  t1\n     2  t2\n");
}

// ---------------------------------------------------------------------------------
// Load-time checks with file and JSON location.

#[test]
fn wrong_values_are_invalid_cases_with_their_location() {
    let dir = scratch("values");
    let cases = [
        (
            "a-decision",
            evaluate_case("s3:GetObject", "*", serde_json::json!({"decision": "Allow"})),
            "/steps/0/expect/decision",
            "\"Allow\" is not a `decision` value",
        ),
        (
            "b-action",
            evaluate_case("GetObject", "*", serde_json::json!({"decision": "allowed"})),
            "/steps/0/evaluate/action",
            "is not of the form service:Action",
        ),
        (
            "c-resource",
            evaluate_case("s3:GetObject", "my-bucket/key", serde_json::json!({"decision": "allowed"})),
            "/steps/0/evaluate/resource",
            "neither * nor an ARN",
        ),
        (
            "d-deniedby",
            evaluate_case("s3:GetObject", "*", serde_json::json!({"deniedBy": "Boundary"})),
            "/steps/0/expect/deniedBy",
            "not a `deniedBy` value",
        ),
        (
            "e-errorkind",
            serde_json::json!({"description": "x", "sources": ["regression:x"], "steps": [
            {"parse": {"type": "identity", "policy": "{"}, "expect": {"valid": false, "errorKind": "syntax"}}]}),
            "/steps/0/expect/errorKind",
            "not a `errorKind` value",
        ),
        (
            "f-error",
            serde_json::json!({"description": "x", "sources": ["regression:x"], "steps": [
            {"assumeRole": {"as": "a", "roleArn": "r", "roleSessionName": "s"}, "expect": {"error": "AccessDeniedException"}}]}),
            "/steps/0/expect/error",
            "not a `error` value",
        ),
        ("g-empty", evaluate_case("s3:GetObject", "*", serde_json::json!({})), "/steps/0/expect", "`expect` is empty"),
    ];
    for (name, value, _, _) in &cases {
        write(&dir, &format!("cases/{name}.json"), value);
    }
    for imp in [None, Some(fake(&dir, FAKE))] {
        let mut args = vec!["run"];
        if let Some(i) = &imp {
            args.extend(["--impl", i.as_str()]);
        }
        args.push("cases");
        let r = run_bin(&dir, &args, None);
        assert_eq!(r.code, 1);
        assert_eq!(r.closing_line(), "0 passed, 0 failed, 0 skipped, 7 errored", "{}", r.stdout);
        for (name, _, pointer, needle) in &cases {
            let line = r.stdout.lines().find(|l| l.contains(&format!("{name}.json"))).unwrap();
            assert!(line.starts_with("ERROR") && line.contains("invalid case file: line "), "{line}");
            assert!(line.contains(&format!("({pointer})")) && line.contains(needle), "{line}");
        }
    }
    // The hint for a value that differs only in letter case.
    write(&dir, "hint/a.json", &evaluate_case("s3:GetObject", "*", serde_json::json!({"decision": "ImplicitDeny"})));
    let r = run_bin(&dir, &["run", "hint"], None);
    assert!(r.stdout.contains("did you mean \"implicitDeny\"?"), "{}", r.stdout);
}

#[test]
fn a_policy_error_points_into_the_case_file() {
    let dir = scratch("policy-error");
    let text = r#"{
  "description": "a broken SCP",
  "sources": ["regression:x"],
  "steps": [
    {"evaluate": {"principal": "arn:aws:iam::111122223333:user/a", "action": "s3:GetObject", "resource": "*",
                  "scps": [[{"Version": "2012-10-17",
                             "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Sid": "no spaces"}}]]},
     "expect": {"decision": "implicitDeny"}}
  ]
}
"#;
    std::fs::create_dir_all(dir.join("cases")).unwrap();
    std::fs::write(dir.join("cases/a.json"), text).unwrap();
    let world = r#"{"description": "x", "sources": ["regression:x"],
 "world": {"policies": {"arn:aws:iam::111122223333:policy/p":
   "{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Deny\", \"Action\": \"s3:*\", \"Resource\": \"*\", \"Principal\": \"*\"}}"}},
 "steps": [{"parse": {"type": "identity", "policy": "{}"}, "expect": {"valid": false}}]}"#;
    std::fs::write(dir.join("cases/b.json"), world).unwrap();
    let r = run_bin(&dir, &["eval", "cases/a.json"], None);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "cases/a.json: line 6, column 29: steps[0].evaluate.scps[0][0] (/steps/0/evaluate/scps/0/0): the scp policy is invalid: sid error at /Statement/Sid"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("that value is at line 7, column 102"), "{}", r.stderr);
    let r = run_bin(&dir, &["run", "cases"], None);
    let b = r.stdout.lines().find(|l| l.contains("b.json")).unwrap();
    assert!(
        b.contains("line 3, column 4: world.policies[\"arn:aws:iam::111122223333:policy/p\"] (/world/policies/arn:aws:iam::111122223333:policy~1p): the identity policy is invalid: forbidden-element error at /Statement/Principal (line 1, column "),
        "{b}"
    );
}

// ---------------------------------------------------------------------------------
// eval, explain and parse.

#[test]
fn eval_and_explain_say_whether_each_step_matched() {
    let dir = scratch("eval");
    let mut two = evaluate_case("s3:GetObject", "*", serde_json::json!({"decision": "allowed"}));
    let second = serde_json::json!({"evaluate": {"principal": "arn:aws:iam::111122223333:user/alice", "action": "s3:PutObject",
        "resource": "*", "identityPolicies": []}, "expect": {"decision": "allowed"}});
    two["steps"].as_array_mut().unwrap().push(second);
    let file = write(&dir, "two.json", &two);
    let r = run_bin(&dir, &["eval", file.to_str().unwrap()], None);
    assert_eq!(r.code, 1, "a step that does not match its expect: {}{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["matched"], false);
    assert_eq!(v["expect"][0]["matched"], true);
    assert_eq!(v["expect"][1]["matched"], false);
    assert_eq!(v["expect"][1]["mismatches"][0]["actual"], "implicitDeny");
    let r = run_bin(&dir, &["explain", "-"], Some(&two.to_string()));
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("expect: matched\n"), "{}", r.stdout);
    assert!(
        r.stdout.contains("expect: NOT matched: decision expected \"allowed\" but got \"implicitDeny\""),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("1 of 2 steps did not match their expect"), "{}", r.stdout);
    let r = run_bin(&dir, &["explain", "--format", "json", "-"], Some(&two.to_string()));
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout));
    assert_eq!(v["matched"], false);
    assert_eq!(v["steps"][0]["expect"]["matched"], true);
    assert_eq!(v["steps"][1]["expect"]["mismatches"][0]["field"], "decision");
    assert_eq!(v["steps"][1]["evidence"]["decision"]["outcome"], "implicitDeny", "{}", v["steps"][1]);
    assert_eq!(v["steps"][0]["evidence"]["request"]["action"], "s3:GetObject");
    two["steps"][1]["expect"]["decision"] = "implicitDeny".into();
    let r = run_bin(&dir, &["explain", "-"], Some(&two.to_string()));
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("every step (2) matched its expect"), "{}", r.stdout);
}

#[test]
fn parse_checks_policy_files_by_type() {
    let dir = scratch("parse");
    std::fs::write(dir.join("id.json"), POLICY).unwrap();
    std::fs::write(dir.join("bad.json"), "{\"Version\": \"2012-10-17\",\n \"Statement\": {\"Effect\": \"Permit\"}}")
        .unwrap();
    let r = run_bin(&dir, &["parse", "--type", "identity", "id.json"], None);
    assert_eq!((r.code, r.stdout.as_str()), (0, "id.json: valid identity policy\n"), "{}", r.stderr);
    let r = run_bin(&dir, &["parse", "--type", "resource", "id.json", "bad.json"], None);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("id.json: line 1, column 40 (/Statement): invalid resource policy: missing-element error"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("bad.json: line 2, column 26 (/Statement/Effect): invalid resource policy: effect error"),
        "{}",
        r.stdout
    );
    let r = run_bin(&dir, &["parse", "-t", "scp", "--format", "json", "-"], Some("{\"Statement\": 1}"));
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v[0]["errorKind"], "shape");
    assert_eq!(v[0]["pointer"], "/Statement");
    let r = run_bin(&dir, &["parse", "--type", "identity", "missing.json"], None);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("missing.json: "), "{}", r.stderr);
    let r = run_bin(&dir, &["parse", "--type", "user", "id.json"], None);
    assert_eq!(r.code, 2, "an unknown type is a usage error");
}

// ---------------------------------------------------------------------------------
// Help, version, completions, the corpus location, JUnit, diff.

#[test]
fn help_version_and_completions() {
    let dir = scratch("help");
    let r = run_bin(&dir, &["--help"], None);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("Examples:")
            && r.stdout.contains("Exit codes:")
            && r.stdout.contains("IAM_CONFORMANCE_CORPUS")
    );
    // The example files the help names exist.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for word in r.stdout.split_whitespace().filter(|w| w.starts_with("corpus/")) {
        assert!(root.join(word).exists(), "the help names {word}, which does not exist");
    }
    let r = run_bin(&dir, &["--version"], None);
    assert!(r.stdout.starts_with("iam-conformance ") && r.stdout.contains("case format 1.1"), "{}", r.stdout);
    assert!(r.stdout.contains(" case files in "), "{}", r.stdout);
    for shell in ["bash", "zsh", "fish"] {
        let r = run_bin(&dir, &["completions", shell], None);
        assert_eq!(r.code, 0, "{shell}");
        assert!(r.stdout.contains("iam-conformance") && r.stdout.contains("min-cases"), "{shell}: {}", r.stdout);
    }
}

#[test]
fn run_without_paths_finds_the_corpus_or_says_how_to_point_at_it() {
    let dir = scratch("corpus-var");
    let run = |var: &str| {
        Command::new(BIN)
            .args(["run", "--quiet"])
            .current_dir(&*dir)
            .env("IAM_CONFORMANCE_CORPUS", var)
            .output()
            .unwrap()
    };
    let out = run("/nonexistent/corpus");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("IAM_CONFORMANCE_CORPUS=/nonexistent/corpus is not a folder"), "{err}");
    write(&dir, "mine/a.json", &evaluate_case("s3:GetObject", "*", serde_json::json!({"decision": "allowed"})));
    let out = run(dir.join("mine").to_str().unwrap());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1 passed, 0 failed, 0 skipped, 0 errored\n");
    // Outside the repository, without the variable: the source tree's corpus, named.
    let out = Command::new(BIN)
        .args(["run", "--list"])
        .current_dir(&*dir)
        .env_remove("IAM_CONFORMANCE_CORPUS")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("using the corpus at ") && err.contains("IAM_CONFORMANCE_CORPUS"), "{err}");
}

#[test]
fn junit_says_absent_like_the_text() {
    let dir = scratch("junit-absent");
    // The reference evaluator gives no deniedBy for an allow.
    write(
        &dir,
        "cases/a.json",
        &evaluate_case("s3:GetObject", "*", serde_json::json!({"decision": "allowed", "deniedBy": "scp"})),
    );
    let r = run_bin(&dir, &["run", "--format", "junit", "cases"], None);
    assert!(r.stdout.contains("step 1 deniedBy: expected &quot;scp&quot; but got (absent)"), "{}", r.stdout);
    let r = run_bin(&dir, &["run", "cases"], None);
    assert!(r.stdout.contains("step 1 deniedBy: expected \"scp\" but got (absent)"), "{}", r.stdout);
}

/// Answers every evaluate case with an allow: it disagrees with the oracle often.
const ALLOW_ALL: &str = r#"
while IFS= read -r line; do
  case "$line" in
    *'"cmd":"start"'*) printf '%s\n' '{"implementation":{"name":"allow-all","version":"0","language":"sh"},"supports":["evaluate"]}' ;;
    *'"cmd":"stop"'*) exit 0 ;;
    *'"cmd":"run"'*)
      seq=$(printf '%s\n' "$line" | sed 's/^{"cmd":"run","seq":\([0-9]*\),.*/\1/')
      printf '{"seq":%s,"results":[{"decision":"allowed"}]}\n' "$seq" ;;
  esac
done
"#;

#[test]
fn diff_writes_its_summary_apart_from_its_case_files() {
    let dir = scratch("diff");
    let imp = fake(&dir, ALLOW_ALL);
    let r = run_bin(&dir, &["diff", "--impl", &imp, "--cases", "20", "--seed", "3", "--out", "out"], None);
    assert!(r.code == 0 || r.code == 1, "{}{}", r.stdout, r.stderr);
    assert!(dir.join("out/summary.json").is_file());
    let files: Vec<_> = std::fs::read_dir(dir.join("out/cases")).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(!files.is_empty(), "allow-all disagrees with the oracle on some of 20 cases");
    assert!(files.iter().all(|f| f.extension().is_some_and(|e| e == "json")));
    let r = run_bin(&dir, &["run", "--list", "out/cases"], None);
    assert_eq!(r.stdout.lines().count(), files.len(), "every file in out/cases is a case: {}", r.stdout);
    assert!(!r.stdout.contains("invalid"), "{}", r.stdout);
}

/// `can` with policies given directly: the exit code follows the decision, and the
/// trace names each policy by the option and file it came from, never by position.
#[test]
fn can_with_direct_policies_names_the_files_and_exits_by_decision() {
    let dir = scratch("can-direct");
    let policy = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}}"#;
    std::fs::write(dir.join("id.json"), policy).unwrap();
    let ask = |secure: &str| {
        let context = format!("aws:SecureTransport={secure}");
        run_bin(
            &dir,
            &[
                "can",
                "--identity-policy",
                "id.json",
                "--as",
                "arn:aws:iam::111122223333:user/alice",
                "s3:GetObject",
                "arn:aws:s3:::bucket/key",
                "--context",
                &context,
            ],
            None,
        )
    };
    let allowed = ask("true");
    assert_eq!(allowed.code, 0, "{}{}", allowed.stdout, allowed.stderr);
    assert!(allowed.stdout.contains("--identity-policy id.json"), "{}", allowed.stdout);
    let denied = ask("false");
    assert_eq!(denied.code, 1, "{}{}", denied.stdout, denied.stderr);
    assert!(denied.stdout.contains("because no identity-based policy allows"), "{}", denied.stdout);
    assert_ne!(allowed.stdout, denied.stdout);
}
