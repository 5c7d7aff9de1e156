//! The subcommands of the `iam-conformance` binary, one module each, and what they
//! share: the output format, errors and exit codes, finding the corpus.

pub mod corpus;
pub mod error;
pub mod eval;
pub mod parse;
pub mod run;

pub use error::CliError;

/// Output format of `run` and `parse`.
#[derive(Clone, Copy, clap::ValueEnum, PartialEq, Eq, Debug)]
pub enum Format {
    /// For a person.
    Text,
    /// One JSON document.
    Json,
    /// JUnit XML (for `run`).
    Junit,
}

/// A result value for a person: `(absent)` for null.
pub fn shown(v: &serde_json::Value) -> String {
    iam_conformance::report::shown(v)
}
