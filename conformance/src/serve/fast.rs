//! The fast path of `serve`: a `run` of a case made only of `evaluate` steps.
//!
//! The message is read with its policies left as borrowed raw JSON text (no JSON tree is
//! built for them), and each step's policy set is looked up in a [`SetCache`] keyed by
//! the raw text of its policies, their places in the set and the rest of the set. A hit
//! decides the request through the cached [`PreparedPolicySet`]; a miss parses the
//! policies exactly as the general path does ([`reference::policy_from`] on the same
//! JSON) and keeps the result.
//!
//! The path answers only what it can answer exactly as the general path would: any
//! case it does not cover (a world, a step of another kind, a message that does not
//! deserialize, a request or policy with an error) makes [`run`] return false, and the
//! general path answers it, with its messages.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::rc::Rc;

use iam_evaluator::evaluate::PreparedPolicySet;
use iam_evaluator::{Policy, PolicySet, PolicyType};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::case::{ContextMap, EvaluateStep, Expect, StepResult};
use crate::reference;

/// `{"cmd":"run","seq":..,"case":{..}}`; other members are ignored, as on the general
/// path.
#[derive(Deserialize)]
struct RunMessage<'a> {
    #[serde(borrow)]
    cmd: Cow<'a, str>,
    #[serde(default)]
    seq: Value,
    #[serde(borrow)]
    case: FastCase<'a>,
}

/// A case, checked against the same fields and types as [`crate::case::Case`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // description, sources and tags are read only to check the case.
struct FastCase<'a> {
    #[serde(borrow)]
    description: Cow<'a, str>,
    #[serde(borrow)]
    sources: Vec<Cow<'a, str>>,
    #[serde(default, borrow)]
    tags: Vec<Cow<'a, str>>,
    #[serde(default, borrow)]
    world: Option<&'a RawValue>,
    #[serde(borrow)]
    steps: Vec<FastStep<'a>>,
}

/// A step, checked against the same fields as [`crate::case::Step`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // expect is read only to check the case.
struct FastStep<'a> {
    #[serde(default, borrow)]
    evaluate: Option<FastEvaluate<'a>>,
    #[serde(default, borrow)]
    request: Option<&'a RawValue>,
    #[serde(default, borrow, rename = "assumeRole")]
    assume_role: Option<&'a RawValue>,
    #[serde(default, borrow)]
    parse: Option<&'a RawValue>,
    #[serde(default, borrow, rename = "saveAs")]
    save_as: Option<Cow<'a, str>>,
    expect: Expect,
}

/// An `evaluate` step as [`EvaluateStep`], with its policies as raw JSON text.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FastEvaluate<'a> {
    principal: String,
    action: String,
    resource: String,
    #[serde(default)]
    resource_account: Option<String>,
    #[serde(default)]
    context: ContextMap,
    #[serde(default, borrow)]
    identity_policies: Vec<&'a RawValue>,
    #[serde(default, borrow)]
    resource_policy: Option<&'a RawValue>,
    #[serde(default, borrow)]
    permissions_boundary: Option<&'a RawValue>,
    #[serde(default, borrow)]
    session_policies: Option<Vec<&'a RawValue>>,
    #[serde(default, borrow)]
    scps: Option<Vec<Vec<&'a RawValue>>>,
    #[serde(default, borrow)]
    rcps: Option<Vec<Vec<&'a RawValue>>>,
}

#[derive(Serialize)]
struct Answer<'a> {
    seq: &'a Value,
    results: &'a [StepResult],
}

/// Answers `text` into `out` when it is a `run` of evaluate steps that this path
/// covers; false (and nothing written) otherwise.
pub(super) fn run(text: &str, cache: &mut SetCache, out: &mut Vec<u8>) -> bool {
    let Ok(msg) = serde_json::from_str::<RunMessage<'_>>(text) else { return false };
    if msg.cmd != "run" || msg.case.world.is_some() {
        return false;
    }
    let mut results = Vec::with_capacity(msg.case.steps.len());
    for step in msg.case.steps {
        if step.request.is_some() || step.assume_role.is_some() || step.parse.is_some() {
            return false;
        }
        let Some(evaluate) = step.evaluate else { return false };
        match decide(evaluate, cache) {
            Some(result) => results.push(result),
            None => return false,
        }
    }
    if serde_json::to_writer(&mut *out, &Answer { seq: &msg.seq, results: &results }).is_err() {
        return false;
    }
    out.push(b'\n');
    true
}

/// One evaluate step, or `None` when the general path must answer it.
fn decide(e: FastEvaluate<'_>, cache: &mut SetCache) -> Option<StepResult> {
    let policies = RawPolicies::of(&e);
    // The request, and every part of the policy set that is not a policy, are built by
    // the general path's own function.
    let bare = EvaluateStep {
        principal: e.principal,
        action: e.action,
        resource: e.resource,
        resource_account: e.resource_account,
        context: e.context,
        ..EvaluateStep::default()
    };
    let (request, bare_set) = reference::evaluate_inputs(&bare).ok()?;
    let prepared = cache.get_or_insert(policies, bare_set)?;
    let decision = prepared.evaluate(&request);
    Some(StepResult { fields: reference::decision_result(&decision, &request), ..StepResult::default() })
}

