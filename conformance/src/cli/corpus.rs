//! Where the corpus is when `run` is given no paths, and the version text that names
//! the case format and the corpus size.

use std::path::{Path, PathBuf};

use iam_conformance::runner::collect_case_files;

use super::CliError;

/// The variable that names the corpus folder.
pub const CORPUS_VAR: &str = "IAM_CONFORMANCE_CORPUS";

/// The corpus of the source tree this binary was built from.
fn built_from() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("corpus");
    // Shown without the `..` where the folder exists.
    std::fs::canonicalize(&p).unwrap_or(p)
}

/// Where the corpus comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `$IAM_CONFORMANCE_CORPUS`.
    Variable,
    /// `./corpus`.
    WorkingDirectory,
    /// The source tree the binary was built from.
    SourceTree,
}

/// The corpus folder: `$IAM_CONFORMANCE_CORPUS`, else `./corpus`, else the corpus of
/// the source tree the binary was built from; an error that says how to point at one.
pub fn find() -> Result<(PathBuf, Origin), CliError> {
    if let Some(v) = std::env::var_os(CORPUS_VAR) {
        let p = PathBuf::from(v);
        if p.is_dir() {
            return Ok((p, Origin::Variable));
        }
        return Err(CliError::NoCorpus(format!(
            "{CORPUS_VAR}={} is not a folder; point it at the corpus/ folder of an iam-conformance checkout",
            p.display()
        )));
    }
    let here = PathBuf::from("corpus");
    if here.is_dir() {
        return Ok((here, Origin::WorkingDirectory));
    }
    let built = built_from();
    if built.is_dir() {
        return Ok((built, Origin::SourceTree));
    }
    Err(CliError::NoCorpus(format!(
        "no corpus found: there is no ./corpus here and the source tree this binary was built from ({}) is gone. \
         Give case files or folders (iam-conformance run PATH...), run from the root of an iam-conformance \
         checkout, or set {CORPUS_VAR}=/path/to/iam-conformance/corpus",
        built.display()
    )))
}

/// `VERSION (case format F; corpus: N cases in PATH)`, computed once at start.
pub fn version_text() -> &'static str {
    let corpus = match find() {
        Ok((p, _)) => match collect_case_files(std::slice::from_ref(&p)) {
            Ok(files) => format!("corpus: {} case files in {}", files.len(), p.display()),
            Err(e) => format!("corpus: {e}"),
        },
        Err(_) => "corpus: none found".to_string(),
    };
    let text = format!(
        "{} (case format {}, harness protocol version {}; {corpus})",
        env!("CARGO_PKG_VERSION"),
        iam_conformance::validate::CASE_FORMAT_VERSION,
        iam_conformance::validate::PROTOCOL_VERSION
    );
    // Once per process, for clap's `--version`.
    Box::leak(text.into_boxed_str())
}
