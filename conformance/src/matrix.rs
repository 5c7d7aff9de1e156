//! The conformance matrix: the reference evaluator and every installed peer adapter
//! run over the same case files, written out as one JSON file and one self-contained
//! HTML page (implementations as columns, areas and tags as rows; see
//! [`html::render`]).
//!
//! Peers are found as `scripts/adapters/NAME/run.sh` (each installed by
//! `scripts/adapters/setup.sh NAME`), or given as `--impl NAME=CMD`. A peer whose
//! command does not answer the protocol's `start` (not installed, say) is listed as
//! absent, with the reason, and the others still run.

pub mod html;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{json, Value};

use crate::protocol::External;
use crate::reference::Reference;
use crate::report::UNCERTAIN;
use crate::runner::{self, CaseReport, Counts, Implementation, ImplementationInfo};

/// What to run and where to write.
#[derive(Debug, Clone)]
pub struct Options {
    /// Case files and folders (default `corpus/`).
    pub paths: Vec<PathBuf>,
    /// Peers as `NAME=CMD` (or a bare command); when empty, the adapters found in
    /// `adapters` are used.
    pub impls: Vec<String>,
    /// The folder holding one adapter folder per peer, each with a `run.sh`.
    pub adapters: PathBuf,
    /// The output folder: `matrix.html` and `matrix.json` are written there.
    pub out: PathBuf,
    /// Seconds a peer may take per case.
    pub timeout: Duration,
}

/// A peer to run: its short name and the shell command that starts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    /// The short name (the adapter's folder, or the `NAME` of `--impl NAME=CMD`).
    pub name: String,
    /// The shell command.
    pub command: String,
}

/// Reads `NAME=CMD`; a bare command is its own name.
pub fn parse_peer(spec: &str) -> Peer {
    match spec.split_once('=') {
        Some((name, command)) if !name.is_empty() && !name.contains(' ') && !command.is_empty() => {
            Peer { name: name.to_string(), command: command.to_string() }
        }
        _ => Peer { name: spec.to_string(), command: spec.to_string() },
    }
}

/// The adapters under `dir`: every `NAME/run.sh`, sorted by name.
pub fn discover(dir: &Path) -> Vec<Peer> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let run = entry.path().join("run.sh");
            if run.is_file() {
                let name = entry.file_name().to_string_lossy().to_string();
                out.push(Peer { name, command: run.display().to_string() });
            }
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// One implementation's run over the cases.
#[derive(Debug, Clone)]
pub struct Column {
    /// The short name (`reference` for the reference evaluator).
    pub id: String,
    /// What the implementation said it is.
    pub info: ImplementationInfo,
    /// The command that started it; `None` for the reference evaluator.
    pub command: Option<String>,
    /// Wall-clock seconds for the whole run.
    pub seconds: f64,
    /// One report per case file, in the order of the files.
    pub reports: Vec<CaseReport>,
}

impl Column {
    /// Whether this is the reference evaluator (the oracle) rather than a peer.
    pub fn is_reference(&self) -> bool {
        self.command.is_none()
    }
}

/// A peer that could not be run, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Absent {
    /// The short name.
    pub name: String,
    /// The command tried.
    pub command: String,
    /// Why it did not run.
    pub reason: String,
}

/// What the page shows of a case besides the verdicts: its description and sources.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CaseMeta {
    /// The description.
    pub description: String,
    /// Where its expectation comes from.
    pub sources: Vec<String>,
    /// Its tags.
    pub tags: Vec<String>,
}

/// Everything the matrix shows.
#[derive(Debug, Clone, Default)]
pub struct Matrix {
    /// The case files and folders run.
    pub paths: Vec<String>,
    /// The reference first, then the peers that ran.
    pub columns: Vec<Column>,
    /// The peers that could not be run.
    pub absent: Vec<Absent>,
    /// Description and sources of every case file that could be read, by path.
    pub cases: BTreeMap<String, CaseMeta>,
}

