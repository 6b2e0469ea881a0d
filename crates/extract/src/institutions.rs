//! Institutions written in lower case, the normal way Russian and
//! Ukrainian write them ("министерство обороны", "міграційна служба",
//! "облрада", "военная прокуратура"), which a model trained on names in
//! capitals misses.
//!
//! Rules only: a head noun of a kind of institution (in any case form),
//! with what makes it one body rather than a common word: describing words
//! before it ("районный суд", "обласна рада") or a complement after it
//! ("министерство обороны", "служба безпеки України"). A few heads name a
//! body alone ("прокуратура", "облрада", "росгвардия").

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// What kind of body an institution is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstitutionKind {
    /// A ministry.
    Ministry,
    /// A service or agency ("федеральная служба", "міграційна служба").
    Service,
    /// A council or assembly ("облрада", "городской совет").
    Council,
    /// A court.
    Court,
    /// A prosecutor's office.
    Prosecutor,
    /// Troops or a guard ("внутренние войска", "нацгвардія").
    Troops,
    /// An administration ("военно-гражданская администрация").
    Administration,
    /// The police.
    Police,
    /// A committee ("следственный комитет").
    Committee,
    /// A department or directorate ("главное управление").
    Department,
}

/// How a head noun may stand: alone as a body, or only with a modifier.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Alone {
    Yes,
    No,
}

/// Head nouns: the stem, the endings its case forms take, the kind, and
/// whether it names a body alone.
#[rustfmt::skip]
const HEADS: &[(&str, &str, InstitutionKind, Alone)] = &[
    ("министерств", "о|а|у|ом|е|ами", InstitutionKind::Ministry, Alone::No),
    ("міністерств", "о|а|у|ом|і|ами", InstitutionKind::Ministry, Alone::No),
    ("минобороны", "", InstitutionKind::Ministry, Alone::Yes),
    ("міноборони", "", InstitutionKind::Ministry, Alone::Yes),
    ("минюст", "|а|у|ом|е", InstitutionKind::Ministry, Alone::Yes),
    ("мін'юст", "|у|ом|і", InstitutionKind::Ministry, Alone::Yes),
    ("служб", "а|ы|е|у|ой|ою|и|і|ам", InstitutionKind::Service, Alone::No),
    ("ведомств", "о|а|у|ом|е", InstitutionKind::Service, Alone::No),
    ("відомств", "о|а|у|ом|і", InstitutionKind::Service, Alone::No),
    ("агентств", "о|а|у|ом|е|і", InstitutionKind::Service, Alone::No),
    ("совет", "|а|у|ом|е", InstitutionKind::Council, Alone::No),
    ("рад", "а|и|і|у|ою", InstitutionKind::Council, Alone::No),
    ("облрад", "а|и|і|у|ою", InstitutionKind::Council, Alone::Yes),
    ("міськрад", "а|и|і|у|ою", InstitutionKind::Council, Alone::Yes),
    ("райрад", "а|и|і|у|ою", InstitutionKind::Council, Alone::Yes),
    ("горсовет", "|а|у|ом|е", InstitutionKind::Council, Alone::Yes),
    ("облсовет", "|а|у|ом|е", InstitutionKind::Council, Alone::Yes),
    ("суд", "|а|у|ом|е|і|ы|и|ов|ів|ах", InstitutionKind::Court, Alone::No),
    ("трибунал", "|а|у|ом|е|і", InstitutionKind::Court, Alone::No),
    ("прокуратур", "а|ы|е|у|ой|ою|и|і", InstitutionKind::Prosecutor, Alone::Yes),
    ("облпрокуратур", "а|ы|е|у|ой|ою|и|і", InstitutionKind::Prosecutor, Alone::Yes),
    ("войск", "а|ам|ами|ах|", InstitutionKind::Troops, Alone::No),
    ("військ", "а|ам|ами|ах|", InstitutionKind::Troops, Alone::No),
    ("гварди", "я|и|ю|ей", InstitutionKind::Troops, Alone::No),
    ("гварді", "я|ї|ю|єю", InstitutionKind::Troops, Alone::No),
    ("росгварди", "я|и|ю|ей", InstitutionKind::Troops, Alone::Yes),
    ("нацгварди", "я|и|ю|ей", InstitutionKind::Troops, Alone::Yes),
    ("нацгварді", "я|ї|ю|єю", InstitutionKind::Troops, Alone::Yes),
    ("облдержадміністраці", "я|ї|ю|єю", InstitutionKind::Administration, Alone::Yes),
    ("райдержадміністраці", "я|ї|ю|єю", InstitutionKind::Administration, Alone::Yes),
    ("администраци", "я|и|ю|ей", InstitutionKind::Administration, Alone::No),
    ("адміністраці", "я|ї|ю|єю", InstitutionKind::Administration, Alone::No),
    ("полици", "я|и|ю|ей", InstitutionKind::Police, Alone::No),
    ("поліці", "я|ї|ю|єю", InstitutionKind::Police, Alone::No),
    ("комитет", "|а|у|ом|е", InstitutionKind::Committee, Alone::No),
    ("комітет", "|у|ом|і", InstitutionKind::Committee, Alone::No),
    ("управлени", "е|я|ю|ем", InstitutionKind::Department, Alone::No),
    ("управлінн", "я|ю|ям|і", InstitutionKind::Department, Alone::No),
    ("департамент", "|а|у|ом|е|і", InstitutionKind::Department, Alone::No),
];

