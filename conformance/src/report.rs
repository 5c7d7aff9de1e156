//! Reports: JUnit XML for CI systems and a self-contained HTML page.
//!
//! The HTML page is built from one or more `iam-conformance run --format json` results
//! (one per implementation run): a summary per implementation, a matrix of
//! implementations by area and by tag with pass rates, and every failing or errored
//! case with its field-by-field diff. Cases tagged `uncertain` (behaviour the AWS
//! documentation leaves open) are counted apart from the pass rates. The page has
//! inline CSS only: no scripts, fonts or images are fetched.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::runner::{area_of, CaseReport, Counts, ImplementationInfo, Status};

/// The tag that marks behaviour the AWS documentation leaves open; counted apart.
pub const UNCERTAIN: &str = "uncertain";

/// Characters XML 1.0 cannot carry at all (not even as references) are replaced.
fn xml_char_ok(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if xml_char_ok(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// The reports as a JUnit XML document, one test case per case file.
pub fn junit(implementation: &str, reports: &[CaseReport]) -> String {
    let count = |s: Status| reports.iter().filter(|r| r.status == s).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
        xml_escape(implementation),
        reports.len(),
        count(Status::Failed),
        count(Status::Errored),
        count(Status::Skipped)
    ));
    for r in reports {
        out.push_str(&format!(
            "  <testcase classname=\"{}\" name=\"{}\">",
            xml_escape(&area_of(&r.path)),
            xml_escape(&r.path)
        ));
        match r.status {
            Status::Passed => {}
            Status::Failed => {
                let body: Vec<String> = r
                    .mismatches
                    .iter()
                    .map(|m| format!("step {} {}: expected {} but got {}", m.step, m.field, m.expected, m.actual))
                    .collect();
                out.push_str(&format!(
                    "<failure message=\"{}\">{}</failure>",
                    xml_escape(&r.description),
                    xml_escape(&body.join("\n"))
                ));
            }
            Status::Skipped => {
                out.push_str(&format!("<skipped message=\"{}\"/>", xml_escape(r.message.as_deref().unwrap_or(""))))
            }
            Status::Errored => {
                out.push_str(&format!("<error message=\"{}\"/>", xml_escape(r.message.as_deref().unwrap_or(""))))
            }
        }
        out.push_str("</testcase>\n");
    }
    out.push_str("</testsuite>\n");
    out
}

// ---------------------------------------------------------------------------------
// Reading `run --format json` results back.

/// A verdict as written by `run --format json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Passed.
    Passed,
    /// Failed.
    Failed,
    /// Skipped.
    Skipped,
    /// Errored.
    Errored,
}

impl Verdict {
    /// The runner's status.
    pub fn status(self) -> Status {
        match self {
            Verdict::Passed => Status::Passed,
            Verdict::Failed => Status::Failed,
            Verdict::Skipped => Status::Skipped,
            Verdict::Errored => Status::Errored,
        }
    }
}

/// One mismatching field as written by `run --format json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RunMismatch {
    /// Step number, from 1.
    pub step: usize,
    /// The field.
    pub field: String,
    /// Expected value.
    #[serde(default)]
    pub expected: Value,
    /// Actual value (`null` when absent).
    #[serde(default)]
    pub actual: Value,
}

/// One case as written by `run --format json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RunCase {
    /// The case file.
    pub path: String,
    /// Its description.
    #[serde(default)]
    pub description: String,
    /// Its tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The verdict.
    pub status: Verdict,
    /// The fields that differ, for a failure.
    #[serde(default)]
    pub mismatches: Vec<RunMismatch>,
    /// Why it was skipped or errored.
    #[serde(default)]
    pub message: Option<String>,
}

impl RunCase {
    /// Whether the case is tagged `uncertain`.
    pub fn uncertain(&self) -> bool {
        self.tags.iter().any(|t| t == UNCERTAIN)
    }
}

/// One `run --format json` output. Its `summary`, `areas` and `tags` are not read:
/// the report recounts from `cases` so that uncertain cases can be counted apart.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RunResult {
    /// Who ran.
    pub implementation: ImplementationInfo,
    /// Every case.
    pub cases: Vec<RunCase>,
    /// Where it was read from (shown in the column header); not part of the JSON.
    #[serde(skip)]
    pub source: String,
}

/// Parses one `run --format json` output.
pub fn parse_run(text: &str, source: &str) -> Result<RunResult, String> {
    let mut run: RunResult = serde_json::from_str(text)
        .map_err(|e| format!("{source}: {e} (expected the output of `iam-conformance run --format json`)"))?;
    run.source = source.to_string();
    Ok(run)
}

