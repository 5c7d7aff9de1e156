//! IAM wildcard matching (`*` any run, `?` one character) and ARN matching by component.
//!
//! Written here rather than taken from a glob crate because IAM's rules are not a
//! file-system glob's: `/` is an ordinary character (IAM-SPEC.md R2.6), there are no
//! classes or escapes, ARNs match component by component (R2.5, R3.11), and the
//! matcher must be linear in the input for every pattern (no backtracking blow-up).
//!
//! The algorithm: a pattern is split at its `*`s into segments. The first segment
//! must match at the start, the last at the end, and each middle segment is found at
//! its leftmost position after the previous one. Leftmost placement is always safe
//! for a glob whose only variable-length token is `*`, so no backtracking is needed;
//! the cost is at most the input length times the longest segment.

/// One token of a segment: a literal byte or `?` (one character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Tok {
    Byte(u8),
    AnyChar,
}

/// A run of tokens between two `*`s.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
struct Segment {
    toks: Vec<Tok>,
    /// True when the segment has no `?`, so substring search can be used.
    literal: bool,
}

impl Segment {
    fn literal_bytes(&self) -> Vec<u8> {
        self.toks.iter().filter_map(|t| if let Tok::Byte(b) = t { Some(*b) } else { None }).collect()
    }
}

/// A compiled IAM wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Glob {
    source: String,
    case_insensitive: bool,
    /// Segments split at `*`; `segments.len() == stars + 1`.
    segments: Vec<Segment>,
}

/// Builds a pattern from parts: literal text (where `*` and `?` are ordinary
/// characters) and wildcard text. Used for policy variables, whose resolved values
/// are inserted literally.
#[derive(Debug, Default)]
pub struct GlobBuilder {
    segments: Vec<Segment>,
    current: Segment,
    source: String,
}

impl GlobBuilder {
    /// An empty builder.
    pub fn new() -> GlobBuilder {
        GlobBuilder {
            segments: Vec::new(),
            current: Segment { toks: Vec::new(), literal: true },
            source: String::new(),
        }
    }

    /// Appends text in which `*` and `?` are wildcards.
    pub fn wild(&mut self, text: &str) -> &mut Self {
        self.source.push_str(text);
        let mut chars = text.char_indices();
        for (_, c) in chars.by_ref() {
            match c {
                '*' => {
                    let done = std::mem::replace(&mut self.current, Segment { toks: Vec::new(), literal: true });
                    self.segments.push(done);
                }
                '?' => {
                    self.current.toks.push(Tok::AnyChar);
                    self.current.literal = false;
                }
                other => self.push_char(other),
            }
        }
        self
    }

    /// Appends text matched literally.
    pub fn literal(&mut self, text: &str) -> &mut Self {
        self.source.push_str(text);
        for c in text.chars() {
            self.push_char(c);
        }
        self
    }

    fn push_char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        for b in c.encode_utf8(&mut buf).bytes() {
            self.current.toks.push(Tok::Byte(b));
        }
    }

    /// Finishes the pattern.
    pub fn build(mut self, case_insensitive: bool) -> Glob {
        self.segments.push(self.current);
        let mut glob = Glob { source: self.source, case_insensitive, segments: self.segments };
        if case_insensitive {
            for seg in &mut glob.segments {
                for tok in &mut seg.toks {
                    if let Tok::Byte(b) = tok {
                        *b = b.to_ascii_lowercase();
                    }
                }
            }
        }
        glob
    }
}

impl Glob {
    /// Compiles `pattern` (`*` and `?` are wildcards). `case_insensitive` folds ASCII case.
    pub fn new(pattern: &str, case_insensitive: bool) -> Glob {
        let mut b = GlobBuilder::new();
        b.wild(pattern);
        b.build(case_insensitive)
    }

    /// The pattern text as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// True when the pattern is exactly `*`.
    pub fn is_match_all(&self) -> bool {
        self.segments.len() == 2 && self.segments.iter().all(|s| s.toks.is_empty())
    }

