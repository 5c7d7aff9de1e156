//! The `iam-conformance` command line. Each subcommand lives in its own module under
//! `cli/`; adding one is a variant of [`Command`] and an arm in [`run`].

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

mod cli;

use cli::CliError;

const AFTER_HELP: &str = "\
Examples:
  iam-conformance run                                  the corpus against the reference evaluator
  iam-conformance run corpus/sts --tag role-chaining   one area, one tag
  iam-conformance run --impl 'python3 adapter.py' --format json > a.json
  iam-conformance report a.json b.json -o target/report.html
  iam-conformance explain corpus/seeds/002-seed000-non-member-stopped-at-first-hop.json
  iam-conformance parse --type identity policy.json
  iam-conformance completions bash > /etc/bash_completion.d/iam-conformance

Exit codes:
  0  everything selected ran and passed
  1  something did not pass: a case failed or errored, no case was selected or
     compared, a skip under --fail-on-skip, fewer than --min-cases compared, a step
     of `eval`/`explain` that does not match its expect, an invalid policy for `parse`
  2  the command could not run: bad arguments, an unreadable or invalid input file,
     an implementation that does not start

The corpus: `run` without paths reads $IAM_CONFORMANCE_CORPUS, else ./corpus, else
the corpus of the source tree the binary was built from.";

#[derive(Parser)]
#[command(
    name = "iam-conformance",
    about = "Conformance corpus, oracle and harness for AWS IAM evaluators",
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run case files and folders (default: the corpus) and print a summary.
    Run(cli::run::RunArgs),
    /// Run one case (a file, or - for stdin): step results as JSON, and whether each
    /// step matched its expect.
    Eval {
        /// The case file, or `-`.
        #[arg(default_value = "-")]
        file: String,
    },
    /// Run one case and explain each decision for a person to read, saying whether
    /// each step matched its expect.
    Explain {
        /// The case file, or `-`.
        #[arg(default_value = "-")]
        file: String,
        /// Text for a person, or JSON with the same evidence for programs.
        #[arg(long, value_enum, default_value = "text")]
        format: cli::Format,
    },
    /// Check policy files: valid, or the classified error with its location.
    Parse(cli::parse::ParseArgs),
    /// Serve the reference evaluator over the harness protocol on stdin and stdout.
    Serve,
    /// Build a self-contained HTML report from `run --format json` results.
    Report {
        /// JSON result files (one per implementation run).
        #[arg(required = true)]
        inputs: Vec<std::path::PathBuf>,
        /// Where to write the HTML page (nothing else is written).
        #[arg(long, short)]
        output: std::path::PathBuf,
    },
    /// Run the reference and every installed peer adapter over the corpus; write one
    /// HTML page and one JSON file (`matrix.html`, `matrix.json`).
    Matrix {
        /// Case files or folders (default `corpus/`).
        paths: Vec<std::path::PathBuf>,
        /// A peer as NAME=CMD (repeatable); default: every scripts/adapters/NAME/run.sh.
        #[arg(long = "impl")]
        implementations: Vec<String>,
        /// Where the adapters are found when no --impl is given.
        #[arg(long, default_value = "scripts/adapters")]
        adapters: std::path::PathBuf,
        /// The output folder.
        #[arg(long, short, default_value = "target/matrix")]
        out: std::path::PathBuf,
        /// Seconds a peer may take per case.
        #[arg(long, default_value_t = 10)]
        timeout: u64,
    },
    /// Can this principal do this? The decision, the policy type that denied, the AWS
    /// message and the trace (exit 0 allowed, 1 denied, 2 bad input).
    Can(iam_conformance::queries::CanArgs),
    /// Every principal of the world allowed to do this, or allowed only if keys the
    /// world cannot know allow it.
    WhoCan(iam_conformance::queries::WhoCanArgs),
    /// The roles each principal can become through sts:AssumeRole, with paths.
    Reach(iam_conformance::queries::ReachArgs),
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
        /// The folder to write to: OUT/summary.json and the disagreements as case
        /// files in OUT/cases/.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

fn run(command: Command) -> Result<bool, CliError> {
    match command {
        Command::Run(args) => cli::run::run(args),
        Command::Eval { file } => cli::eval::eval(&file, None),
        Command::Explain { file, format } => cli::eval::eval(&file, Some(format)),
        Command::Parse(args) => cli::parse::parse(&args),
        Command::Serve => {
            let stdin = std::io::stdin();
            let stdout = std::io::stdout();
            iam_conformance::protocol::serve(stdin.lock(), stdout.lock()).map_err(CliError::Serve)?;
            Ok(true)
        }
        Command::Report { inputs, output } => {
            iam_conformance::report::write_html(&inputs, &output)?;
            eprintln!("report: wrote {}", output.display());
            Ok(true)
        }
        Command::Matrix { paths, implementations, adapters, out, timeout } => {
            iam_conformance::matrix::run(&iam_conformance::matrix::Options {
                paths,
                impls: implementations,
                adapters,
                out,
                timeout: std::time::Duration::from_secs(timeout),
            })
            .map_err(CliError::Other)
        }
        Command::Diff { implementation, cases, seed, out } => {
            iam_conformance::diff::run(&implementation, cases, seed, &out).map_err(CliError::Other)
        }
        Command::Can(args) => iam_conformance::queries::can(&args).map_err(CliError::Other),
        Command::WhoCan(args) => iam_conformance::queries::who_can(&args).map_err(CliError::Other),
        Command::Reach(args) => iam_conformance::queries::reach(&args).map_err(CliError::Other),
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "iam-conformance", &mut std::io::stdout());
            Ok(true)
        }
    }
}

fn main() -> ExitCode {
    let version = cli::corpus::version_text();
    let matches = Cli::command().version(version).long_version(version).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    match run(cli.command) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