/// Describing words that make a service or a council a common noun, not
/// a body: "военная служба" is service in the army, "добрый совет" advice.
#[rustfmt::skip]
const NOT_A_BODY: &[&str] = &[
    "военн", "срочн", "контрактн", "дальнейш", "альтернативн", "воинск", "військов", "строков",
    "подальш", "добр", "хорош", "полезн", "мудр", "дружеск", "корисн", "дружн", "божий",
    "страшн", "справедлив", "своей", "своєї", "моей", "моєї",
];

/// Complements a head takes after it, by the start of the word: the
/// branch or the territory ("министерство обороны", "прокуратура округа").
#[rustfmt::skip]
const COMPLEMENTS: &[&str] = &[
    "оборон", "юстици", "юстиці", "внутренних", "внутрішніх", "справ", "иностранных",
    "закордонних", "безопасност", "безпек", "исполнени", "виконанн", "наказани", "покаран",
    "труда", "праці", "социальн", "соціальн", "политик", "політик", "защит", "захист",
    "здравоохранени", "здоров", "образовани", "освіт", "чрезвычайн", "надзвичайн", "миграци",
    "міграці", "пенитенциарн", "пенітенціарн", "округ", "област", "район", "город", "міст",
    "республик", "республік", "края", "краю", "полици", "поліці",
];

/// Complements taken only as whole words ("дел" of "внутренних дел", not
/// "делает").
const WHOLE_COMPLEMENTS: &[&str] = &["дел"];

/// Whether a word is a complement a head takes after it.
fn complement(word: &str) -> bool {
    let lower = word.to_lowercase();
    COMPLEMENTS.iter().any(|c| lower.starts_with(c)) || WHOLE_COMPLEMENTS.contains(&lower.as_str())
}

/// Whether a Cyrillic word reads as an adjective (a describing word) by
/// its ending.
fn describing(word: &str) -> bool {
    #[rustfmt::skip]
    const ENDINGS: &[&str] = &[
        "ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ого", "его", "ому", "ему", "ым",
        "им", "ую", "юю", "ых", "их", "ыми", "ими", "ої", "ій", "ою", "ім",
    ];
    // A Ukrainian adjective ending in a bare vowel ("обласна", "районне",
    // "міські", "міграційну") shows it in the suffix before: a bare -а,
    // -е, -і is a noun's too often.
    #[rustfmt::skip]
    const SHORT: &[&str] = &[
        "на", "не", "ні", "ну", "ька", "ьке", "ькі", "ьку", "ча", "че", "чі", "чу",
    ];
    let lower = word.to_lowercase();
    let cyrillic = lower
        .chars()
        .all(|c| ('\u{400}'..='\u{52f}').contains(&c) || c == '-');
    if !cyrillic || lower.chars().count() <= 3 || STOP.contains(&lower.as_str()) {
        return false;
    }
    // ("задоволенні" is a noun: -нні ends nouns of action.)
    ENDINGS.iter().any(|e| lower.ends_with(e))
        || (SHORT.iter().any(|s| lower.ends_with(s)) && !lower.ends_with("нні"))
}

