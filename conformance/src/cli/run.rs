//! `iam-conformance run`: select cases, run them against an implementation, judge
//! them and print the result as text, JSON or JUnit.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use iam_conformance::case::Case;
use iam_conformance::case_error::CaseError;
use iam_conformance::protocol::External;
use iam_conformance::reference::Reference;
use iam_conformance::runner::{self, CaseReport, Counts, Implementation, Status};

use super::corpus::{self, Origin};
use super::{shown, CliError, Format};

/// The options of `run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Case files or folders (default: the corpus).
    pub paths: Vec<PathBuf>,
    /// Run another implementation speaking the harness protocol (a shell command).
    #[arg(long = "impl")]
    pub implementation: Option<String>,
    /// Only cases with this tag (repeatable; any of them).
    #[arg(long)]
    pub tag: Vec<String>,
    /// Only cases whose path contains this text.
    #[arg(long)]
    pub filter: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Seconds an external implementation may take per case.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
    /// Exit 1 when any case was skipped.
    #[arg(long)]
    pub fail_on_skip: bool,
    /// Exit 1 when fewer than N cases were compared with their expectations.
    #[arg(long, value_name = "N")]
    pub min_cases: Option<usize>,
    /// List the selected cases (path and description) instead of running them.
    #[arg(long, conflicts_with = "list_tags")]
    pub list: bool,
    /// List the tags of the selected cases with their counts instead of running them.
    #[arg(long)]
    pub list_tags: bool,
    /// Text output: only the closing line (and why the run did not pass).
    #[arg(long, short)]
    pub quiet: bool,
}

/// A case file and what loading it gave.
type Loaded = (PathBuf, Result<Case, CaseError>);

/// The cases `args` select, with a sentence saying why none are when none are.
fn select(args: &RunArgs) -> Result<Vec<Loaded>, CliError> {
    let paths = if args.paths.is_empty() {
        let (dir, origin) = corpus::find()?;
        if origin != Origin::WorkingDirectory && !args.quiet && args.format == Format::Text {
            eprintln!(
                "run: using the corpus at {} (give paths, or set {}, to run another)",
                dir.display(),
                corpus::CORPUS_VAR
            );
        }
        vec![dir]
    } else {
        args.paths.clone()
    };
    let files = runner::collect_case_files(&paths)?;
    let shown_paths = paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
    if files.is_empty() {
        return Err(CliError::NothingSelected(format!("{shown_paths} holds no .json case files")));
    }
    let found = files.len();
    let mut selected: Vec<Loaded> = files
        .into_iter()
        .filter(|p| args.filter.as_deref().is_none_or(|f| p.display().to_string().contains(f)))
        .map(|p| {
            let loaded = runner::load_case(&p);
            (p, loaded)
        })
        .collect();
    if selected.is_empty() {
        return Err(CliError::NothingSelected(format!(
            "--filter {:?} matches none of the {found} case files in {shown_paths}",
            args.filter.as_deref().unwrap_or("")
        )));
    }
    if !args.tag.is_empty() {
        let before = selected.len();
        // An invalid case file is kept: it is reported, never silently dropped.
        selected.retain(|(_, c)| c.as_ref().map_or(true, |c| c.tags.iter().any(|t| args.tag.contains(t))));
        if selected.is_empty() {
            return Err(CliError::NothingSelected(format!(
                "no case of the {before} selected has the tag {} (see run --list-tags)",
                args.tag.join(" or ")
            )));
        }
    }
    Ok(selected)
}

