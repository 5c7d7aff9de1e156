//! Differential testing: random `evaluate` cases decided by the oracle (the reference
//! evaluator, in process) and by another implementation (over the harness protocol);
//! each disagreement is shrunk and written out as a case file with both answers.
//!
//! The cases come from the shared generators of [`crate::gen`], the ones the property
//! tests and fuzz targets read, over bytes deterministic from the seed
//! ([`crate::gen::seeded_bytes`]): case `i` of seed `s` is always the same case,
//! whatever the number of cases asked for. Most are [`crate::gen::paired::PairedCase`]s,
//! whose every action is a real one asked on a resource of its type, so that
//! implementations which validate them against the AWS service reference (as
//! iam-simulate does) accept the request.
//!
//! A disagreement's files go to the output folder for adjudication. Their `expect` is
//! the oracle's answer, which is **not** truth for the corpus: a case only moves into
//! `corpus/` with an expectation taken from the AWS documentation.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::case::{Action, Case, EvaluateStep, Expect, Step};
use crate::gen::{self, paired::PairedCase, EvalModel};
use crate::protocol::External;
use crate::runner::{CaseOutcome, Implementation};

/// Every how many cases one is an [`EvalModel`] (wider vocabularies, more writing
/// styles, actions and resources drawn apart); the others are [`PairedCase`]s.
pub const EVAL_MODEL_EVERY: u64 = 4;

/// Bytes read per case: more than either model reads.
const CASE_BYTES: usize = 1024;

/// The `evaluate` step of random case `index` under `seed`, drawn from the shared
/// generators of [`crate::gen`] (the same ones the property tests and fuzz targets
/// use) over [`gen::seeded_bytes`].
pub fn generate_step(seed: u64, index: u64) -> EvaluateStep {
    let bytes = gen::seeded_bytes(seed, index, CASE_BYTES);
    if index % EVAL_MODEL_EVERY == EVAL_MODEL_EVERY - 1 {
        gen::from_bytes::<EvalModel>(&bytes).to_step()
    } else {
        gen::from_bytes::<PairedCase>(&bytes).0
    }
}

/// Random case `index` under `seed`: one `evaluate` step.
pub fn generate_case(seed: u64, index: u64) -> Case {
    case_of(
        generate_step(seed, index),
        format!("random case {index} of seed {seed}"),
        vec![format!("regression:diff-seed{seed}-case{index}")],
    )
}

fn case_of(step: EvaluateStep, description: String, sources: Vec<String>) -> Case {
    Case { description, sources, tags: Vec::new(), world: None, steps: vec![Step::new(Action::Evaluate(step))] }
}

// ---------------------------------------------------------------------------------
// Deciding and comparing

/// One side's answer to a case.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    /// A decision and the policy type it names.
    Decided { decision: String, denied_by: Option<String> },
    /// The implementation skipped the step (it cannot express it).
    Skipped(String),
    /// Something broke.
    Errored(String),
}

impl Answer {
    fn show(&self) -> String {
        match self {
            Answer::Decided { decision, denied_by: Some(by) } => format!("{decision} ({by})"),
            Answer::Decided { decision, denied_by: None } => decision.clone(),
            Answer::Skipped(why) => format!("skipped: {why}"),
            Answer::Errored(why) => format!("errored: {why}"),
        }
    }
}

fn first_result(results: Vec<crate::case::StepResult>) -> Answer {
    match results.into_iter().next() {
        None => Answer::Errored("no step result".to_string()),
        Some(r) if r.skipped == Some(true) => Answer::Skipped(r.detail.unwrap_or_default()),
        Some(r) => match r.fields.decision {
            Some(decision) => Answer::Decided { decision, denied_by: r.fields.denied_by },
            None => Answer::Errored(format!(
                "no decision in the result{}",
                r.detail.map(|d| format!(": {d}")).unwrap_or_default()
            )),
        },
    }
}

fn oracle(case: &Case) -> Answer {
    match crate::reference::run_case(case, false) {
        Ok(steps) => first_result(steps.into_iter().map(|s| s.result).collect()),
        Err(e) => Answer::Errored(e.to_string()),
    }
}

