//! The matrix as one self-contained HTML page: inline CSS, no scripts, nothing
//! fetched. A scoreboard card per implementation; a table with the implementations as
//! columns and the totals, areas and tags as rows, each cell a coloured bar with the
//! pass rate of what was expressed; and, reached from each cell, the failing and
//! errored cases of that cell with their description, sources and expected versus
//! actual values. The best peer of each row is starred.

use std::fmt::Write as _;

use serde_json::Value;

use super::{count, expressed, expressed_percent, is_uncertain, Column, Matrix};
use crate::report::html_escape as esc;
use crate::runner::{area_of, CaseReport, Counts, Status};

/// Tags with at least this many cases get a row in the main table; the others are
/// listed in a folded table below it.
pub const TAG_ROW_MIN: usize = 8;

/// One row of the table: a label and which cases it holds.
struct Row {
    label: String,
    kind: &'static str,
    filter: Filter,
}

enum Filter {
    All,
    Certain,
    Area(String),
    Tag(String),
}

impl Filter {
    fn keeps(&self, r: &CaseReport) -> bool {
        match self {
            Filter::All => true,
            Filter::Certain => !is_uncertain(r),
            Filter::Area(a) => area_of(&r.path) == *a,
            Filter::Tag(t) => r.tags.iter().any(|x| x == t),
        }
    }
}

