//! Russian names in their dictionary (nominative) form: "Алексея Дикого" →
//! "Алексей Дикий", "Донецкой области" → "Донецкая область", "Министерства
//! обороны" → "Министерство обороны".
//!
//! Each word's case, gender and part of speech come from slovnet's
//! morphology model; the ending is then rewritten by the declension
//! tables below. A word the model calls nominative, plural, an acronym, or
//! a word with digits is kept as written. In an organization's name only
//! the words up to its first noun change ("Министерства обороны": the
//! dependent genitive stays). The tables cover the regular declensions of
//! names; irregular ones (Толстого → Толстой, not Толстый) come out wrong
//! and are left for a person to correct.

use crate::ner::EntityKind;

/// A word's features from its morphology tag.
struct Features<'t> {
    pos: &'t str,
    case: Option<&'t str>,
    gender: Option<&'t str>,
    number: Option<&'t str>,
    animate: bool,
}

fn features(tag: &str) -> Features<'_> {
    let mut parts = tag.split('|');
    let pos = parts.next().unwrap_or("");
    let mut features = Features {
        pos,
        case: None,
        gender: None,
        number: None,
        animate: false,
    };
    for part in parts {
        match part.split_once('=') {
            Some(("Case", value)) => features.case = Some(value),
            Some(("Gender", value)) => features.gender = Some(value),
            Some(("Number", value)) => features.number = Some(value),
            Some(("Animacy", value)) => features.animate = value == "Anim",
            _ => {}
        }
    }
    features
}

fn ends_with_any<'a>(word: &str, endings: &[&'a str]) -> Option<&'a str> {
    endings
        .iter()
        .copied()
        .find(|ending| word.ends_with(ending))
}

fn stem<'w>(word: &'w str, ending: &str) -> &'w str {
    &word[..word.len() - ending.len()]
}

fn last_char(text: &str) -> Option<char> {
    text.chars().next_back()
}

fn velar_or_sibilant(c: Option<char>) -> bool {
    c.is_some_and(|c| "кгхжшчщ".contains(c))
}

fn vowel(c: Option<char>) -> bool {
    c.is_some_and(|c| "аеёиоуыэюяй".contains(c))
}

