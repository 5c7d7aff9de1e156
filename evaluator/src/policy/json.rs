//! A small JSON reader that keeps what policy validation needs and `serde_json` drops:
//! the byte offset of every value (for error locations), duplicate object keys
//! (IAM rejects them, serde_json silently keeps the last one) and a nesting limit.
//!
//! It is written here rather than taken from a crate because those three properties
//! are part of IAM's validation rules (IAM-SPEC.md R1.3) and must be reported with the
//! same classified error as every other rule.

use super::error::{ErrorKind, Location, ParseError};

/// The deepest nesting of arrays and objects accepted. A valid policy needs at most
/// six levels (document, Statement array, statement, Condition, operator, key, values).
pub const MAX_DEPTH: usize = 32;

/// A JSON value with the byte offset where it starts in the source text.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    /// Byte offset of the first character of the value.
    pub offset: usize,
    /// The value itself.
    pub value: Value<'a>,
}

/// A JSON value. Strings borrow from the source when they hold no escapes.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, kept as its source text so that `10.0` prints back as written.
    Number(std::borrow::Cow<'a, str>),
    /// A string.
    String(std::borrow::Cow<'a, str>),
    /// An array.
    Array(Vec<Node<'a>>),
    /// An object; keys in source order with the offset of each key.
    Object(Vec<(std::borrow::Cow<'a, str>, usize, Node<'a>)>),
    /// A non-empty array of strings without escapes, as each string's text and the
    /// offset of its opening quote: a compact [`Value::Array`]. Only
    /// [`parse_with_string_lists`] makes it, for the keys it is given.
    Strings(Vec<(&'a str, usize)>),
}

impl Value<'_> {
    /// The JSON type name, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) | Value::Strings(_) => "array",
            Value::Object(_) => "object",
        }
    }
}

/// Parses `text` as one JSON value.
pub fn parse(text: &str) -> Result<Node<'_>, ParseError> {
    parse_with_string_lists(text, &[])
}

/// Parses `text` as [`parse`] does (the same errors), except that an array of strings
/// without escapes that is the value of a key in `keys` is read as [`Value::Strings`]
/// (no node per item).
pub fn parse_with_string_lists<'a>(text: &'a str, keys: &[&str]) -> Result<Node<'a>, ParseError> {
    let mut reader = Reader { text, bytes: text.as_bytes(), pos: 0, pointer: Vec::new(), string_lists: keys };
    reader.skip_ws();
    let node = reader.value(0)?;
    reader.skip_ws();
    if reader.pos < reader.bytes.len() {
        return Err(reader.error(reader.pos, "unexpected text after the JSON value".to_string()));
    }
    Ok(node)
}

struct Reader<'a, 'k> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// The path to the value being read, formatted only for an error.
    pointer: Vec<PathPart<'a>>,
    /// The keys whose string arrays are read as [`Value::Strings`].
    string_lists: &'k [&'k str],
}

/// One step of the path to the value being read: kept unformatted (an index, or a key
/// borrowed from the source) so that reading allocates nothing for it.
#[derive(Debug, Clone)]
enum PathPart<'a> {
    Index(usize),
    Key(std::borrow::Cow<'a, str>),
}

