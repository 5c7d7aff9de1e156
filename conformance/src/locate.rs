//! Where a value of a case file is in its text: paths into a case (as JSON pointers
//! and as the readable `steps[2].evaluate.identityPolicies[0]`) and the line and
//! column a path names, so that errors point into the case file.
//!
//! Locating reads the text again with the evaluator's own JSON reader, which keeps
//! the byte offset of every value; it runs only when there is an error to report.

use std::fmt;

use iam_evaluator::policy::json::{self, Node, Value};
use iam_evaluator::policy::Location;

/// One step of a path into a JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// An object member.
    Key(String),
    /// An array element, from 0.
    Index(usize),
}

/// A path into a case document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JsonPath(pub Vec<Segment>);

impl JsonPath {
    /// The empty path: the whole document.
    pub fn root() -> JsonPath {
        JsonPath(Vec::new())
    }

    /// This path followed by an object member.
    pub fn key(&self, key: &str) -> JsonPath {
        let mut p = self.clone();
        p.0.push(Segment::Key(key.to_string()));
        p
    }

    /// This path followed by an array element.
    pub fn index(&self, index: usize) -> JsonPath {
        let mut p = self.clone();
        p.0.push(Segment::Index(index));
        p
    }

    /// The JSON pointer (RFC 6901), `""` for the whole document.
    pub fn pointer(&self) -> String {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|s| match s {
                Segment::Key(k) => k.clone(),
                Segment::Index(i) => i.to_string(),
            })
            .collect();
        json::pointer_string(&parts)
    }

    /// The 1-based line and column of the value this path names in `text`, when the
    /// text can be read and holds the value.
    pub fn position_in(&self, text: &str) -> Option<Position> {
        let root = json::parse(text).ok()?;
        let node = self.find(&root)?;
        Some(Position::of_offset(text, node.offset))
    }

    fn find<'n, 'a>(&self, root: &'n Node<'a>) -> Option<&'n Node<'a>> {
        let mut node = root;
        for seg in &self.0 {
            node = match (seg, &node.value) {
                // The last of repeated keys is the one serde_json keeps.
                (Segment::Key(k), Value::Object(members)) => &members.iter().rev().find(|(name, _, _)| name == k)?.2,
                (Segment::Index(i), Value::Array(items)) => items.get(*i)?,
                _ => return None,
            };
        }
        Some(node)
    }
}

impl fmt::Display for JsonPath {
    /// `steps[2].evaluate.identityPolicies[0]`, `world.policies["arn:aws:iam::..."]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(the case)");
        }
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Segment::Index(n) => write!(f, "[{n}]")?,
                Segment::Key(k) if is_identifier(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Segment::Key(k) => write!(f, "[{}]", serde_json::Value::String(k.clone()))?,
            }
        }
        Ok(())
    }
}

fn is_identifier(k: &str) -> bool {
    !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A 1-based line and column (in characters) in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, counted in characters.
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` of `text`.
    pub fn of_offset(text: &str, offset: usize) -> Position {
        let l = Location::at(text, offset, String::new());
        Position { line: l.line, column: l.column }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn paths_print_as_pointers_and_as_readable_paths() {
        let p = JsonPath::root().key("steps").index(2).key("evaluate").key("identityPolicies").index(0);
        assert_eq!(p.pointer(), "/steps/2/evaluate/identityPolicies/0");
        assert_eq!(p.to_string(), "steps[2].evaluate.identityPolicies[0]");
        let w = JsonPath::root().key("world").key("policies").key("arn:aws:iam::aws:policy/a~b");
        assert_eq!(w.pointer(), "/world/policies/arn:aws:iam::aws:policy~1a~0b");
        assert_eq!(w.to_string(), "world.policies[\"arn:aws:iam::aws:policy/a~b\"]");
        assert_eq!(JsonPath::root().to_string(), "(the case)");
    }

    #[test]
    fn finds_the_line_and_column_of_a_value() {
        let text = "{\n  \"steps\": [\n    {\"a\": 1},\n    {\"b\": [true, \"x\"]}\n  ]\n}";
        let p = JsonPath::root().key("steps").index(1).key("b").index(1);
        assert_eq!(p.position_in(text), Some(Position { line: 4, column: 18 }));
        assert_eq!(JsonPath::root().position_in(text), Some(Position { line: 1, column: 1 }));
        assert_eq!(JsonPath::root().key("nope").position_in(text), None);
        assert_eq!(JsonPath::root().key("steps").index(9).position_in(text), None);
        assert_eq!(JsonPath::root().position_in("{not json"), None);
    }
}
