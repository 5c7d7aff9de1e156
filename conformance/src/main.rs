//! The `iam-conformance` command line.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use iam_conformance::protocol::External;
use iam_conformance::reference::{run_case, Reference};
use iam_conformance::runner::{self, CaseReport, Implementation, Status};

#[derive(Parser)]
#[command(name = "iam-conformance", version, about = "Conformance corpus, oracle and harness for AWS IAM evaluators")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    Junit,
}

#[derive(Subcommand)]
enum Command {
    /// Run case files and folders (default `corpus/`) and print a summary.
    Run {
        /// Case files or folders.
        paths: Vec<PathBuf>,
        /// Run another implementation speaking the harness protocol (a shell command).
        #[arg(long = "impl")]
        implementation: Option<String>,
        /// Only cases with this tag (repeatable; any of them).
        #[arg(long)]
        tag: Vec<String>,
        /// Only cases whose path contains this text.
        #[arg(long)]
        filter: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Seconds an external implementation may take per case.
        #[arg(long, default_value_t = 10)]
        timeout: u64,
    },
    /// Run one case (a file, or - for stdin) and print its step results as JSON.
    Eval {
        /// The case file, or `-`.
        #[arg(default_value = "-")]
        file: String,
    },
    /// Run one case and explain each decision for a person to read.
    Explain {
        /// The case file, or `-`.
        #[arg(default_value = "-")]
        file: String,
    },
    /// Serve the reference evaluator over the harness protocol on stdin and stdout.
    Serve,
    /// Build a self-contained HTML report from `run --format json` results.
    Report {
        /// JSON result files (one per implementation run).
        inputs: Vec<PathBuf>,
        /// Where to write the HTML page.
        #[arg(long, short, default_value = "report.html")]
        output: PathBuf,
    },
    /// Run the reference and every installed peer adapter over the corpus; write one
    /// HTML page and one JSON file (`matrix.html`, `matrix.json`).
    Matrix {
        /// Case files or folders (default `corpus/`).
        paths: Vec<PathBuf>,
        /// A peer as NAME=CMD (repeatable); default: every scripts/adapters/NAME/run.sh.
        #[arg(long = "impl")]
        implementations: Vec<String>,
        /// Where the adapters are found when no --impl is given.
        #[arg(long, default_value = "scripts/adapters")]
        adapters: PathBuf,
        /// The output folder.
        #[arg(long, short, default_value = "target/matrix")]
        out: PathBuf,
        /// Seconds a peer may take per case.
        #[arg(long, default_value_t = 10)]
        timeout: u64,
    },
    /// Differential testing: random cases, the oracle against --impl CMD.
    Diff {
        /// The implementation to compare (a shell command speaking the protocol).
        #[arg(long = "impl")]
        implementation: String,
        /// How many random cases.
        #[arg(long, default_value_t = 1000)]
        cases: u64,
        /// Random seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where to write disagreements as case files.
        #[arg(long, default_value = "diff-out")]
        out: PathBuf,
    },
}

fn read_input(file: &str) -> Result<String, String> {
    if file == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| format!("stdin: {e}"))?;
        Ok(s)
    } else {
        std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run { paths, implementation, tag, filter, format, timeout } => {
            cmd_run(paths, implementation, &tag, filter.as_deref(), format, timeout)
        }
        Command::Eval { file } => cmd_eval(&file, false),
        Command::Explain { file } => cmd_eval(&file, true),
        Command::Serve => {
            let stdin = std::io::stdin();
            let stdout = std::io::stdout();
            iam_conformance::protocol::serve(stdin.lock(), stdout.lock()).map(|_| true).map_err(|e| e.to_string())
        }
        Command::Report { inputs, output } => iam_conformance::report::write_html(&inputs, &output).map(|_| true),
        Command::Matrix { paths, implementations, adapters, out, timeout } => {
            iam_conformance::matrix::run(&iam_conformance::matrix::Options {
                paths,
                impls: implementations,
                adapters,
                out,
                timeout: Duration::from_secs(timeout),
            })
        }
        Command::Diff { implementation, cases, seed, out } => {
            iam_conformance::diff::run(&implementation, cases, seed, &out)
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn cmd_eval(file: &str, explain: bool) -> Result<bool, String> {
    let text = read_input(file)?;
    let case = runner::parse_case(&text).map_err(|e| format!("{file}: {e}"))?;
    let steps = run_case(&case, explain)?;
    if explain {
        println!("{}", case.description);
        for (i, s) in steps.iter().enumerate() {
            println!("\n== step {} ==", i + 1);
            println!("{}", serde_json::to_string(&s.result).unwrap_or_default());
            if let Some(e) = &s.explanation {
                print!("{e}");
            }
        }
    } else {
        let results: Vec<_> = steps.into_iter().map(|s| s.result).collect();
        println!("{}", serde_json::json!({ "results": results }));
    }
    Ok(true)
}

/// A result value for a person: `(absent)` for null.
fn shown(v: &serde_json::Value) -> String {
    if v.is_null() {
        "(absent)".to_string()
    } else {
        v.to_string()
    }
}

fn cmd_run(
    paths: Vec<PathBuf>,
    implementation: Option<String>,
    tags: &[String],
    filter: Option<&str>,
    format: Format,
    timeout: u64,
) -> Result<bool, String> {
    let paths = if paths.is_empty() { vec![PathBuf::from("corpus")] } else { paths };
    let mut files = runner::collect_case_files(&paths)?;
    if let Some(f) = filter {
        files.retain(|p| p.display().to_string().contains(f));
    }
    let mut imp: Box<dyn Implementation> = match &implementation {
        Some(cmd) => Box::new(External::start(cmd, Duration::from_secs(timeout))?),
        None => Box::new(Reference),
    };
    let bar = if std::io::stderr().is_terminal() && format == Format::Text {
        let b = indicatif::ProgressBar::new(files.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(b)
    } else {
        None
    };
    let mut reports: Vec<CaseReport> = Vec::new();
    for file in &files {
        if !tags.is_empty() {
            match runner::load_case(file) {
                Ok(c) if !c.tags.iter().any(|t| tags.contains(t)) => continue,
                _ => {}
            }
        }
        let report = runner::run_file(imp.as_mut(), file);
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
    match format {
        Format::Json => {
            let info = imp.info();
            let out = serde_json::json!({
                "implementation": info, "summary": total, "areas": areas, "tags": by_tag, "cases": reports,
            });
            println!("{out}");
        }
        Format::Junit => print!("{}", iam_conformance::report::junit(&imp.info().name, &reports)),
        Format::Text => {
            for r in &reports {
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
            println!("\nimplementation: {}", imp.info().name);
            println!("{:<24} {:>7} {:>7} {:>7} {:>7}", "area", "passed", "failed", "skipped", "errored");
            for (area, c) in &areas {
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
            println!("{}", total.line());
        }
    }
    Ok(total.failed == 0 && total.errored == 0)
}
