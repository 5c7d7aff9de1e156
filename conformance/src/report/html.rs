//! The self-contained HTML report: what failed first (a summary per implementation
//! with the totals the CLI prints, then failures grouped by implementation and area,
//! each case with its description, sources and expected versus actual), then pass
//! rates by area, and by tag in a section collapsed by default. Cases tagged
//! `uncertain` (behaviour the AWS documentation leaves open) are counted in the
//! totals like the CLI counts them and left out of the pass rates. The page has
//! inline CSS only: no scripts, fonts or images are fetched.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use super::{pass_percent, tally, RunCase, RunMismatch, RunResult, Split, Tally, Verdict, UNCERTAIN};
use crate::runner::{area_of, Counts};

/// Escapes text for HTML element content and quoted attribute values. Control
/// characters (from a garbled implementation, say) are shown as U+FFFD.
pub fn html_escape(s: &str) -> String {
    super::escape_markup(s, "&#39;", |c| matches!(c, '\n' | '\t') || !c.is_control())
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
.card .big small { display: block; font-size: 13px; font-weight: 400; color: var(--muted); }
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
.card .line { font-size: 13px; margin: 6px 0 2px; }
.card .rate { color: var(--muted); font-size: 12px; margin-top: 4px; }
details.group { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 6px 14px; margin: 10px 0; }
details.group > summary { color: #1f2328; font-weight: 600; padding: 4px 0; }
details.group > summary .n { font-weight: 400; margin-left: 8px; }
details.group .case { border-top: 1px solid var(--line); border-right: 0; border-bottom: 0; border-radius: 0; margin: 8px 0; }
.sources { font-size: 12px; margin: 2px 0 6px; overflow-wrap: anywhere; }
.sources a { color: #0969da; }
details.tagtable > summary { font-size: 14px; }
"#;

/// The self-contained HTML page for the given runs: summary, failures, by area, by tag.
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
        "<p class=\"lead\">{} implementation run{} against the AWS IAM conformance corpus. The totals are the \
         ones <code>iam-conformance run</code> prints. Pass rates leave out cases tagged <code>{UNCERTAIN}</code> \
         (behaviour the AWS documentation leaves open or contradicts, so that no answer is known to be right), \
         which are counted apart, and count skipped cases as not passed.</p>",
        runs.len(),
        if runs.len() == 1 { "" } else { "s" }
    );
    let bad = |run: &RunResult| run.cases.iter().filter(|c| is_bad(c)).count();
    let _ = writeln!(
        h,
        "<nav><a href=\"#summary\">Summary</a><a href=\"#failures\">Failures and errors ({})</a>\
         <a href=\"#areas\">By area</a><a href=\"#tags\">By tag</a></nav>",
        runs.iter().map(bad).sum::<usize>()
    );

    h.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\n");
    for (run, t) in runs.iter().zip(&tallies) {
        summary_card(&mut h, run, t);
    }
    h.push_str("</div>\n</section>\n");

    h.push_str("<section id=\"failures\">\n<h2>Failures and errors</h2>\n");
    for (i, run) in runs.iter().enumerate() {
        failures(&mut h, i, run);
    }
    h.push_str("</section>\n");

    h.push_str("<section id=\"areas\">\n");
    matrix(&mut h, ("By area", "area"), runs, &tallies, |t| &t.areas);
    h.push_str("</section>\n");
    let tag_count = tallies.iter().flat_map(|t| t.tags.keys()).collect::<BTreeSet<_>>().len();
    let _ = writeln!(
        h,
        "<section id=\"tags\">\n<details class=\"tagtable\"><summary>By tag: pass rates under each of the {tag_count} \
         tags (show)</summary>"
    );
    matrix(&mut h, ("By tag", "tag"), runs, &tallies, |t| &t.tags);
    h.push_str("</details>\n</section>\n");
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

/// A failed or errored case: what the failures section lists.
fn is_bad(case: &RunCase) -> bool {
    matches!(case.status, Verdict::Failed | Verdict::Errored)
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
    // The totals as the CLI counts them: every case, uncertain-tagged ones included.
    let all = Counts {
        passed: c.passed + u.passed,
        failed: c.failed + u.failed,
        skipped: c.skipped + u.skipped,
        errored: c.errored + u.errored,
    };
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
            let _ = writeln!(
                h,
                "<div class=\"big\">{p}% <small>{} of {} cases not tagged {UNCERTAIN} passed</small></div>",
                c.passed,
                c.total()
            );
        }
        None => h.push_str("<div class=\"big\">– <small>no cases</small></div>\n"),
    }
    let total = all.total();
    let _ = writeln!(
        h,
        "<div class=\"bar\" title=\"passed, failed, skipped, errored\"><span class=\"p\" style=\"width:{}%\"></span>\
         <span class=\"f\" style=\"width:{}%\"></span><span class=\"s\" style=\"width:{}%\"></span>\
         <span class=\"e\" style=\"width:{}%\"></span></div>",
        width(all.passed, total),
        width(all.failed, total),
        width(all.skipped, total),
        width(all.errored, total)
    );
    let _ = writeln!(
        h,
        "<div class=\"counts\"><span class=\"c-pass\"><b>{}</b> passed</span><span class=\"c-fail\"><b>{}</b> failed</span>\
         <span class=\"c-skip\"><b>{}</b> skipped</span><span class=\"c-err\"><b>{}</b> errored</span>\
         <span>of <b>{}</b> cases</span></div>",
        all.passed, all.failed, all.skipped, all.errored, total
    );
    let _ = writeln!(
        h,
        "<div class=\"line\">compared {} of {} cases with their expectations ({} skipped and {} errored were not)</div>",
        all.compared(),
        total,
        all.skipped,
        all.errored
    );
    if u.total() > 0 {
        let _ = writeln!(
            h,
            "<div class=\"unc\">uncertain-tagged, counted apart from the pass rate: {} of {} passed ({} failed, {} skipped, {} errored)</div>",
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
    (title, what): (&str, &str),
    runs: &[RunResult],
    tallies: &[Tally],
    pick: impl Fn(&Tally) -> &BTreeMap<String, Split>,
) {
    let rows: BTreeSet<&String> = tallies.iter().flat_map(|t| pick(t).keys()).collect();
    let _ = writeln!(h, "<h2>{}</h2>", html_escape(title));
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
    if !case.sources.is_empty() {
        let shown: Vec<String> = case.sources.iter().map(|s| source_link(s)).collect();
        let _ = writeln!(h, "<div class=\"sources\">Sources: {}</div>", shown.join(", "));
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

/// A source as a link when it is a web address, else as code (`seed:...`).
fn source_link(source: &str) -> String {
    if source.starts_with("https://") || source.starts_with("http://") {
        let text = source.trim_start_matches("https://").trim_start_matches("http://");
        format!("<a href=\"{}\">{}</a>", html_escape(source), html_escape(text))
    } else {
        format!("<code>{}</code>", html_escape(source))
    }
}

fn case_block(h: &mut String, case: &RunCase) {
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

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// One implementation's failed and errored cases, a collapsible group per area
/// (open), then its skipped cases (collapsed).
fn failures(h: &mut String, index: usize, run: &RunResult) {
    let _ = writeln!(h, "<h3>{}</h3>", impl_title(run));
    let mut groups: BTreeMap<String, Vec<&RunCase>> = BTreeMap::new();
    for case in run.cases.iter().filter(|c| is_bad(c)) {
        groups.entry(area_of(&case.path)).or_default().push(case);
    }
    if groups.is_empty() {
        h.push_str("<p class=\"ok\">No failed or errored cases.</p>\n");
    }
    for (area, cases) in &groups {
        let failed = cases.iter().filter(|c| c.status == Verdict::Failed).count();
        let errored = cases.len() - failed;
        let mut counts = Vec::new();
        if failed > 0 {
            counts.push(format!("<span class=\"c-fail\">{} failed</span>", failed));
        }
        if errored > 0 {
            counts.push(format!("<span class=\"c-err\">{} errored</span>", errored));
        }
        let _ = writeln!(
            h,
            "<details class=\"group\" open id=\"failures-{index}-{}\"><summary>{}<span class=\"n\">{}</span></summary>",
            html_escape(&slug(area)),
            html_escape(area),
            counts.join(" · ")
        );
        for case in cases {
            case_block(h, case);
        }
        h.push_str("</details>\n");
    }
    let skipped: Vec<&RunCase> = run.cases.iter().filter(|c| c.status == Verdict::Skipped).collect();
    if !skipped.is_empty() {
        let _ = writeln!(
            h,
            "<details><summary>{} (not run by this implementation)</summary><ul class=\"skipped\">",
            plural(skipped.len(), "skipped case")
        );
        for case in skipped {
            let why = case.message.as_deref().filter(|m| !m.is_empty()).map(|m| format!(": {}", html_escape(m)));
            let _ = writeln!(h, "<li><code>{}</code>{}</li>", html_escape(&case.path), why.unwrap_or_default());
        }
        h.push_str("</ul></details>\n");
    }
}

/// Letters, digits and hyphens, for element ids.
fn slug(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

    use super::super::tests::{case, run_json};
    use super::*;
    use serde_json::json;

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
        // Sources are links to follow, never resources the page loads.
        let mut c = case("corpus/parse/2.json", &[], "failed");
        c["sources"] = json!(["https://docs.aws.amazon.com/IAM/latest/UserGuide/x.html#a", "seed:001.txt"]);
        let html = render_html(&[run_json("a", json!([c]))]);
        assert_eq!(html.matches("https://").count(), 1);
        assert!(html.contains(
            "Sources: <a href=\"https://docs.aws.amazon.com/IAM/latest/UserGuide/x.html#a\">docs.aws.amazon.com/IAM/latest/UserGuide/x.html#a</a>, <code>seed:001.txt</code>"
        ));
        for external in ["<script", "<link", "src=", "url(", "@import"] {
            assert!(!html.contains(external), "found {external}");
        }
    }

    /// The inside of `<section id="ID">`.
    fn section<'h>(html: &'h str, id: &str) -> &'h str {
        let start = format!("<section id=\"{id}\">\n");
        html.split(start.as_str()).nth(1).unwrap().split("</section>").next().unwrap()
    }

    #[test]
    fn failures_come_first_grouped_by_implementation_and_area() {
        let a = run_json(
            "alpha",
            json!([
                case("corpus/parse/1.json", &[], "failed"),
                case("corpus/parse/2.json", &[], "errored"),
                case("corpus/sts/3.json", &[], "failed"),
                case("corpus/sts/4.json", &[], "passed"),
            ]),
        );
        let b = run_json("beta", json!([case("corpus/parse/1.json", &[], "passed")]));
        let html = render_html(&[a, b]);
        let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("no {needle}"));
        assert!(at("<section id=\"summary\">") < at("<section id=\"failures\">"));
        assert!(at("<section id=\"failures\">") < at("<section id=\"areas\">"));
        assert!(at("<section id=\"areas\">") < at("<section id=\"tags\">"));
        let failures = section(&html, "failures");
        assert_eq!(failures.matches("<details class=\"group\" open").count(), 2, "{failures}");
        assert!(failures.contains(
            "<details class=\"group\" open id=\"failures-0-parse\"><summary>parse<span class=\"n\"><span class=\"c-fail\">1 failed</span> · <span class=\"c-err\">1 errored</span></span></summary>"
        ));
        assert!(failures.contains(
            "id=\"failures-0-sts\"><summary>sts<span class=\"n\"><span class=\"c-fail\">1 failed</span></span>"
        ));
        let beta = failures.split("<h3>beta").nth(1).unwrap();
        assert!(beta.contains("No failed or errored cases."));
        assert!(!failures.contains("corpus/sts/4.json"));
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
        let by_tag = section(&html, "tags");
        assert!(by_tag.starts_with("<details class=\"tagtable\"><summary>"), "collapsed by default: {by_tag}");
        assert!(by_tag.contains("<th>alpha <span class=\"meta\">1.2 · toy</span></th><th>beta"));
        let json_row = by_tag.lines().find(|l| l.starts_with("<tr><th class=\"row\">json</th>")).unwrap();
        assert_eq!(json_row.matches("<td").count(), 2);
        assert!(json_row.contains("<td class=\"r50\"><span class=\"rate\">50%</span><span class=\"n\">1/2</span>"));
        assert!(json_row.contains("<td class=\"r100\"><span class=\"rate\">100%</span><span class=\"n\">1/1</span>"));
        let mfa_row = by_tag.lines().find(|l| l.starts_with("<tr><th class=\"row\">mfa</th>")).unwrap();
        assert!(mfa_row.contains("<td class=\"na\">"), "alpha has no mfa case: {mfa_row}");
        assert!(mfa_row.contains("<td class=\"skip\">"), "beta skipped its mfa case: {mfa_row}");
        let by_area = section(&html, "areas");
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
        assert!(html.contains("uncertain-tagged, counted apart from the pass rate: 0 of 1 passed"));
        // The totals are the CLI's: both cases.
        assert!(html.contains("<span class=\"c-fail\"><b>1</b> failed</span>"), "{html}");
        assert!(html.contains("<span>of <b>2</b> cases</span>"), "{html}");
        assert!(html.contains("100% <small>1 of 1 cases not tagged uncertain passed</small>"), "{html}");
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
        let failures = section(&html, "failures");
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
}
