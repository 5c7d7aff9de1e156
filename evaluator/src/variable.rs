//! Policy variables (IAM-SPEC.md section 4): `${key}`, `${key, 'default'}` and the
//! escapes `${*}`, `${?}`, `${$}`.
//!
//! A resolved value is inserted literally: a `*` inside a tag value is not a wildcard
//! (the safe reading; AWS does not document it). An unresolvable variable makes the
//! value unresolvable as a whole (R4.5).

use crate::pattern::{arn_components, ArnPattern, Glob, GlobBuilder};

/// True when `text` holds `${`. A byte scan for `$`: `str::contains` with a string
/// needle sets up a substring searcher per call, which dominates on short texts.
pub fn has_variable(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'$', bytes).any(|i| bytes.get(i + 1) == Some(&b'{'))
}

/// Looks up single-valued request context keys for variable substitution.
pub trait VarLookup {
    /// The single value of `key` (already lower-cased), or `None` when it is absent or
    /// multivalued (only single-valued keys can be variables, R4.1).
    fn var(&self, key: &str) -> Option<&str>;
}

/// A piece of a template.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Part {
    /// Policy text, where `*` and `?` keep their wildcard meaning.
    Text(String),
    /// An escape (`${*}`, `${?}`, `${$}`): a literal character.
    Literal(char),
    /// A variable.
    Var {
        /// The key, lower-cased (key names are case-insensitive, R4.1).
        key: String,
        /// The default, used when the key has no value (R4.4).
        default: Option<String>,
    },
}

/// A policy value containing at least one variable or escape.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Template {
    /// The pieces in order.
    pub parts: Vec<Part>,
}

/// Why a `${...}` could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableError(pub String);

impl Template {
    /// Parses `text`. Returns `Ok(None)` when it holds no `${`, so callers keep the
    /// fast, variable-free path.
    pub fn parse(text: &str) -> Result<Option<Template>, VariableError> {
        if !has_variable(text) {
            return Ok(None);
        }
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            if start > 0 {
                parts.push(Part::Text(rest.get(..start).unwrap_or("").to_string()));
            }
            let body_and_more = rest.get(start + 2..).unwrap_or("");
            let end = body_and_more
                .find('}')
                .ok_or_else(|| VariableError(format!("unterminated policy variable in \"{text}\"")))?;
            let body = body_and_more.get(..end).unwrap_or("");
            parts.push(parse_body(body, text)?);
            rest = body_and_more.get(end + 1..).unwrap_or("");
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(Some(Template { parts }))
    }

    /// The keys this template reads.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| if let Part::Var { key, .. } = p { Some(key.as_str()) } else { None })
    }

    /// The resolved text, with wildcards left as characters; `None` if a variable has
    /// neither a value nor a default.
    pub fn resolve_text(&self, lookup: &dyn VarLookup) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Literal(c) => out.push(*c),
                Part::Var { key, default, .. } => out.push_str(lookup.var(key).or(default.as_deref())?),
            }
        }
        Some(out)
    }

    /// The resolved glob: wildcards in policy text stay wildcards, substituted values
    /// and escapes are literal.
    pub fn resolve_glob(&self, lookup: &dyn VarLookup, case_insensitive: bool) -> Option<Glob> {
        let mut b = GlobBuilder::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => {
                    b.wild(t);
                }
                Part::Literal(c) => {
                    b.literal(c.encode_utf8(&mut [0u8; 4]));
                }
                Part::Var { key, default, .. } => {
                    b.literal(lookup.var(key).or(default.as_deref())?);
                }
            }
        }
        Some(b.build(case_insensitive))
    }
}

fn parse_body(body: &str, whole: &str) -> Result<Part, VariableError> {
    match body {
        "*" => return Ok(Part::Literal('*')),
        "?" => return Ok(Part::Literal('?')),
        "$" => return Ok(Part::Literal('$')),
        _ => {}
    }
    // (A `{` or `$` would also fail the name check below; this says why.)
    if body.contains('{') || body.contains('$') {
        return Err(VariableError(format!("a policy variable cannot contain another in \"{whole}\"")));
    }
    let (key, default) = match body.split_once(',') {
        Some((key, rest)) => {
            let rest = rest.trim_start();
            let inner = rest
                .strip_prefix('\'')
                .and_then(|r| r.strip_suffix('\''))
                .ok_or_else(|| VariableError(format!("a variable default must be single-quoted in \"{whole}\"")))?;
            (key.trim(), Some(inner.to_string()))
        }
        None => (body, None),
    };
    let valid_key = !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '/' | '-' | '_' | '.' | '+' | '=' | '@'));
    if !valid_key {
        return Err(VariableError(format!("invalid policy variable name \"{key}\" in \"{whole}\"")));
    }
    Ok(Part::Var { key: key.to_ascii_lowercase(), default })
}