fn other(imp: &mut dyn Implementation, case: &Case) -> Answer {
    match imp.run(case) {
        CaseOutcome::Results(results) => first_result(results),
        CaseOutcome::Skipped(why) => Answer::Skipped(why),
        CaseOutcome::Errored(why) => Answer::Errored(why),
    }
}

/// How the two answers relate.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Agree,
    /// Different decisions.
    Decision {
        oracle: Answer,
        other: Answer,
    },
    /// The same deny, attributed to different policy types.
    DeniedBy {
        oracle: Answer,
        other: Answer,
    },
    Skipped(String),
    Errored(String),
}

fn compare(ours: Answer, theirs: Answer) -> Verdict {
    match (&ours, &theirs) {
        (Answer::Errored(e), _) => Verdict::Errored(format!("oracle: {e}")),
        (_, Answer::Errored(e)) => Verdict::Errored(e.clone()),
        (_, Answer::Skipped(why)) => Verdict::Skipped(why.clone()),
        (Answer::Skipped(_), _) => Verdict::Errored("the oracle skipped".to_string()),
        (Answer::Decided { decision: a, denied_by: ab }, Answer::Decided { decision: b, denied_by: bb }) => {
            if a != b {
                Verdict::Decision { oracle: ours, other: theirs }
            } else if a != "allowed" && bb.is_some() && ab != bb {
                Verdict::DeniedBy { oracle: ours, other: theirs }
            } else {
                Verdict::Agree
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Shrinking

/// Candidate simplifications of `v`: every object key removed in turn (but the
/// protected ones) and every element of an array of two or more removed in turn;
/// shallow ones first.
fn candidates(v: &Value) -> Vec<Value> {
    const PROTECTED: [&str; 6] = ["principal", "action", "resource", "Effect", "Statement", "Version"];
    let mut out: Vec<(usize, Value)> = Vec::new();
    fn walk(v: &Value, depth: usize, rebuild: &dyn Fn(Value) -> Value, out: &mut Vec<(usize, Value)>) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    if !PROTECTED.contains(&k.as_str()) {
                        let mut smaller = map.clone();
                        smaller.remove(k);
                        out.push((depth, rebuild(Value::Object(smaller))));
                    }
                    let key = k.clone();
                    let map2 = map.clone();
                    let inner = move |new_child: Value| {
                        let mut m = map2.clone();
                        m.insert(key.clone(), new_child);
                        rebuild(Value::Object(m))
                    };
                    walk(child, depth + 1, &inner, out);
                }
            }
            Value::Array(items) => {
                for i in 0..items.len() {
                    if items.len() > 1 {
                        let mut smaller = items.clone();
                        smaller.remove(i);
                        out.push((depth, rebuild(Value::Array(smaller))));
                    }
                    if let Some(child) = items.get(i) {
                        let items2 = items.clone();
                        let inner = move |new_child: Value| {
                            let mut its = items2.clone();
                            if let Some(slot) = its.get_mut(i) {
                                *slot = new_child;
                            }
                            rebuild(Value::Array(its))
                        };
                        walk(child, depth + 1, &inner, out);
                    }
                }
            }
            _ => {}
        }
    }
    walk(v, 0, &|x| x, &mut out);
    out.sort_by_key(|(depth, _)| *depth);
    out.into_iter().map(|(_, v)| v).collect()
}

/// The most implementation calls one shrink may make.
const SHRINK_BUDGET: usize = 400;

/// Shrinks `step` greedily while the disagreement keeps the same answers on both
/// sides. Returns the smallest step found and the implementation calls made.
fn shrink(imp: &mut dyn Implementation, step: &EvaluateStep, target: &Verdict) -> (EvaluateStep, usize) {
    let mut best = step.clone();
    let mut calls = 0;
    let Ok(mut current) = serde_json::to_value(step) else { return (best, calls) };
    'outer: loop {
        for candidate in candidates(&current) {
            if calls >= SHRINK_BUDGET {
                break 'outer;
            }
            let Ok(small) = serde_json::from_value::<EvaluateStep>(candidate.clone()) else { continue };
            let case = case_of(small.clone(), String::new(), vec!["regression:shrink".to_string()]);
            let ours = oracle(&case);
            if !matches!(ours, Answer::Decided { .. }) {
                continue;
            }
            calls += 1;
            let theirs = other(imp, &case);
            if compare(ours, theirs) == *target {
                best = small;
                current = candidate;
                continue 'outer;
            }
        }
        break;
    }
    (best, calls)
}