/// The policies of a step as the cache sees them: the shape of the set (which slot
/// holds how many policies) and the raw texts in slot order.
struct RawPolicies<'a> {
    shape: Vec<u8>,
    texts: Vec<&'a RawValue>,
}

/// Shape codes: one byte per policy, naming its slot, and one per list or level.
mod slot {
    pub const IDENTITY: u8 = b'i';
    pub const RESOURCE: u8 = b'r';
    pub const BOUNDARY: u8 = b'b';
    pub const SESSIONS: u8 = b'S';
    pub const SESSION: u8 = b's';
    pub const SCPS: u8 = b'C';
    pub const SCP: u8 = b'c';
    pub const RCPS: u8 = b'P';
    pub const RCP: u8 = b'p';
    pub const LEVEL: u8 = b'L';
}

impl<'a> RawPolicies<'a> {
    fn of(e: &FastEvaluate<'a>) -> RawPolicies<'a> {
        let mut p = RawPolicies { shape: Vec::new(), texts: Vec::new() };
        for doc in &e.identity_policies {
            p.push(slot::IDENTITY, doc);
        }
        if let Some(doc) = e.resource_policy {
            p.push(slot::RESOURCE, doc);
        }
        if let Some(doc) = e.permissions_boundary {
            p.push(slot::BOUNDARY, doc);
        }
        if let Some(docs) = &e.session_policies {
            p.shape.push(slot::SESSIONS);
            for doc in docs {
                p.push(slot::SESSION, doc);
            }
        }
        for (list, levels, code) in [(slot::SCPS, &e.scps, slot::SCP), (slot::RCPS, &e.rcps, slot::RCP)] {
            if let Some(levels) = levels {
                p.shape.push(list);
                for level in levels {
                    p.shape.push(slot::LEVEL);
                    for doc in level {
                        p.push(code, doc);
                    }
                }
            }
        }
        p
    }

    fn push(&mut self, code: u8, doc: &'a RawValue) {
        self.shape.push(code);
        self.texts.push(doc);
    }

    /// Parses every policy as the general path does, into `set`; `None` on any error.
    fn parse_into(&self, mut set: PolicySet) -> Option<PolicySet> {
        let mut texts = self.texts.iter();
        let mut next = |ty: PolicyType| -> Option<Policy> {
            let raw = texts.next()?;
            let doc: Value = serde_json::from_str(raw.get()).ok()?;
            reference::policy_from(&doc, ty).ok()
        };
        for &code in &self.shape {
            match code {
                slot::IDENTITY => set.identity.push(next(PolicyType::Identity)?),
                slot::RESOURCE => set.resource_policy = Some(next(PolicyType::Resource)?),
                slot::BOUNDARY => set.boundary = Some(next(PolicyType::Boundary)?),
                slot::SESSIONS => set.session = Some(Vec::new()),
                slot::SESSION => set.session.get_or_insert_with(Vec::new).push(next(PolicyType::Session)?),
                slot::SCPS => set.scps = Some(Vec::new()),
                slot::RCPS => set.rcps = Some(Vec::new()),
                slot::LEVEL => {
                    // A level belongs to the list opened last.
                    let levels = if set.rcps.is_some() { &mut set.rcps } else { &mut set.scps };
                    levels.get_or_insert_with(Vec::new).push(Vec::new());
                }
                slot::SCP => set.scps.get_or_insert_with(Vec::new).last_mut()?.push(next(PolicyType::Scp)?),
                slot::RCP => set.rcps.get_or_insert_with(Vec::new).last_mut()?.push(next(PolicyType::Rcp)?),
                _ => return None,
            }
        }
        Some(set)
    }
}

/// Policy sets by the raw text of their policies, bounded in size.
///
/// Two generations approximate least-recently-used eviction at the cost of two hash
/// lookups: entries go into the current generation; when it holds
/// [`GENERATION_BYTES`] of policy text or [`GENERATION_ENTRIES`] sets, it becomes the
/// previous one (the older previous generation is dropped), and an entry found in the
/// previous generation moves back into the current one.
#[derive(Default)]
pub(super) struct SetCache {
    state: foldhash::fast::RandomState,
    current: Generation,
    previous: Generation,
}

/// Policy text per generation: a set is kept in memory at a few times its text's size.
pub const GENERATION_BYTES: usize = 8 << 20;
/// Sets per generation.
pub const GENERATION_ENTRIES: usize = 4096;

#[derive(Default)]
struct Generation {
    map: HashMap<u64, Vec<Entry>>,
    bytes: usize,
    entries: usize,
}

struct Entry {
    shape: Box<[u8]>,
    texts: Box<[Box<str>]>,
    /// The set without its policies: everything else the request's set holds.
    bare: PolicySet,
    prepared: Rc<PreparedPolicySet>,
}

impl Entry {
    fn is(&self, policies: &RawPolicies<'_>, bare: &PolicySet) -> bool {
        *self.shape == *policies.shape
            && self.texts.len() == policies.texts.len()
            && self.texts.iter().zip(&policies.texts).all(|(a, b)| **a == *b.get())
            && self.bare == *bare
    }
}

impl Generation {
    fn take(&mut self, hash: u64, policies: &RawPolicies<'_>, bare: &PolicySet) -> Option<Entry> {
        let bucket = self.map.get_mut(&hash)?;
        let i = bucket.iter().position(|e| e.is(policies, bare))?;
        let entry = bucket.swap_remove(i);
        if bucket.is_empty() {
            self.map.remove(&hash);
        }
        self.entries -= 1;
        self.bytes -= entry.texts.iter().map(|t| t.len()).sum::<usize>();
        Some(entry)
    }
}

impl SetCache {
    fn hash(&self, policies: &RawPolicies<'_>) -> u64 {
        let mut h = self.state.build_hasher();
        h.write(&policies.shape);
        for text in &policies.texts {
            h.write_usize(text.get().len());
            h.write(text.get().as_bytes());
        }
        h.finish()
    }

