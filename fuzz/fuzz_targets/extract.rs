//! The extraction stage reads whatever text a reader produced: any text,
//! with or without a reference date, must extract without a panic, and
//! every span must read as the surface text it reports.
#![no_main]

use casefile_document::{Document, Origin};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut document = Document::new(Origin::File { name: None });
    document.text = text.into_owned();
    document.published = (data.first().is_some_and(|b| b % 2 == 0)).then(|| "2024-05-21".to_owned());
    let extraction = casefile_extract::extract(&document, &casefile_extract::Context::default());
    for time in &extraction.times {
        assert_eq!(time.span.slice(&document.text), Some(time.text.as_str()));
    }
    for quote in &extraction.quotes {
        assert_eq!(quote.span.slice(&document.text), Some(quote.text.as_str()));
    }
    for quantity in &extraction.quantities {
        assert_eq!(quantity.span.slice(&document.text), Some(quantity.text.as_str()));
    }
});