// ---------------------------------------------------------------------------------
// Classifying

fn collect_policies(step: &EvaluateStep) -> Vec<(&'static str, &Value)> {
    let mut out: Vec<(&'static str, &Value)> = step.identity_policies.iter().map(|p| ("identity", p)).collect();
    out.extend(step.resource_policy.iter().map(|p| ("resource", p)));
    out.extend(step.permissions_boundary.iter().map(|p| ("boundary", p)));
    out.extend(step.session_policies.iter().flatten().map(|p| ("session", p)));
    out.extend(step.scps.iter().flatten().flatten().map(|p| ("scp", p)));
    out.extend(step.rcps.iter().flatten().flatten().map(|p| ("rcp", p)));
    out
}

fn statements(policy: &Value) -> Vec<&Value> {
    match policy.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    }
}

/// Features of a (shrunk) step that name its disagreement class.
fn features(step: &EvaluateStep) -> BTreeSet<String> {
    let mut f = BTreeSet::new();
    let p = &step.principal;
    let kind = if p.ends_with(":root") {
        "root"
    } else if p.contains(":user/") {
        "user"
    } else if p.contains(":assumed-role/") {
        "role-session"
    } else if p.contains(":federated-user/") {
        "federated-user"
    } else if p.ends_with(".amazonaws.com") {
        "service"
    } else {
        "other"
    };
    f.insert(format!("caller:{kind}"));
    let caller_account = step.principal.split(':').nth(4).unwrap_or("");
    let resource_account = step.resource_account.as_deref().unwrap_or(caller_account);
    if caller_account != resource_account {
        f.insert("cross-account".to_string());
    }
    let service = step.action.split(':').next().unwrap_or("").to_ascii_lowercase();
    // Services with rules of their own: the key policy and the trust policy (R7.7).
    if service == "kms" || service == "sts" {
        f.insert(format!("service:{service}"));
    }
    if step.rcps.is_some() {
        let covered = iam_evaluator::evaluate::RCP_SERVICES.contains(&service.as_str());
        f.insert(format!("rcp-service:{}", if covered { "covered" } else { "not-covered" }));
    }
    if step.resource == "*" {
        f.insert("resource:none".to_string());
    }
    for (layer, p) in collect_policies(step) {
        f.insert(format!("policy:{layer}"));
        // The Version matters only to variables (R4.8).
        if p.to_string().contains("${") {
            match p.get("Version").and_then(Value::as_str) {
                Some("2012-10-17") => {}
                Some(v) => {
                    f.insert(format!("version:{v}"));
                }
                None => {
                    f.insert("version:absent".to_string());
                }
            }
        }
        for s in statements(p) {
            let Some(s) = s.as_object() else { continue };
            for element in ["NotAction", "NotResource", "NotPrincipal"] {
                if s.contains_key(element) {
                    f.insert(format!("element:{element}"));
                }
            }
            if let Some(principal) = s.get("Principal").or_else(|| s.get("NotPrincipal")) {
                f.insert(format!("principal:{}", principal_form(principal)));
            }
            let text = Value::Object(s.clone()).to_string();
            if text.contains("${") {
                f.insert("variable".to_string());
            }
            if let Some(Value::Object(cond)) = s.get("Condition") {
                for (op, keys) in cond {
                    if let Some(keys) = keys.as_object() {
                        for key in keys.keys() {
                            f.insert(format!("condition:{op}:{key}"));
                        }
                    }
                }
            }
            for element in ["Action", "NotAction"] {
                if let Some(a) = s.get(element) {
                    let text = a.to_string();
                    if text.contains('?') {
                        f.insert("action:question-mark".to_string());
                    }
                }
            }
            for element in ["Resource", "NotResource"] {
                if let Some(r) = s.get(element) {
                    let text = r.to_string();
                    if text.contains('?') {
                        f.insert("resource:question-mark".to_string());
                    }
                    let patterns: Vec<&str> = match r {
                        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                        other => other.as_str().into_iter().collect(),
                    };
                    for p in patterns {
                        // Fewer than six ARN components: undocumented (U8).
                        if p != "*" && p.splitn(6, ':').count() < 6 {
                            f.insert("resource:short-arn".to_string());
                        }
                    }
                }
            }
        }
    }
    for key in step.context.keys() {
        f.insert(format!("context:{key}"));
    }
    f
}