/// A compiled `Resource` entry: a static ARN pattern, or one whose resource part
/// holds variables (allowed only after the fifth colon, R4.2).
#[derive(Debug, Clone, PartialEq)]
pub enum ResourceMatcher {
    /// No variables.
    Static(ArnPattern),
    /// Variables in the resource component.
    Templated {
        /// The first five components.
        head: Box<[Glob; 5]>,
        /// The resource component.
        resource: Template,
    },
}

impl ResourceMatcher {
    /// Compiles a resource entry. `variables` is false under Version 2008-10-17.
    pub fn new(text: &str, variables: bool) -> Result<ResourceMatcher, VariableError> {
        if !variables || !has_variable(text) {
            return Ok(ResourceMatcher::Static(ArnPattern::new_resource(text)));
        }
        let Some(parts) = arn_components(text) else {
            return Err(VariableError(format!(
                "a policy variable is allowed only in the resource part of an ARN: \"{text}\""
            )));
        };
        let [a, b, c, d, e, f] = parts;
        if [a, b, c, d, e].iter().any(|p| has_variable(p)) {
            // AWS substitutes variables only after the fifth colon (R4.2); before it the
            // text stays literal and so matches no real ARN.
            return Ok(ResourceMatcher::Static(ArnPattern::new_resource(text)));
        }
        match Template::parse(f)? {
            None => Ok(ResourceMatcher::Static(ArnPattern::new_resource(text))),
            Some(resource) => Ok(ResourceMatcher::Templated {
                head: Box::new([a, b, c, d, e].map(|p| Glob::new(p, false))),
                resource,
            }),
        }
    }

    /// Does `arn` match, resolving variables from `lookup`?
    pub fn matches(&self, arn: &str, lookup: &dyn VarLookup) -> bool {
        match self {
            ResourceMatcher::Static(p) => p.matches(arn),
            ResourceMatcher::Templated { head, resource } => {
                let Some(glob) = resource.resolve_glob(lookup, false) else { return false };
                let Some(parts) = arn_components(arn) else { return false };
                let [a, b, c, d, e, f] = parts;
                head.iter().zip([a, b, c, d, e]).all(|(g, p)| g.matches(p)) && glob.matches(f)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Map(HashMap<String, String>);
    impl VarLookup for Map {
        fn var(&self, key: &str) -> Option<&str> {
            self.0.get(key).map(|s| s.as_str())
        }
    }

    fn ctx(pairs: &[(&str, &str)]) -> Map {
        Map(pairs.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.to_string())).collect())
    }

    #[test]
    fn resolves_variables_defaults_and_escapes() {
        let t = Template::parse("home/${aws:username}/${aws:PrincipalTag/team, 'company-wide'}/${*}").unwrap().unwrap();
        assert_eq!(t.resolve_text(&ctx(&[("aws:username", "alice")])).as_deref(), Some("home/alice/company-wide/*"));
        assert_eq!(t.resolve_text(&ctx(&[])), None);
        assert_eq!(Template::parse("plain").unwrap(), None);
    }

    #[test]
    fn rejects_malformed_variables() {
        assert!(Template::parse("${aws:username").is_err());
        assert!(Template::parse("${}").is_err());
        assert!(Template::parse("${a${b}}").is_err());
        assert!(Template::parse("${a, default}").is_err());
    }

    #[test]
    fn resource_variables_only_after_fifth_colon() {
        let literal = ResourceMatcher::new("arn:aws:iam::${aws:PrincipalAccount}:user/x", true).unwrap();
        assert!(!literal.matches("arn:aws:iam::111122223333:user/x", &ctx(&[("aws:principalaccount", "111122223333")])));
        let m = ResourceMatcher::new("arn:aws:iam::*:user/${aws:username}", true).unwrap();
        assert!(m.matches("arn:aws:iam::111122223333:user/alice", &ctx(&[("aws:username", "alice")])));
        assert!(!m.matches("arn:aws:iam::111122223333:user/bob", &ctx(&[("aws:username", "alice")])));
        assert!(!m.matches("arn:aws:iam::111122223333:user/alice", &ctx(&[])));
    }

    #[test]
    fn substituted_values_are_literal() {
        let m = ResourceMatcher::new("arn:aws:s3:::b/${aws:PrincipalTag/p}", true).unwrap();
        assert!(!m.matches("arn:aws:s3:::b/anything", &ctx(&[("aws:principaltag/p", "*")])));
        assert!(m.matches("arn:aws:s3:::b/*", &ctx(&[("aws:principaltag/p", "*")])));
    }

    #[test]
    fn version_2008_keeps_text() {
        let m = ResourceMatcher::new("arn:aws:s3:::b/${aws:username}", false).unwrap();
        assert!(m.matches("arn:aws:s3:::b/${aws:username}", &ctx(&[("aws:username", "alice")])));
    }
}
