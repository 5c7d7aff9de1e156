//! Searching the input for one segment of a wildcard pattern, in linear time: the
//! algorithms behind [`super::Glob`], which decides what a pattern means (IAM
//! semantics); this module only finds where a segment of literal bytes and `?`s
//! occurs. Literal segments: `memchr::memmem` (case-sensitive), `memchr2` plus a
//! compare (short, case-insensitive) or Knuth-Morris-Pratt (long, case-insensitive).
//! Segments with `?`: tried at each character boundary (short) or bit-parallel
//! Shift-And (long).

/// One token of a segment with a `?`: a literal byte or `?` (one character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Tok {
    Byte(u8),
    AnyChar,
}

/// Leftmost occurrence of the literal `pat` in `hay` (ASCII case-insensitively when
/// `ci`), as its start index.
#[inline]
pub(super) fn find_literal(hay: &[u8], pat: &[u8], ci: bool) -> Option<usize> {
    if !ci {
        // memmem runs in linear time in the worst case.
        memchr::memmem::find(hay, pat)
    } else if pat.len() >= KMP_MIN {
        kmp_find_folded(hay, pat)
    } else {
        find_folded_short(hay, pat)
    }
}

/// Leftmost match of `toks` (a segment with `?`) in `input` at or after `from`, as its
/// end index.
#[inline]
pub(super) fn find_toks(toks: &[Tok], input: &[u8], from: usize, ci: bool) -> Option<usize> {
    if toks.len() >= BITAP_MIN {
        return bitap_find(toks, input, from, ci);
    }
    // A short segment: tried at each character boundary, at most input length times
    // segment length steps.
    let mut start = from;
    while start < input.len() {
        if let Some(end) = match_toks_at(toks, input, start, ci) {
            return Some(end);
        }
        // Advance to the next character boundary so `?` never splits a character.
        start += input.get(start).map(|&b| char_len(b)).unwrap_or(1);
    }
    None
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
#[inline]
pub(super) fn match_toks_at(toks: &[Tok], input: &[u8], start: usize, ci: bool) -> Option<usize> {
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

/// Does `toks` match a suffix of `input` that starts at or after `from`? Byte tokens
/// are whole characters and `?` is one character, so the suffix is found by matching
/// the tokens backwards from the end of the input.
#[inline]
pub(super) fn match_toks_suffix(toks: &[Tok], input: &[u8], from: usize, ci: bool) -> bool {
    let mut pos = input.len();
    for tok in toks.iter().rev() {
        match tok {
            Tok::Byte(b) => {
                let Some(prev) = pos.checked_sub(1) else { return false };
                if !input.get(prev).is_some_and(|&i| byte_eq(*b, i, ci)) {
                    return false;
                }
                pos = prev;
            }
            Tok::AnyChar => {
                // Step back over continuation bytes to the character's first byte.
                loop {
                    let Some(prev) = pos.checked_sub(1) else { return false };
                    pos = prev;
                    if !input.get(pos).is_some_and(|&b| (0x80..0xC0).contains(&b)) {
                        break;
                    }
                }
            }
        }
    }
    pos >= from
}

/// Segments with `?` at least this many tokens long are searched with the bit-parallel
/// Shift-And algorithm: input length times (segment length / 64) steps.
const BITAP_MIN: usize = 32;

/// Leftmost match of `toks` (with `?`) in `input` at or after `from`, returning its end:
/// Shift-And over characters. Bit `i` of the state says that the first `i + 1`
/// characters of the segment match the input characters just read. Every match has
/// the same number of characters, so the match ending first is also the leftmost.
fn bitap_find(toks: &[Tok], input: &[u8], from: usize, ci: bool) -> Option<usize> {
    // The segment as characters: `None` for `?`, else the character's bytes (byte
    // tokens always hold whole characters).
    let mut units: Vec<Option<Vec<u8>>> = Vec::new();
    let mut i = 0;
    while let Some(tok) = toks.get(i) {
        match tok {
            Tok::AnyChar => {
                units.push(None);
                i += 1;
            }
            Tok::Byte(b) => {
                let n = char_len(*b);
                let bytes = toks.get(i..i + n)?.iter().map(|t| if let Tok::Byte(x) = t { *x } else { 0 }).collect();
                units.push(Some(bytes));
                i += n;
            }
        }
    }
    let words = units.len().div_ceil(64);
    let bit = |i: usize| (i / 64, 1u64 << (i % 64));
    // For each input character, the positions that accept it: ASCII characters in a
    // table, others in a map; a character the segment does not name is accepted by
    // the `?` positions only.
    let mut any = vec![0u64; words];
    for (pos, unit) in units.iter().enumerate() {
        if unit.is_none() {
            let (w, b) = bit(pos);
            *any.get_mut(w)? |= b;
        }
    }
    let mut ascii: Vec<u64> = (0..128).flat_map(|_| any.iter().copied()).collect();
    let mut other: std::collections::HashMap<&[u8], Vec<u64>> = std::collections::HashMap::new();
    for (pos, unit) in units.iter().enumerate() {
        let (w, b) = bit(pos);
        match unit.as_deref() {
            Some([c]) if *c < 0x80 => *ascii.get_mut(usize::from(*c) * words + w)? |= b,
            Some(bytes) => *other.entry(bytes).or_insert_with(|| any.clone()).get_mut(w)? |= b,
            None => {}
        }
    }
    let (last_w, last_b) = bit(units.len().checked_sub(1)?);
    let mut state = vec![0u64; words];
    let mut pos = from;
    while pos < input.len() {
        let lead = *input.get(pos)?;
        let end = (pos + char_len(lead)).min(input.len());
        let mask: &[u64] = if lead < 0x80 {
            let c = usize::from(if ci { lead.to_ascii_lowercase() } else { lead });
            ascii.get(c * words..(c + 1) * words)?
        } else {
            other.get(input.get(pos..end)?).map_or(any.as_slice(), Vec::as_slice)
        };
        // state = ((state << 1) | 1) & mask, over the words from the lowest.
        let mut carry = 1u64;
        for (s, k) in state.iter_mut().zip(mask) {
            let next = *s >> 63;
            *s = ((*s << 1) | carry) & k;
            carry = next;
        }
        pos = end;
        if state.get(last_w).is_some_and(|s| s & last_b != 0) {
            return Some(pos);
        }
    }
    None
}

/// Literal segments at least this long are searched case-insensitively with
/// Knuth-Morris-Pratt, so that the search stays linear in the input.
const KMP_MIN: usize = 32;

/// Leftmost occurrence of a short `pat` in `hay`, ASCII case-insensitively: the
/// candidates are the positions of its first byte in either case.
#[inline]
fn find_folded_short(hay: &[u8], pat: &[u8]) -> Option<usize> {
    let first = pat.first()?.to_ascii_lowercase();
    let upper = first.to_ascii_uppercase();
    let mut at = 0;
    while let Some(i) = memchr::memchr2(first, upper, hay.get(at..)?) {
        let start = at + i;
        if hay.get(start..start + pat.len()).is_some_and(|s| s.eq_ignore_ascii_case(pat)) {
            return Some(start);
        }
        at = start + 1;
    }
    None
}

/// Leftmost occurrence of `pat` in `hay`, ASCII case-insensitively
/// (Knuth-Morris-Pratt: linear in `hay` plus `pat`).
fn kmp_find_folded(hay: &[u8], pat: &[u8]) -> Option<usize> {
    let at = |i: usize| pat.get(i).map(u8::to_ascii_lowercase);
    // fail[i]: length of the longest proper border of pat[..=i].
    let mut fail = vec![0usize; pat.len()];
    let mut k = 0;
    for i in 1..pat.len() {
        let c = at(i);
        while k > 0 && at(k) != c {
            k = *fail.get(k - 1)?;
        }
        if at(k) == c {
            k += 1;
        }
        *fail.get_mut(i)? = k;
    }
    let mut k = 0;
    for (i, &b) in hay.iter().enumerate() {
        let c = Some(b.to_ascii_lowercase());
        while k > 0 && at(k) != c {
            k = *fail.get(k - 1)?;
        }
        if at(k) == c {
            k += 1;
            if k == pat.len() {
                return Some(i + 1 - k);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The failure table must follow a border back when the next byte breaks it:
    /// both texts hold the pattern only after an earlier, broken-off try that a
    /// wrong table would resume from the wrong place. No AWS action name has such a
    /// shape (docs/MUTANTS.md), so the corpus cannot pin it; these can.
    #[test]
    fn the_failure_table_follows_borders() {
        for (pat, hay, at) in [
            ("abbabaabbaaaabaabbbaaaabababbaaab", "baaabbabbabaabbaaaabaabbbaaaabababbaaabbaa", 6),
            ("abbabaabbababbabaababbbbaaabbaabab", "abbababbabaabbababbabaababbbbaaabbaababbaa", 5),
        ] {
            assert!(pat.len() >= KMP_MIN);
            assert_eq!(kmp_find_folded(hay.as_bytes(), pat.as_bytes()), Some(at), "{pat} in {hay}");
            assert_eq!(kmp_find_folded(hay.to_uppercase().as_bytes(), pat.as_bytes()), Some(at));
            assert_eq!(hay.find(pat), Some(at));
        }
    }
}