fn principal_form(p: &Value) -> String {
    let one = |id: &str| -> &'static str {
        if id == "*" {
            "wildcard"
        } else if id.len() == 12 || id.ends_with(":root") {
            "account"
        } else if id.contains(":assumed-role/") {
            "session"
        } else if id.contains(":role/") {
            "role"
        } else if id.contains(":federated-user/") {
            "federated-user"
        } else if id.contains(":user/") {
            "user"
        } else {
            "other"
        }
    };
    match p {
        Value::String(s) => one(s).to_string(),
        Value::Object(m) => {
            let mut forms: Vec<String> = Vec::new();
            for (kind, ids) in m {
                if kind != "AWS" {
                    forms.push(kind.to_lowercase());
                    continue;
                }
                match ids {
                    Value::Array(items) => {
                        forms.extend(items.iter().filter_map(Value::as_str).map(|s| one(s).to_string()))
                    }
                    Value::String(s) => forms.push(one(s).to_string()),
                    _ => {}
                }
            }
            forms.sort();
            forms.dedup();
            forms.join("+")
        }
        _ => "other".to_string(),
    }
}

/// One class of disagreement.
#[derive(Debug, Default)]
struct Class {
    count: u64,
    files: Vec<String>,
    seen: BTreeSet<String>,
}

fn slug(text: &str) -> String {
    let s: String =
        text.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let mut out = String::new();
    for part in s.split('-').filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(part);
    }
    out.chars().take(80).collect()
}

/// How many example files are written per class.
const EXAMPLES_PER_CLASS: usize = 3;