/// The nominative of one word, by its features; `None` keeps it.
fn nominative(word: &str, tag: &str) -> Option<String> {
    let f = features(tag);
    let case = f.case?;
    if case == "Nom" || f.number == Some("Plur") {
        return None;
    }
    if word.chars().any(|c| c.is_ascii_digit())
        || word
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
    {
        return None;
    }
    let gender = f.gender.unwrap_or("Masc");
    if case == "Acc" && gender == "Masc" && !f.animate && f.pos != "ADJ" {
        return None;
    }
    let lower = word.to_lowercase();
    // Feminine surnames in -ова, -ева, -ина: Петровой → Петрова.
    if gender == "Fem"
        && let Some(ending) = ends_with_any(
            &lower,
            &["овой", "евой", "иной", "ыной", "ову", "еву", "ину"],
        )
    {
        let cut = if ending.ends_with("ой") {
            "ой"
        } else {
            "у"
        };
        return Some(format!("{}а", stem(word, cut)));
    }
    // Adjectival declension (adjectives, and names that decline like
    // them: Дикого → Дикий, Донецкой → Донецкая).
    let masc_adjectival = ["ого", "его", "ому", "ему", "ым", "им", "ом", "ем"];
    let fem_adjectival = ["ой", "ей", "ую", "юю"];
    let adjectival = f.pos == "ADJ"
        || ends_with_any(&lower, &["ого", "его", "ому", "ему"]).is_some()
        || (gender == "Fem" && ends_with_any(&lower, &["ской", "цкой", "ной", "ую"]).is_some());
    if adjectival {
        match gender {
            "Fem" => {
                let ending = ends_with_any(&lower, &fem_adjectival)?;
                let base = stem(word, ending);
                let soft = ending == "ей" || ending == "юю";
                return Some(format!(
                    "{base}{}",
                    if soft && !velar_or_sibilant(last_char(base)) {
                        "яя"
                    } else {
                        "ая"
                    }
                ));
            }
            "Neut" => {
                let ending = ends_with_any(&lower, &masc_adjectival)?;
                let base = stem(word, ending);
                let soft = ending.starts_with(['е', 'и']);
                return Some(format!("{base}{}", if soft { "ее" } else { "ое" }));
            }
            _ => {
                let ending = ends_with_any(&lower, &masc_adjectival)?;
                let base = stem(word, ending);
                let soft = ending.starts_with(['е', 'и']) || velar_or_sibilant(last_char(base));
                return Some(format!("{base}{}", if soft { "ий" } else { "ый" }));
            }
        }
    }
    // Nominal declension.
    match (gender, case) {
        ("Masc", "Gen" | "Acc") => {
            if lower.ends_with('а') {
                Some(stem(word, "а").to_owned())
            } else if lower.ends_with('я') {
                let base = stem(word, "я");
                Some(format!(
                    "{base}{}",
                    if vowel(last_char(base)) { "й" } else { "ь" }
                ))
            } else {
                None
            }
        }
        ("Masc", "Dat") => {
            if lower.ends_with('у') {
                Some(stem(word, "у").to_owned())
            } else if lower.ends_with('ю') {
                let base = stem(word, "ю");
                Some(format!(
                    "{base}{}",
                    if vowel(last_char(base)) { "й" } else { "ь" }
                ))
            } else {
                None
            }
        }
        ("Masc", "Ins") => {
            if let Some(ending) = ends_with_any(&lower, &["ым", "ом"]) {
                Some(stem(word, ending).to_owned())
            } else if let Some(ending) = ends_with_any(&lower, &["ем", "ём"]) {
                let base = stem(word, ending);
                Some(format!(
                    "{base}{}",
                    if vowel(last_char(base)) { "й" } else { "ь" }
                ))
            } else {
                None
            }
        }
        ("Masc", "Loc") => {
            if lower.ends_with("ии") {
                Some(format!("{}й", stem(word, "и")))
            } else if lower.ends_with('е') {
                Some(stem(word, "е").to_owned())
            } else {
                None
            }
        }
        ("Fem", _) => {
            if lower.ends_with("ии") {
                Some(format!("{}я", stem(word, "и")))
            } else if let Some(ending) = ends_with_any(&lower, &["сти", "стью"]) {
                Some(format!("{}сть", stem(word, ending)))
            } else if lower.ends_with("ью") {
                Some(format!("{}ь", stem(word, "ью")))
            } else if let Some(ending) = ends_with_any(&lower, &["ой", "ы", "е", "у"]) {
                Some(format!("{}а", stem(word, ending)))
            } else if let Some(ending) = ends_with_any(&lower, &["ей", "ю"]) {
                Some(format!("{}я", stem(word, ending)))
            } else if lower.ends_with('и') {
                let base = stem(word, "и");
                Some(format!(
                    "{base}{}",
                    if velar_or_sibilant(last_char(base)) {
                        "а"
                    } else {
                        "я"
                    }
                ))
            } else {
                None
            }
        }
        ("Neut", _) => {
            if lower.ends_with("ии") {
                Some(format!("{}е", stem(word, "и")))
            } else if let Some(ending) = ends_with_any(&lower, &["ом", "у", "а", "е"]) {
                Some(format!("{}о", stem(word, ending)))
            } else {
                ends_with_any(&lower, &["ем", "ю", "я"])
                    .map(|ending| format!("{}е", stem(word, ending)))
            }
        }
        _ => None,
    }
}

