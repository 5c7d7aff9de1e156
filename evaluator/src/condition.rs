//! Condition operators and their evaluation (IAM-SPEC.md section 3).
//!
//! Policy values are read into their operator's type when the policy is parsed, so
//! that a value the operator cannot read is a parse error of the policy; request
//! values are read at evaluation time, and one that cannot be read is a non-match
//! for positive and negated operators alike (never an Allow).

use std::net::IpAddr;

use base64::Engine;
use ipnet::IpNet;

use crate::context::Context;
use crate::pattern::{ArnPattern, Glob};
use crate::variable::Template;

/// The operator family: which type the values have and how they compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// `StringEquals` / `StringNotEquals`.
    StringEquals,
    /// `StringEqualsIgnoreCase` / `StringNotEqualsIgnoreCase`.
    StringEqualsIgnoreCase,
    /// `StringLike` / `StringNotLike`.
    StringLike,
    /// `Numeric*`.
    Numeric(Cmp),
    /// `Date*`.
    Date(Cmp),
    /// `Bool`.
    Bool,
    /// `BinaryEquals`.
    Binary,
    /// `IpAddress` / `NotIpAddress`.
    Ip,
    /// `ArnEquals`, `ArnLike` and their negations (equivalent, R3.11).
    Arn,
    /// `Null`.
    Null,
}

impl Family {
    /// The type the family reads request values as, in words.
    pub fn value_type(self) -> &'static str {
        match self {
            Family::StringEquals | Family::StringEqualsIgnoreCase | Family::StringLike => "a string",
            Family::Numeric(_) => "a number",
            Family::Date(_) => "a date",
            Family::Bool => "a boolean",
            Family::Binary => "binary data",
            Family::Ip => "an IP address",
            Family::Arn => "an ARN",
            Family::Null => "a key's presence",
        }
    }
}

/// A comparison for numeric and date operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cmp {
    /// Equals (and NotEquals, negated).
    Eq,
    /// LessThan.
    Lt,
    /// LessThanEquals.
    Le,
    /// GreaterThan.
    Gt,
    /// GreaterThanEquals.
    Ge,
}

impl Cmp {
    fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Cmp::Eq => ord == Equal,
            Cmp::Lt => ord == Less,
            Cmp::Le => ord != Greater,
            Cmp::Gt => ord == Greater,
            Cmp::Ge => ord != Less,
        }
    }
}

/// `ForAllValues:` or `ForAnyValue:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// Every request value must satisfy the operator; absent or empty key holds.
    ForAllValues,
    /// Some request value must satisfy the operator; absent or empty key fails.
    ForAnyValue,
}

/// A parsed condition operator such as `ForAnyValue:StringNotLikeIfExists`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Operator {
    /// As written.
    pub name: String,
    /// The family.
    pub family: Family,
    /// True for the `Not` forms: the request value must match none of the values.
    pub negated: bool,
    /// The `IfExists` suffix.
    pub if_exists: bool,
    /// The set qualifier, if any.
    pub qualifier: Option<SetQualifier>,
}

impl Operator {
    /// Parses an operator name; `None` if AWS has no such operator. Names are
    /// case-sensitive (IAM-SPEC.md U9: the safe reading).
    pub fn parse(name: &str) -> Option<Operator> {
        let (qualifier, rest) = if let Some(r) = name.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), r)
        } else if let Some(r) = name.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), r)
        } else {
            (None, name)
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(b) => (b, true),
            None => (rest, false),
        };
        use Cmp::*;
        use Family::*;
        let (family, negated) = match base {
            "StringEquals" => (StringEquals, false),
            "StringNotEquals" => (StringEquals, true),
            "StringEqualsIgnoreCase" => (StringEqualsIgnoreCase, false),
            "StringNotEqualsIgnoreCase" => (StringEqualsIgnoreCase, true),
            "StringLike" => (StringLike, false),
            "StringNotLike" => (StringLike, true),
            "NumericEquals" => (Numeric(Eq), false),
            "NumericNotEquals" => (Numeric(Eq), true),
            "NumericLessThan" => (Numeric(Lt), false),
            "NumericLessThanEquals" => (Numeric(Le), false),
            "NumericGreaterThan" => (Numeric(Gt), false),
            "NumericGreaterThanEquals" => (Numeric(Ge), false),
            "DateEquals" => (Date(Eq), false),
            "DateNotEquals" => (Date(Eq), true),
            "DateLessThan" => (Date(Lt), false),
            "DateLessThanEquals" => (Date(Le), false),
            "DateGreaterThan" => (Date(Gt), false),
            "DateGreaterThanEquals" => (Date(Ge), false),
            "Bool" => (Bool, false),
            "BinaryEquals" => (Binary, false),
            "IpAddress" => (Ip, false),
            "NotIpAddress" => (Ip, true),
            "ArnEquals" | "ArnLike" => (Arn, false),
            "ArnNotEquals" | "ArnNotLike" => (Arn, true),
            "Null" => (Null, false),
            _ => return None,
        };
        // `Null` takes neither `IfExists` nor a set qualifier (R3.4, R3.5).
        if family == Null && (if_exists || qualifier.is_some()) {
            return None;
        }
        Some(Operator { name: name.to_string(), family, negated, if_exists, qualifier })
    }

    /// True when policy variables may appear in this operator's values (R4.2, U4).
    pub fn accepts_variables(&self) -> bool {
        matches!(
            self.family,
            Family::StringEquals | Family::StringEqualsIgnoreCase | Family::StringLike | Family::Arn | Family::Bool
        )
    }
}

