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
//!
//! How a segment is searched for (substring search, Knuth-Morris-Pratt, Shift-And) is
//! machinery, not IAM semantics: it lives in [`search`].

mod search;

use search::Tok;

/// A run of the pattern between two `*`s.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Segment {
    /// Literal bytes only: the byte range `start..end` of the glob's source text, so
    /// that the segment needs no allocation of its own, compares as a slice and is
    /// searched with a substring search. A case-insensitive glob folds both sides
    /// when comparing.
    Lit { start: usize, end: usize },
    /// At least one `?`. Byte tokens are whole UTF-8 characters, ASCII-folded to
    /// lower case in a case-insensitive glob.
    Toks(Box<[Tok]>),
}

impl Segment {
    /// The segment for `source[start..end]`, wildcard text without `*`.
    fn wild(source: &str, start: usize, end: usize, ci: bool) -> Segment {
        let piece = source.get(start..end).unwrap_or("");
        if !piece.contains('?') {
            return Segment::Lit { start, end };
        }
        let mut toks = Vec::with_capacity(piece.len());
        for c in piece.chars() {
            if c == '?' {
                toks.push(Tok::AnyChar);
            } else {
                let mut buf = [0u8; 4];
                toks.extend(
                    c.encode_utf8(&mut buf).bytes().map(|b| Tok::Byte(if ci { b.to_ascii_lowercase() } else { b })),
                );
            }
        }
        Segment::Toks(toks.into_boxed_slice())
    }

    fn is_empty(&self) -> bool {
        match self {
            Segment::Lit { start, end } => start >= end,
            Segment::Toks(t) => t.is_empty(),
        }
    }

    /// The fewest input bytes the segment can match.
    fn min_len(&self) -> usize {
        match self {
            Segment::Lit { start, end } => end.saturating_sub(*start),
            Segment::Toks(t) => t.len(),
        }
    }
}

/// A compiled IAM wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Glob {
    source: String,
    case_insensitive: bool,
    /// The text before the first `*` (the whole pattern when it has no `*`).
    first: Segment,
    /// The segments between two `*`s.
    middle: Box<[Segment]>,
    /// The text after the last `*`; `None` when the pattern has no `*`.
    last: Option<Segment>,
    /// The fewest input bytes any match needs.
    min_len: usize,
}

/// Where a segment being built by [`GlobBuilder`] stands.
#[derive(Debug)]
enum Pending {
    /// Literal so far: it starts at this byte of the source.
    Lit(usize),
    /// Has a `?`: its tokens so far.
    Toks(Vec<Tok>),
}

/// Builds a pattern from parts: literal text (where `*` and `?` are ordinary
/// characters) and wildcard text. Used for policy variables, whose resolved values
/// are inserted literally.
#[derive(Debug)]
pub struct GlobBuilder {
    segments: Vec<Segment>,
    current: Pending,
    source: String,
}

impl Default for GlobBuilder {
    fn default() -> Self {
        GlobBuilder::new()
    }
}

impl GlobBuilder {
    /// An empty builder.
    pub fn new() -> GlobBuilder {
        GlobBuilder { segments: Vec::new(), current: Pending::Lit(0), source: String::new() }
    }

    /// Appends text in which `*` and `?` are wildcards.
    pub fn wild(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            match c {
                '*' => {
                    let end = self.source.len();
                    let done = std::mem::replace(&mut self.current, Pending::Lit(end + 1));
                    self.segments.push(match done {
                        Pending::Lit(start) => Segment::Lit { start, end },
                        Pending::Toks(toks) => Segment::Toks(toks.into_boxed_slice()),
                    });
                    self.source.push('*');
                }
                '?' => {
                    if let Pending::Lit(start) = self.current {
                        let bytes = self.source.get(start..).unwrap_or("").bytes();
                        self.current = Pending::Toks(bytes.map(Tok::Byte).collect());
                    }
                    if let Pending::Toks(toks) = &mut self.current {
                        toks.push(Tok::AnyChar);
                    }
                    self.source.push('?');
                }
                other => self.push_literal(other.encode_utf8(&mut [0u8; 4])),
            }
        }
        self
    }

    /// Appends text matched literally.
    pub fn literal(&mut self, text: &str) -> &mut Self {
        self.push_literal(text);
        self
    }

    fn push_literal(&mut self, text: &str) {
        if let Pending::Toks(toks) = &mut self.current {
            toks.extend(text.bytes().map(Tok::Byte));
        }
        self.source.push_str(text);
    }

    /// Finishes the pattern.
    pub fn build(mut self, case_insensitive: bool) -> Glob {
        let end = self.source.len();
        self.segments.push(match self.current {
            Pending::Lit(start) => Segment::Lit { start, end },
            Pending::Toks(toks) => Segment::Toks(toks.into_boxed_slice()),
        });
        if case_insensitive {
            for seg in &mut self.segments {
                if let Segment::Toks(toks) = seg {
                    for tok in toks.iter_mut() {
                        if let Tok::Byte(b) = tok {
                            *b = b.to_ascii_lowercase();
                        }
                    }
                }
            }
        }
        let min_len = self.segments.iter().map(Segment::min_len).sum();
        let last = if self.segments.len() > 1 { self.segments.pop() } else { None };
        let mut rest = self.segments.into_iter();
        let first = rest.next().unwrap_or(Segment::Lit { start: 0, end: 0 });
        Glob { source: self.source, case_insensitive, first, middle: rest.collect(), last, min_len }
    }
}

