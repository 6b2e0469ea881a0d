//! Search benchmark: `cargo bench -p casefile-index --bench search`
//! (`-- DOCUMENTS` for another size; default 1,000,000).
//!
//! Generates a case of short documents in English, Russian and Ukrainian
//! (words drawn from small vocabularies with a few very common words and
//! many rare ones, the way text is), indexes them into a temporary folder,
//! then runs 2,000 two-word queries, half in the documents' script and half
//! across scripts, with the facet counts every search returns, and prints
//! the latency percentiles.

use std::time::Instant;

use casefile_index::{IndexDocument, SearchIndex, SearchQuery, What};

/// A small deterministic generator.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Mostly small numbers: word ranks drawn this way make a few words
    /// very common and most rare.
    fn skewed(&mut self, n: usize) -> usize {
        let bound = self.below(n) + 1;
        self.below(bound)
    }
}

/// Syllables words are made of, per script.
const LATIN: &[&str] = &[
    "ka", "ro", "mi", "den", "sta", "vo", "li", "tur", "pe", "gan", "sho", "ber", "nu", "dal",
    "fi", "zor",
];
const CYRILLIC: &[&str] = &[
    "ка", "ро", "ми", "ден", "ста", "во", "ли", "тур", "пе", "ган", "шо", "бер", "ну", "дал", "фи",
    "зор",
];
const UKRAINIAN: &[&str] = &[
    "ка", "ро", "мі", "ден", "ста", "во", "лі", "тур", "пе", "ган", "шо", "бер", "ну", "дал", "фі",
    "зор",
];

/// Word number `n` of a 20,000-word vocabulary in the syllables given.
fn word(syllables: &[&str], n: usize) -> String {
    let mut out = String::new();
    let mut n = n + syllables.len();
    while n > 0 {
        out.push_str(syllables[n % syllables.len()]);
        n /= syllables.len();
    }
    out
}

fn main() {
    let total: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(1_000_000);
    const VOCABULARY: usize = 20_000;
    let temp = std::env::temp_dir().join(format!("casefile-search-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&temp);
    std::fs::create_dir_all(&temp).expect("a temporary folder");
    let index = SearchIndex::open(&temp).expect("the index opens");
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let started = Instant::now();
    let mut update = index.update().expect("a writer");
    let kinds = ["news", "post", "statement", "testimony"];
    for n in 0..total {
        let (language, syllables) = match n % 3 {
            0 => ("en", LATIN),
            1 => ("ru", CYRILLIC),
            _ => ("uk", UKRAINIAN),
        };
        let words: Vec<String> = (0..30)
            .map(|_| word(syllables, random.skewed(VOCABULARY)))
            .collect();
        let document = IndexDocument {
            source: n as u64,
            document: 0,
            source_kind: kinds[n % kinds.len()].to_owned(),
            language: Some(language.to_owned()),
            title: None,
            parts: vec![(Some(language.to_owned()), words.join(" "))],
            date: Some(1_600_000_000 + (n as i64 % 1000) * 86_400),
            entities: vec![format!("{}.0.0", random.skewed(50_000))],
            claims: vec![],
        };
        update.add_document(&document).expect("indexed");
    }
    update.commit(total as u64).expect("committed");
    let indexing = started.elapsed();

    let mut latencies = Vec::new();
    let mut matches = 0usize;
    for q in 0..2000 {
        let syllables = [LATIN, CYRILLIC, UKRAINIAN][q % 3];
        // A common word and one of middling frequency, as people search
        // for a unit and a place.
        let a = word(syllables, 5 + random.below(200));
        let b = word(syllables, 50 + random.below(2000));
        let query = SearchQuery {
            text: format!("{a} {b}"),
            cross_script: q % 2 == 0,
            what: What::Documents,
            limit: 20,
            ..SearchQuery::default()
        };
        let started = Instant::now();
        let results = index.search(&query).expect("searched");
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        matches += results.total;
    }
    latencies.sort_by(f64::total_cmp);
    let at = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    let size: u64 = walk_size(&temp);
    println!(
        "search: {total} documents indexed in {indexing:.2?} ({:.0} documents/s), index {:.0} MB",
        total as f64 / indexing.as_secs_f64(),
        size as f64 / 1e6
    );
    println!(
        "search: 2000 two-word queries with facets, median {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({:.1} matches a query on average)",
        at(0.5),
        at(0.95),
        at(0.99),
        latencies[latencies.len() - 1],
        matches as f64 / 2000.0
    );
    let _ = std::fs::remove_dir_all(&temp);
}

fn walk_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| {
                    let path = e.path();
                    if path.is_dir() {
                        walk_size(&path)
                    } else {
                        e.metadata().map(|m| m.len()).unwrap_or(0)
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