    /// True when the pattern has no wildcard.
    pub fn is_literal(&self) -> bool {
        self.segments.len() == 1 && self.segments.first().is_some_and(|s| s.literal)
    }

    /// Does `input` match the whole pattern?
    pub fn matches(&self, input: &str) -> bool {
        let input = input.as_bytes();
        let ci = self.case_insensitive;
        let (first, rest) = match self.segments.split_first() {
            Some(x) => x,
            None => return input.is_empty(),
        };
        let Some((last, middle)) = rest.split_last() else {
            // No star: the single segment must match the whole input.
            return match_at(&first.toks, input, 0, ci) == Some(input.len());
        };
        let Some(mut pos) = match_at(&first.toks, input, 0, ci) else { return false };
        for seg in middle {
            match find(seg, input, pos, ci) {
                Some(end) => pos = end,
                None => return false,
            }
        }
        // The last segment must match a suffix that starts at or after `pos`.
        match_suffix(&last.toks, input, pos, ci)
    }
}

/// Length in bytes of the UTF-8 character starting with byte `b`.
fn char_len(b: u8) -> usize {
    match b {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

fn byte_eq(pat: u8, input: u8, ci: bool) -> bool {
    if ci {
        pat == input.to_ascii_lowercase()
    } else {
        pat == input
    }
}

/// Matches `toks` at `start`; returns the end position.
fn match_at(toks: &[Tok], input: &[u8], start: usize, ci: bool) -> Option<usize> {
    let mut pos = start;
    for tok in toks {
        match tok {
            Tok::Byte(b) => {
                if !byte_eq(*b, *input.get(pos)?, ci) {
                    return None;
                }
                pos += 1;
            }
            Tok::AnyChar => {
                let first = *input.get(pos)?;
                pos += char_len(first);
                if pos > input.len() {
                    return None;
                }
            }
        }
    }
    Some(pos)
}

/// Finds the leftmost match of `seg` at or after `from`; returns its end.
fn find(seg: &Segment, input: &[u8], from: usize, ci: bool) -> Option<usize> {
    if seg.toks.is_empty() {
        return Some(from);
    }
    let hay = input.get(from..)?;
    if seg.literal && !ci {
        let needle = seg.literal_bytes();
        return memchr::memmem::find(hay, &needle).map(|i| from + i + needle.len());
    }
    let mut start = from;
    while start < input.len() {
        if let Some(end) = match_at(&seg.toks, input, start, ci) {
            return Some(end);
        }
        // Advance to the next character boundary so `?` never splits a character.
        start += input.get(start).map(|&b| char_len(b)).unwrap_or(1);
    }
    None
}

/// Does `toks` match a suffix of `input` that starts at or after `from`?
fn match_suffix(toks: &[Tok], input: &[u8], from: usize, ci: bool) -> bool {
    if toks.iter().all(|t| matches!(t, Tok::Byte(_))) {
        let n = toks.len();
        if input.len() < from + n {
            return false;
        }
        return match_at(toks, input, input.len() - n, ci) == Some(input.len());
    }
    // With `?` the suffix length in bytes varies; try each character boundary.
    let mut start = from;
    loop {
        if match_at(toks, input, start, ci) == Some(input.len()) {
            return true;
        }
        if start >= input.len() {
            return false;
        }
        start += input.get(start).map(|&b| char_len(b)).unwrap_or(1);
    }
}

/// A naive recursive reference matcher, exponential in the worst case; used only by
/// tests, property tests and fuzz targets to check [`Glob`].
pub fn reference_match(pattern: &str, input: &str, case_insensitive: bool) -> bool {
    fn go(p: &[char], s: &[char]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some(('*', rest)) => (0..=s.len()).any(|i| s.get(i..).is_some_and(|tail| go(rest, tail))),
            Some(('?', rest)) => s.split_first().is_some_and(|(_, tail)| go(rest, tail)),
            Some((c, rest)) => s.split_first().is_some_and(|(h, tail)| h == c && go(rest, tail)),
        }
    }
    let fold = |t: &str| -> Vec<char> {
        if case_insensitive {
            t.chars().map(|c| c.to_ascii_lowercase()).collect()
        } else {
            t.chars().collect()
        }
    };
    go(&fold(pattern), &fold(input))
}

/// Splits an ARN into its six components: `arn`, partition, service, region,
/// account, resource (the resource keeps any further `:`). `None` if it has fewer.
pub fn arn_components(arn: &str) -> Option<[&str; 6]> {
    let mut it = arn.splitn(6, ':');
    let parts = [it.next()?, it.next()?, it.next()?, it.next()?, it.next()?, it.next()?];
    Some(parts)
}

/// A compiled ARN pattern, matched component by component (R2.5, R3.11): a wildcard
/// never crosses one of the first five colons.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ArnPattern {
    /// The whole value `*`: every ARN.
    Any,
    /// Six component globs.
    Components(Box<[Glob; 6]>),
    /// Fewer than six components (IAM-SPEC.md U8, undocumented): matched as one glob
    /// over the whole text.
    Whole(Glob),
    /// A `Resource` pattern in which one of the first five components ends with `*`:
    /// "if the wildcard is the last character of a resource ARN segment, it can expand
    /// to match beyond colon boundaries" (Resource element page). The components
    /// before it match one by one; from it on, the rest matches as one glob.
    Expanding {
        /// Component globs before the expanding one.
        head: Vec<Glob>,
        /// The rest of the pattern, from the expanding component on.
        rest: Glob,
    },
}