impl<'a> Reader<'a, '_> {
    fn error(&self, offset: usize, message: String) -> ParseError {
        ParseError::new(ErrorKind::Json, Location::at(self.text, offset, self.pointer_text()), message)
    }

    /// The current path as a JSON pointer.
    fn pointer_text(&self) -> String {
        let parts: Vec<String> = self
            .pointer
            .iter()
            .map(|p| match p {
                PathPart::Index(i) => i.to_string(),
                PathPart::Key(k) => k.to_string(),
            })
            .collect();
        pointer_string(&parts)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect_byte(&mut self, byte: u8) -> Result<(), ParseError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(self.pos, format!("expected '{}' but found {}", byte as char, self.describe_here())))
        }
    }

    fn describe_here(&self) -> String {
        match self.text.get(self.pos..).and_then(|rest| rest.chars().next()) {
            Some(c) => format!("'{c}'"),
            None => "the end of the text".to_string(),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node<'a>, ParseError> {
        let offset = self.pos;
        let value = match self.peek() {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => return Err(self.error(self.pos, format!("expected a JSON value but found {}", self.describe_here()))),
        };
        Ok(Node { offset, value })
    }

    fn literal(&mut self, word: &'static str, value: Value<'a>) -> Result<Value<'a>, ParseError> {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error(self.pos, format!("expected '{word}' but found {}", self.describe_here())))
        }
    }

    fn number(&mut self) -> Result<Value<'a>, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error(self.pos, "a number needs a digit".to_string())),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error(self.pos, "a decimal point must be followed by a digit".to_string()));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error(self.pos, "an exponent needs a digit".to_string()));
            }
            self.digits();
        }
        Ok(Value::Number(std::borrow::Cow::Borrowed(self.text.get(start..self.pos).unwrap_or(""))))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    fn string(&mut self) -> Result<std::borrow::Cow<'a, str>, ParseError> {
        let open = self.pos;
        self.pos += 1;
        let start = self.pos;
        // Fast path: no escapes. Find the first quote, backslash or control byte (the
        // first of the three in the text decides, as a byte-by-byte scan would).
        let rest = self.bytes.get(start..).unwrap_or_default();
        match find_string_stop(rest) {
            None => {
                return Err(self.error(open, "unterminated string".to_string()));
            }
            Some(i) => {
                self.pos = start + i;
                match rest.get(i).copied().unwrap_or_default() {
                    b'"' => {
                        let s = self.text.get(start..self.pos).unwrap_or("");
                        self.pos += 1;
                        return Ok(std::borrow::Cow::Borrowed(s));
                    }
                    b'\\' => {}
                    b => {
                        return Err(self
                            .error(self.pos, format!("control character U+{b:04X} inside a string must be escaped")))
                    }
                }
            }
        }
        let mut out = String::from(self.text.get(start..self.pos).unwrap_or(""));
        loop {
            match self.peek() {
                None => return Err(self.error(open, "unterminated string".to_string())),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(std::borrow::Cow::Owned(out));
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let esc = self.peek();
                    self.pos += 1;
                    match esc {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => out.push(self.unicode_escape()?),
                        _ => return Err(self.error(self.pos.saturating_sub(2), "invalid escape sequence".to_string())),
                    }
                }
                Some(b) if b < 0x20 => {
                    return Err(
                        self.error(self.pos, format!("control character U+{b:04X} inside a string must be escaped"))
                    )
                }
                Some(_) => {
                    let rest = self.text.get(self.pos..).unwrap_or("");
                    let run = rest.find(['"', '\\']).unwrap_or(rest.len());
                    let chunk = rest.get(..run).unwrap_or("");
                    if let Some(i) = chunk.bytes().position(|b| b < 0x20) {
                        self.pos += i;
                        continue;
                    }
                    out.push_str(chunk);
                    self.pos += run;
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error(self.pos, "truncated \\u escape".to_string()))?;
        let code = u32::from_str_radix(digits, 16)
            .map_err(|_| self.error(self.pos, format!("invalid \\u escape '{digits}'")))?;
        self.pos += 4;
        Ok(code)
    }

    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        let at = self.pos;
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                return Err(self.error(at, "unpaired surrogate in \\u escape".to_string()));
            }
            self.pos += 2;
            let second = self.hex4()?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.error(at, "unpaired surrogate in \\u escape".to_string()));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error(at, "invalid \\u escape".to_string()))
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        if depth >= MAX_DEPTH {
            return Err(self.error(self.pos, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        let listed = matches!(self.pointer.last(), Some(PathPart::Key(k)) if self.string_lists.contains(&k.as_ref()));
        if listed {
            if let Some(strings) = self.plain_strings() {
                return Ok(Value::Strings(strings));
            }
        }
        loop {
            self.skip_ws();
            self.pointer.push(PathPart::Index(items.len()));
            let item = self.value(depth + 1)?;
            self.pointer.pop();
            items.push(item);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => {
                    return Err(self.error(self.pos, format!("expected ',' or ']' but found {}", self.describe_here())))
                }
            }
        }
    }

    /// Reads the rest of an array, from its first item, when every item is a string
    /// without escapes; otherwise leaves the position where it was and gives `None`,
    /// so that the array is read item by item (and any error found as usual).
    fn plain_strings(&mut self) -> Option<Vec<(&'a str, usize)>> {
        let first = self.pos;
        let mut out = Vec::new();
        loop {
            let open = self.pos;
            // An item with an escape (an owned string) or an error: read the list item
            // by item instead, which finds the same error.
            let text = match self.peek() {
                Some(b'"') => match self.string() {
                    Ok(std::borrow::Cow::Borrowed(text)) => Some(text),
                    _ => None,
                },
                _ => None,
            };
            let Some(text) = text else {
                self.pos = first;
                return None;
            };
            out.push((text, open));
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                }
                Some(b']') => {
                    self.pos += 1;
                    return Some(out);
                }
                _ => {
                    self.pos = first;
                    return None;
                }
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        if depth >= MAX_DEPTH {
            return Err(self.error(self.pos, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        self.pos += 1;
        let mut members: Vec<(std::borrow::Cow<'a, str>, usize, Node<'a>)> = Vec::new();
        // Small objects are checked for duplicates by a scan, large ones by a set, so
        // that a hostile object of many keys stays linear.
        let mut seen: Option<std::collections::HashSet<String>> = None;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.error(self.pos, format!("expected a key string but found {}", self.describe_here())));
            }
            let key_offset = self.pos;
            let key = self.string()?;
            // R1.3: a key must not repeat inside one object.
            let duplicate = match &mut seen {
                Some(set) => !set.insert(key.to_string()),
                None => {
                    let dup = members.iter().any(|(k, _, _)| *k == key);
                    if members.len() >= 16 {
                        let mut set: std::collections::HashSet<String> =
                            members.iter().map(|(k, _, _)| k.to_string()).collect();
                        set.insert(key.to_string());
                        seen = Some(set);
                    }
                    dup
                }
            };
            if duplicate {
                self.pointer.push(PathPart::Key(key.clone()));
                let err = self.error(key_offset, format!("duplicate key \"{key}\""));
                return Err(err);
            }
            self.skip_ws();
            self.expect_byte(b':')?;
            self.skip_ws();
            self.pointer.push(PathPart::Key(key.clone()));
            let value = self.value(depth + 1)?;
            self.pointer.pop();
            members.push((key, key_offset, value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                _ => {
                    return Err(self.error(self.pos, format!("expected ',' or '}}' but found {}", self.describe_here())))
                }
            }
        }
    }
}

/// The index of the first byte of `bytes` that ends the plain run of a JSON string: a
/// quote, a backslash or a control byte (below 0x20). Tests eight bytes at a time, and
/// the bytes after the last whole word one by one.
fn find_string_stop(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    /// A high bit in every byte of `x` that is zero, and possibly in bytes above one
    /// that is ("haszero" of Bit Twiddling Hacks): never a miss, and the lowest one
    /// always real.
    fn zero_bytes(x: u64) -> u64 {
        x.wrapping_sub(ONES) & !x & HIGH
    }
    let is_stop = |b: u8| b == b'"' || b == b'\\' || b < 0x20;
    let mut i = 0;
    while let Some(word) = bytes.get(i..i + 8).and_then(|c| <[u8; 8]>::try_from(c).ok()) {
        let w = u64::from_le_bytes(word);
        // A quote, a backslash, or a byte below 0x20 (the same trick: `w - 0x20` borrows
        // into the high bit only for such a byte, or above one).
        let flags = zero_bytes(w ^ (ONES * u64::from(b'"')))
            | zero_bytes(w ^ (ONES * u64::from(b'\\')))
            | (w.wrapping_sub(ONES * 0x20) & !w & HIGH);
        if flags != 0 {
            // The lowest flagged byte is always a real one: a false flag comes only from
            // a borrow, which runs upwards from a real one.
            return Some(i + (flags.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    bytes.get(i..).and_then(|tail| tail.iter().position(|&b| is_stop(b))).map(|j| i + j)
}

/// Converts an already-parsed `serde_json` value (which cannot hold duplicate keys)
/// into a [`Node`] tree, borrowing its strings. Offsets are 0: there is no text.
pub fn from_value(value: &serde_json::Value) -> Result<Node<'_>, ParseError> {
    fn go(v: &serde_json::Value, depth: usize) -> Result<Node<'_>, ParseError> {
        use std::borrow::Cow;
        // The text reader's limit, counted the same way: an array or object at depth
        // MAX_DEPTH (the document itself at depth 0) is too deep, whatever it holds.
        if depth >= MAX_DEPTH && (v.is_array() || v.is_object()) {
            return Err(ParseError::new(
                ErrorKind::Json,
                Location::default(),
                format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
        }
        let value = match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(Cow::Owned(n.to_string())),
            serde_json::Value::String(s) => Value::String(Cow::Borrowed(s.as_str())),
            serde_json::Value::Array(items) => {
                Value::Array(items.iter().map(|i| go(i, depth + 1)).collect::<Result<_, _>>()?)
            }
            serde_json::Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| Ok((Cow::Borrowed(k.as_str()), 0, go(v, depth + 1)?)))
                    .collect::<Result<_, ParseError>>()?,
            ),
        };
        Ok(Node { offset: 0, value })
    }
    go(value, 0)
}

/// Formats a path of keys and indexes as a JSON pointer (RFC 6901).
pub fn pointer_string(parts: &[String]) -> String {
    let mut out = String::new();
    for part in parts {
        out.push('/');
        out.push_str(&part.replace('~', "~0").replace('/', "~1"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_values_with_offsets() {
        let node = parse(r#"{"a": [1, "x\u0041", true, null]}"#).unwrap();
        let Value::Object(members) = node.value else { panic!("object") };
        assert_eq!(members[0].0, "a");
        let Value::Array(items) = &members[0].2.value else { panic!("array") };
        assert_eq!(items[1].value, Value::String("xA".into()));
        assert_eq!(items[0].offset, 7);
    }

    /// The word-at-a-time scan finds the first quote, backslash or control byte
    /// wherever it sits, past bytes of every other value (UTF-8 lead and continuation
    /// bytes included).
    #[test]
    fn string_stop_at_every_position() {
        let naive = |b: &[u8]| b.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20);
        let fillers: Vec<u8> = (0x20..=0xFF).filter(|&c| c != b'"' && c != b'\\').collect();
        for len in 0..40 {
            for stop in [b'"', b'\\', 0x00, 0x1F, b'\n'] {
                for at in 0..=len {
                    let mut bytes: Vec<u8> = (0..len).map(|i| fillers[(i * 37 + at) % fillers.len()]).collect();
                    if at < len {
                        bytes[at] = stop;
                    }
                    assert_eq!(find_string_stop(&bytes), naive(&bytes), "{bytes:?}");
                }
            }
        }
        assert_eq!(find_string_stop(&[0xFF; 17]), None);
        // Every byte value, stops included, in pseudo-random runs; mostly ordinary bytes,
        // so that the first stop lands anywhere.
        let pick = |r: usize| if r % 8 == 0 { (r / 8) as u8 % 0x20 } else { r as u8 | 0x20 };
        for bytes in crate::policy::pseudo_random_runs(20_000, 40, pick) {
            assert_eq!(find_string_stop(&bytes), naive(&bytes), "{bytes:?}");
        }
    }

    /// The tree with every [`Value::Strings`] written out as the [`Value::Array`] of
    /// string nodes it stands for.
    fn expand(node: Node<'_>) -> Node<'_> {
        let value = match node.value {
            Value::Strings(items) => Value::Array(
                items.into_iter().map(|(t, offset)| Node { offset, value: Value::String(t.into()) }).collect(),
            ),
            Value::Array(items) => Value::Array(items.into_iter().map(expand).collect()),
            Value::Object(members) => Value::Object(members.into_iter().map(|(k, o, v)| (k, o, expand(v))).collect()),
            other => other,
        };
        Node { value, ..node }
    }

    /// Reading string lists compactly changes neither the tree (written out) nor any
    /// error, whatever the list holds.
    #[test]
    fn string_lists_read_as_the_plain_tree() {
        let lists = [
            r#"["a", "b:c*", ""]"#,
            r#"[ "a" ,"b" ]"#,
            r#"["a", 1]"#,
            r#"["a", "b\u0041"]"#,
            r#"["a", ["b"]]"#,
            r#"["a" "b"]"#,
            r#"["a",]"#,
            r#"["a", "b"#,
            "[\"a\", \"b\u{1}\"]",
            r#"["a", "b"}"#,
            r#"[]"#,
            r#"[1, "a"]"#,
            r#""a""#,
            r#"["é", "\\"]"#,
        ];
        for list in lists {
            for text in [format!(r#"{{"Action": {list}}}"#), format!(r#"{{"x": {{"Action": {list}, "y": {list}}}}}"#)] {
                let plain = parse(&text);
                let compact = parse_with_string_lists(&text, &["Action"]);
                match (plain, compact) {
                    (Ok(p), Ok(c)) => assert_eq!(expand(c), p, "{text}"),
                    (p, c) => assert_eq!(c.map(expand), p, "{text}"),
                }
            }
        }
        let Value::Object(members) = parse_with_string_lists(r#"{"Action": ["a", "b"]}"#, &["Action"]).unwrap().value
        else {
            panic!("object")
        };
        assert_eq!(members[0].2.value, Value::Strings(vec![("a", 12), ("b", 17)]));
    }

    #[test]
    fn rejects_duplicate_keys_with_location() {
        let err = parse("{\"Effect\":\"Allow\",\n \"Effect\":\"Deny\"}").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Json);
        assert_eq!(err.location.line, 2);
        assert_eq!(err.location.pointer, "/Effect");
        assert!(err.message.contains("duplicate key \"Effect\""));
    }

    #[test]
    fn text_and_object_forms_have_the_same_nesting_limit() {
        for depth in [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1] {
            for inner in ["{}", "\"x\"", "[]"] {
                let text = format!("{}{inner}{}", "{\"a\":".repeat(depth), "}".repeat(depth));
                let value: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_eq!(parse(&text).is_ok(), from_value(&value).is_ok(), "{depth} levels around {inner}");
            }
        }
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(parse(&deep).is_err());
        assert!(from_value(&serde_json::from_str(&deep).unwrap()).is_err());
    }

    #[test]
    fn rejects_deep_nesting_and_garbage() {
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert_eq!(parse(&deep).unwrap_err().kind, ErrorKind::Json);
        assert!(parse("{} x").is_err());
        assert!(parse("\"abc").is_err());
        assert!(parse("01").is_err());
        assert!(parse("\"\\ud800\"").is_err());
    }

    #[test]
    fn messages_say_what_was_found() {
        assert!(parse("[1 2]").unwrap_err().message.ends_with("but found '2'"));
        assert!(parse("[1").unwrap_err().message.ends_with("but found the end of the text"));
        let names: Vec<&str> =
            ["null", "true", "1", "\"s\"", "[]", "{}"].iter().map(|t| parse(t).unwrap().value.type_name()).collect();
        assert_eq!(names, ["null", "boolean", "number", "string", "array", "object"]);
    }
}
