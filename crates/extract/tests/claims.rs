//! Claims, data-driven: `tests/cases/claims.txt`.

mod common;

use casefile_extract::Assertion;

#[test]
fn claims_from_the_case_file() {
    common::run_cases(include_str!("cases/claims.txt"), |_, extraction| {
        extraction
            .claims
            .iter()
            .map(|claim| {
                let kind = serde_json::to_value(claim.kind).unwrap_or_default();
                let promises: Vec<String> = claim
                    .promises
                    .iter()
                    .map(|p| {
                        serde_json::to_value(p)
                            .unwrap_or_default()
                            .as_str()
                            .unwrap_or("")
                            .to_owned()
                    })
                    .collect();
                let times: Vec<&str> = claim
                    .times
                    .iter()
                    .map(|&t| extraction.times[t].edtf.as_str())
                    .collect();
                let durations: Vec<&str> = claim
                    .durations
                    .iter()
                    .map(|&d| extraction.durations[d].iso.as_str())
                    .collect();
                let asserted = match &claim.asserted {
                    Assertion::Document => "document".to_owned(),
                    Assertion::Quoted { speaker } => format!("quoted: {speaker}"),
                    Assertion::Reported { source } => format!("reported: {source}"),
                };
                let mut line = format!(
                    "{} [{}] | {} | {} | {} | {asserted}",
                    kind.as_str().unwrap_or(""),
                    promises.join(", "),
                    claim.cue,
                    times.join(", "),
                    durations.join(", ")
                );
                // Each term with the promise it belongs to, when the
                // sentence gives any.
                if !claim.terms.is_empty() {
                    let terms: Vec<String> = claim
                        .terms
                        .iter()
                        .map(|t| {
                            format!(
                                "{} {}",
                                serde_json::to_value(t.promise)
                                    .unwrap_or_default()
                                    .as_str()
                                    .unwrap_or(""),
                                extraction.durations[t.duration].iso
                            )
                        })
                        .collect();
                    line.push_str(&format!(" | terms: {}", terms.join(", ")));
                }
                if !claim.tellers.is_empty() {
                    let tellers: Vec<&str> = claim
                        .tellers
                        .iter()
                        .map(|&m| extraction.mentions[m].text.as_str())
                        .collect();
                    line.push_str(&format!(" | told by: {}", tellers.join(", ")));
                }
                line
            })
            .collect()
    });
}
