//! `casefile report` and `casefile timeline`: the case as of a date, as
//! the case service builds it.

use anyhow::Context as _;
use casefile_app::Case;
use casefile_app::render;

use crate::output::{Exit, print_json, print_list};

/// Parses YYYY-MM-DD, YYYY-MM (its first day) or YYYY (1 January).
fn date(text: &str) -> anyhow::Result<jiff::civil::Date> {
    casefile_app::dates::first_day(text)
        .with_context(|| format!("--as-of {text:?} is not YYYY, YYYY-MM or YYYY-MM-DD"))
}

pub(crate) fn run(
    case: &Case,
    as_of: Option<String>,
    include_protected: bool,
    json: bool,
) -> anyhow::Result<Exit> {
    let as_of = match as_of {
        Some(text) => date(&text)?,
        None => jiff::ZonedDateTime::now().date(),
    };
    let report = case.snapshot()?.report(as_of, include_protected)?;
    if json {
        print_json(&report);
    } else {
        crate::output::say_text(&render::render(&report));
    }
    Ok(Exit::Success)
}

/// `casefile timeline`: the report's timeline alone.
pub(crate) fn timeline(case: &Case, include_protected: bool, json: bool) -> anyhow::Result<Exit> {
    let today = jiff::ZonedDateTime::now().date();
    let report = case.snapshot()?.report(today, include_protected)?;
    let empty = if report.protected_left_out > 0 {
        render::nothing(&report, "dated events").trim().to_owned()
    } else {
        "no dated events yet (add sources, or `casefile record add event ... --set when=DATE`)"
            .to_owned()
    };
    print_list(&report.timeline, json, &empty, |_| {
        crate::output::say_text(&render::render_timeline(&report));
    });
    Ok(Exit::Success)
}
