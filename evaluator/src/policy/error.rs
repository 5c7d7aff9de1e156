//! Classified parse errors with a location in the policy text.

use std::fmt;

/// The rule a rejected policy breaks. The names are the `errorKind` values of the
/// case format (CASE-FORMAT.md), so that reports compare them directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Not JSON: syntax, duplicate keys, nesting too deep.
    Json,
    /// JSON, but not the shape of a policy: unknown element, wrong JSON type.
    Shape,
    /// A `Version` value other than `2012-10-17` and `2008-10-17`.
    Version,
    /// An `Effect` other than `Allow` and `Deny`.
    Effect,
    /// A required element is missing.
    MissingElement,
    /// Two elements that exclude each other (`Action` and `NotAction`, ...).
    ConflictingElements,
    /// An element the policy type does not allow (`Principal` in an identity policy, ...).
    ForbiddenElement,
    /// A principal value AWS does not accept.
    Principal,
    /// A `Sid` with characters IAM refuses, or a repeated `Sid`.
    Sid,
    /// An unknown condition operator, or a value its operator cannot read.
    Operator,
    /// A malformed policy variable, or one where AWS refuses variables.
    Variable,
    /// The document is larger than the policy type allows.
    Size,
    /// A character outside TAB, LF, CR and U+0020 to U+00FF.
    Characters,
}

impl ErrorKind {
    /// The `errorKind` name used in case files.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Json => "json",
            ErrorKind::Shape => "shape",
            ErrorKind::Version => "version",
            ErrorKind::Effect => "effect",
            ErrorKind::MissingElement => "missing-element",
            ErrorKind::ConflictingElements => "conflicting-elements",
            ErrorKind::ForbiddenElement => "forbidden-element",
            ErrorKind::Principal => "principal",
            ErrorKind::Sid => "sid",
            ErrorKind::Operator => "operator",
            ErrorKind::Variable => "variable",
            ErrorKind::Size => "size",
            ErrorKind::Characters => "characters",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where in the policy text an error is: a JSON pointer and a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// JSON pointer (RFC 6901) of the offending value, `""` for the whole document.
    pub pointer: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// Byte offset in the text.
    pub offset: usize,
}

impl Location {
    /// The location of byte `offset` of `text`, with the given JSON pointer.
    pub fn at(text: &str, offset: usize, pointer: String) -> Location {
        let offset = offset.min(text.len());
        let before = text.get(..offset).unwrap_or(text);
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = before.get(line_start..).map(|s| s.chars().count()).unwrap_or(0) + 1;
        Location { pointer, line, column, offset }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() { "/" } else { &self.pointer };
        write!(f, "line {}, column {} ({})", self.line, self.column, pointer)
    }
}

/// A policy rejected by the parser: which rule, where, and a message quoting the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} error at {location}: {message}")]
pub struct ParseError {
    /// The rule broken.
    pub kind: ErrorKind,
    /// Where.
    pub location: Location,
    /// What, quoting the offending input.
    pub message: String,
}

impl ParseError {
    /// A new error.
    pub fn new(kind: ErrorKind, location: Location, message: String) -> ParseError {
        ParseError { kind, location, message }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Line and column are 1-based, the column counted in characters from the last line
    /// feed before the offset; the error text names the kind, the place and the pointer.
    #[test]
    fn location_and_error_text() {
        let text = "{\n  \"Sid\": \"é1\",\n  \"x\": 1\n}";
        let at = text.find('1').unwrap_or(0);
        let loc = Location::at(text, at, "/Sid".to_string());
        assert_eq!((loc.line, loc.column, loc.offset), (2, 12, at));
        let x = text.find("\"x\"").unwrap_or(0);
        assert_eq!((Location::at(text, x, String::new()).line, Location::at(text, x, String::new()).column), (3, 3));
        assert_eq!((Location::at(text, 0, String::new()).line, Location::at(text, 0, String::new()).column), (1, 1));
        // An offset past the end is the end.
        assert_eq!(Location::at("ab", 9, String::new()).offset, 2);
        let e = ParseError::new(ErrorKind::MissingElement, loc, "no Effect".to_string());
        assert_eq!(e.to_string(), "missing-element error at line 2, column 12 (/Sid): no Effect");
        let whole = ParseError::new(ErrorKind::Json, Location::at(text, 0, String::new()), "m".to_string());
        assert_eq!(whole.to_string(), "json error at line 1, column 1 (/): m");
    }
}