    /// The prepared set for `policies` and `bare`, parsed on a miss; `None` when a
    /// policy does not parse.
    fn get_or_insert(&mut self, policies: RawPolicies<'_>, bare: PolicySet) -> Option<Rc<PreparedPolicySet>> {
        let hash = self.hash(&policies);
        if let Some(bucket) = self.current.map.get(&hash) {
            if let Some(entry) = bucket.iter().find(|e| e.is(&policies, &bare)) {
                return Some(Rc::clone(&entry.prepared));
            }
        }
        let entry = match self.previous.take(hash, &policies, &bare) {
            Some(entry) => entry,
            None => {
                let set = policies.parse_into(bare.clone())?;
                Entry {
                    shape: policies.shape.into_boxed_slice(),
                    texts: policies.texts.iter().map(|t| Box::from(t.get())).collect(),
                    bare,
                    prepared: Rc::new(PreparedPolicySet::new(set)),
                }
            }
        };
        let prepared = Rc::clone(&entry.prepared);
        let bytes: usize = entry.texts.iter().map(|t| t.len()).sum();
        if self.current.entries >= GENERATION_ENTRIES || self.current.bytes + bytes > GENERATION_BYTES {
            self.previous = std::mem::take(&mut self.current);
        }
        self.current.entries += 1;
        self.current.bytes += bytes;
        self.current.map.entry(hash).or_default().push(entry);
        Some(prepared)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    const EVALUATE: &str = r#"{"cmd":"run","seq":1,"case":{"description":"d","sources":["s"],"steps":[
        {"evaluate":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject",
          "resource":"*","identityPolicies":[{"Version":"2012-10-17",
          "Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}]},"expect":{}}]}}"#;

    #[test]
    fn evaluate_steps_take_the_fast_path_and_fill_the_cache() {
        let mut cache = SetCache::default();
        let mut out = Vec::new();
        assert!(run(EVALUATE, &mut cache, &mut out));
        assert!(run(EVALUATE, &mut cache, &mut out));
        assert_eq!(cache.current.entries, 1);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "{\"seq\":1,\"results\":[{\"decision\":\"allowed\"}]}\n".repeat(2));
    }

    #[test]
    fn other_cases_are_left_to_the_general_path() {
        let mut cache = SetCache::default();
        let mut out = Vec::new();
        for text in [
            EVALUATE.replace(r#""steps""#, r#""world":{},"steps""#),
            EVALUATE.replace(r#""evaluate""#, r#""parse""#),
            EVALUATE.replace(r#""cmd":"run""#, r#""cmd":"stop""#),
            EVALUATE.replace(r#""Effect":"Allow""#, r#""Effect":"Perhaps""#),
            EVALUATE.replace(r#""expect":{}"#, r#""expect":{"colour":1}"#),
            EVALUATE.replace("arn:aws:iam::111122223333:user/alice", "alice"),
        ] {
            assert!(!run(&text, &mut cache, &mut out), "{text}");
        }
        assert!(out.is_empty());
    }

    #[test]
    fn a_full_generation_moves_to_the_previous_one() {
        let mut cache = SetCache::default();
        let mut out = Vec::new();
        for i in 0..=GENERATION_ENTRIES {
            let text = EVALUATE.replace("s3:GetObject\",\"Resource\"", &format!("s3:Get{i}\",\"Resource\""));
            assert!(run(&text, &mut cache, &mut out));
        }
        assert_eq!(cache.current.entries, 1);
        assert_eq!(cache.previous.entries, GENERATION_ENTRIES);
        // A hit in the previous generation moves the entry back.
        let first = EVALUATE.replace("s3:GetObject\",\"Resource\"", "s3:Get0\",\"Resource\"");
        assert!(run(&first, &mut cache, &mut out));
        assert_eq!((cache.current.entries, cache.previous.entries), (2, GENERATION_ENTRIES - 1));
    }
}
