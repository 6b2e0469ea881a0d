//! A name read into words, with its legal forms and qualifiers set aside.

use super::*;

/// Strips legal forms from either end of `raw`, as often as they come.
pub(super) fn strip_legal_forms(raw: &mut Vec<(String, bool)>) -> Vec<LegalForm> {
    let mut found = Vec::new();
    let fits = |words: &[(String, bool)], form: &[String]| {
        words
            .iter()
            .zip(form)
            .all(|((w, _), f)| key(w) == *f || near_legal(w, f))
    };
    'strip: loop {
        for (form, class) in LEGAL_KEYS.iter() {
            let n = form.len();
            if raw.len() <= n {
                continue;
            }
            let at = if fits(&raw[raw.len() - n..], form) {
                raw.len() - n
            } else if fits(&raw[..n], form) {
                0
            } else {
                continue;
            };
            let words: Vec<String> = raw.drain(at..at + n).map(|(w, _)| w).collect();
            found.push(LegalForm {
                form: words.join(" "),
                class,
            });
            continue 'strip;
        }
        break;
    }
    found
}

impl Name {
    /// Reads a name of the given kind.
    pub fn parse(text: &str, kind: NameKind) -> Name {
        // Words with whether they stand in parentheses.
        let mut raw: Vec<(String, bool)> = Vec::new();
        let mut depth = 0usize;
        let mut piece = String::new();
        let flush = |piece: &mut String, inside: bool, raw: &mut Vec<(String, bool)>| {
            let words = numbers_as_digits(join_letters(words(piece)));
            raw.extend(words.into_iter().map(|w| (w, inside)));
            piece.clear();
        };
        for c in text.chars() {
            match c {
                '(' | '[' => {
                    flush(&mut piece, depth > 0, &mut raw);
                    depth += 1;
                }
                ')' | ']' => {
                    flush(&mut piece, depth > 0, &mut raw);
                    depth = depth.saturating_sub(1);
                }
                c => piece.push(c),
            }
        }
        flush(&mut piece, depth > 0, &mut raw);

        let legal_forms = if matches!(kind, NameKind::Organization | NameKind::Other) {
            strip_legal_forms(&mut raw)
        } else {
            Vec::new()
        };
        let cyrillic = text.chars().any(|c| ('\u{400}'..='\u{52f}').contains(&c));
        let abjad = text
            .chars()
            .any(|c| matches!(c as u32, 0x600..=0x6FF | 0x750..=0x77F));
        let organization = matches!(kind, NameKind::Organization | NameKind::Other);
        let mut words = Vec::with_capacity(raw.len());
        let mut after_bin = false;
        for (text, qualifier) in raw {
            let key = key(&text);
            let weak = WEAK.contains(&text.as_str());
            let lineage = after_bin && !weak;
            if !weak {
                after_bin = false;
            }
            if matches!(text.as_str(), "bin" | "ibn" | "ben" | "bint") {
                after_bin = true;
            }
            // A country named in an organization's name ("Russia's Defense
            // Ministry") may be left out of another spelling of it.
            let qualifier = qualifier || (organization && place_word(&key));
            let familiar = NICKNAME_KEYS.contains_key(&key);
            words.push(Word {
                text,
                key,
                weak,
                qualifier,
                lineage,
                cyrillic,
                abjad,
                familiar,
            });
        }
        // A name of nothing but particles ("Al", "De La") is a name.
        if words.iter().all(|w| w.weak) {
            for w in &mut words {
                w.weak = false;
            }
        }
        Name {
            written: text.trim().to_owned(),
            kind,
            words,
            legal_forms,
            syllabic: text.chars().filter(|c| syllabic(*c)).collect(),
        }
    }

    /// The keys a name is filed under to find candidates for comparison:
    /// the first three letters of each word's key that is not weak.
    pub fn blocking_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .words
            .iter()
            .filter(|w| !w.weak)
            .map(|w| w.key.chars().take(3).collect())
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

/// A long legal form misspelled by a letter or two ("Aktiengeselschaft").
pub(super) fn near_legal(word: &str, form: &str) -> bool {
    form.len() >= 8 && edits(&key(word), form) <= 2
}