/// Reads one `run --format json` output file.
pub fn load_run(path: &Path) -> Result<RunResult, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse_run(&text, &path.display().to_string())
}

/// Builds the HTML report from `run --format json` result files and writes it.
pub fn write_html(inputs: &[PathBuf], output: &Path) -> Result<(), String> {
    if inputs.is_empty() {
        return Err("no input: give one or more files written by `iam-conformance run --format json`".to_string());
    }
    let runs = inputs.iter().map(|p| load_run(p)).collect::<Result<Vec<_>, _>>()?;
    std::fs::write(output, render_html(&runs)).map_err(|e| format!("{}: {e}", output.display()))
}

// ---------------------------------------------------------------------------------
// Counting.

/// Counts of one group of cases, with `uncertain`-tagged cases apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Split {
    /// Cases not tagged `uncertain`: these make the pass rate.
    pub certain: Counts,
    /// Cases tagged `uncertain`.
    pub uncertain: Counts,
}

impl Split {
    fn add(&mut self, case: &RunCase) {
        if case.uncertain() {
            self.uncertain.add(case.status.status());
        } else {
            self.certain.add(case.status.status());
        }
    }
}

/// The counts of one run: in total, per area (the folder of the case file) and per tag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// All cases.
    pub total: Split,
    /// Per area.
    pub areas: BTreeMap<String, Split>,
    /// Per tag.
    pub tags: BTreeMap<String, Split>,
}

/// Counts the cases of one run.
pub fn tally(run: &RunResult) -> Tally {
    let mut t = Tally::default();
    for case in &run.cases {
        t.total.add(case);
        t.areas.entry(area_of(&case.path)).or_default().add(case);
        for tag in &case.tags {
            t.tags.entry(tag.clone()).or_default().add(case);
        }
    }
    t
}

/// The pass rate in whole percent, rounded down so that 100 means every case passed.
/// Skipped cases count as not passed. `None` when there are no cases.
pub fn pass_percent(c: &Counts) -> Option<usize> {
    let total = c.total();
    (total > 0).then(|| c.passed * 100 / total)
}

// ---------------------------------------------------------------------------------
// HTML.

