//! The report as a bundle shows it, as lines ([`outline`]) and as one HTML
//! page for a bundle: every item with the sentence
//! it rests on, cited by exhibit number. Self-contained (its style inline
//! in a `<style>` element, no script, no external resource) and escaped
//! throughout, so a quote can hold any text.

use std::fmt::Write as _;

use crate::render::range;
use crate::{Citation, Event, Report};

/// What a citation's source is called in the page: "Exhibit 3" for an
/// exhibit, `None` for a source the bundle does not hold.
pub type ExhibitOf<'a> = &'a dyn Fn(u64) -> Option<usize>;

/// `text` escaped for HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One line of the report as a bundle shows it: what the HTML page and
/// the PDF both lay out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// The report's title.
    Title(String),
    /// A line about the report (its date, what it draws on).
    Meta(String),
    /// A section's heading.
    Heading(String),
    /// "None" under an empty section.
    Empty,
    /// An item of a section.
    Item(String),
    /// A citation under an item: where, and the sentence word for word.
    Cite {
        /// "Exhibit N, document D, RECORD".
        at: String,
        /// The sentence.
        quote: String,
    },
    /// A row of the entities' table.
    Row([String; 5]),
}

/// The heading row of the entities' table.
pub const ENTITY_COLUMNS: [&str; 5] = ["Entity", "Kind", "Name", "Mentions", "Sources"];

/// The report as lines titled `title`, its citations naming exhibits by
/// `exhibit`.
pub fn outline(report: &Report, title: &str, exhibit: ExhibitOf<'_>) -> Vec<Line> {
    let mut out = vec![Line::Title(title.to_owned())];
    out.push(Line::Meta(format!(
        "As of {}. Drawn from {} document{}. Protected sources {}.",
        report.as_of,
        report.documents,
        if report.documents == 1 { "" } else { "s" },
        if report.protected_included {
            "included, as their witnesses' consent allows; witnesses are named by pseudonym"
        } else {
            "not included"
        }
    )));
    for w in &report.withheld {
        out.push(Line::Meta(format!("Left out: {}", w.why)));
    }
    let section = |out: &mut Vec<Line>, title: &str, empty: bool| {
        out.push(Line::Heading(title.to_owned()));
        if empty {
            out.push(Line::Empty);
        }
    };

    section(&mut out, "Timeline", report.timeline.is_empty());
    for e in &report.timeline {
        event(&mut out, e, exhibit);
    }

    section(&mut out, "Promises", report.promises.is_empty());
    for p in &report.promises {
        let what = if p.promised.is_empty() {
            "(what is not said)".to_owned()
        } else {
            p.promised.join(", ")
        };
        let due = match (p.due_earliest, p.due_latest) {
            (Some(a), Some(b)) if a == b => format!(", due {a}"),
            (Some(a), Some(b)) => format!(", due {a} to {b}"),
            _ => String::new(),
        };
        let overdue = p
            .overdue_months
            .map(|(a, b)| {
                if a == b {
                    format!(", overdue by {a} months")
                } else {
                    format!(", overdue by {a} to {b} months")
                }
            })
            .unwrap_or_default();
        let pay = if p.pay.is_empty() {
            String::new()
        } else {
            format!("; pay {}", p.pay.join(", "))
        };
        item(
            &mut out,
            format!("{what}: {}{due}{overdue}{pay}", p.status.replace('_', " ")),
            std::iter::once(&p.citation).chain(&p.also),
            exhibit,
        );
    }

    section(&mut out, "Violations", report.violations.is_empty());
    for v in &report.violations {
        let mut head = format!(
            "{}: {} claim{} in {} source{} ({} independent)",
            v.kind.replace('_', " "),
            v.claims,
            if v.claims == 1 { "" } else { "s" },
            v.sources,
            if v.sources == 1 { "" } else { "s" },
            v.independent
        );
        if !v.victims.is_empty() {
            let _ = write!(head, "; victims: {}", v.victims.join(", "));
        }
        if !v.perpetrators.is_empty() {
            let _ = write!(head, "; perpetrators: {}", v.perpetrators.join(", "));
        }
        item(&mut out, head, &v.citations, exhibit);
    }

    section(&mut out, "Groups", report.groups.is_empty());
    for g in &report.groups {
        let value = g
            .value
            .map(|v| format!("{v}"))
            .or_else(|| g.magnitude.map(|m| format!("order of {m}")))
            .unwrap_or_default();
        item(
            &mut out,
            format!(
                "\u{201c}{}\u{201d}: {value}{}",
                g.written,
                if g.approximate { ", approximate" } else { "" }
            ),
            std::iter::once(&g.citation).chain(&g.also),
            exhibit,
        );
    }

    section(
        &mut out,
        "People, units and places",
        report.entities.is_empty(),
    );
    for e in report.entities.iter().take(60) {
        out.push(Line::Row([
            format!("E{}", e.id),
            e.kind.clone(),
            e.name.clone(),
            e.mentions.to_string(),
            e.sources.to_string(),
        ]));
    }

    section(&mut out, "Relations", report.relations.is_empty());
    for r in &report.relations {
        let when = match (&r.since, &r.until) {
            (Some(a), Some(b)) => format!(" ({a} to {b})"),
            (Some(a), None) => format!(" (since {a})"),
            (None, Some(b)) => format!(" (until {b})"),
            (None, None) => String::new(),
        };
        item(
            &mut out,
            format!("{} {} {}{when}", r.subject, r.kind, r.object),
            std::iter::once(&r.citation),
            exhibit,
        );
    }

    section(&mut out, "Contradictions", report.contradictions.is_empty());
    for c in &report.contradictions {
        out.push(Line::Item(format!("{}:", c.kind)));
        event(&mut out, &c.first, exhibit);
        event(&mut out, &c.second, exhibit);
    }
    out
}

