//! The report as text a person reads: the whole report and its timeline.

use super::*;

pub(crate) fn range(earliest: Date, latest: Date, open: bool) -> String {
    if open {
        format!("from {earliest}")
    } else if earliest == latest {
        earliest.to_string()
    } else {
        format!("{earliest} to {latest}")
    }
}

pub(crate) fn at(c: &Citation) -> String {
    let status = if c.status == "proposed" {
        String::new()
    } else {
        format!(" [{}]", c.status)
    };
    if c.source_kind == "curation" {
        return format!("{}{status}", c.record);
    }
    let id = if c.source_id.is_empty() {
        String::new()
    } else {
        format!(" ({})", c.source_id)
    };
    format!(
        "{} source {}{id} document {}{status}",
        c.record, c.source, c.document
    )
}

/// The report's timeline as text a person reads, one event and its
/// citation per two lines.
pub fn render_timeline(report: &Report) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for e in &report.timeline {
        let when = if e.uncertain {
            format!("{} [{}]", e.when, range(e.earliest, e.latest, e.open))
        } else {
            e.when.clone()
        };
        let _ = writeln!(out, "  {when:<32} {:<18} \"{}\"", e.kind, e.written);
        let _ = writeln!(out, "      {}: {}", at(&e.citation), e.citation.quote);
        also(&mut out, &e.also);
    }
    out
}

/// An amount of money in words: "200,000 RUB a month", "about 1,500,000
/// UAH".
pub fn money_words(money: &casefile_extract::money::Money) -> String {
    let whole = money.amount.trunc();
    let amount = if (money.amount - whole).abs() < f64::EPSILON && whole.abs() < 1e15 {
        // Thousands apart with commas, as the report's other figures.
        let digits = format!("{}", whole as i64);
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 && c.is_ascii_digit() {
                grouped.push(',');
            }
            grouped.push(c);
        }
        grouped
    } else {
        money.amount.to_string()
    };
    let per = match money.period.as_deref() {
        Some("P1M") => " a month",
        Some("P1Y") => " a year",
        Some("P1W") => " a week",
        Some("P1D") => " a day",
        _ => "",
    };
    format!(
        "{}{amount} {}{per}",
        if money.approximate { "about " } else { "" },
        money.currency
    )
}

/// The line of an empty section: "no violations", and when protected
/// sources were left out, that they may hold some and how to include them.
pub fn nothing(report: &Report, what: &str) -> String {
    if report.protected_included || report.protected_left_out == 0 {
        return format!("  no {what}\n");
    }
    let n = report.protected_left_out;
    format!(
        "  no {what} in the sources read; {n} protected source{} (testimonies, complaints) {} left out: `--include-protected` includes {}\n",
        if n == 1 { "" } else { "s" },
        if n == 1 { "is" } else { "are" },
        if n == 1 { "it" } else { "them" },
    )
}

/// The lines of the citations of records merged into an item.
pub(crate) fn also(out: &mut String, citations: &[Citation]) {
    use std::fmt::Write as _;
    for c in citations {
        let _ = writeln!(out, "      also {}: {}", at(c), c.quote);
    }
}

