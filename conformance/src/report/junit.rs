//! JUnit XML for CI systems: one test case per case file, mismatches shown as the
//! text output shows them (`(absent)` for a missing field).

use super::shown;
use crate::runner::{area_of, CaseReport, Status};

/// Characters XML 1.0 cannot carry at all (not even as references) are replaced.
fn xml_char_ok(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

fn xml_escape(s: &str) -> String {
    super::escape_markup(s, "&apos;", xml_char_ok)
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
                    .map(|m| {
                        format!(
                            "step {} {}: expected {} but got {}",
                            m.step,
                            m.field,
                            shown(&m.expected),
                            shown(&m.actual)
                        )
                    })
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

    use super::*;

    #[test]
    fn junit_escapes_and_drops_characters_xml_cannot_hold() {
        let r = CaseReport {
            path: "corpus/p/<1>.json".to_string(),
            description: "a \"b\" & c".to_string(),
            tags: vec![],
            sources: vec![],
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