/// Escapes text for HTML element content and quoted attribute values. Control
/// characters (from a garbled implementation, say) are shown as U+FFFD.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --pass:#1a7f37; --fail:#cf222e; --skip:#6e7781; --err:#9a6700; --line:#d0d7de; --muted:#57606a; }
* { box-sizing: border-box; }
body { margin: 0; padding: 28px 36px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1f2328; background: #f6f8fa; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 8px; }
p.lead { color: var(--muted); margin: 0 0 18px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
.cards { display: flex; flex-wrap: wrap; gap: 14px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px; min-width: 280px; flex: 1 1 280px; max-width: 440px; }
.card .name { font-weight: 600; font-size: 16px; }
.card .meta { color: var(--muted); font-size: 12px; margin-bottom: 8px; overflow-wrap: anywhere; }
.card .big { font-size: 30px; font-weight: 700; }
.card .big small { font-size: 13px; font-weight: 400; color: var(--muted); }
.bar { display: flex; height: 10px; border-radius: 5px; overflow: hidden; background: #eaeef2; margin: 8px 0; }
.bar span { display: block; height: 100%; }
.bar .p { background: var(--pass); } .bar .f { background: var(--fail); } .bar .s { background: #afb8c1; } .bar .e { background: #d4a72c; }
.counts { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 13px; }
.counts b { font-weight: 600; }
.c-pass { color: var(--pass); } .c-fail { color: var(--fail); } .c-skip { color: var(--skip); } .c-err { color: var(--err); }
.unc { color: #8250df; font-size: 12px; }
.legend { color: var(--muted); font-size: 12px; margin: 6px 0 10px; }
table { border-collapse: collapse; background: #fff; }
table.matrix { border: 1px solid var(--line); }
table.matrix th, table.matrix td { border: 1px solid var(--line); padding: 3px 10px; text-align: left; vertical-align: middle; }
table.matrix thead th { background: #f0f3f6; font-weight: 600; position: sticky; top: 0; }
table.matrix thead th .meta { font-weight: 400; color: var(--muted); font-size: 11px; }
table.matrix th.row { font-weight: 500; white-space: nowrap; }
table.matrix td { min-width: 190px; white-space: nowrap; }
nav { display: flex; gap: 18px; font-size: 13px; margin: 16px 0 0; }
nav a { color: #0969da; text-decoration: none; } nav a:hover { text-decoration: underline; }
td .rate { font-weight: 700; display: inline-block; min-width: 46px; }
td .n { color: #424a53; margin-right: 6px; }
td .detail { font-size: 12px; }
td.r100 { background: #dafbe1; } td.r90 { background: #eef7d9; } td.r50 { background: #fff5d1; } td.r0 { background: #ffebe9; }
td.skip { background: #eef1f4; color: var(--skip); } td.na { color: #afb8c1; text-align: center; } td.uonly { background: #f5f0ff; }
.case { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--fail); border-radius: 6px; padding: 10px 14px; margin: 10px 0; }
.case.errored { border-left-color: #d4a72c; }
.case .head { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
.case .desc { margin: 4px 0 6px; color: #424a53; }
.badge { display: inline-block; font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .03em; border-radius: 10px; padding: 1px 8px; color: #fff; }
.badge.failed { background: var(--fail); } .badge.errored { background: #bf8700; } .badge.skipped { background: #8c959f; } .badge.uncertain { background: #8250df; }
.tags { display: flex; flex-wrap: wrap; gap: 4px; margin-bottom: 6px; }
.tag { font-size: 11px; background: #ddf4ff; color: #0a3069; border-radius: 10px; padding: 0 7px; }
table.diff { width: 100%; border: 1px solid var(--line); }
table.diff th, table.diff td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
table.diff th { background: #f6f8fa; font-weight: 600; font-size: 12px; }
table.diff td.exp { background: #f0fff4; width: 42%; } table.diff td.act { background: #fff5f5; width: 42%; }
table.diff td { overflow-wrap: anywhere; }
table.diff mark { border-radius: 2px; padding: 0 1px; }
td.exp mark { background: #abf2bc; } td.act mark { background: #ffcecb; }
.absent { color: var(--muted); font-style: italic; }
pre.msg { background: #fff8c5; border: 1px solid #eedc82; border-radius: 4px; padding: 6px 8px; margin: 4px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
details { margin: 8px 0; } summary { cursor: pointer; color: var(--muted); }
ul.skipped { margin: 6px 0; padding-left: 20px; font-size: 13px; }
.ok { color: var(--pass); font-weight: 600; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
"#;

/// The self-contained HTML page for the given runs.
pub fn render_html(runs: &[RunResult]) -> String {
    let tallies: Vec<Tally> = runs.iter().map(tally).collect();
    let mut h = String::with_capacity(64 * 1024);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<title>IAM conformance report</title>\n<style>");
    h.push_str(STYLE);
    h.push_str("</style>\n</head>\n<body>\n");
    h.push_str("<h1>IAM conformance report</h1>\n");
    let _ = writeln!(
        h,
        "<p class=\"lead\">{} implementation run{} against the AWS IAM conformance corpus. Pass rates count \
         skipped cases as not passed and leave out cases tagged <code>{UNCERTAIN}</code> (behaviour the AWS \
         documentation leaves open), which are counted apart.</p>",
        runs.len(),
        if runs.len() == 1 { "" } else { "s" }
    );

    h.push_str("<div class=\"cards\">\n");
    for (run, t) in runs.iter().zip(&tallies) {
        summary_card(&mut h, run, t);
    }
    h.push_str("</div>\n");

    let bad =
        |run: &RunResult| run.cases.iter().filter(|c| matches!(c.status, Verdict::Failed | Verdict::Errored)).count();
    let _ = writeln!(
        h,
        "<nav><a href=\"#areas\">By area</a><a href=\"#tags\">By tag</a><a href=\"#failures\">Failures and errors ({})</a></nav>",
        runs.iter().map(bad).sum::<usize>()
    );

    matrix(&mut h, ("areas", "By area", "area"), runs, &tallies, |t| &t.areas);
    matrix(&mut h, ("tags", "By tag", "tag"), runs, &tallies, |t| &t.tags);

    h.push_str("<h2 id=\"failures\">Failures and errors</h2>\n");
    for run in runs {
        failures(&mut h, run);
    }
    let _ = writeln!(
        h,
        "<footer>Generated by iam-conformance {} from {} result file{}.</footer>",
        html_escape(env!("CARGO_PKG_VERSION")),
        runs.len(),
        if runs.len() == 1 { "" } else { "s" }
    );
    h.push_str("</body>\n</html>\n");
    h
}

fn impl_title(run: &RunResult) -> String {
    let i = &run.implementation;
    let mut meta: Vec<&str> = Vec::new();
    if !i.version.is_empty() {
        meta.push(&i.version);
    }
    if !i.language.is_empty() {
        meta.push(&i.language);
    }
    if meta.is_empty() {
        html_escape(&i.name)
    } else {
        format!("{} <span class=\"meta\">{}</span>", html_escape(&i.name), html_escape(&meta.join(" · ")))
    }
}

fn file_name(source: &str) -> String {
    Path::new(source).file_name().and_then(|n| n.to_str()).unwrap_or(source).to_string()
}

fn width(part: usize, total: usize) -> String {
    if total == 0 {
        return "0".to_string();
    }
    format!("{:.2}", part as f64 * 100.0 / total as f64)
}

fn summary_card(h: &mut String, run: &RunResult, t: &Tally) {
    let c = &t.total.certain;
    let u = &t.total.uncertain;
    let i = &run.implementation;
    h.push_str("<div class=\"card\">\n");
    let _ = writeln!(h, "<div class=\"name\">{}</div>", html_escape(&i.name));
    let mut meta = vec![];
    if !i.version.is_empty() {
        meta.push(format!("version {}", i.version));
    }
    if !i.language.is_empty() {
        meta.push(i.language.clone());
    }
    if !run.source.is_empty() {
        meta.push(file_name(&run.source));
    }
    let _ = writeln!(h, "<div class=\"meta\">{}</div>", html_escape(&meta.join(" · ")));
    match pass_percent(c) {
        Some(p) => {
            let _ =
                writeln!(h, "<div class=\"big\">{p}% <small>{} of {} cases passed</small></div>", c.passed, c.total());
        }
        None => h.push_str("<div class=\"big\">– <small>no cases</small></div>\n"),
    }
    let total = c.total();
    let _ = writeln!(
        h,
        "<div class=\"bar\" title=\"passed, failed, skipped, errored\"><span class=\"p\" style=\"width:{}%\"></span>\
         <span class=\"f\" style=\"width:{}%\"></span><span class=\"s\" style=\"width:{}%\"></span>\
         <span class=\"e\" style=\"width:{}%\"></span></div>",
        width(c.passed, total),
        width(c.failed, total),
        width(c.skipped, total),
        width(c.errored, total)
    );
    let _ = writeln!(
        h,
        "<div class=\"counts\"><span class=\"c-pass\"><b>{}</b> passed</span><span class=\"c-fail\"><b>{}</b> failed</span>\
         <span class=\"c-skip\"><b>{}</b> skipped</span><span class=\"c-err\"><b>{}</b> errored</span></div>",
        c.passed, c.failed, c.skipped, c.errored
    );
    if u.total() > 0 {
        let _ = writeln!(
            h,
            "<div class=\"unc\">uncertain-tagged, counted apart: {} of {} passed ({} failed, {} skipped, {} errored)</div>",
            u.passed,
            u.total(),
            u.failed,
            u.skipped,
            u.errored
        );
    }
    h.push_str("</div>\n");
}

fn cell(split: Option<&Split>) -> String {
    let Some(s) = split.filter(|s| s.certain.total() + s.uncertain.total() > 0) else {
        return "<td class=\"na\">–</td>".to_string();
    };
    let c = &s.certain;
    let mut body = String::new();
    let class = match pass_percent(c) {
        None => "uonly",
        Some(_) if c.skipped == c.total() => {
            let _ = write!(body, "<span class=\"rate\">skip</span><span class=\"n\">0/{}</span>", c.total());
            "skip"
        }
        Some(p) => {
            let _ = write!(body, "<span class=\"rate\">{p}%</span><span class=\"n\">{}/{}</span>", c.passed, c.total());
            let mut parts = Vec::new();
            if c.failed > 0 {
                parts.push(format!("<span class=\"c-fail\">{} failed</span>", c.failed));
            }
            if c.errored > 0 {
                parts.push(format!("<span class=\"c-err\">{} errored</span>", c.errored));
            }
            if c.skipped > 0 {
                parts.push(format!("<span class=\"c-skip\">{} skipped</span>", c.skipped));
            }
            if !parts.is_empty() {
                let _ = write!(body, "<span class=\"detail\">{}</span>", parts.join(" · "));
            }
            match p {
                100 => "r100",
                90..=99 => "r90",
                50..=89 => "r50",
                _ => "r0",
            }
        }
    };
    let u = &s.uncertain;
    if u.total() > 0 {
        let sep = if body.is_empty() { "" } else { " " };
        let skip = if u.skipped == u.total() { "skip " } else { "" };
        let _ = write!(body, "{sep}<span class=\"unc\">uncertain {skip}{}/{}</span>", u.passed, u.total());
    }
    format!("<td class=\"{class}\">{body}</td>")
}

fn matrix(
    h: &mut String,
    (id, title, what): (&str, &str, &str),
    runs: &[RunResult],
    tallies: &[Tally],
    pick: impl Fn(&Tally) -> &BTreeMap<String, Split>,
) {
    let rows: BTreeSet<&String> = tallies.iter().flat_map(|t| pick(t).keys()).collect();
    let _ = writeln!(h, "<h2 id=\"{id}\">{}</h2>", html_escape(title));
    let _ = writeln!(
        h,
        "<div class=\"legend\">Each cell: pass rate and passed/total over cases not tagged <code>{UNCERTAIN}</code>; \
         uncertain-tagged cases apart in purple. {} {what}{}.</div>",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    );
    h.push_str("<table class=\"matrix\">\n<thead><tr>");
    let _ = write!(h, "<th>{}</th>", html_escape(what));
    for run in runs {
        let _ = write!(h, "<th>{}</th>", impl_title(run));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        let _ = write!(h, "<tr><th class=\"row\">{}</th>", html_escape(row));
        for t in tallies {
            h.push_str(&cell(pick(t).get(row)));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
}

fn show_value(v: &Value) -> String {
    match v {
        Value::Null => "<span class=\"absent\">absent</span>".to_string(),
        Value::String(s) => html_escape(s),
        other => html_escape(&other.to_string()),
    }
}

/// The two strings with the part that differs (after the common prefix and before
/// the common suffix) marked.
fn marked_pair(expected: &str, actual: &str) -> (String, String) {
    let e: Vec<char> = expected.chars().collect();
    let a: Vec<char> = actual.chars().collect();
    let prefix = e.iter().zip(&a).take_while(|(x, y)| x == y).count();
    let max_suffix = e.len().min(a.len()) - prefix;
    let suffix = e.iter().rev().zip(a.iter().rev()).take(max_suffix).take_while(|(x, y)| x == y).count();
    let mark = |chars: &[char]| {
        let head: String = chars.iter().take(prefix).collect();
        let middle: String = chars.iter().skip(prefix).take(chars.len() - prefix - suffix).collect();
        let tail: String = chars.iter().skip(chars.len() - suffix).collect();
        if middle.is_empty() {
            format!("{}{}", html_escape(&head), html_escape(&tail))
        } else {
            format!("{}<mark>{}</mark>{}", html_escape(&head), html_escape(&middle), html_escape(&tail))
        }
    };
    (mark(&e), mark(&a))
}

fn diff_row(m: &RunMismatch) -> String {
    let (exp, act) = match (&m.expected, &m.actual) {
        (Value::String(e), Value::String(a)) if e.chars().count() > 24 || a.chars().count() > 24 => marked_pair(e, a),
        (e, a) => (show_value(e), show_value(a)),
    };
    format!(
        "<tr><td>{}</td><td class=\"mono\">{}</td><td class=\"exp mono\">{exp}</td><td class=\"act mono\">{act}</td></tr>",
        m.step,
        html_escape(&m.field)
    )
}

fn case_head(h: &mut String, case: &RunCase) {
    let status = match case.status {
        Verdict::Passed => "passed",
        Verdict::Failed => "failed",
        Verdict::Skipped => "skipped",
        Verdict::Errored => "errored",
    };
    let _ = write!(h, "<div class=\"head\"><span class=\"badge {status}\">{status}</span>");
    if case.uncertain() {
        h.push_str("<span class=\"badge uncertain\">uncertain</span>");
    }
    let _ = writeln!(h, "<code>{}</code></div>", html_escape(&case.path));
    if !case.description.is_empty() {
        let _ = writeln!(h, "<div class=\"desc\">{}</div>", html_escape(&case.description));
    }
    let tags: Vec<&String> = case.tags.iter().filter(|t| t.as_str() != UNCERTAIN).collect();
    if !tags.is_empty() {
        h.push_str("<div class=\"tags\">");
        for t in tags {
            let _ = write!(h, "<span class=\"tag\">{}</span>", html_escape(t));
        }
        h.push_str("</div>\n");
    }
}

fn failures(h: &mut String, run: &RunResult) {
    let _ = writeln!(h, "<h3>{}</h3>", impl_title(run));
    let bad: Vec<&RunCase> =
        run.cases.iter().filter(|c| matches!(c.status, Verdict::Failed | Verdict::Errored)).collect();
    if bad.is_empty() {
        h.push_str("<p class=\"ok\">No failed or errored cases.</p>\n");
    }
    for case in bad {
        let class = if case.status == Verdict::Errored { "case errored" } else { "case" };
        let _ = writeln!(h, "<div class=\"{class}\">");
        case_head(h, case);
        if !case.mismatches.is_empty() {
            h.push_str("<table class=\"diff\"><thead><tr><th>step</th><th>field</th><th>expected</th><th>actual</th></tr></thead><tbody>\n");
            for m in &case.mismatches {
                h.push_str(&diff_row(m));
                h.push('\n');
            }
            h.push_str("</tbody></table>\n");
        }
        if let Some(msg) = case.message.as_deref().filter(|m| !m.is_empty()) {
            let _ = writeln!(h, "<pre class=\"msg\">{}</pre>", html_escape(msg));
        }
        h.push_str("</div>\n");
    }
    let skipped: Vec<&RunCase> = run.cases.iter().filter(|c| c.status == Verdict::Skipped).collect();
    if !skipped.is_empty() {
        let _ = writeln!(
            h,
            "<details><summary>{} skipped case{} (not run by this implementation)</summary><ul class=\"skipped\">",
            skipped.len(),
            if skipped.len() == 1 { "" } else { "s" }
        );
        for case in skipped {
            let why = case.message.as_deref().filter(|m| !m.is_empty()).map(|m| format!(": {}", html_escape(m)));
            let _ = writeln!(h, "<li><code>{}</code>{}</li>", html_escape(&case.path), why.unwrap_or_default());
        }
        h.push_str("</ul></details>\n");
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

    use super::*;
    use serde_json::json;

    fn run_json(name: &str, cases: Value) -> RunResult {
        let v = json!({
            "implementation": {"name": name, "version": "1.2", "language": "toy"},
            "summary": {"passed": 0, "failed": 0, "skipped": 0, "errored": 0},
            "areas": {}, "tags": {}, "cases": cases,
        });
        parse_run(&v.to_string(), &format!("{name}.json")).unwrap()
    }

    fn case(path: &str, tags: &[&str], status: &str) -> Value {
        json!({"path": path, "description": format!("case {path}"), "tags": tags, "status": status,
               "mismatches": [], "message": null})
    }

    #[test]
    fn tally_counts_uncertain_apart_by_tag_and_area() {
        let run = run_json(
            "a",
            json!([
                case("corpus/parse/1.json", &["json"], "passed"),
                case("corpus/parse/2.json", &["json", "uncertain"], "failed"),
                case("corpus/parse/3.json", &["json"], "skipped"),
                case("corpus/sts/4.json", &["mfa"], "errored"),
            ]),
        );
        let t = tally(&run);
        let json_tag = t.tags["json"];
        assert_eq!((json_tag.certain.passed, json_tag.certain.skipped, json_tag.certain.total()), (1, 1, 2));
        assert_eq!((json_tag.uncertain.failed, json_tag.uncertain.total()), (1, 1));
        assert_eq!(t.areas["parse"].certain.total(), 2);
        assert_eq!(t.areas["parse"].uncertain.total(), 1);
        assert_eq!(t.areas["sts"].certain.errored, 1);
        assert_eq!(t.total.certain.total(), 3);
        assert_eq!(t.total.uncertain.total(), 1);
        assert_eq!(pass_percent(&t.total.certain), Some(33));
    }

    #[test]
    fn pass_percent_rounds_down_and_skips_are_not_passes() {
        let c = Counts { passed: 199, failed: 1, skipped: 0, errored: 0 };
        assert_eq!(pass_percent(&c), Some(99));
        assert_eq!(pass_percent(&Counts { passed: 2, failed: 0, skipped: 2, errored: 0 }), Some(50));
        assert_eq!(pass_percent(&Counts { passed: 3, failed: 0, skipped: 0, errored: 0 }), Some(100));
        assert_eq!(pass_percent(&Counts::default()), None);
    }

    #[test]
    fn escapes_everything_that_comes_from_input() {
        let mut bad = case("corpus/x/<script>.json", &["<b>tag</b>", "a&b"], "failed");
        bad["description"] = json!("desc with <img src=x onerror=alert(1)> & \"quotes\"");
        bad["mismatches"] = json!([{"step": 1, "field": "<field>", "expected": "<allowed>", "actual": "\u{1b}[31m"}]);
        let errored = json!({"path": "corpus/x/e.json", "description": "", "tags": [], "status": "errored",
                             "mismatches": [], "message": "the implementation printed </pre><script>x</script>"});
        let mut run = run_json("<impl onload=x>", json!([bad, errored]));
        run.implementation.version = "\"><script>".to_string();
        let html = render_html(&[run]);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"));
        assert!(!html.contains("<b>tag"));
        assert!(!html.contains("<impl"));
        assert!(!html.contains("<field>"));
        assert!(!html.contains('\u{1b}'));
        assert!(html.contains("&lt;script&gt;.json"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;"));
        assert!(html.contains("a&amp;b"));
        assert!(html.contains("&lt;/pre&gt;&lt;script&gt;x&lt;/script&gt;"));
    }

    #[test]
    fn page_is_self_contained() {
        let run = run_json("a", json!([case("corpus/parse/1.json", &["json"], "passed")]));
        let html = render_html(&[run]);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<style>"));
        for external in ["<script", "<link", "src=", "url(", "http://", "https://", "@import"] {
            assert!(!html.contains(external), "found {external}");
        }
    }

    #[test]
    fn matrix_has_a_column_per_implementation_and_a_row_per_tag() {
        let a = run_json(
            "alpha",
            json!([case("corpus/parse/1.json", &["json"], "passed"), case("corpus/parse/2.json", &["json"], "failed")]),
        );
        let b = run_json(
            "beta",
            json!([case("corpus/parse/1.json", &["json"], "passed"), case("corpus/sts/3.json", &["mfa"], "skipped")]),
        );
        let html = render_html(&[a, b]);
        let by_tag =
            html.split("<h2 id=\"tags\">By tag</h2>").nth(1).unwrap().split("<h2 id=\"failures\">").next().unwrap();
        assert!(by_tag.contains("<th>alpha <span class=\"meta\">1.2 · toy</span></th><th>beta"));
        let json_row = by_tag.lines().find(|l| l.starts_with("<tr><th class=\"row\">json</th>")).unwrap();
        assert_eq!(json_row.matches("<td").count(), 2);
        assert!(json_row.contains("<td class=\"r50\"><span class=\"rate\">50%</span><span class=\"n\">1/2</span>"));
        assert!(json_row.contains("<td class=\"r100\"><span class=\"rate\">100%</span><span class=\"n\">1/1</span>"));
        let mfa_row = by_tag.lines().find(|l| l.starts_with("<tr><th class=\"row\">mfa</th>")).unwrap();
        assert!(mfa_row.contains("<td class=\"na\">"), "alpha has no mfa case: {mfa_row}");
        assert!(mfa_row.contains("<td class=\"skip\">"), "beta skipped its mfa case: {mfa_row}");
        let by_area =
            html.split("<h2 id=\"areas\">By area</h2>").nth(1).unwrap().split("<h2 id=\"tags\">").next().unwrap();
        assert_eq!(by_area.matches("<table").count(), 1, "areas fit one table");
        assert_eq!(by_tag.matches("<table").count(), 1);
        assert!(by_area.contains("<tr><th class=\"row\">parse</th>"));
        assert!(by_area.contains("<tr><th class=\"row\">sts</th>"));
    }

    #[test]
    fn uncertain_cases_do_not_change_the_rate_but_are_shown() {
        let run = run_json(
            "a",
            json!([
                case("corpus/parse/1.json", &["json"], "passed"),
                case("corpus/parse/2.json", &["json", "uncertain"], "failed"),
            ]),
        );
        let html = render_html(&[run]);
        let row = html.lines().find(|l| l.starts_with("<tr><th class=\"row\">json</th>")).unwrap();
        assert!(row.contains("<span class=\"rate\">100%</span><span class=\"n\">1/1</span>"), "{row}");
        assert!(row.contains("uncertain 0/1"), "{row}");
        let unc_row = html.lines().find(|l| l.starts_with("<tr><th class=\"row\">uncertain</th>")).unwrap();
        assert!(unc_row.contains("<td class=\"uonly\">"), "{unc_row}");
        assert!(html.contains("uncertain-tagged, counted apart: 0 of 1 passed"));
        assert!(html.contains("<span class=\"badge uncertain\">"));
    }

    #[test]
    fn failing_cases_show_each_field_expected_and_actual() {
        let mut failed = case("corpus/evaluate/9.json", &["boundary"], "failed");
        failed["mismatches"] = json!([
            {"step": 2, "field": "decision", "expected": "explicitDeny", "actual": "allowed"},
            {"step": 2, "field": "deniedBy", "expected": "permissionsBoundary", "actual": null},
            {"step": 3, "field": "session.durationSeconds", "expected": 3600, "actual": 900},
        ]);
        let passed = case("corpus/evaluate/1.json", &["boundary"], "passed");
        let html = render_html(&[run_json("a", json!([failed, passed]))]);
        let failures = html.split("<h2 id=\"failures\">Failures and errors</h2>").nth(1).unwrap();
        assert!(failures.contains("<code>corpus/evaluate/9.json</code>"));
        assert!(!failures.contains("corpus/evaluate/1.json"), "passed cases are not listed");
        assert!(failures.contains(
            "<tr><td>2</td><td class=\"mono\">decision</td><td class=\"exp mono\">explicitDeny</td><td class=\"act mono\">allowed</td></tr>"
        ));
        assert!(failures.contains(
            "<td class=\"exp mono\">permissionsBoundary</td><td class=\"act mono\"><span class=\"absent\">absent</span></td>"
        ));
        assert!(failures.contains("<td class=\"exp mono\">3600</td><td class=\"act mono\">900</td>"));
    }

    #[test]
    fn long_strings_mark_the_part_that_differs() {
        let (e, a) = marked_pair(
            "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:GetObject",
            "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: s3:GetObject",
        );
        assert_eq!(
            e,
            "User: arn:aws:iam::111122223333:user/<mark>alice</mark> is not authorized to perform: s3:GetObject"
        );
        assert_eq!(
            a,
            "User: arn:aws:iam::111122223333:user/<mark>bob</mark> is not authorized to perform: s3:GetObject"
        );
        let (e, a) = marked_pair("abc<", "abcd<");
        assert_eq!((e.as_str(), a.as_str()), ("abc&lt;", "abc<mark>d</mark>&lt;"));
        let (e, a) = marked_pair("aa", "aaa");
        assert_eq!((e.as_str(), a.as_str()), ("aa", "aa<mark>a</mark>"));
    }

    #[test]
    fn errored_cases_show_their_message_and_skipped_cases_are_collapsed() {
        let mut errored = case("corpus/sts/5.json", &[], "errored");
        errored["message"] = json!("no answer within 1s");
        let mut skipped = case("corpus/sts/6.json", &[], "skipped");
        skipped["message"] = json!("assumeRole is not supported");
        let html = render_html(&[run_json("a", json!([errored, skipped]))]);
        assert!(html.contains("<div class=\"case errored\">"));
        assert!(html.contains("<pre class=\"msg\">no answer within 1s</pre>"));
        assert!(html.contains("<details><summary>1 skipped case (not run by this implementation)</summary>"));
        assert!(html.contains("<li><code>corpus/sts/6.json</code>: assumeRole is not supported</li>"));
    }

    #[test]
    fn a_clean_run_says_so() {
        let html = render_html(&[run_json("a", json!([case("corpus/parse/1.json", &[], "passed")]))]);
        assert!(html.contains("No failed or errored cases."));
        assert!(!html.contains("<div class=\"case"));
    }

    #[test]
    fn bad_input_names_the_file() {
        let e = parse_run("{\"implementation\": {}}", "x.json").unwrap_err();
        assert!(e.starts_with("x.json: "), "{e}");
        let e = parse_run("PASS 3 cases", "y.txt").unwrap_err();
        assert!(e.contains("y.txt") && e.contains("line 1"), "{e}");
        let mut c = case("a/b.json", &[], "passed");
        c["status"] = json!("great");
        let text = json!({"implementation": {"name": "a", "version": "", "language": ""}, "cases": [c]}).to_string();
        assert!(parse_run(&text, "z.json").unwrap_err().contains("unknown variant `great`"));
        assert!(write_html(&[], Path::new("/nonexistent/out.html")).unwrap_err().contains("no input"));
    }

    #[test]
    fn junit_escapes_and_drops_characters_xml_cannot_hold() {
        let r = CaseReport {
            path: "corpus/p/<1>.json".to_string(),
            description: "a \"b\" & c".to_string(),
            tags: vec![],
            status: Status::Errored,
            mismatches: vec![],
            message: Some("garbage \u{1b}[31m\u{0}".to_string()),
            compared: vec![],
            not_given: vec![],
        };
        let x = junit("imp'l", &[r]);
        assert!(x.contains("name=\"corpus/p/&lt;1&gt;.json\""));
        assert!(x.contains("<error message=\"garbage \u{FFFD}[31m\u{FFFD}\"/>"));
        assert!(x.contains("name=\"imp&apos;l\""));
        assert!(!x.contains('\u{1b}') && !x.contains('\u{0}'));
    }
}
