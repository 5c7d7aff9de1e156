//! Printing a policy back to canonical JSON: elements in a fixed order, one-element
//! lists as bare strings, `"Principal": "*"` for everyone. The printed text parses to
//! the same [`Policy`].

use serde_json::{Map, Value};

use super::model::*;
use crate::condition::Condition;

fn list(items: impl Iterator<Item = String>) -> Value {
    let mut v: Vec<Value> = items.map(Value::String).collect();
    if v.len() == 1 {
        v.pop().unwrap_or(Value::Null)
    } else {
        Value::Array(v)
    }
}

/// The policy as a canonical JSON value.
pub fn to_json(policy: &Policy) -> Value {
    let mut doc = Map::new();
    if let Some(v) = policy.version {
        doc.insert("Version".into(), Value::String(v.as_str().into()));
    }
    if let Some(id) = &policy.id {
        doc.insert("Id".into(), Value::String(id.clone()));
    }
    doc.insert("Statement".into(), Value::Array(policy.statements.iter().map(statement).collect()));
    Value::Object(doc)
}

/// The policy as canonical JSON text.
pub fn to_string(policy: &Policy) -> String {
    to_json(policy).to_string()
}

fn statement(s: &Statement) -> Value {
    let mut m = Map::new();
    if let Some(sid) = &s.sid {
        m.insert("Sid".into(), Value::String(sid.clone()));
    }
    m.insert("Effect".into(), Value::String(s.effect.as_str().into()));
    if let Some(p) = &s.principal {
        let key = if p.negated { "NotPrincipal" } else { "Principal" };
        let value = match &p.spec {
            PrincipalSpec::Any => Value::String("*".into()),
            PrincipalSpec::Map(entries) => {
                let mut pm = Map::new();
                for (kind, ids) in entries {
                    pm.insert(kind.as_str().into(), list(ids.iter().cloned()));
                }
                Value::Object(pm)
            }
        };
        m.insert(key.into(), value);
    }
    let key = if s.action.negated { "NotAction" } else { "Action" };
    m.insert(key.into(), list(s.action.patterns.iter().map(|p| p.text().to_string())));
    if let Some(r) = &s.resource {
        let key = if r.negated { "NotResource" } else { "Resource" };
        m.insert(key.into(), list(r.patterns.iter().map(|p| p.text.clone())));
    }
    if !s.conditions.is_empty() {
        m.insert("Condition".into(), conditions(&s.conditions));
    }
    Value::Object(m)
}

fn conditions(conds: &[Condition]) -> Value {
    let mut ops: Map<String, Value> = Map::new();
    for c in conds {
        let entry = ops.entry(c.operator.name.clone()).or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(keys) = entry {
            let values =
                if c.raw_values.is_empty() { Value::Array(Vec::new()) } else { list(c.raw_values.iter().cloned()) };
            keys.insert(c.key.clone(), values);
        }
    }
    Value::Object(ops)
}
