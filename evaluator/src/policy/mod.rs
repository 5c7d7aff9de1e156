//! The policy language: the typed document, parsing with classified errors, and
//! printing back to canonical JSON.

pub mod error;
pub mod json;
mod model;
mod parse;
mod print;

/// Pseudo-random byte strings for the word-at-a-time scans' tests.
#[cfg(test)]
pub(crate) fn pseudo_random_runs(count: usize, max_len: u32, pick: impl Fn(usize) -> u8) -> Vec<Vec<u8>> {
    let mut x: u32 = 1;
    let mut draw = move || {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        (x >> 16) as usize
    };
    (0..count).map(|_| (0..draw() % max_len as usize).map(|_| pick(draw())).collect()).collect()
}

pub use error::{ErrorKind, Location, ParseError};
pub use model::*;
pub use parse::{allowed_char, parse_policy, parse_policy_value, parse_policy_with, size_limit, ParseOptions};
pub use print::{to_json, to_string};

impl Policy {
    /// Parses and validates policy text as a policy of type `ty`.
    pub fn parse(text: &str, ty: PolicyType) -> Result<Policy, ParseError> {
        parse_policy(text, ty)
    }

    /// Parses with options (for example without the size limit).
    pub fn parse_with(text: &str, ty: PolicyType, options: ParseOptions) -> Result<Policy, ParseError> {
        parse_policy_with(text, ty, options)
    }

    /// Prints the policy as canonical JSON text.
    pub fn to_canonical_string(&self) -> String {
        to_string(self)
    }
}
