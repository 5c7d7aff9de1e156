//! Differential testing: random cases decided by the oracle and by another
//! implementation; disagreements shrunk and written out as case files.

use std::path::Path;

/// Runs `cases` random cases from `seed` against `command`; writes disagreements
/// into `out_dir`. Returns true when no disagreement was found.
pub fn run(command: &str, cases: u64, seed: u64, out_dir: &Path) -> Result<bool, String> {
    let _ = (command, cases, seed, out_dir);
    Err("iam-conformance diff is not built yet".to_string())
}