/// Words with an adjective's ending that describe nothing here.
#[rustfmt::skip]
const STOP: &[&str] = &[
    "потім", "потом", "затем", "тому", "этому", "цьому", "всім", "всем", "ними", "тем", "этим",
    "цим", "тим", "ему", "йому", "кому", "чому", "нему", "ньому", "свою", "свої", "мою", "твою",
    "нашу", "вашу", "нашої", "вашої", "какой", "який", "яка", "якої", "такой", "такий",
    "которое", "которая", "который", "которого", "котором", "якому", "також", "тоже", "даже",
    "навіть", "вже", "уже", "ещё", "більше", "больше", "менее", "менше", "также", "вона", "вони",
    "воно", "она", "они", "оно", "даними", "данными", "лише", "лишь", "нині", "тепер", "раніше",
    "ранее", "нами", "вами", "якими", "которыми", "цими", "этими",
];

fn words() -> &'static Regex {
    static WORDS: OnceLock<Regex> = OnceLock::new();
    WORDS.get_or_init(|| {
        Regex::new(r"\p{L}[\p{L}'’-]*").unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"))
    })
}

/// The head an institution's word is, if any: its kind and whether it
/// names a body alone.
fn head(word: &str) -> Option<(InstitutionKind, Alone)> {
    // Every word of a text comes here: most are turned away by their
    // first letter, with nothing allocated.
    if !word
        .chars()
        .next()
        .is_some_and(|c| ('\u{400}'..='\u{52f}').contains(&c))
    {
        return None;
    }
    let mut lower = word.to_lowercase();
    if lower.contains('’') {
        lower = lower.replace('’', "'");
    }
    HEADS.iter().find_map(|(stem, endings, kind, alone)| {
        let rest = lower.strip_prefix(stem)?;
        endings
            .split('|')
            .any(|e| e == rest)
            .then_some((*kind, *alone))
    })
}

/// English head words of public bodies, as names of them hold them
/// ("Russian Defense Ministry", "Supreme Court of ...", "Interior
/// Troops").
const ENGLISH_HEADS: &[(&str, InstitutionKind)] = &[
    ("ministry", InstitutionKind::Ministry),
    ("court", InstitutionKind::Court),
    ("prosecutor", InstitutionKind::Prosecutor),
    ("prosecutor's", InstitutionKind::Prosecutor),
    ("police", InstitutionKind::Police),
    ("troops", InstitutionKind::Troops),
    ("guard", InstitutionKind::Troops),
    ("forces", InstitutionKind::Troops),
    ("council", InstitutionKind::Council),
    ("parliament", InstitutionKind::Council),
    ("duma", InstitutionKind::Council),
    ("administration", InstitutionKind::Administration),
    ("government", InstitutionKind::Administration),
    ("committee", InstitutionKind::Committee),
    ("department", InstitutionKind::Department),
    ("directorate", InstitutionKind::Department),
    ("service", InstitutionKind::Service),
    ("agency", InstitutionKind::Service),
];

/// The kind of public body an organization's name names, when it names
/// one: in Russian or Ukrainian by the same head nouns as the text is
/// searched with (in any case, in any letter case), in English by a head
/// word ("Russian Defense Ministry", "Supreme Court of ...").
pub fn public_body(name: &str) -> Option<InstitutionKind> {
    if let Some((_, kind)) = find(&name.to_lowercase()).into_iter().next() {
        return Some(kind);
    }
    name.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(str::to_lowercase)
        .find_map(|word| {
            ENGLISH_HEADS
                .iter()
                .find(|(head, _)| *head == word)
                .map(|(_, kind)| *kind)
        })
}

/// An institution found: its byte range in the text and its kind.
pub(crate) type Found = (std::ops::Range<usize>, InstitutionKind);