/// A point in time: seconds and nanoseconds since the Unix epoch.
pub type Instant = (i64, u32);

/// One policy value, read into its operator's type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypedValue {
    /// StringEquals: exact text.
    Exact(String),
    /// StringEqualsIgnoreCase: lower-cased text.
    Folded(String),
    /// StringLike: a glob.
    Like(Glob),
    /// Arn*: a per-component ARN pattern.
    Arn(ArnPattern),
    /// A String/Arn/Bool value with policy variables, resolved per request.
    Template(Template),
    /// Numeric.
    Number(Decimal),
    /// Date.
    Date(Instant),
    /// Bool.
    Bool(bool),
    /// BinaryEquals: the decoded bytes.
    Binary(Vec<u8>),
    /// IpAddress: a network (a bare address is one host, R3.10).
    Net(IpNet),
    /// Null: `true` means "the key must be absent".
    Null(bool),
    /// A `Numeric*` value that is not a number. No AWS page says IAM rejects such a
    /// policy (Access Analyzer only warns, "Type mismatch number"), so it is accepted;
    /// comparing with it is unknown: an Allow never matches on it, a Deny applies
    /// (when in doubt, deny). corpus/parse/097.
    Unreadable,
}

/// One operator-key entry of a condition block.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The operator.
    pub operator: Operator,
    /// The key as written.
    pub key: String,
    /// The key lower-cased, for lookup (R3.2).
    pub key_lower: String,
    /// The values as written (numbers and booleans as their text).
    pub raw_values: Vec<String>,
    /// The values read into the operator's type.
    pub values: Vec<TypedValue>,
}

/// Why a condition value could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueError {
    /// The value is not of the operator's type.
    Type(String),
    /// A variable where the operator refuses one, or a malformed variable.
    Variable(String),
}

impl Condition {
    /// Reads the values of one operator-key entry. `variables` is false under
    /// Version 2008-10-17, where `${...}` is plain text. On error, returns the index of
    /// the offending value.
    pub fn new(
        operator: Operator,
        key: &str,
        raw_values: Vec<String>,
        variables: bool,
    ) -> Result<Condition, (usize, ValueError)> {
        let mut values = Vec::with_capacity(raw_values.len());
        for (i, raw) in raw_values.iter().enumerate() {
            values.push(read_policy_value(&operator, raw, variables).map_err(|e| (i, e))?);
        }
        Ok(Condition { operator, key: key.to_string(), key_lower: key.to_ascii_lowercase(), raw_values, values })
    }