impl Glob {
    /// Compiles `pattern` (`*` and `?` are wildcards). `case_insensitive` folds ASCII case.
    pub fn new(pattern: &str, case_insensitive: bool) -> Glob {
        Glob::from_string(pattern.to_string(), case_insensitive)
    }

    /// Compiles an owned pattern without copying its text.
    pub fn from_string(source: String, case_insensitive: bool) -> Glob {
        let pattern = source.as_str();
        let ci = case_insensitive;
        let mut stars = memchr::memchr_iter(b'*', pattern.as_bytes());
        let Some(first_star) = stars.next() else {
            let first = Segment::wild(pattern, 0, pattern.len(), ci);
            let min_len = first.min_len();
            return Glob { source, case_insensitive, first, middle: Box::default(), last: None, min_len };
        };
        let first = Segment::wild(pattern, 0, first_star, ci);
        let mut middle = Vec::new();
        let mut start = first_star + 1;
        for star in stars {
            middle.push(Segment::wild(pattern, start, star, ci));
            start = star + 1;
        }
        let last = Segment::wild(pattern, start, pattern.len(), ci);
        let min_len = first.min_len() + middle.iter().map(Segment::min_len).sum::<usize>() + last.min_len();
        Glob { source, case_insensitive, first, middle: middle.into(), last: Some(last), min_len }
    }

    /// A pattern that matches exactly `source` (up to ASCII case when
    /// `case_insensitive`): a `*` or `?` in it is an ordinary character. For text known
    /// to hold no wildcard, it gives what [`Glob::from_string`] gives, without scanning.
    pub(crate) fn literal(source: String, case_insensitive: bool) -> Glob {
        let len = source.len();
        let first = Segment::Lit { start: 0, end: len };
        Glob { source, case_insensitive, first, middle: Box::default(), last: None, min_len: len }
    }

    /// The pattern text as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The literal bytes of a segment.
    fn lit(&self, start: usize, end: usize) -> &[u8] {
        self.source.as_bytes().get(start..end).unwrap_or_default()
    }

    /// For a pattern without wildcards, its bytes as written: the only input it
    /// matches (up to ASCII case when the glob is case-insensitive).
    pub(crate) fn literal_bytes(&self) -> Option<&[u8]> {
        match (&self.first, &self.last) {
            (Segment::Lit { start, end }, None) => Some(self.lit(*start, *end)),
            _ => None,
        }
    }

