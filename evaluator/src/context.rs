//! The request context: condition keys and their values.

use crate::variable::VarLookup;

/// The value of one context key: one string, or a list for a multivalued key.
/// Numbers and booleans are kept as their text (`10`, `true`), as IAM compares them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextValue {
    /// The values; exactly one for a single-valued key.
    pub values: Vec<String>,
    /// True when the key is multivalued (an array in the request).
    pub multi: bool,
}

impl ContextValue {
    /// A single-valued key.
    pub fn single(value: impl Into<String>) -> ContextValue {
        ContextValue { values: vec![value.into()], multi: false }
    }

    /// A multivalued key.
    pub fn multi(values: Vec<String>) -> ContextValue {
        ContextValue { values, multi: true }
    }

    /// A multivalued key with no values counts as absent (R3.12).
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// Condition keys of a request. Key names are case-insensitive (R3.2): they are
/// stored lower-cased, and a key given twice in different case keeps both values
/// (R3.14).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    entries: std::collections::HashMap<String, ContextValue>,
    /// Keys (lower-cased) set by [`Context::insert_default`]: derived by the evaluator
    /// or the world rather than given by the request.
    derived: std::collections::BTreeSet<String>,
}

impl Context {
    /// An empty context.
    pub fn new() -> Context {
        Context::default()
    }

    /// Sets `key` to `value`. A key already present in another letter case is merged
    /// into one multivalued key (R3.14).
    pub fn insert(&mut self, key: &str, value: ContextValue) {
        let lower = key.to_ascii_lowercase();
        if let Some(existing) = self.entries.get_mut(&lower) {
            // A key given twice is multivalued whatever each part was (R3.14: the
            // lookup returns the values of both names).
            existing.values.extend(value.values);
            existing.multi = true;
        } else {
            self.entries.insert(lower, value);
        }
    }

    /// Sets `key` only when it is not already set, and marks it derived (a key the
    /// evaluator or the world adds, such as `aws:PrincipalArn`).
    pub fn insert_default(&mut self, key: &str, value: ContextValue) {
        if !self.contains(key) {
            self.insert(key, value);
            self.derived.insert(key.to_ascii_lowercase());
        }
    }

    /// True when `key` was added by [`Context::insert_default`] rather than given.
    pub fn is_derived(&self, key: &str) -> bool {
        self.derived.contains(&key.to_ascii_lowercase())
    }

    /// True when the key has an entry.
    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The value of `key` (case-insensitive).
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        if key.bytes().any(|b| b.is_ascii_uppercase()) {
            self.entries.get(&key.to_ascii_lowercase())
        } else {
            self.entries.get(key)
        }
    }

    /// The value of `key`, which the caller has already lower-cased (a condition's
    /// key, lowered once when the policy is parsed): the lookup without the case scan.
    pub(crate) fn get_lowered(&self, key_lower: &str) -> Option<&ContextValue> {
        self.entries.get(key_lower)
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: &str) {
        let lower = key.to_ascii_lowercase();
        self.entries.remove(&lower);
        self.derived.remove(&lower);
    }

    /// Every entry, keys lower-cased, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        let mut entries: Vec<(&str, &ContextValue)> = self.entries.iter().map(|(k, v)| (k.as_str(), v)).collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        entries.into_iter()
    }
}

impl VarLookup for Context {
    fn var(&self, key: &str) -> Option<&str> {
        let value = self.get(key)?;
        match value.values.as_slice() {
            [one] if !value.multi => Some(one.as_str()),
            _ => None,
        }
    }
}