/// The report as an HTML page titled `title`, its citations naming
/// exhibits by `exhibit`.
pub fn render_html(report: &Report, title: &str, exhibit: ExhibitOf<'_>) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n<style>\n\
         body {{ font-family: \"DejaVu Serif\", \"Liberation Serif\", serif; max-width: 48em; margin: 2em auto; line-height: 1.4; }}\n\
         h1 {{ font-size: 1.4em; }} h2 {{ font-size: 1.15em; border-bottom: 1px solid #999; margin-top: 1.6em; }}\n\
         .item {{ margin: 0.6em 0 0.2em 0; }} .cite {{ margin: 0.2em 0 0 1.5em; font-size: 0.92em; }}\n\
         .where {{ font-weight: bold; }} .quote {{ font-style: italic; }} .meta {{ color: #444; }}\n\
         table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; }}\n\
         </style>\n</head>\n<body>\n",
        escape(title),
    );
    let mut table = false;
    for line in outline(report, title, exhibit) {
        if table && !matches!(line, Line::Row(_)) {
            out.push_str("</table>\n");
            table = false;
        }
        match line {
            Line::Title(t) => {
                let _ = writeln!(out, "<h1>{}</h1>", escape(&t));
            }
            Line::Meta(t) => {
                let _ = writeln!(out, "<p class=\"meta\">{}</p>", escape(&t));
            }
            Line::Heading(t) => {
                let _ = writeln!(out, "<h2>{}</h2>", escape(&t));
            }
            Line::Empty => out.push_str("<p class=\"meta\">None in these exhibits.</p>\n"),
            Line::Item(t) => {
                let _ = writeln!(out, "<div class=\"item\">{}</div>", escape(&t));
            }
            Line::Cite { at, quote } => {
                let _ = writeln!(
                    out,
                    "<div class=\"cite\"><span class=\"where\">{}</span>: <span class=\"quote\">{}</span></div>",
                    escape(&at),
                    escape(&quote)
                );
            }
            Line::Row(cells) => {
                if !table {
                    out.push_str("<table>\n<tr>");
                    for c in ENTITY_COLUMNS {
                        let _ = write!(out, "<th>{c}</th>");
                    }
                    out.push_str("</tr>\n");
                    table = true;
                }
                out.push_str("<tr>");
                for c in &cells {
                    let _ = write!(out, "<td>{}</td>", escape(c));
                }
                out.push_str("</tr>\n");
            }
        }
    }
    if table {
        out.push_str("</table>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// One dated event and its citations.
fn event(out: &mut Vec<Line>, e: &Event, exhibit: ExhibitOf<'_>) {
    let when = if e.uncertain {
        format!("{} [{}]", e.when, range(e.earliest, e.latest, e.open))
    } else {
        e.when.clone()
    };
    item(
        out,
        format!(
            "{when}: {} \u{201c}{}\u{201d}",
            e.kind.replace('_', " "),
            e.written
        ),
        std::iter::once(&e.citation).chain(&e.also),
        exhibit,
    );
}

/// One item: its line, then each citation with its sentence.
fn item<'c>(
    out: &mut Vec<Line>,
    head: String,
    citations: impl IntoIterator<Item = &'c Citation>,
    exhibit: ExhibitOf<'_>,
) {
    out.push(Line::Item(head));
    for c in citations {
        out.push(Line::Cite {
            at: cited(c, exhibit),
            quote: c.quote.clone(),
        });
    }
}

/// Where a citation points, in the bundle's terms.
pub fn cited(c: &Citation, exhibit: ExhibitOf<'_>) -> String {
    let status = if c.status == "proposed" {
        String::new()
    } else {
        format!(" [{}]", c.status)
    };
    if c.source_kind == "curation" {
        return format!("{}{status}", c.record);
    }
    match exhibit(c.source) {
        Some(n) => format!("Exhibit {n}, document {}, {}{status}", c.document, c.record),
        None => format!(
            "source #{}, document {}, {}{status}",
            c.source, c.document, c.record
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_escaped_and_cited_by_exhibit() {
        assert_eq!(
            escape("<script>\"x\" & 'y'</script>"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
        let c = Citation {
            source: 7,
            source_id: "src_x".into(),
            source_kind: "news".into(),
            document: 0,
            field: "text".into(),
            start: 0,
            end: 4,
            quote: "<b>около 40 человек</b>".into(),
            asserted: "document".into(),
            record: "G7.0.1".into(),
            status: "confirmed".into(),
        };
        assert_eq!(
            cited(&c, &|s| (s == 7).then_some(2)),
            "Exhibit 2, document 0, G7.0.1 [confirmed]"
        );
        assert_eq!(
            cited(&c, &|_| None),
            "source #7, document 0, G7.0.1 [confirmed]"
        );
        let mut lines = Vec::new();
        item(&mut lines, "head".into(), [&c], &|_| Some(1));
        assert_eq!(
            lines[1],
            Line::Cite {
                at: "Exhibit 1, document 0, G7.0.1 [confirmed]".into(),
                quote: "<b>около 40 человек</b>".into()
            }
        );
        let escaped = escape(&c.quote);
        assert_eq!(escaped, "&lt;b&gt;около 40 человек&lt;/b&gt;");
    }
}