/// Finds the institutions in `text` (Russian or Ukrainian), in text order.
pub(crate) fn find(text: &str) -> Vec<Found> {
    let tokens: Vec<std::ops::Range<usize>> = words().find_iter(text).map(|m| m.range()).collect();
    // Only spaces between two words keep them in one name.
    let joined = |a: &std::ops::Range<usize>, b: &std::ops::Range<usize>| {
        text[a.end..b.start]
            .chars()
            .all(|c| c == ' ' || c == '\u{a0}')
    };
    let mut out: Vec<Found> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let Some((kind, alone)) = head(&text[token.clone()]) else {
            continue;
        };
        if out.last().is_some_and(|(r, _)| r.end > token.start) {
            continue;
        }
        // Describing words before it, up to three.
        let mut start = i;
        while start > 0
            && i - start < 3
            && joined(&tokens[start - 1], &tokens[start])
            && describing(&text[tokens[start - 1].clone()])
        {
            start -= 1;
        }
        let common = matches!(kind, InstitutionKind::Service | InstitutionKind::Council)
            && tokens[start..i].iter().any(|t| {
                let word = text[t.clone()].to_lowercase();
                NOT_A_BODY.iter().any(|n| word.starts_with(n))
            });
        if common {
            continue;
        }
        // A complement after it: a word of the list (with describing
        // words before it), or a proper name ("ДНР", "России").
        let mut end = i;
        while end + 1 < tokens.len() && end - i < 4 && joined(&tokens[end], &tokens[end + 1]) {
            let next = &text[tokens[end + 1].clone()];
            let listed = complement(next);
            // ("я рада Олегу" is no council.)
            let named = next.starts_with(char::is_uppercase) && kind != InstitutionKind::Council;
            let leads_on = describing(next)
                && tokens
                    .get(end + 2)
                    .is_some_and(|t| complement(&text[t.clone()]));
            if listed || named || leads_on {
                end += 1;
            } else {
                break;
            }
        }
        if start == i && end == i && alone == Alone::No {
            continue;
        }
        out.push((tokens[start].start..tokens[end].end, kind));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{InstitutionKind, find, public_body};

    #[test]
    fn organization_names_that_name_public_bodies() {
        for (name, kind) in [
            ("Министерство обороны РФ", Some(InstitutionKind::Ministry)),
            ("Верховный суд ДНР", Some(InstitutionKind::Court)),
            ("Міграційна служба", Some(InstitutionKind::Service)),
            ("Russian Defense Ministry", Some(InstitutionKind::Ministry)),
            (
                "Supreme Court of the Donetsk People's Republic",
                Some(InstitutionKind::Court),
            ),
            ("Russian Armed Forces", Some(InstitutionKind::Troops)),
            ("U.S. State Department", Some(InstitutionKind::Department)),
            ("Cascade", None),
            ("iStories", None),
            ("Meduza", None),
        ] {
            assert_eq!(public_body(name), kind, "{name}");
        }
    }

    /// `tests/cases/institutions.txt`: a line of text, then "= phrase
    /// (kind)" lines for what it names, or "= none".
    #[test]
    fn institutions_from_the_case_file() {
        let cases = include_str!("../tests/cases/institutions.txt");
        let (mut expected, mut actual) = (String::new(), String::new());
        for block in cases.split("\n\n") {
            let lines: Vec<&str> = block
                .lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .collect();
            let Some((text, want)) = lines.split_first() else {
                continue;
            };
            expected.push_str(&format!("{text}\n"));
            actual.push_str(&format!("{text}\n"));
            for line in want {
                expected.push_str(&format!("{line}\n"));
            }
            let found = find(text);
            if found.is_empty() {
                actual.push_str("= none\n");
            }
            for (range, kind) in found {
                let kind = serde_json::to_value(kind).unwrap_or_default();
                actual.push_str(&format!(
                    "= {} ({})\n",
                    &text[range],
                    kind.as_str().unwrap_or_default()
                ));
            }
        }
        assert!(expected.lines().count() > 40, "is the case file intact?");
        assert_eq!(actual, expected, "\n--- actual ---\n{actual}");
    }
}