    /// Evaluates the entry, three-valued: [`Tri::Unknown`] when the answer depends on
    /// a request value the operator cannot read. An Allow statement needs `True`; a
    /// Deny statement fires on `True` or `Unknown` (when in doubt, deny).
    pub fn evaluate_tri(&self, ctx: &Context) -> Tri {
        let op = &self.operator;
        let present = ctx.get_lowered(&self.key_lower).filter(|v| !v.is_empty());
        if op.family == Family::Null {
            // R3.5: "true" holds when the key is absent, "false" when present.
            return Tri::from(
                self.values
                    .iter()
                    .any(|v| matches!(v, TypedValue::Null(want_absent) if *want_absent == present.is_none())),
            );
        }
        let Some(present) = present else {
            // R3.3, R3.4, R3.12.
            if op.if_exists {
                return Tri::True;
            }
            return Tri::from(match op.qualifier {
                Some(SetQualifier::ForAllValues) => true,
                Some(SetQualifier::ForAnyValue) => false,
                None => op.negated,
            });
        };
        let items = present.values.iter().map(|v| self.item_holds(v, ctx));
        match op.qualifier {
            Some(SetQualifier::ForAllValues) => Tri::all(items),
            Some(SetQualifier::ForAnyValue) => Tri::any(items),
            // Without a qualifier a positive operator needs one matching request value,
            // a negated one needs every request value to match none (R3.1).
            None if op.negated => Tri::all(items),
            None => Tri::any(items),
        }
    }

    /// The request values of this entry's key that its operator cannot read (what
    /// makes [`Condition::evaluate_tri`] unknown).
    pub fn unreadable_request_values<'c>(&self, ctx: &'c Context) -> Vec<&'c str> {
        let Some(present) = ctx.get_lowered(&self.key_lower) else { return Vec::new() };
        present
            .values
            .iter()
            .filter(|v| RequestValue::read(self.operator.family, v).is_none())
            .map(String::as_str)
            .collect()
    }

    /// The policy values of this entry that its operator cannot read (a numeric
    /// operator's value that is not a number: no request value can be compared with
    /// it, which makes [`Condition::evaluate_tri`] unknown when no other value matches).
    pub fn unreadable_policy_values(&self) -> Vec<&str> {
        self.raw_values
            .iter()
            .zip(&self.values)
            .filter(|(_, v)| matches!(v, TypedValue::Unreadable))
            .map(|(raw, _)| raw.as_str())
            .collect()
    }

    /// For one request value: positive operators hold when some policy value matches;
    /// negated ones when no policy value matches. Unknown when the value cannot be read.
    fn item_holds(&self, request_value: &str, ctx: &Context) -> Tri {
        let Some(read) = RequestValue::read(self.operator.family, request_value) else {
            return Tri::Unknown;
        };
        let family = self.operator.family;
        // Long value lists are mostly exact text: that keeps a tight loop of its own,
        // and exact text is decided only here (every other value, CIDR blocks among
        // them, in `value_matches`).
        let matched = match &read {
            RequestValue::Text(r) if matches!(family, Family::StringEquals) => self.values.iter().any(|v| match v {
                TypedValue::Exact(p) => p == r,
                other => value_matches(other, &read, family, ctx),
            }),
            _ => self.values.iter().any(|v| value_matches(v, &read, family, ctx)),
        };
        let any = if matched {
            Tri::True
        } else if matches!(family, Family::Numeric(_)) && self.values.contains(&TypedValue::Unreadable) {
            // No value matched, and one could not be compared at all.
            Tri::Unknown
        } else {
            Tri::False
        };
        if self.operator.negated {
            !any
        } else {
            any
        }
    }
}

/// A three-valued truth: a condition on a request value that cannot be read is
/// neither true nor false.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tri {
    /// Holds.
    True,
    /// Does not hold.
    False,
    /// Depends on a value the operator cannot read.
    Unknown,
}

impl From<bool> for Tri {
    fn from(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }
}

impl std::ops::Not for Tri {
    type Output = Tri;

    /// Negation: unknown stays unknown.
    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

impl Tri {
    /// Conjunction.
    pub fn all(items: impl Iterator<Item = Tri>) -> Tri {
        let mut out = Tri::True;
        for t in items {
            match t {
                Tri::False => return Tri::False,
                Tri::Unknown => out = Tri::Unknown,
                Tri::True => {}
            }
        }
        out
    }