/// Runs `cases` random cases from `seed` against `command`; writes disagreements
/// into `out_dir/cases/`, with `out_dir/summary.json`. Returns true when no disagreement
/// was found.
pub fn run(command: &str, cases: u64, seed: u64, out_dir: &Path) -> Result<bool, String> {
    let mut imp = External::start(command, Duration::from_secs(20)).map_err(|e| e.to_string())?;
    if !imp.supports().iter().any(|s| s == "evaluate") {
        return Err(format!("\"{command}\" does not support evaluate steps"));
    }
    let name = imp.info().name;
    // The disagreements go to OUT/cases/ and the summary to OUT/summary.json, so that
    // `run OUT/cases` reads case files only.
    let cases_dir = out_dir.join("cases");
    std::fs::create_dir_all(&cases_dir).map_err(|e| format!("{}: {e}", cases_dir.display()))?;

    let mut agreements = 0u64;
    let mut decision_disagreements = 0u64;
    let mut denied_by_disagreements = 0u64;
    let mut skipped: BTreeMap<String, u64> = BTreeMap::new();
    let mut errored: BTreeMap<String, u64> = BTreeMap::new();
    let mut classes: BTreeMap<String, Class> = BTreeMap::new();
    let mut by_pair: BTreeMap<String, u64> = BTreeMap::new();
    let mut oracle_time = Duration::ZERO;
    let mut other_time = Duration::ZERO;
    let mut shrink_calls = 0usize;
    let started = Instant::now();

    for index in 0..cases {
        let case = generate_case(seed, index);
        let t = Instant::now();
        let ours = oracle(&case);
        oracle_time += t.elapsed();
        let t = Instant::now();
        let theirs = other(&mut imp, &case);
        other_time += t.elapsed();
        let verdict = compare(ours, theirs);
        match &verdict {
            Verdict::Agree => agreements += 1,
            Verdict::Skipped(why) => *skipped.entry(first_words(why)).or_default() += 1,
            Verdict::Errored(why) => *errored.entry(first_words(why)).or_default() += 1,
            Verdict::Decision { oracle: o, other: x } | Verdict::DeniedBy { oracle: o, other: x } => {
                let is_decision = matches!(verdict, Verdict::Decision { .. });
                if is_decision {
                    decision_disagreements += 1;
                } else {
                    denied_by_disagreements += 1;
                }
                let pair = format!(
                    "{} | oracle {} | {name} {}",
                    if is_decision { "decision" } else { "deniedBy" },
                    o.show(),
                    x.show()
                );
                *by_pair.entry(pair.clone()).or_default() += 1;
                let Some(step) = case.steps.first().and_then(|s| s.evaluate().cloned()) else { continue };
                let (small, calls) = shrink(&mut imp, &step, &verdict);
                shrink_calls += calls;
                let feats: Vec<String> = features(&small).into_iter().filter(|f| !f.starts_with("context:")).collect();
                let key = format!("{pair} | {}", feats.join(" "));
                let class = classes.entry(key.clone()).or_default();
                class.count += 1;
                let canonical = serde_json::to_string(&small).unwrap_or_default();
                if class.files.len() < EXAMPLES_PER_CLASS && class.seen.insert(canonical) {
                    let file = write_disagreement(&cases_dir, &name, seed, index, small, o, x, is_decision)?;
                    class.files.push(file);
                }
            }
        }
        if (index + 1) % 10_000 == 0 {
            eprintln!(
                "diff: {} cases, {} disagreements, {:.0} cases/s",
                index + 1,
                decision_disagreements + denied_by_disagreements,
                (index + 1) as f64 / started.elapsed().as_secs_f64()
            );
        }
    }

    let total = started.elapsed();
    let skipped_total: u64 = skipped.values().sum();
    let errored_total: u64 = errored.values().sum();
    println!("implementation: {name}");
    println!("random cases run: {cases} (seed {seed})");
    println!("agreements: {agreements}");
    println!("disagreements on the decision: {decision_disagreements}");
    println!("disagreements on deniedBy only: {denied_by_disagreements}");
    println!("skipped by the implementation: {skipped_total}");
    for (why, n) in &skipped {
        println!("  {n:>8}  {why}");
    }
    println!("errored: {errored_total}");
    for (why, n) in &errored {
        println!("  {n:>8}  {why}");
    }
    println!("\ndisagreements by answers:");
    for (pair, n) in &by_pair {
        println!("  {n:>8}  {pair}");
    }
    println!("\ndisagreement classes after shrinking ({}):", classes.len());
    let mut sorted: Vec<(&String, &Class)> = classes.iter().collect();
    sorted.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
    for (key, class) in &sorted {
        println!("  {:>8}  {key}", class.count);
        for f in &class.files {
            println!("            {f}");
        }
    }
    let rate = |n: u64, d: Duration| if d.as_secs_f64() > 0.0 { n as f64 / d.as_secs_f64() } else { 0.0 };
    println!("\ntime: {:.1} s in all, {shrink_calls} extra implementation calls while shrinking", total.as_secs_f64());
    println!("oracle in process: {:.0} cases/s (case parsing included)", rate(cases, oracle_time));
    println!("{name} through the protocol: {:.0} cases/s (first pass only)", rate(cases, other_time));

    let summary = json!({
        "implementation": imp.info(),
        "seed": seed,
        "cases": cases,
        "agreements": agreements,
        "decisionDisagreements": decision_disagreements,
        "deniedByDisagreements": denied_by_disagreements,
        "skipped": skipped,
        "errored": errored,
        "byAnswers": by_pair,
        "classes": sorted.iter().map(|(k, c)| json!({"class": k, "count": c.count, "examples": c.files})).collect::<Vec<_>>(),
        "seconds": {"total": total.as_secs_f64(), "oracle": oracle_time.as_secs_f64(), "implementation": other_time.as_secs_f64()},
        "casesPerSecond": {"oracle": rate(cases, oracle_time), "implementation": rate(cases, other_time)},
    });
    let summary_path = out_dir.join("summary.json");
    let text = serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?;
    std::fs::write(&summary_path, text + "\n").map_err(|e| format!("{}: {e}", summary_path.display()))?;
    Ok(decision_disagreements == 0 && denied_by_disagreements == 0)
}

