//! Quotes and attributions, data-driven: `tests/cases/quotes.txt`.

mod common;

#[test]
fn quotes_from_the_case_file() {
    common::run_cases(include_str!("cases/quotes.txt"), |document, extraction| {
        let mut lines = Vec::new();
        for quote in &extraction.quotes {
            assert_eq!(document.slice(quote.span), Some(quote.text.as_str()));
            let speaker = match &quote.speaker {
                Some(speaker) => {
                    assert_eq!(document.slice(speaker.span), Some(speaker.text.as_str()));
                    format!("{} ({})", speaker.text, speaker.cue)
                }
                None => "nobody".to_owned(),
            };
            lines.push(format!("{} <= {speaker}", quote.text.replace('\n', "\\n")));
        }
        for attribution in &extraction.attributions {
            assert_eq!(
                document.slice(attribution.span),
                Some(attribution.text.as_str())
            );
            lines.push(format!(
                "attribution: {} => {}",
                attribution.text, attribution.source.text
            ));
        }
        lines
    });
}
