//! Resolution benchmark: `cargo bench -p casefile-resolve --bench resolve`
//! (`-- MENTIONS` for another count; default 1,000,000).
//!
//! Generates a case of documents that mention made-up people, units and
//! places the way sources do: a full name first, in Latin or Cyrillic
//! letters, then the surname alone or in another grammatical case. It
//! resolves every mention in one run, one thread, and prints the time, the
//! rate, and how well the entities match the people the generator made
//! (B-cubed precision, recall and F1: for each mention, the share of its
//! entity that is its person, and of its person that is in its entity).

use std::collections::HashMap;
use std::time::Instant;

use casefile_resolve::entities::{MentionAt, Resolution, Resolver};
use casefile_resolve::names::NameKind;

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
}

/// Syllables of made-up surnames, in Latin and Cyrillic letters.
const SYLLABLES: &[(&str, &str)] = &[
    ("ko", "ко"),
    ("va", "ва"),
    ("len", "лен"),
    ("dor", "дор"),
    ("mi", "ми"),
    ("ra", "ра"),
    ("tch", "тч"),
    ("be", "бе"),
    ("ru", "ру"),
    ("sha", "ша"),
    ("gor", "гор"),
    ("za", "за"),
    ("pe", "пе"),
    ("lo", "ло"),
    ("kin", "кин"),
    ("stu", "сту"),
    ("vy", "вы"),
    ("na", "на"),
    ("dri", "дри"),
    ("to", "то"),
    ("ya", "я"),
    ("bur", "бур"),
    ("chi", "чи"),
    ("fe", "фе"),
    ("gu", "гу"),
    ("zhe", "же"),
    ("mo", "мо"),
    ("ne", "не"),
    ("sli", "сли"),
    ("ka", "ка"),
];

/// Surname endings, in Latin and Cyrillic, with the Cyrillic genitive.
const ENDINGS: &[(&str, &str, &str)] = &[
    ("v", "в", "ва"),
    ("nko", "нко", "нко"),
    ("k", "к", "ка"),
    ("n", "н", "на"),
    ("r", "р", "ра"),
];

/// Given names: Latin, Cyrillic, Cyrillic genitive.
const GIVEN: &[(&str, &str, &str)] = &[
    ("Ivan", "Иван", "Ивана"),
    ("Pavel", "Павел", "Павла"),
    ("Oleg", "Олег", "Олега"),
    ("Roman", "Роман", "Романа"),
    ("Denis", "Денис", "Дениса"),
    ("Artem", "Артем", "Артема"),
    ("Boris", "Борис", "Бориса"),
    ("Stepan", "Степан", "Степана"),
    ("Gleb", "Глеб", "Глеба"),
    ("Timur", "Тимур", "Тимура"),
    ("Marat", "Марат", "Марата"),
    ("Anton", "Антон", "Антона"),
];

/// One made-up person's spellings.
struct Person {
    full_latin: String,
    full_cyrillic: String,
    surname_latin: String,
    surname_cyrillic: String,
    surname_genitive: String,
    full_genitive: String,
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn person(random: &mut Random) -> Person {
    let (mut latin, mut cyrillic) = (String::new(), String::new());
    for _ in 0..2 + random.below(2) {
        let (l, c) = SYLLABLES[random.below(SYLLABLES.len())];
        latin.push_str(l);
        cyrillic.push_str(c);
    }
    let (el, ec, eg) = ENDINGS[random.below(ENDINGS.len())];
    let (gl, gc, gg) = GIVEN[random.below(GIVEN.len())];
    let surname_latin = capitalize(&format!("{latin}{el}"));
    let surname_cyrillic = capitalize(&format!("{cyrillic}{ec}"));
    let surname_genitive = capitalize(&format!("{cyrillic}{eg}"));
    Person {
        full_latin: format!("{gl} {surname_latin}"),
        full_cyrillic: format!("{gc} {surname_cyrillic}"),
        full_genitive: format!("{gg} {surname_genitive}"),
        surname_latin,
        surname_cyrillic,
        surname_genitive,
    }
}

fn main() {
    let total: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(1_000_000);
    let mut random = Random(0x2545_f491_4f6c_dd1d);
    // People with different names: two people of one name are told
    // apart by no name matcher.
    let mut seen = std::collections::HashSet::new();
    let mut people: Vec<Person> = Vec::new();
    while people.len() < (total / 20).max(10) {
        let p = person(&mut random);
        if seen.insert(p.full_latin.clone()) {
            people.push(p);
        }
    }
    // Documents of five mentions: two or three people, each named in full
    // first and then by surname, in one script per document.
    let mut mentions: Vec<(String, MentionAt, usize)> = Vec::with_capacity(total);
    let mut document = 0u64;
    while mentions.len() < total {
        let cyrillic = random.below(2) == 0;
        let mut ordinal = 0u32;
        for _ in 0..2 + random.below(2) {
            // Some people are mentioned far more than others.
            let bound = random.below(people.len()) + 1;
            let who = random.below(bound);
            let p = &people[who];
            let forms: [&str; 2] = if cyrillic {
                if random.below(3) == 0 {
                    [&p.full_genitive, &p.surname_genitive]
                } else {
                    [&p.full_cyrillic, &p.surname_cyrillic]
                }
            } else {
                [&p.full_latin, &p.surname_latin]
            };
            for form in forms {
                if mentions.len() == total {
                    break;
                }
                let at = MentionAt {
                    source: document / 4,
                    document: document % 4,
                    mention: ordinal,
                };
                mentions.push((form.to_owned(), at, who));
                ordinal += 1;
            }
        }
        document += 1;
    }

    let started = Instant::now();
    let mut resolver = Resolver::new();
    let mut assigned: Vec<u64> = Vec::with_capacity(total);
    for (name, at, _) in &mentions {
        let entity = match resolver.add(NameKind::Person, name, *at) {
            Resolution::New { entity }
            | Resolution::Joined { entity, .. }
            | Resolution::Judged { entity } => entity,
            Resolution::Skipped => 0,
        };
        assigned.push(entity);
    }
    let elapsed = started.elapsed();
    let entities = resolver.entities().len();

    // B-cubed precision and recall over the mentions.
    let mut pair: HashMap<(u64, usize), f64> = HashMap::new();
    let mut entity_size: HashMap<u64, f64> = HashMap::new();
    let mut person_size: HashMap<usize, f64> = HashMap::new();
    for ((_, _, who), entity) in mentions.iter().zip(&assigned) {
        *pair.entry((*entity, *who)).or_default() += 1.0;
        *entity_size.entry(*entity).or_default() += 1.0;
        *person_size.entry(*who).or_default() += 1.0;
    }
    let (mut precision, mut recall) = (0.0, 0.0);
    for ((entity, who), both) in &pair {
        precision += both * both / entity_size[entity];
        recall += both * both / person_size[who];
    }
    let n = mentions.len() as f64;
    let (precision, recall) = (precision / n, recall / n);
    let f1 = 2.0 * precision * recall / (precision + recall);
    println!(
        "resolve: {} mentions of {} people in {} documents -> {} entities in {:.2?} ({:.0} mentions/s, one thread)",
        mentions.len(),
        person_size.len(),
        document,
        entities,
        elapsed,
        n / elapsed.as_secs_f64()
    );
    println!("resolve: B-cubed precision {precision:.4}, recall {recall:.4}, F1 {f1:.4}");
}