/// Runs `run`; `Ok(false)` when the run did not pass.
pub fn run(args: RunArgs) -> Result<bool, CliError> {
    let selected = select(&args)?;
    if args.list {
        for (path, c) in &selected {
            match c {
                Ok(c) => println!("{}\t{}", path.display(), c.description),
                Err(e) => println!("{}\t(invalid: {})", path.display(), e.describe()),
            }
        }
        return Ok(true);
    }
    if args.list_tags {
        let mut tags: BTreeMap<&str, usize> = BTreeMap::new();
        for c in selected.iter().filter_map(|(_, c)| c.as_ref().ok()) {
            for t in &c.tags {
                *tags.entry(t.as_str()).or_default() += 1;
            }
        }
        for (t, n) in tags {
            println!("{n:>6}  {t}");
        }
        return Ok(true);
    }
    let mut imp: Box<dyn Implementation> = match &args.implementation {
        Some(cmd) => Box::new(External::start(cmd, Duration::from_secs(args.timeout))?),
        None => Box::new(Reference),
    };
    let bar = (std::io::stderr().is_terminal() && args.format == Format::Text && !args.quiet).then(|| {
        let b = indicatif::ProgressBar::new(selected.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let mut reports: Vec<CaseReport> = Vec::with_capacity(selected.len());
    for (path, loaded) in selected {
        let report = runner::run_loaded(imp.as_mut(), &path, loaded);
        if let Some(b) = &bar {
            b.inc(1);
            b.set_message(report.path.clone());
        }
        reports.push(report);
    }
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let (total, areas, by_tag) = runner::summarize(&reports);
    let info = imp.info();
    match args.format {
        Format::Json => {
            let out = serde_json::json!({
                "implementation": info, "summary": total, "casesCompared": total.compared(),
                "areas": areas, "tags": by_tag, "cases": reports,
            });
            println!("{out}");
        }
        Format::Junit => print!("{}", iam_conformance::report::junit(&info.name, &reports)),
        Format::Text => print_text(&args, &info.name, &reports, &total, &areas, &by_tag),
    }
    Ok(verdict(&args, &total))
}

/// Whether the run passed, saying on stderr why not where the counts alone do not.
fn verdict(args: &RunArgs, total: &Counts) -> bool {
    let mut ok = total.failed == 0 && total.errored == 0;
    if total.compared() == 0 {
        eprintln!(
            "run: no case was compared with its expectations ({} selected, all skipped or errored)",
            total.total()
        );
        ok = false;
    }
    if args.fail_on_skip && total.skipped > 0 {
        eprintln!(
            "run: {} case{} skipped (--fail-on-skip)",
            total.skipped,
            if total.skipped == 1 { " was" } else { "s were" }
        );
        ok = false;
    }
    if let Some(min) = args.min_cases {
        if total.compared() < min {
            eprintln!("run: only {} cases were compared, fewer than --min-cases {min}", total.compared());
            ok = false;
        }
    }
    ok
}

fn print_text(
    args: &RunArgs,
    name: &str,
    reports: &[CaseReport],
    total: &Counts,
    areas: &BTreeMap<String, Counts>,
    by_tag: &BTreeMap<String, Counts>,
) {
    if args.quiet {
        println!("{}", total.line());
        return;
    }
    for r in reports {
        match r.status {
            Status::Failed => {
                println!("FAIL {}\n     {}", r.path, r.description);
                for m in &r.mismatches {
                    let (e, a) = (shown(&m.expected), shown(&m.actual));
                    if e.len() + a.len() > 60 {
                        println!("     step {} {}:\n       expected {e}\n       actual   {a}", m.step, m.field);
                    } else {
                        println!("     step {} {}: expected {e} but got {a}", m.step, m.field);
                    }
                }
            }
            Status::Errored => println!("ERROR {}: {}", r.path, r.message.as_deref().unwrap_or("")),
            _ => {}
        }
    }
    println!("\nimplementation: {name}");
    println!("{:<24} {:>7} {:>7} {:>7} {:>7}", "area", "passed", "failed", "skipped", "errored");
    for (area, c) in areas {
        println!("{:<24} {:>7} {:>7} {:>7} {:>7}", area, c.passed, c.failed, c.skipped, c.errored);
    }
    // Per tag: the tags where not every case passed.
    let weak: Vec<_> = by_tag.iter().filter(|(_, c)| c.passed != c.total()).collect();
    if !weak.is_empty() {
        let w = weak.iter().map(|(t, _)| t.len()).max().unwrap_or(0).max(24);
        println!("\n{:<w$} {:>7} {:>7} {:>7} {:>7}", "tag", "passed", "failed", "skipped", "errored");
        for (tag, c) in &weak {
            println!("{:<w$} {:>7} {:>7} {:>7} {:>7}", tag, c.passed, c.failed, c.skipped, c.errored);
        }
    }
    if weak.len() < by_tag.len() {
        let others = if weak.is_empty() { "all" } else { "the other" };
        println!("(every case passed under {others} {} tags)", by_tag.len() - weak.len());
    }
    if let Some(c) = by_tag.get("uncertain") {
        println!("(uncertain-tagged cases: {} passed of {})", c.passed, c.total());
    }
    println!(
        "compared {} of {} cases with their expectations ({} skipped and {} errored were not)",
        total.compared(),
        total.total(),
        total.skipped,
        total.errored
    );
    println!("{}", total.line());
}