    /// The literal bytes every match starts with (up to ASCII case when the glob is
    /// case-insensitive): the pattern up to its first `*` or `?`.
    pub(crate) fn leading_literal(&self) -> std::borrow::Cow<'_, [u8]> {
        match &self.first {
            Segment::Lit { start, end } => std::borrow::Cow::Borrowed(self.lit(*start, *end)),
            Segment::Toks(toks) => std::borrow::Cow::Owned(
                toks.iter().map_while(|t| if let Tok::Byte(b) = t { Some(*b) } else { None }).collect(),
            ),
        }
    }

    /// Does `input` match the whole pattern?
    pub fn matches(&self, input: &str) -> bool {
        let input = input.as_bytes();
        if input.len() < self.min_len {
            return false;
        }
        let Some(last) = &self.last else {
            // No star: the single segment must match the whole input.
            return self.match_at(&self.first, input, 0) == Some(input.len());
        };
        let Some(mut pos) = self.match_at(&self.first, input, 0) else { return false };
        for seg in self.middle.iter() {
            match self.find(seg, input, pos) {
                Some(end) => pos = end,
                None => return false,
            }
        }
        // The last segment must match a suffix that starts at or after `pos`.
        self.match_suffix(last, input, pos)
    }

    /// Compares input bytes with literal pattern bytes.
    fn slice_eq(&self, input: &[u8], pat: &[u8]) -> bool {
        if self.case_insensitive {
            input.eq_ignore_ascii_case(pat)
        } else {
            input == pat
        }
    }

    /// Matches `seg` at `start`; returns the end position.
    fn match_at(&self, seg: &Segment, input: &[u8], start: usize) -> Option<usize> {
        match seg {
            Segment::Lit { start: s, end: e } => {
                let pat = self.lit(*s, *e);
                let end = start.checked_add(pat.len())?;
                self.slice_eq(input.get(start..end)?, pat).then_some(end)
            }
            Segment::Toks(toks) => search::match_toks_at(toks, input, start, self.case_insensitive),
        }
    }

    /// Finds the leftmost match of `seg` at or after `from`; returns its end.
    fn find(&self, seg: &Segment, input: &[u8], from: usize) -> Option<usize> {
        if seg.is_empty() {
            return Some(from);
        }
        let ci = self.case_insensitive;
        match seg {
            Segment::Lit { start, end } => {
                let pat = self.lit(*start, *end);
                search::find_literal(input.get(from..)?, pat, ci).map(|i| from + i + pat.len())
            }
            Segment::Toks(toks) => search::find_toks(toks, input, from, ci),
        }
    }

    /// Does `seg` match a suffix of `input` that starts at or after `from`?
    fn match_suffix(&self, seg: &Segment, input: &[u8], from: usize) -> bool {
        match seg {
            Segment::Lit { start, end } => {
                let pat = self.lit(*start, *end);
                let n = pat.len();
                input.len() >= from.saturating_add(n)
                    && input.get(input.len() - n..).is_some_and(|s| self.slice_eq(s, pat))
            }
            Segment::Toks(toks) => search::match_toks_suffix(toks, input, from, self.case_insensitive),
        }
    }
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
            Some(k) => {
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
                // The resource component first: it is the one that differs between
                // the ARNs of one account, so a mismatch is found at once.
                Some(parts) => globs.iter().zip(parts.iter()).rev().all(|(g, p)| g.matches(p)),
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
    fn long_case_insensitive_literal_segments_use_a_linear_search() {
        let seg = "ab".repeat(40) + "c";
        let pattern = format!("x*{seg}*y");
        let g = Glob::new(&pattern, true);
        let hit = format!("X{}{}Y", "AB".repeat(1_000), seg.to_uppercase());
        assert!(g.matches(&hit));
        assert!(!g.matches(&format!("x{}y", "ab".repeat(1_000))));
    }

    #[test]
    fn suffix_with_question_marks_and_multibyte_characters() {
        for (pattern, input, expected) in [
            ("*?", "é", true),
            ("*a?", "xaé", true),
            ("*a?", "xa", false),
            ("*é?c", "ééxc", true),
            ("*?é", "é", false),
            ("x*??", "xé", false),
            ("x*??", "xéé", true),
            ("ab*?b", "abb", false),
            ("ab*?b", "abxb", true),
        ] {
            assert_eq!(Glob::new(pattern, false).matches(input), expected, "{pattern} vs {input}");
        }
    }

    #[test]
    fn long_segments_with_question_marks_use_shift_and() {
        let seg = format!("{}?b", "a".repeat(100));
        let pattern = format!("x*{seg}*");
        let g = Glob::new(&pattern, false);
        let miss = format!("x{}", "a".repeat(10_000));
        assert!(!g.matches(&miss));
        let hit = format!("x{}éb", "a".repeat(10_000));
        assert!(g.matches(&hit));
        assert!(Glob::new(&pattern.to_uppercase(), true).matches(&hit));
        assert!(!Glob::new(&pattern.to_uppercase(), false).matches(&hit));
        // Multibyte characters in the segment and in the input.
        let g = Glob::new(&format!("*{}?é*", "é?".repeat(20)), false);
        assert!(g.matches(&format!("zz{}xé", "éa".repeat(20))));
        assert!(!g.matches(&format!("zz{}xe", "éa".repeat(20))));
    }

    proptest::proptest! {
        #[test]
        fn builder_agrees_with_new(pattern in "[ab?*]{0,8}", ci in proptest::bool::ANY) {
            let mut b = GlobBuilder::new();
            b.wild(&pattern);
            proptest::prop_assert_eq!(b.build(ci), Glob::new(&pattern, ci));
        }
    }

    #[test]
    fn adversarial_pattern_is_fast_and_correct() {
        let pattern = "*a".repeat(100) + "b";
        let input = "a".repeat(10_000);
        assert!(!Glob::new(&pattern, false).matches(&input));
        let input_b = "a".repeat(10_000) + "b";
        assert!(Glob::new(&pattern, false).matches(&input_b));
    }

    /// `Glob::literal` is the glob `from_string` compiles for text without wildcards,
    /// and treats a `*` or `?` in its text as an ordinary character.
    #[test]
    fn literal_glob_is_the_compiled_wildcard_free_glob() {
        for (text, ci) in [("s3:GetObject", true), ("", false), ("arn:aws:s3:::b/K", false), ("é", true)] {
            assert_eq!(Glob::literal(text.to_string(), ci), Glob::new(text, ci), "{text}");
        }
        let star = Glob::literal("a*b?".to_string(), true);
        assert!(star.matches("A*B?"));
        assert!(!star.matches("axxbc"));
        assert_eq!(star.literal_bytes(), Some(&b"a*b?"[..]));
    }
}