/// Runs the reference evaluator over `files`.
fn run_reference(files: &[PathBuf]) -> Column {
    let started = Instant::now();
    let mut imp = Reference;
    let reports = files.iter().map(|f| runner::run_file(&mut imp, f)).collect();
    Column {
        id: "reference".to_string(),
        info: imp.info(),
        command: None,
        seconds: started.elapsed().as_secs_f64(),
        reports,
    }
}

/// Runs one peer over `files`, or says why it could not start.
fn run_peer(peer: &Peer, files: &[PathBuf], timeout: Duration) -> Result<Column, Absent> {
    let started = Instant::now();
    let mut imp = External::start(&peer.command, timeout).map_err(|reason| Absent {
        name: peer.name.clone(),
        command: peer.command.clone(),
        reason: reason.to_string(),
    })?;
    let reports = files.iter().map(|f| runner::run_file(&mut imp, f)).collect();
    Ok(Column {
        id: peer.name.clone(),
        info: imp.info(),
        command: Some(peer.command.clone()),
        seconds: started.elapsed().as_secs_f64(),
        reports,
    })
}

/// Runs the reference and every peer over the case files (the peers in parallel
/// threads, each its own child process).
pub fn collect(paths: &[PathBuf], peers: &[Peer], timeout: Duration) -> Result<Matrix, String> {
    let files = runner::collect_case_files(paths).map_err(|e| e.to_string())?;
    let mut cases = BTreeMap::new();
    for f in &files {
        if let Ok(c) = runner::load_case(f) {
            cases.insert(
                f.display().to_string(),
                CaseMeta { description: c.description, sources: c.sources, tags: c.tags },
            );
        }
    }
    let (reference, outcomes) = std::thread::scope(|s| {
        let handles: Vec<_> = peers.iter().map(|p| s.spawn(|| run_peer(p, &files, timeout))).collect();
        let reference = run_reference(&files);
        let outcomes: Vec<_> = handles
            .into_iter()
            .zip(peers)
            .map(|(h, p)| {
                h.join().unwrap_or_else(|_| {
                    Err(Absent { name: p.name.clone(), command: p.command.clone(), reason: "the run panicked".into() })
                })
            })
            .collect();
        (reference, outcomes)
    });
    let mut m = Matrix {
        paths: paths.iter().map(|p| p.display().to_string()).collect(),
        columns: vec![reference],
        absent: Vec::new(),
        cases,
    };
    for o in outcomes {
        match o {
            Ok(c) => m.columns.push(c),
            Err(a) => m.absent.push(a),
        }
    }
    Ok(m)
}

/// Cases that count toward a pass rate: those the implementation expressed (passed,
/// failed or errored; a skip is not expressed).
pub fn expressed(c: &Counts) -> usize {
    c.passed + c.failed + c.errored
}

/// The pass rate of what was expressed, in whole percent rounded down (100 means
/// every expressed case passed); `None` when nothing was expressed.
pub fn expressed_percent(c: &Counts) -> Option<usize> {
    let n = expressed(c);
    (n > 0).then(|| c.passed * 100 / n)
}

/// Counts of the reports that `keep` selects.
pub fn count(reports: &[CaseReport], keep: impl Fn(&CaseReport) -> bool) -> Counts {
    let mut c = Counts::default();
    for r in reports.iter().filter(|r| keep(r)) {
        c.add(r.status);
    }
    c
}

/// Whether a report is of a case tagged `uncertain`.
pub fn is_uncertain(r: &CaseReport) -> bool {
    r.tags.iter().any(|t| t == UNCERTAIN)
}

/// The matrix as JSON: per implementation its counts in total, per area and per tag,
/// and every case report (with the fields compared); the peers that did not run; and
/// the cases' descriptions and sources.
pub fn to_json(m: &Matrix) -> Value {
    let columns: Vec<Value> = m
        .columns
        .iter()
        .map(|c| {
            let (total, areas, tags) = runner::summarize(&c.reports);
            let certain = count(&c.reports, |r| !is_uncertain(r));
            json!({
                "id": c.id,
                "implementation": c.info,
                "command": c.command,
                "reference": c.is_reference(),
                "seconds": (c.seconds * 1000.0).round() / 1000.0,
                "summary": total,
                "expressedPassPercent": expressed_percent(&total),
                "withoutUncertain": certain,
                "areas": areas,
                "tags": tags,
                "cases": c.reports,
            })
        })
        .collect();
    json!({
        "paths": m.paths,
        "caseFiles": m.columns.first().map_or(0, |c| c.reports.len()),
        "implementations": columns,
        "notInstalled": m.absent,
        "cases": m.cases,
    })
}