impl ArnPattern {
    /// Compiles an ARN pattern.
    pub fn new(pattern: &str) -> ArnPattern {
        if pattern == "*" {
            return ArnPattern::Any;
        }
        match arn_components(pattern) {
            Some(parts) => ArnPattern::Components(Box::new(parts.map(|p| Glob::new(p, false)))),
            None => ArnPattern::Whole(Glob::new(pattern, false)),
        }
    }

    /// Compiles a `Resource` element entry: like [`ArnPattern::new`], but a `*` that
    /// ends one of the first five components may cross colons (see
    /// [`ArnPattern::Expanding`]). Condition operators (`ArnLike`) keep the strict
    /// per-component rule (R3.11).
    pub fn new_resource(pattern: &str) -> ArnPattern {
        if pattern == "*" {
            return ArnPattern::Any;
        }
        let parts: Vec<&str> = pattern.splitn(6, ':').collect();
        let expanding = parts.iter().take(5).position(|p| p.ends_with('*'));
        match expanding {
            Some(k) if parts.len() > k + 1 || parts.len() < 6 => {
                let head = parts.iter().take(k).map(|p| Glob::new(p, false)).collect();
                let rest = parts.get(k..).map(|r| r.join(":")).unwrap_or_default();
                ArnPattern::Expanding { head, rest: Glob::new(&rest, false) }
            }
            _ => ArnPattern::new(pattern),
        }
    }

    /// Compiles from six already-built component globs.
    pub fn from_components(parts: [Glob; 6]) -> ArnPattern {
        ArnPattern::Components(Box::new(parts))
    }

