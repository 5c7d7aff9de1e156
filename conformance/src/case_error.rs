//! Why a case file could not be loaded: the file, the place in it (line, column,
//! JSON path and pointer) and the cause. A policy error inside a case also says
//! which policy it is and where the parser's own location falls.

use std::fmt;

use crate::locate::{JsonPath, Position};
use crate::validate::{Located, Problem};

/// What is wrong with a case file.
#[derive(Debug, thiserror::Error)]
pub enum Cause {
    /// The file could not be read.
    #[error("cannot read the file: {0}")]
    Read(#[from] std::io::Error),
    /// Not JSON, or not the shape of a case (unknown or missing field, wrong type).
    #[error("{0}")]
    Syntax(String),
    /// A path given on the command line does not exist.
    #[error("no such file or folder")]
    Missing,
    /// `sources` is empty.
    #[error("a case needs at least one source")]
    NoSource,
    /// `steps` is empty.
    #[error("a case needs at least one step")]
    NoStep,
    /// A value breaks the case format.
    #[error("{0}")]
    Invalid(Problem),
}

/// A case file that cannot be run, with where and why.
#[derive(Debug, thiserror::Error)]
pub struct CaseError {
    /// The file, when the case came from one.
    pub file: Option<String>,
    /// The line and column of the value at fault.
    pub position: Option<Position>,
    /// The value at fault.
    pub path: Option<JsonPath>,
    /// For an error in a policy given as a JSON object: where the offending value
    /// is in the case file.
    pub detail: Option<String>,
    /// What is wrong.
    #[source]
    pub cause: Box<Cause>,
}

impl CaseError {
    /// An error without a place in the text.
    pub fn new(cause: Cause) -> CaseError {
        CaseError { file: None, position: None, path: None, detail: None, cause: Box::new(cause) }
    }

    /// A serde error while reading case text: its message and position.
    pub fn syntax(e: &serde_json::Error) -> CaseError {
        let text = e.to_string();
        // serde_json appends " at line L column C"; the position is kept apart.
        let message = text.rsplit_once(" at line ").map_or(text.as_str(), |(m, _)| m).to_string();
        let position = (e.line() > 0).then(|| Position { line: e.line(), column: e.column() });
        CaseError { position, ..CaseError::new(Cause::Syntax(message)) }
    }

    /// A validation problem, located in the case `text`.
    pub fn located(text: &str, l: Located) -> CaseError {
        let position = l.path.position_in(text);
        let detail = match &l.problem {
            Problem::Policy { error, raw_text: false, .. } => {
                // The policy is part of the case's JSON: its pointer continues the case's.
                let mut inner = l.path.clone();
                for part in error.location.pointer.split('/').skip(1) {
                    let part = part.replace("~1", "/").replace("~0", "~");
                    inner = match part.parse::<usize>() {
                        Ok(i) if !part.starts_with('+') => inner.index(i),
                        _ => inner.key(&part),
                    };
                }
                inner.position_in(text).map(|p| format!("that value is at {p}"))
            }
            _ => None,
        };
        CaseError { file: None, position, path: Some(l.path), detail, cause: Box::new(Cause::Invalid(l.problem)) }
    }

    /// The same error, naming its file.
    pub fn in_file(mut self, file: impl Into<String>) -> CaseError {
        self.file = Some(file.into());
        self
    }

    /// The JSON pointer of the value at fault, when known.
    pub fn pointer(&self) -> Option<String> {
        self.path.as_ref().map(JsonPath::pointer)
    }
}

impl CaseError {
    /// The error without its file name: `line L, column C: PATH (POINTER): CAUSE[; DETAIL]`.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        if let Some(p) = &self.position {
            out.push_str(&format!("{p}: "));
        }
        if let Some(path) = &self.path {
            let pointer = path.pointer();
            out.push_str(&format!("{path} ({}): ", if pointer.is_empty() { "/" } else { &pointer }));
        }
        out.push_str(&self.cause.to_string());
        if let Some(d) = &self.detail {
            out.push_str(&format!("; {d}"));
        }
        out
    }
}

impl fmt::Display for CaseError {
    /// `FILE: ` and [`CaseError::describe`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}: ")?;
        }
        f.write_str(&self.describe())
    }
}