/// Writes `matrix.json` and `matrix.html` into `out`; returns their paths.
pub fn write(m: &Matrix, out: &Path) -> Result<(PathBuf, PathBuf), String> {
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let json_path = out.join("matrix.json");
    let html_path = out.join("matrix.html");
    let text = serde_json::to_string_pretty(&to_json(m)).map_err(|e| e.to_string())?;
    std::fs::write(&json_path, text).map_err(|e| format!("{}: {e}", json_path.display()))?;
    std::fs::write(&html_path, html::render(m)).map_err(|e| format!("{}: {e}", html_path.display()))?;
    Ok((json_path, html_path))
}

/// The `matrix` command: runs, writes, and prints one line per implementation.
/// Succeeds (true) when the reference evaluator passed every case; the peers' scores
/// are what the page is for, not a failure.
pub fn run(opts: &Options) -> Result<bool, String> {
    let paths = if opts.paths.is_empty() { vec![PathBuf::from("corpus")] } else { opts.paths.clone() };
    let peers: Vec<Peer> = if opts.impls.is_empty() {
        discover(&opts.adapters)
    } else {
        opts.impls.iter().map(|s| parse_peer(s)).collect()
    };
    let m = collect(&paths, &peers, opts.timeout)?;
    let (json_path, html_path) = write(&m, &opts.out)?;
    for c in &m.columns {
        let total = count(&c.reports, |_| true);
        let rate = expressed_percent(&total).map_or("-".to_string(), |p| format!("{p}%"));
        println!(
            "{:<16} {:<28} {:>5} of {:>4} expressed passed  ({})  {:.1} s",
            c.id,
            format!("{} {}", c.info.name, c.info.version),
            rate,
            expressed(&total),
            total.line(),
            c.seconds
        );
    }
    for a in &m.absent {
        println!("{:<16} not run: {}", a.name, a.reason);
    }
    println!("wrote {} and {}", html_path.display(), json_path.display());
    let reference_ok = m.columns.first().is_some_and(|c| {
        let t = count(&c.reports, |_| true);
        t.failed == 0 && t.errored == 0
    });
    Ok(reference_ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peers_are_named_by_their_prefix_or_their_command() {
        assert_eq!(parse_peer("moto=sh run.sh"), Peer { name: "moto".into(), command: "sh run.sh".into() });
        assert_eq!(parse_peer("python3 a.py"), Peer { name: "python3 a.py".into(), command: "python3 a.py".into() });
        assert_eq!(parse_peer("env X=1 cmd").name, "env X=1 cmd");
        assert_eq!(parse_peer("=cmd").command, "=cmd");
    }

    #[test]
    fn the_pass_rate_counts_only_what_was_expressed() {
        let c = Counts { passed: 2, failed: 1, skipped: 10, errored: 1 };
        assert_eq!(expressed(&c), 4);
        assert_eq!(expressed_percent(&c), Some(50));
        assert_eq!(expressed_percent(&Counts { skipped: 3, ..Counts::default() }), None);
        assert_eq!(expressed_percent(&Counts { passed: 999, failed: 1, ..Counts::default() }), Some(99));
    }

    #[test]
    fn adapters_are_found_by_their_run_script() {
        let dir = std::env::temp_dir().join(format!("matrix-discover-{}", std::process::id()));
        for (name, script) in [("b", true), ("a", true), ("lib", false)] {
            let d = dir.join(name);
            std::fs::create_dir_all(&d).unwrap();
            if script {
                std::fs::write(d.join("run.sh"), "#!/bin/sh\n").unwrap();
            }
        }
        let names: Vec<_> = discover(&dir).into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["a", "b"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