/// The nominative form of a mention whose tokens are `words` (byte ranges
/// in `text`) with morphology `tags`.
pub(crate) fn normal_form(
    text: &str,
    words: &[std::ops::Range<usize>],
    tags: &[&str],
    kind: EntityKind,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = words.first().map_or(0, |r| r.start);
    let mut changing = true;
    for (range, tag) in words.iter().zip(tags) {
        out.push_str(&text[at..range.start]);
        let word = &text[range.clone()];
        // Only the first part of a hyphenated name declines
        // (Ростове-на-Дону).
        let (head, rest) = match word.find('-') {
            Some(cut) if cut > 0 => word.split_at(cut),
            _ => (word, ""),
        };
        match changing.then(|| nominative(head, tag)).flatten() {
            Some(new) => {
                out.push_str(&new);
                out.push_str(rest);
            }
            None => out.push_str(word),
        }
        if kind == EntityKind::Organization && matches!(features(tag).pos, "NOUN" | "PROPN") {
            changing = false;
        }
        at = range.end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_their_dictionary_form() {
        let cases = [
            (
                "Дикого",
                "PROPN|Animacy=Anim|Case=Gen|Gender=Masc|Number=Sing",
                "Дикий",
            ),
            (
                "Алексея",
                "PROPN|Animacy=Anim|Case=Gen|Gender=Masc|Number=Sing",
                "Алексей",
            ),
            (
                "Игоря",
                "PROPN|Animacy=Anim|Case=Gen|Gender=Masc|Number=Sing",
                "Игорь",
            ),
            (
                "Ивана",
                "PROPN|Animacy=Anim|Case=Acc|Gender=Masc|Number=Sing",
                "Иван",
            ),
            (
                "Ивановым",
                "PROPN|Animacy=Anim|Case=Ins|Gender=Masc|Number=Sing",
                "Иванов",
            ),
            (
                "Ирины",
                "PROPN|Animacy=Anim|Case=Gen|Gender=Fem|Number=Sing",
                "Ирина",
            ),
            (
                "Петровой",
                "PROPN|Animacy=Anim|Case=Gen|Gender=Fem|Number=Sing",
                "Петрова",
            ),
            (
                "Марии",
                "PROPN|Animacy=Anim|Case=Dat|Gender=Fem|Number=Sing",
                "Мария",
            ),
            (
                "Ольги",
                "PROPN|Animacy=Anim|Case=Gen|Gender=Fem|Number=Sing",
                "Ольга",
            ),
            (
                "Донецкой",
                "ADJ|Case=Gen|Degree=Pos|Gender=Fem|Number=Sing",
                "Донецкая",
            ),
            (
                "области",
                "NOUN|Animacy=Inan|Case=Gen|Gender=Fem|Number=Sing",
                "область",
            ),
            (
                "Министерства",
                "NOUN|Animacy=Inan|Case=Gen|Gender=Neut|Number=Sing",
                "Министерство",
            ),
            (
                "Управлении",
                "NOUN|Animacy=Inan|Case=Loc|Gender=Neut|Number=Sing",
                "Управление",
            ),
            (
                "Ростове",
                "PROPN|Animacy=Inan|Case=Loc|Gender=Masc|Number=Sing",
                "Ростов",
            ),
            (
                "Москве",
                "PROPN|Animacy=Inan|Case=Loc|Gender=Fem|Number=Sing",
                "Москва",
            ),
            (
                "Каскад",
                "PROPN|Animacy=Inan|Case=Acc|Gender=Masc|Number=Sing",
                "Каскад",
            ),
            (
                "Иванова",
                "PROPN|Animacy=Anim|Case=Nom|Gender=Fem|Number=Sing",
                "Иванова",
            ),
            (
                "МВД",
                "PROPN|Animacy=Inan|Case=Gen|Gender=Neut|Number=Sing",
                "МВД",
            ),
        ];
        for (word, tag, expected) in cases {
            assert_eq!(
                nominative(word, tag).unwrap_or_else(|| word.to_owned()),
                expected,
                "{word} {tag}"
            );
        }
    }

    #[test]
    fn an_organization_changes_up_to_its_first_noun() {
        let text = "Министерства обороны";
        let words = [0.."Министерства".len(), "Министерства ".len()..text.len()];
        let tags = [
            "NOUN|Animacy=Inan|Case=Gen|Gender=Neut|Number=Sing",
            "NOUN|Animacy=Inan|Case=Gen|Gender=Fem|Number=Sing",
        ];
        assert_eq!(
            normal_form(text, &words, &tags, EntityKind::Organization),
            "Министерство обороны"
        );
        let text = "Ростове-на-Дону";
        let whole = std::iter::once(0..text.len()).collect::<Vec<_>>();
        assert_eq!(
            normal_form(
                text,
                &whole,
                &["PROPN|Animacy=Inan|Case=Loc|Gender=Masc|Number=Sing"],
                EntityKind::Place
            ),
            "Ростов-на-Дону"
        );
    }
}
