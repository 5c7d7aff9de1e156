//! `iam-conformance parse --type T FILE...`: policy validation as IAM does it, with
//! the classified error (`errorKind`), its JSON pointer, line and column.

use iam_conformance::validate::POLICY_TYPES;
use iam_evaluator::{Policy, PolicyType};

use super::error::read_input;
use super::{CliError, Format};

/// The options of `parse`.
#[derive(clap::Args, Debug)]
pub struct ParseArgs {
    /// The type the policies are used as.
    #[arg(long = "type", short = 't', value_parser = clap::builder::PossibleValuesParser::new(POLICY_TYPES))]
    pub policy_type: String,
    /// Policy files (`-` for stdin).
    #[arg(required = true)]
    pub files: Vec<String>,
    /// Output format (text or json).
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// Checks each file; `Ok(false)` when one is invalid.
pub fn parse(args: &ParseArgs) -> Result<bool, CliError> {
    let ty = PolicyType::from_name(&args.policy_type)
        .ok_or_else(|| CliError::Other(format!("unknown policy type {:?}", args.policy_type)))?;
    let mut all_valid = true;
    let mut out = Vec::new();
    for file in &args.files {
        let text = read_input(file)?;
        let result = Policy::parse(&text, ty);
        all_valid &= result.is_ok();
        match (&result, args.format) {
            (Ok(_), Format::Text) => println!("{file}: valid {} policy", ty.name()),
            (Err(e), Format::Text) => println!(
                "{file}: line {}, column {} ({}): invalid {} policy: {} error: {}",
                e.location.line,
                e.location.column,
                if e.location.pointer.is_empty() { "/" } else { &e.location.pointer },
                ty.name(),
                e.kind.name(),
                e.message
            ),
            (Ok(_), _) => out.push(serde_json::json!({"file": file, "type": ty.name(), "valid": true})),
            (Err(e), _) => out.push(serde_json::json!({
                "file": file, "type": ty.name(), "valid": false, "errorKind": e.kind.name(),
                "pointer": e.location.pointer, "line": e.location.line, "column": e.location.column,
                "message": e.message,
            })),
        }
    }
    if args.format != Format::Text {
        println!("{}", serde_json::Value::Array(out));
    }
    Ok(all_valid)
}
