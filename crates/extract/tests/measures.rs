//! Durations, quantities and money, data-driven: `tests/cases/durations.txt`,
//! `tests/cases/quantities.txt` and `tests/cases/money.txt`.

mod common;

#[test]
fn durations_from_the_case_file() {
    common::run_cases(
        include_str!("cases/durations.txt"),
        |document, extraction| {
            extraction
                .durations
                .iter()
                .map(|duration| {
                    assert_eq!(document.slice(duration.span), Some(duration.text.as_str()));
                    let approximate = if duration.approximate { " ~" } else { "" };
                    format!("{} => {}{approximate}", duration.text, duration.iso)
                })
                .collect()
        },
    );
}

#[test]
fn quantities_from_the_case_file() {
    common::run_cases(
        include_str!("cases/quantities.txt"),
        |document, extraction| {
            extraction
                .quantities
                .iter()
                .map(|q| {
                    assert_eq!(document.slice(q.span), Some(q.text.as_str()));
                    let mut parts = Vec::new();
                    if let Some(value) = q.value {
                        parts.push(format!("value {value}"));
                    }
                    if let Some(low) = q.low {
                        parts.push(format!("low {low}"));
                    }
                    if let Some(high) = q.high {
                        parts.push(format!("high {high}"));
                    }
                    if let Some(magnitude) = q.magnitude {
                        parts.push(format!("magnitude {magnitude}"));
                    }
                    if q.approximate {
                        parts.push("approximate".to_owned());
                    }
                    if let Some(noun) = &q.noun {
                        parts.push(format!("of \"{noun}\""));
                    }
                    format!("{} => {}", q.text, parts.join(", "))
                })
                .collect()
        },
    );
}

#[test]
fn money_from_the_case_file() {
    common::run_cases(include_str!("cases/money.txt"), |document, extraction| {
        let mut lines: Vec<String> = extraction
            .money
            .iter()
            .map(|m| {
                assert_eq!(document.slice(m.span), Some(m.text.as_str()));
                let mut words = format!("{} => {} {}", m.text, m.amount, m.currency);
                if let Some(period) = &m.period {
                    words.push_str(&format!(", per {period}"));
                }
                if m.approximate {
                    words.push_str(", approximate");
                }
                words
            })
            .collect();
        let counts: Vec<&str> = extraction
            .quantities
            .iter()
            .map(|q| q.text.as_str())
            .collect();
        lines.push(format!(
            "quantities: {}",
            if counts.is_empty() {
                "none".to_owned()
            } else {
                counts.join("; ")
            }
        ));
        lines
    });
}
