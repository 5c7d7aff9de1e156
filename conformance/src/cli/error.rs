//! Why a command could not do its work, and the exit code that says so.

use iam_conformance::case_error::CaseError;
use iam_conformance::protocol::ProtocolError;
use iam_conformance::report::ReportError;

/// An error that stops a command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A case file that cannot be loaded.
    #[error("{0}")]
    Case(#[from] CaseError),
    /// A file that cannot be read.
    #[error("{file}: {source}")]
    Read {
        /// The file (`-` for stdin).
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// An external implementation that cannot be talked to.
    #[error("{0}")]
    Protocol(#[from] ProtocolError),
    /// A report that cannot be built.
    #[error("{0}")]
    Report(#[from] ReportError),
    /// `run` selected no case: nothing would be checked.
    #[error("no case selected: {0}")]
    NothingSelected(String),
    /// No corpus where one was looked for.
    #[error("{0}")]
    NoCorpus(String),
    /// `serve` lost its input or output.
    #[error("serve: {0}")]
    Serve(std::io::Error),
    /// An error reported by a library function as text.
    #[error("{0}")]
    Other(String),
}

impl CliError {
    /// 1 when the command ran but nothing was checked, 2 when it could not run.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::NothingSelected(_) => 1,
            _ => 2,
        }
    }
}

/// Reads a file, or stdin for `-`.
pub fn read_input(file: &str) -> Result<String, CliError> {
    use std::io::Read;
    let mut s = String::new();
    let result =
        if file == "-" { std::io::stdin().read_to_string(&mut s).map(|_| s) } else { std::fs::read_to_string(file) };
    result.map_err(|source| CliError::Read { file: file.to_string(), source })
}