/// The report as text a person reads.
pub fn render(report: &Report) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Case report as of {} ({} document{}; protected sources {})",
        report.as_of,
        report.documents,
        if report.documents == 1 { "" } else { "s" },
        if report.protected_included {
            "included: this report quotes testimonies and complaints, keep it as safe as they are"
        } else {
            "not included"
        }
    );
    for w in &report.withheld {
        let _ = writeln!(out, "  left out: #{}, {}", w.source, w.why);
    }
    let _ = writeln!(out, "\nTimeline");
    if report.timeline.is_empty() {
        out.push_str(&nothing(report, "dated events"));
    }
    out.push_str(&render_timeline(report));
    let _ = writeln!(out, "\nPromises");
    if report.promises.is_empty() {
        out.push_str(&nothing(report, "promises"));
    }
    for p in &report.promises {
        let what = if p.promised.is_empty() {
            "(what is not said)".to_owned()
        } else {
            p.promised.join(", ")
        };
        let state = match (
            p.status.as_str(),
            p.overdue_months,
            p.due_earliest,
            p.due_latest,
        ) {
            ("overdue", Some((few, many)), Some(a), Some(b)) => format!(
                "due {}; overdue by {} on {} (no source says it was kept)",
                range(a, b, false),
                if few == many {
                    format!("{few} months")
                } else {
                    format!("{few} to {many} months")
                },
                report.as_of
            ),
            ("due", _, Some(a), Some(b)) => format!("falls due {}", range(a, b, false)),
            ("not_yet_due", _, Some(a), Some(b)) => format!("not yet due ({})", range(a, b, false)),
            ("kept", ..) => "kept, a person recorded".to_owned(),
            _ => "no due date: the source gives no duration or no start".to_owned(),
        };
        let from = p
            .from
            .as_ref()
            .map(|(when, written)| format!(" from {written} ({when})"))
            .unwrap_or_default();
        let after = p
            .after
            .as_ref()
            .map(|a| format!(" after {a}"))
            .unwrap_or_default();
        let _ = writeln!(out, "  {what}{after}{from}: {state}");
        if p.terms.len() > 1 {
            let terms: Vec<String> = p
                .terms
                .iter()
                .map(|(kind, iso)| {
                    // Pay and benefits last a term; a release comes after one.
                    let word = if matches!(kind.as_str(), "pay" | "benefits") {
                        "for"
                    } else {
                        "after"
                    };
                    format!("{} {word} {iso}", kind.replace('_', " "))
                })
                .collect();
            let _ = writeln!(out, "      terms: {}", terms.join("; "));
        }
        if !p.pay.is_empty() {
            let unpaid = p
                .unpaid_since
                .as_deref()
                .map(|since| format!("; unpaid since {since}"))
                .unwrap_or_default();
            let _ = writeln!(out, "      promised {}{unpaid}", p.pay.join(", "));
        }
        let _ = writeln!(out, "      {}: {}", at(&p.citation), p.citation.quote);
        if let Some(start) = &p.start
            && start.quote != p.citation.quote
        {
            let _ = writeln!(out, "      start: {}: {}", at(start), start.quote);
        }
        also(&mut out, &p.also);
    }
    let _ = writeln!(out, "\nViolations");
    if report.violations.is_empty() {
        out.push_str(&nothing(report, "violations"));
    }
    for v in &report.violations {
        let _ = writeln!(
            out,
            "  {}{}: {} claim{} in {} source{} ({} independent), {} voice{}",
            v.kind,
            v.act
                .as_deref()
                .map(|a| format!(" [{a}]"))
                .unwrap_or_default(),
            v.claims,
            if v.claims == 1 { "" } else { "s" },
            v.sources,
            if v.sources == 1 { "" } else { "s" },
            v.independent,
            v.voices,
            if v.voices == 1 { "" } else { "s" }
        );
        if !v.victims.is_empty() {
            let _ = writeln!(out, "      victims: {}", v.victims.join("; "));
        }
        if !v.perpetrators.is_empty() {
            let _ = writeln!(out, "      perpetrators: {}", v.perpetrators.join("; "));
        }
        for c in &v.citations {
            let _ = writeln!(out, "      {} ({}): {}", at(c), c.asserted, c.quote);
        }
    }
    let _ = writeln!(out, "\nGroups");
    if report.groups.is_empty() {
        out.push_str(&nothing(report, "counted groups"));
    }
    for g in &report.groups {
        let _ = writeln!(
            out,
            "  {} ({}{})",
            g.written,
            g.value
                .map(|v| v.to_string())
                .or_else(|| g.magnitude.map(|m| format!("order of {m}")))
                .unwrap_or_default(),
            if g.approximate { ", approximate" } else { "" }
        );
        let _ = writeln!(out, "      {}: {}", at(&g.citation), g.citation.quote);
        also(&mut out, &g.also);
    }
    let _ = writeln!(out, "\nPeople, units and places");
    if report.entities.is_empty() {
        out.push_str(&nothing(report, "people, units or places"));
    }
    for e in report.entities.iter().take(40) {
        let _ = writeln!(
            out,
            "  E{:<10} {:<12} {:>4} mention{} in {} source{}  {}",
            e.id,
            e.kind,
            e.mentions,
            if e.mentions == 1 { " " } else { "s" },
            e.sources,
            if e.sources == 1 { " " } else { "s" },
            e.name
        );
    }
    let _ = writeln!(out, "\nRelations over time");
    if report.relations.is_empty() {
        let _ = writeln!(out, "  none recorded");
    }
    for r in &report.relations {
        let when = match (&r.since, &r.until) {
            (Some(a), Some(b)) => format!(" ({a} to {b})"),
            (Some(a), None) => format!(" (since {a})"),
            (None, Some(b)) => format!(" (until {b})"),
            (None, None) => String::new(),
        };
        let _ = writeln!(out, "  {} {} {}{when}", r.subject, r.kind, r.object);
        let _ = writeln!(out, "      {}: {}", at(&r.citation), r.citation.quote);
    }
    let _ = writeln!(out, "\nContradictions");
    if report.contradictions.is_empty() {
        let _ = writeln!(out, "  none found");
    }
    for c in &report.contradictions {
        let _ = writeln!(
            out,
            "  {}: {} ({}) and {} ({})",
            c.kind,
            c.first.when,
            at(&c.first.citation),
            c.second.when,
            at(&c.second.citation)
        );
    }
    out
}