fn first_words(text: &str) -> String {
    text.chars().take(100).collect()
}

#[allow(clippy::too_many_arguments)]
fn write_disagreement(
    out_dir: &Path,
    name: &str,
    seed: u64,
    index: u64,
    step: EvaluateStep,
    ours: &Answer,
    theirs: &Answer,
    is_decision: bool,
) -> Result<String, String> {
    let expect = match ours {
        Answer::Decided { decision, denied_by } => {
            Expect { decision: Some(decision.clone()), denied_by: denied_by.clone(), ..Expect::default() }
        }
        _ => Expect::default(),
    };
    let mut tags = vec!["diff".to_string(), "unadjudicated".to_string()];
    tags.extend(features(&step));
    let mut case = case_of(
        step,
        format!(
            "NOT ADJUDICATED. Random case {index} of seed {seed}, shrunk: the oracle (iam-evaluator) answers {}, {name} answers {}. \
             expect holds the oracle's answer, which is not truth: adjudicate against the AWS documentation before moving it into corpus/.",
            ours.show(),
            theirs.show()
        ),
        vec![format!("regression:diff-seed{seed}-case{index}")],
    );
    case.tags = tags;
    if let Some(s) = case.steps.first_mut() {
        s.expect = expect;
    }
    let what = if is_decision { "decision" } else { "denied-by" };
    let file = out_dir.join(format!(
        "seed{seed}-case{index:07}-{what}-{}.json",
        slug(&format!("{}-vs-{}", ours.show(), theirs.show()))
    ));
    let text = serde_json::to_string_pretty(&case).map_err(|e| e.to_string())?;
    std::fs::write(&file, text + "\n").map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(file.display().to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn generation_is_deterministic() {
        assert_eq!(generate_case(7, 123), generate_case(7, 123));
        assert_ne!(generate_case(7, 123), generate_case(7, 124));
        assert_ne!(generate_case(7, 123), generate_case(8, 123));
    }

    #[test]
    fn the_oracle_decides_every_generated_case() {
        for i in 0..3000 {
            let case = generate_case(1, i);
            match oracle(&case) {
                Answer::Decided { .. } => {}
                other => panic!("case {i}: {other:?}\n{}", serde_json::to_string_pretty(&case).unwrap()),
            }
        }
    }

    #[test]
    fn generated_cases_are_valid_case_files() {
        for i in 0..200 {
            // Generated cases carry no expectation; a case file needs one.
            let mut case = generate_case(3, i);
            case.steps[0].expect.decision = Some("allowed".to_string());
            let text = serde_json::to_string(&case).unwrap();
            crate::runner::parse_case(&text).unwrap();
        }
    }

    #[test]
    fn outcomes_are_mixed() {
        let mut seen = BTreeSet::new();
        for i in 0..2000 {
            if let Answer::Decided { decision, .. } = oracle(&generate_case(5, i)) {
                seen.insert(decision);
            }
        }
        assert_eq!(seen.len(), 3, "{seen:?}");
    }

    #[test]
    fn candidates_remove_keys_and_elements() {
        let v = json!({"principal": "p", "a": [1, 2], "b": {"c": 1}});
        let c = candidates(&v);
        assert!(c.contains(&json!({"principal": "p", "b": {"c": 1}})));
        assert!(c.contains(&json!({"principal": "p", "a": [2], "b": {"c": 1}})));
        assert!(c.contains(&json!({"principal": "p", "a": [1, 2], "b": {}})));
        assert!(!c.iter().any(|x| x.get("principal").is_none()));
    }

    #[test]
    fn self_comparison_agrees() {
        let case = generate_case(9, 1);
        assert_eq!(compare(oracle(&case), oracle(&case)), Verdict::Agree);
    }
}
