//! Reports: JUnit XML for CI systems and a self-contained HTML page.

use crate::runner::{CaseReport, Status};

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
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
            xml_escape(&crate::runner::area_of(&r.path)),
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

/// Builds the HTML report from `run --format json` result files and writes it.
pub fn write_html(inputs: &[std::path::PathBuf], output: &std::path::Path) -> Result<(), String> {
    let _ = (inputs, output);
    Err("iam-conformance report is not built yet".to_string())
}