    /// Does the ARN `input` match?
    pub fn matches(&self, input: &str) -> bool {
        match self {
            ArnPattern::Any => true,
            ArnPattern::Whole(g) => g.matches(input),
            ArnPattern::Expanding { head, rest } => {
                let mut it = input.splitn(head.len() + 1, ':');
                for g in head {
                    match it.next() {
                        Some(part) if g.matches(part) => {}
                        _ => return false,
                    }
                }
                it.next().is_some_and(|remainder| rest.matches(remainder))
            }
            ArnPattern::Components(globs) => match arn_components(input) {
                Some(parts) => globs.iter().zip(parts.iter()).all(|(g, p)| g.matches(p)),
                None => false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("*", "", true)]
    #[case("*", "anything/at:all", true)]
    #[case("a*", "a", true)]
    #[case("a*b", "ab", true)]
    #[case("a*b", "axxb", true)]
    #[case("a*b", "axxbc", false)]
    #[case("a?c", "abc", true)]
    #[case("a?c", "ac", false)]
    #[case("a?c", "aéc", true)]
    #[case("*a*a*b", "aab", true)]
    #[case("*a*a*b", "ab", false)]
    #[case("abc", "abc", true)]
    #[case("abc", "abcd", false)]
    #[case("?", "", false)]
    #[case("*?", "x", true)]
    #[case("**", "", true)]
    fn globs(#[case] pattern: &str, #[case] input: &str, #[case] expected: bool) {
        assert_eq!(Glob::new(pattern, false).matches(input), expected, "{pattern} vs {input}");
        assert_eq!(reference_match(pattern, input, false), expected);
    }

    #[test]
    fn case_insensitive_actions() {
        let g = Glob::new("iam:list*", true);
        assert!(g.matches("IAM:ListAccessKeys"));
        assert!(!Glob::new("iam:list*", false).matches("IAM:ListAccessKeys"));
    }

    #[rstest]
    // R2.6: `/` is not special inside the resource component.
    #[case("arn:aws:s3:::b/*/test/*", "arn:aws:s3:::b/1/2/test/3/x.jpg", true)]
    #[case("arn:aws:s3:::b/*/test/*", "arn:aws:s3:::b//test/x", true)]
    #[case("arn:aws:s3:::b/*/test/*", "arn:aws:s3:::b/1/test/", true)]
    #[case("arn:aws:s3:::b/*/test/*", "arn:aws:s3:::b/test/x", false)]
    #[case("arn:aws:s3:::b/*/test/*", "arn:aws:s3:::b/1-test/x", false)]
    // R3.11: `*` cannot cross a component colon.
    #[case(
        "arn:aws:svc:*:111122223333:finance/*",
        "arn:aws:svc:us-east-2:999999999999:store/abc:111122223333:finance/x",
        false
    )]
    #[case("arn:aws:svc:*:111122223333:finance/*", "arn:aws:svc:us-east-2:111122223333:finance/x", true)]
    #[case("*", "not-an-arn", true)]
    #[case("arn:aws:s3:::B", "arn:aws:s3:::b", false)]
    fn arns(#[case] pattern: &str, #[case] input: &str, #[case] expected: bool) {
        assert_eq!(ArnPattern::new(pattern).matches(input), expected);
    }

    #[rstest]
    #[case("arn:aws:s3:*", "arn:aws:s3:::bucket/key", true)]
    #[case("arn:aws:ec2:us-east-1:*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", true)]
    #[case("arn:aws:ec2:us-east-1:*", "arn:aws:ec2:eu-west-1:111122223333:instance/i-1", false)]
    #[case(
        "arn:aws:svc:us-*:111122223333:finance/*",
        "arn:aws:svc:us-east-2:999999999999:store/abc:111122223333:finance/x",
        true
    )]
    #[case("arn:aws:s3:::b/*", "arn:aws:s3:::b/x:y", true)]
    #[case("arn:aws:iam::111122223333:user/*", "arn:aws:iam::444455556666:user/x", false)]
    fn resource_trailing_star_expands_across_colons(
        #[case] pattern: &str,
        #[case] input: &str,
        #[case] expected: bool,
    ) {
        assert_eq!(ArnPattern::new_resource(pattern).matches(input), expected);
    }

    #[test]
    fn string_like_crosses_colons_where_arn_like_does_not() {
        let input = "arn:aws:svc:us-east-2:999999999999:store/abc:111122223333:finance/x";
        assert!(Glob::new("arn:aws:svc:*:111122223333:finance/*", false).matches(input));
    }

    #[test]
    fn builder_inserts_literal_wildcards() {
        let mut b = GlobBuilder::new();
        b.wild("a*").literal("*?").wild("?");
        let g = b.build(false);
        assert!(g.matches("axx*?z"));
        assert!(!g.matches("axxyyz"));
    }

    #[test]
    fn adversarial_pattern_is_fast_and_correct() {
        let pattern = "*a".repeat(100) + "b";
        let input = "a".repeat(10_000);
        assert!(!Glob::new(&pattern, false).matches(&input));
        let input_b = "a".repeat(10_000) + "b";
        assert!(Glob::new(&pattern, false).matches(&input_b));
    }
}