const STYLE: &str = r#"
:root{--pass:#2e9d4f;--fail:#d23b3b;--err:#e08a1e;--skip:#c9ced6;--ink:#1d2430;--mute:#667085}
*{box-sizing:border-box}
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);margin:24px;background:#fafbfc}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}h3{font-size:15px;margin:0 0 8px}
.lede{color:var(--mute);margin:0 0 16px;max-width:980px}
.legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:-1px;margin-right:4px}
.board{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0 20px}
.card{background:#fff;border:1px solid #e3e6eb;border-radius:8px;padding:12px 14px;width:210px}
.card.ref{border-color:#9aa4b2;background:#f4f6f8}
.card .nm{font-weight:600;font-size:15px;word-break:break-all}.card .meta{color:var(--mute);font-size:12px}
.card .big{font-size:30px;font-weight:700;margin:6px 0 0}.card .sub{color:var(--mute);font-size:12px;margin-bottom:6px}
.bar{display:flex;height:10px;border-radius:5px;overflow:hidden;background:var(--skip);min-width:60px}
.bar i{display:block;height:100%}.bar .p{background:var(--pass)}.bar .f{background:var(--fail)}.bar .e{background:var(--err)}.bar .s{background:var(--skip)}
table.m{border-collapse:separate;border-spacing:0;background:#fff;border:1px solid #e3e6eb;border-radius:8px}
table.m th,table.m td{padding:5px 8px;border-bottom:1px solid #eef0f3;text-align:left;vertical-align:middle}
table.m thead th{position:sticky;top:0;background:#fff;z-index:1;border-bottom:2px solid #d0d5dd;min-width:120px;max-width:170px;word-break:break-word}
table.m thead th .meta{font-weight:400;color:var(--mute);font-size:12px}
table.m th.row{font-weight:500;white-space:nowrap;min-width:170px}.row .n{color:var(--mute);font-weight:400;font-size:12px;margin-left:4px}
tr.total th,tr.total td{font-weight:700;background:#f4f6f8}
tr.grp th{background:#fafbfc;color:var(--mute);font-size:12px;text-transform:uppercase;letter-spacing:.04em;padding-top:12px}
td.c{min-width:120px}td.c a,td.c span.cell{display:block;color:inherit;text-decoration:none;border-radius:4px;padding:2px 4px}
td.c a:hover{outline:2px solid #4b6bfb}
.rate{font-weight:700;font-size:14px}.rate small{font-weight:400;color:var(--mute);font-size:11px;margin-left:4px}
.k{font-size:11px;color:var(--mute);white-space:nowrap}.k b{font-weight:600}.k .fx{color:var(--fail)}.k .ex{color:var(--err)}
td.none .rate{color:var(--mute);font-weight:400}
.best .rate::after{content:" \2605";color:#b7791f}
.drill{display:none;background:#fff;border:2px solid #4b6bfb;border-radius:8px;padding:12px 16px;margin:16px 0}
.drill:target{display:block}
.case{border-top:1px solid #eef0f3;padding:8px 0}.case:first-of-type{border-top:0}
.case .path{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.st{display:inline-block;font-size:11px;font-weight:700;border-radius:3px;padding:0 5px;color:#fff;margin-right:6px}
.st.failed{background:var(--fail)}.st.errored{background:var(--err)}
.src{font-size:12px;color:var(--mute)}.src a{color:#3559d1}
table.d{border-collapse:collapse;margin:6px 0;font-size:12px}table.d td,table.d th{border:1px solid #e3e6eb;padding:3px 6px;text-align:left;vertical-align:top}
table.d td.v{font-family:ui-monospace,Menlo,Consolas,monospace;max-width:520px;word-break:break-all}
.cmp{font-size:11px;color:var(--mute)}
.absent{color:var(--fail)}
details.more{margin-top:16px}details.more summary{cursor:pointer;font-weight:600}
"#;

fn bar(c: &Counts) -> String {
    let total = c.total().max(1) as f64;
    let w = |n: usize| format!("{:.2}%", n as f64 * 100.0 / total);
    format!(
        "<span class=\"bar\" title=\"{} passed, {} failed, {} errored, {} skipped\"><i class=\"p\" style=\"width:{}\"></i><i class=\"f\" style=\"width:{}\"></i><i class=\"e\" style=\"width:{}\"></i><i class=\"s\" style=\"width:{}\"></i></span>",
        c.passed, c.failed, c.errored, c.skipped, w(c.passed), w(c.failed), w(c.errored), w(c.skipped)
    )
}

/// The cell background: red (0 %) through amber to green (100 %) of what was expressed.
fn tint(percent: Option<usize>) -> String {
    match percent {
        Some(p) => format!("background:hsl({},65%,{}%)", p * 120 / 100, 92),
        None => "background:#f2f3f5".to_string(),
    }
}

fn cell(c: &Counts, drill: Option<&str>, best: bool) -> String {
    let pct = expressed_percent(c);
    let rate = match pct {
        Some(p) => format!("{p}%<small>{} of {}</small>", c.passed, expressed(c)),
        None => "not expressed".to_string(),
    };
    let errored = if c.errored > 0 { format!(" <b class=\"ex\">{}</b> err", c.errored) } else { String::new() };
    let counts = format!(
        "<span class=\"k\"><b>{}</b> ok <b class=\"fx\">{}</b> fail{errored} {} skip</span>",
        c.passed, c.failed, c.skipped
    );
    let inner = format!("<div class=\"rate\">{rate}</div>{}{counts}", bar(c));
    let mut class = String::from("c");
    if pct.is_none() {
        class.push_str(" none");
    }
    if best {
        class.push_str(" best");
    }
    match drill {
        Some(id) => format!(
            "<td class=\"{class}\" style=\"{}\"><a href=\"#{id}\" title=\"the failing cases\">{inner}</a></td>",
            tint(pct)
        ),
        None => format!("<td class=\"{class}\" style=\"{}\"><span class=\"cell\">{inner}</span></td>", tint(pct)),
    }
}

fn card(h: &mut String, col: &Column) {
    let total = count(&col.reports, |_| true);
    let pct = expressed_percent(&total).map_or("–".to_string(), |p| format!("{p}%"));
    let cover = (expressed(&total) * 100).checked_div(total.total()).unwrap_or(0);
    let _ = write!(
        h,
        "<div class=\"card{}\" data-impl=\"{}\"><div class=\"nm\">{}</div><div class=\"meta\">{} · {}{}</div>\
         <div class=\"big\">{pct}</div><div class=\"sub\">of {} expressed cases passed · expressed {} of {} ({cover}%) · {:.1} s</div>{}</div>",
        if col.is_reference() { " ref" } else { "" },
        esc(&col.id),
        esc(&col.info.name),
        esc(&col.info.version),
        esc(&col.info.language),
        if col.is_reference() { " · the oracle" } else { "" },
        expressed(&total),
        expressed(&total),
        total.total(),
        col.seconds,
        bar(&total),
    );
}

fn header(h: &mut String, m: &Matrix) {
    h.push_str("<thead><tr><th class=\"row\">rows: areas and tags</th>");
    for col in &m.columns {
        let _ = write!(
            h,
            "<th class=\"impl\" data-impl=\"{}\"><div>{}</div><div class=\"meta\">{} · {}</div></th>",
            esc(&col.id),
            esc(&col.info.name),
            esc(&col.info.version),
            esc(&col.info.language)
        );
    }
    h.push_str("</tr></thead>");
}

/// Writes the table rows; returns the drill-down sections their cells link to.
fn rows(h: &mut String, m: &Matrix, rows: &[Row], first_id: usize, drills: &mut Vec<(String, String)>) {
    for (i, row) in rows.iter().enumerate() {
        let counts: Vec<Counts> = m.columns.iter().map(|c| count(&c.reports, |r| row.filter.keeps(r))).collect();
        let n = counts.first().map_or(0, Counts::total);
        // The best peer of the row: the highest pass rate of what was expressed.
        let best = counts
            .iter()
            .zip(&m.columns)
            .enumerate()
            .filter(|(_, (_, col))| !col.is_reference())
            .filter_map(|(j, (c, _))| expressed_percent(c).map(|p| (p, expressed(c), j)))
            .max_by_key(|&(p, e, _)| (p, e));
        let class = if row.kind == "total" { " class=\"total\"" } else { "" };
        let _ = write!(
            h,
            "<tr{class} data-row=\"{}\"><th class=\"row\">{}<span class=\"n\">{n}</span></th>",
            esc(&format!("{}:{}", row.kind, row.label)),
            esc(&row.label)
        );
        for (j, (c, col)) in counts.iter().zip(&m.columns).enumerate() {
            let drill = (c.failed + c.errored > 0).then(|| format!("d{j}-r{}", first_id + i));
            if let Some(id) = &drill {
                drills.push((id.clone(), drill_section(m, col, row, id)));
            }
            let is_best = best.is_some_and(|(_, _, b)| b == j) && m.columns.len() > 2;
            h.push_str(&cell(c, drill.as_deref(), is_best));
        }
        h.push_str("</tr>");
    }
}

fn source_link(s: &str) -> String {
    if s.starts_with("https://") || s.starts_with("http://") {
        format!("<a href=\"{0}\">{0}</a>", esc(s))
    } else {
        esc(s)
    }
}

fn shown(v: &Value) -> String {
    if v.is_null() {
        "(absent)".to_string()
    } else {
        v.to_string()
    }
}

fn drill_section(m: &Matrix, col: &Column, row: &Row, id: &str) -> String {
    let mut h = String::new();
    let bad: Vec<&CaseReport> = col
        .reports
        .iter()
        .filter(|r| row.filter.keeps(r) && matches!(r.status, Status::Failed | Status::Errored))
        .collect();
    let _ = write!(
        h,
        "<section class=\"drill\" id=\"{id}\"><h3>{} — {} {}: {} not passed</h3>",
        esc(&col.info.name),
        esc(row.kind),
        esc(&row.label),
        bad.len()
    );
    for r in bad {
        let status = if r.status == Status::Failed { "failed" } else { "errored" };
        let meta = m.cases.get(&r.path);
        let _ = write!(
            h,
            "<div class=\"case\"><span class=\"st {status}\">{status}</span><span class=\"path\">{}</span><div>{}</div>",
            esc(&r.path),
            esc(&r.description)
        );
        if let Some(meta) = meta {
            let links: Vec<String> = meta.sources.iter().map(|s| source_link(s)).collect();
            let _ = write!(h, "<div class=\"src\">sources: {}</div>", links.join(" · "));
        }
        if !r.mismatches.is_empty() {
            h.push_str("<table class=\"d\"><tr><th>step</th><th>field</th><th>expected</th><th>actual</th></tr>");
            for mm in &r.mismatches {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td class=\"v\">{}</td><td class=\"v\">{}</td></tr>",
                    mm.step,
                    esc(&mm.field),
                    esc(&shown(&mm.expected)),
                    esc(&shown(&mm.actual))
                );
            }
            h.push_str("</table>");
        }
        if let Some(msg) = &r.message {
            let _ = write!(h, "<div class=\"cmp\">{}</div>", esc(msg));
        }
        if !r.compared.is_empty() || !r.not_given.is_empty() {
            let _ = write!(h, "<div class=\"cmp\">compared: {}", esc(&r.compared.join(", ")));
            if !r.not_given.is_empty() {
                let _ = write!(h, "; not given by the implementation: {}", esc(&r.not_given.join(", ")));
            }
            h.push_str("</div>");
        }
        h.push_str("</div>");
    }
    h.push_str("</section>");
    h
}

/// The page.
pub fn render(m: &Matrix) -> String {
    let mut h = String::new();
    let n = m.columns.first().map_or(0, |c| c.reports.len());
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>IAM conformance matrix</title>\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><style>{STYLE}</style></head><body>\
         <h1>IAM conformance matrix</h1><p class=\"lede\">{n} case files from {} run by {} implementations. \
         The pass rate counts only what an implementation expressed (passed, failed or errored); a skip (a step it \
         cannot express) is never a pass and never a failure. Fields an adapter cannot give (deniedBy, message, \
         errorKind, errorPointer) are not compared; decision and valid always are. ★ marks the best peer of a row. \
         Click a cell for its failing cases.</p><p class=\"legend\"><span><i class=\"sw\" style=\"background:var(--pass)\"></i>passed</span>\
         <span><i class=\"sw\" style=\"background:var(--fail)\"></i>failed</span><span><i class=\"sw\" style=\"background:var(--err)\"></i>errored</span>\
         <span><i class=\"sw\" style=\"background:var(--skip)\"></i>skipped</span></p>",
        esc(&m.paths.join(", ")),
        m.columns.len()
    );
    h.push_str("<div class=\"board\">");
    for col in &m.columns {
        card(&mut h, col);
    }
    h.push_str("</div>");
    if !m.absent.is_empty() {
        h.push_str("<p class=\"absent\">Not run: ");
        let items: Vec<String> =
            m.absent.iter().map(|a| format!("<b>{}</b> ({})", esc(&a.name), esc(&a.reason))).collect();
        h.push_str(&items.join("; "));
        h.push_str("</p>");
    }

    let mut areas: Vec<String> = Vec::new();
    let mut tag_counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    if let Some(first) = m.columns.first() {
        for r in &first.reports {
            let a = area_of(&r.path);
            if !areas.contains(&a) {
                areas.push(a);
            }
            for t in &r.tags {
                *tag_counts.entry(t.clone()).or_default() += 1;
            }
        }
    }
    areas.sort();
    let mut main = vec![
        Row { label: "all cases".into(), kind: "total", filter: Filter::All },
        Row { label: "without uncertain".into(), kind: "total", filter: Filter::Certain },
    ];
    let area_rows: Vec<Row> =
        areas.iter().map(|a| Row { label: a.clone(), kind: "area", filter: Filter::Area(a.clone()) }).collect();
    let mut big_tags: Vec<(&String, &usize)> = tag_counts.iter().filter(|(_, &c)| c >= TAG_ROW_MIN).collect();
    big_tags.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let tag_rows: Vec<Row> = big_tags
        .iter()
        .map(|(t, _)| Row { label: (*t).clone(), kind: "tag", filter: Filter::Tag((*t).clone()) })
        .collect();
    let small_rows: Vec<Row> = tag_counts
        .iter()
        .filter(|(_, &c)| c < TAG_ROW_MIN)
        .map(|(t, _)| Row { label: t.clone(), kind: "tag", filter: Filter::Tag(t.clone()) })
        .collect();

    let mut drills = Vec::new();
    let cols = m.columns.len() + 1;
    h.push_str("<table class=\"m\" id=\"matrix\">");
    header(&mut h, m);
    h.push_str("<tbody>");
    rows(&mut h, m, &main, 0, &mut drills);
    let _ = write!(h, "<tr class=\"grp\"><th colspan=\"{cols}\">areas (folders of corpus/)</th></tr>");
    rows(&mut h, m, &area_rows, main.len(), &mut drills);
    let _ = write!(h, "<tr class=\"grp\"><th colspan=\"{cols}\">tags with at least {TAG_ROW_MIN} cases</th></tr>");
    rows(&mut h, m, &tag_rows, main.len() + area_rows.len(), &mut drills);
    h.push_str("</tbody></table>");
    if !small_rows.is_empty() {
        let _ = write!(
            h,
            "<details class=\"more\"><summary>{} more tags, with fewer than {TAG_ROW_MIN} cases each</summary><table class=\"m\">",
            small_rows.len()
        );
        header(&mut h, m);
        h.push_str("<tbody>");
        let first = main.len() + area_rows.len() + tag_rows.len();
        rows(&mut h, m, &small_rows, first, &mut drills);
        h.push_str("</tbody></table></details>");
    }
    main.clear();
    h.push_str("<h2>Failing cases</h2><p class=\"lede\">Each cell's failing and errored cases appear here when you click it.</p>");
    for (_, section) in drills {
        h.push_str(&section);
    }
    h.push_str("</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::{ImplementationInfo, Mismatch};

    fn report(path: &str, tags: &[&str], status: Status) -> CaseReport {
        CaseReport {
            path: path.to_string(),
            description: format!("about {path}"),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            sources: Vec::new(),
            status,
            mismatches: if status == Status::Failed {
                vec![Mismatch {
                    step: 1,
                    field: "decision".into(),
                    expected: Value::from("allowed"),
                    actual: Value::from("<implicitDeny>"),
                }]
            } else {
                vec![]
            },
            message: None,
            compared: vec!["decision".into()],
            not_given: vec!["deniedBy".into()],
        }
    }

    fn column(id: &str, reference: bool, statuses: &[Status]) -> Column {
        let paths = ["corpus/a/1.json", "corpus/a/2.json", "corpus/b/3.json"];
        Column {
            id: id.to_string(),
            info: ImplementationInfo { name: format!("{id}-name"), version: "1.0".into(), language: "x".into() },
            command: (!reference).then(|| "cmd".to_string()),
            seconds: 0.5,
            reports: paths.iter().zip(statuses).map(|(p, s)| report(p, &["t1"], *s)).collect(),
        }
    }

    #[test]
    fn the_page_has_a_column_per_implementation_and_a_drill_down_per_failing_cell() {
        let m = Matrix {
            paths: vec!["corpus".into()],
            columns: vec![
                column("reference", true, &[Status::Passed, Status::Passed, Status::Passed]),
                column("peer", false, &[Status::Failed, Status::Skipped, Status::Passed]),
                column("other", false, &[Status::Errored, Status::Passed, Status::Skipped]),
            ],
            absent: vec![super::super::Absent {
                name: "gone".into(),
                command: "x".into(),
                reason: "no <start>".into(),
            }],
            cases: [(
                "corpus/a/1.json".to_string(),
                super::super::CaseMeta {
                    description: "d".into(),
                    sources: vec!["https://docs.aws.amazon.com/x.html#y".into()],
                    tags: vec![],
                },
            )]
            .into_iter()
            .collect(),
        };
        let page = render(&m);
        for id in ["reference", "peer", "other"] {
            assert!(page.contains(&format!("<th class=\"impl\" data-impl=\"{id}\">")), "{id}");
        }
        assert!(page.contains("data-row=\"total:all cases\""));
        // peer: 1 passed of 2 expressed; other: 1 of 2 as well (an error counts against it).
        assert!(page.contains("50%<small>1 of 2</small>"));
        // the failing cell of the peer in area a links to its drill-down, which shows the case.
        assert!(page.contains("href=\"#d1-r2\""));
        let drill = &page[page.find("id=\"d1-r2\"").unwrap()..];
        assert!(drill.contains("corpus/a/1.json") && drill.contains("&lt;implicitDeny&gt;"));
        assert!(drill.contains("<a href=\"https://docs.aws.amazon.com/x.html#y\">"));
        assert!(drill.contains("not given by the implementation: deniedBy"));
        assert!(page.contains("no &lt;start&gt;"));
        assert!(!page.contains("<script"));
    }
}