    /// Disjunction.
    pub fn any(items: impl Iterator<Item = Tri>) -> Tri {
        let mut out = Tri::False;
        for t in items {
            match t {
                Tri::True => return Tri::True,
                Tri::Unknown => out = Tri::Unknown,
                Tri::False => {}
            }
        }
        out
    }
}

/// A request value read into the operator's type.
enum RequestValue<'a> {
    Text(&'a str),
    Number(Decimal),
    Date(Instant),
    Bool(bool),
    Binary(Vec<u8>),
    Ip(IpAddr),
    Arn(&'a str),
}

impl<'a> RequestValue<'a> {
    fn read(family: Family, value: &'a str) -> Option<RequestValue<'a>> {
        Some(match family {
            Family::StringEquals | Family::StringEqualsIgnoreCase | Family::StringLike => RequestValue::Text(value),
            Family::Numeric(_) => RequestValue::Number(parse_number(value)?),
            Family::Date(_) => RequestValue::Date(parse_date(value)?),
            Family::Bool => RequestValue::Bool(parse_bool(value)?),
            Family::Binary => RequestValue::Binary(
                base64::engine::general_purpose::STANDARD.decode(value).unwrap_or_else(|_| value.as_bytes().to_vec()),
            ),
            Family::Ip => RequestValue::Ip(value.trim().parse().ok()?),
            Family::Arn => {
                crate::pattern::arn_components(value)?;
                RequestValue::Arn(value)
            }
            Family::Null => return None,
        })
    }
}

fn value_matches(policy: &TypedValue, request: &RequestValue<'_>, family: Family, ctx: &Context) -> bool {
    match (policy, request) {
        // Exact text (StringEquals, the only family that makes it) is compared in
        // `Condition::item_holds`'s own loop, never here.
        (TypedValue::Folded(p), RequestValue::Text(r)) => *p == r.to_lowercase(),
        (TypedValue::Like(g), RequestValue::Text(r)) => g.matches(r),
        (TypedValue::Arn(p), RequestValue::Arn(r)) => p.matches(r),
        (TypedValue::Template(t), _) => match family {
            Family::StringEquals => match (t.resolve_text(ctx), request) {
                (Some(p), RequestValue::Text(r)) => p == *r,
                _ => false,
            },
            Family::StringEqualsIgnoreCase => match (t.resolve_text(ctx), request) {
                (Some(p), RequestValue::Text(r)) => p.to_lowercase() == r.to_lowercase(),
                _ => false,
            },
            Family::StringLike => match (t.resolve_glob(ctx, false), request) {
                (Some(g), RequestValue::Text(r)) => g.matches(r),
                _ => false,
            },
            Family::Arn => match (t.resolve_text(ctx), request) {
                (Some(_), RequestValue::Arn(r)) => arn_template_matches(t, r, ctx),
                _ => false,
            },
            Family::Bool => match (t.resolve_text(ctx).as_deref().and_then(parse_bool), request) {
                (Some(p), RequestValue::Bool(r)) => p == *r,
                _ => false,
            },
            _ => false,
        },
        (TypedValue::Number(p), RequestValue::Number(r)) => match family {
            Family::Numeric(cmp) => cmp.holds(r.cmp(p)),
            _ => false,
        },
        (TypedValue::Date(p), RequestValue::Date(r)) => match family {
            Family::Date(cmp) => cmp.holds(r.cmp(p)),
            _ => false,
        },
        (TypedValue::Bool(p), RequestValue::Bool(r)) => p == r,
        (TypedValue::Binary(p), RequestValue::Binary(r)) => p == r,
        (TypedValue::Net(n), RequestValue::Ip(ip)) => n.contains(ip),
        _ => false,
    }
}

/// ARN operators with variables: the value is resolved, substituted text stays
/// literal, and the result is matched component by component (R3.11). Variables may
/// stand in any component here (R4.2 limits placement only for `Resource`).
fn arn_template_matches(t: &Template, request: &str, ctx: &Context) -> bool {
    use crate::pattern::GlobBuilder;
    use crate::variable::{Part, VarLookup};
    let mut chars: Vec<(char, bool)> = Vec::new();
    for part in &t.parts {
        match part {
            Part::Text(text) => chars.extend(text.chars().map(|c| (c, true))),
            Part::Literal(c) => chars.push((*c, false)),
            Part::Var { key, default, .. } => match ctx.var(key).or(default.as_deref()) {
                Some(v) => chars.extend(v.chars().map(|c| (c, false))),
                None => return false,
            },
        }
    }
    if chars.len() == 1 && chars.first() == Some(&('*', true)) {
        return true;
    }
    let mut components: Vec<GlobBuilder> = vec![GlobBuilder::new()];
    for (c, wild) in chars {
        if c == ':' && components.len() < 6 {
            components.push(GlobBuilder::new());
            continue;
        }
        if let Some(b) = components.last_mut() {
            let mut buf = [0u8; 4];
            let s = c.encode_utf8(&mut buf);
            if wild {
                b.wild(s);
            } else {
                b.literal(s);
            }
        }
    }
    let Ok(globs) = <[GlobBuilder; 6]>::try_from(components) else { return false };
    ArnPattern::from_components(globs.map(|b| b.build(false))).matches(request)
}

fn read_policy_value(op: &Operator, raw: &str, variables: bool) -> Result<TypedValue, ValueError> {
    if variables && crate::variable::has_variable(raw) {
        if !op.accepts_variables() {
            return Err(ValueError::Variable(format!("policy variables are not allowed with {}: \"{raw}\"", op.name)));
        }
        if let Some(t) = Template::parse(raw).map_err(|e| ValueError::Variable(e.0))? {
            if op.family == Family::Bool && raw.trim_start().starts_with('$') && t.keys().next().is_none() {
                return Err(ValueError::Type(format!("\"{raw}\" is not a boolean")));
            }
            return Ok(TypedValue::Template(t));
        }
    }
    let bad = |what: &str| ValueError::Type(format!("{} needs {what}, got \"{raw}\"", op.name));
    Ok(match op.family {
        Family::StringEquals => TypedValue::Exact(raw.to_string()),
        Family::StringEqualsIgnoreCase => TypedValue::Folded(raw.to_lowercase()),
        Family::StringLike => TypedValue::Like(Glob::new(raw, false)),
        Family::Arn => TypedValue::Arn(ArnPattern::new(raw)),
        Family::Numeric(_) => parse_number(raw).map_or(TypedValue::Unreadable, TypedValue::Number),
        Family::Date(_) => TypedValue::Date(parse_date(raw).ok_or_else(|| bad("an ISO 8601 date or epoch seconds"))?),
        Family::Bool => TypedValue::Bool(parse_bool(raw).ok_or_else(|| bad("true or false"))?),
        Family::Binary => TypedValue::Binary(
            base64::engine::general_purpose::STANDARD.decode(raw.trim()).map_err(|_| bad("base64 text"))?,
        ),
        Family::Ip => TypedValue::Net(parse_net(raw).ok_or_else(|| bad("an IPv4 or IPv6 address or CIDR block"))?),
        Family::Null => TypedValue::Null(parse_bool(raw).ok_or_else(|| bad("true or false"))?),
    })
}

/// An exact decimal number: sign, integer digits and fraction digits, normalized
/// (no leading or trailing zeros), so that `10`, `10.0` and `+10` are equal and no
/// value is rounded (R3.7).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal {
    negative: bool,
    int: String,
    frac: String,
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        let zero = |d: &Decimal| d.int.is_empty() && d.frac.is_empty();
        let (a_neg, b_neg) = (self.negative && !zero(self), other.negative && !zero(other));
        match (a_neg, b_neg) {
            (false, true) => return Ordering::Greater,
            (true, false) => return Ordering::Less,
            _ => {}
        }
        let magnitude = self
            .int
            .len()
            .cmp(&other.int.len())
            .then_with(|| self.int.cmp(&other.int))
            .then_with(|| self.frac.cmp(&other.frac));
        if a_neg {
            magnitude.reverse()
        } else {
            magnitude
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Reads a decimal number: an optional sign, digits, and an optional fraction.
pub fn parse_number(text: &str) -> Option<Decimal> {
    let t = text.trim();
    let (negative, rest) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..)?),
        Some(b'+') => (false, t.get(1..)?),
        _ => (false, t),
    };
    let (int, frac) = rest.split_once('.').unwrap_or((rest, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // `5.` is not a number (`.5` is: an empty integer part is zero).
    if rest.ends_with('.') {
        return None;
    }
    Some(Decimal {
        negative,
        int: int.trim_start_matches('0').to_string(),
        frac: frac.trim_end_matches('0').to_string(),
    })
}

/// Reads `true` or `false` (ASCII case-insensitive, IAM-SPEC.md U9).
pub fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Reads a CIDR block or a bare address (one host).
pub fn parse_net(text: &str) -> Option<IpNet> {
    let t = text.trim();
    if let Ok(net) = t.parse::<IpNet>() {
        return Some(net);
    }
    t.parse::<IpAddr>().ok().map(IpNet::from)
}

/// Reads a date: the W3C ISO 8601 forms (`2020-01-01`, `2020-01-01T12:00Z`,
/// `2020-01-01T12:00:00Z`, with fractions and offsets) or epoch seconds (R3.8).
pub fn parse_date(text: &str) -> Option<Instant> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    let t = text.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<i64>().ok().map(|s| (s, 0));
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some((dt.timestamp(), dt.timestamp_subsec_nanos()));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%z"] {
        if let Ok(dt) = DateTime::parse_from_str(t, fmt) {
            return Some((dt.timestamp(), dt.timestamp_subsec_nanos()));
        }
    }
    let utc = t.strip_suffix('Z').unwrap_or(t);
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(utc, fmt) {
            let u = dt.and_utc();
            return Some((u.timestamp(), u.timestamp_subsec_nanos()));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(utc, "%Y-%m-%d") {
        let u = d.and_hms_opt(0, 0, 0)?.and_utc();
        return Some((u.timestamp(), 0));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ContextValue;

    fn cond(op: &str, key: &str, values: &[&str]) -> Condition {
        Condition::new(Operator::parse(op).unwrap(), key, values.iter().map(|s| s.to_string()).collect(), true).unwrap()
    }

    fn ctx(pairs: &[(&str, &str)]) -> Context {
        let mut c = Context::new();
        for (k, v) in pairs {
            c.insert(k, ContextValue::single(*v));
        }
        c
    }

    #[test]
    fn operator_names() {
        assert!(Operator::parse("ForAnyValue:StringNotLikeIfExists").is_some());
        assert!(Operator::parse("NullIfExists").is_none());
        assert!(Operator::parse("StringEqual").is_none());
        assert!(Operator::parse("stringequals").is_none());
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2020-01-01"), parse_date("2020-01-01T00:00:00Z"));
        assert_eq!(parse_date("1577836800"), parse_date("2020-01-01T00:00:00Z"));
        assert_eq!(parse_date("2020-01-01T01:00:00+01:00"), parse_date("2020-01-01T00:00:00Z"));
        assert!(parse_date("notadate").is_none());
    }

    /// How numbers are read (R3.7): an optional sign, then digits with at most one
    /// point (`.5` is a number, `5.` is not); leading and trailing zeros do not
    /// matter. No AWS page says
    /// whether `+5` is a number: it is read as 5 here, as most number syntaxes do.
    #[test]
    fn numbers() {
        let n = |t: &str| parse_number(t);
        assert_eq!(n("+5"), n("5"));
        assert!(n("+5").is_some());
        assert_eq!(n("-0").cmp(&n("0")), std::cmp::Ordering::Equal);
        assert_eq!(n("007.50"), n("7.5"));
        assert_eq!(n(".5"), n("0.5"));
        assert!(n("-5") < n("5"));
        for bad in ["", "+", "-", ".", "5.", "1e3", "1.2.3", "0x10", "--5", "+-5", "5 5"] {
            assert_eq!(n(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn unreadable_request_value_never_matches() {
        let c = cond("NumericNotEquals", "s3:max-keys", &["10"]);
        assert_eq!(c.evaluate_tri(&ctx(&[("s3:max-keys", "abc")])), Tri::Unknown);
        assert_eq!(c.unreadable_request_values(&ctx(&[("s3:max-keys", "abc")])), ["abc"]);
        assert_eq!(c.evaluate_tri(&ctx(&[("s3:max-keys", "11")])), Tri::True);
        assert_eq!(c.evaluate_tri(&ctx(&[])), Tri::True);
    }

    #[test]
    fn unreadable_policy_values_are_named() {
        let c = cond("NumericLessThan", "s3:max-keys", &["abc", "10"]);
        assert_eq!(c.unreadable_policy_values(), ["abc"]);
        assert!(cond("NumericLessThan", "s3:max-keys", &["10"]).unreadable_policy_values().is_empty());
    }

    #[test]
    fn set_qualifiers_on_absent_keys() {
        assert_eq!(cond("ForAllValues:StringEquals", "aws:TagKeys", &["a"]).evaluate_tri(&ctx(&[])), Tri::True);
        assert_eq!(cond("ForAnyValue:StringEquals", "aws:TagKeys", &["a"]).evaluate_tri(&ctx(&[])), Tri::False);
    }
}
