//! Latin transliteration of Cyrillic names, for matching names across
//! scripts ("Дикий" → "Dikiy" in Russian, "Dykyi" in Ukrainian).
//!
//! Russian follows the common passport-style romanization (й → y, х → kh,
//! ы → y, ё → e, ь and ъ dropped); Ukrainian follows the official 2010
//! table (г → h, и → y, і → i, ї → yi, є → ye, with ye/yi/yu/ya only
//! written y at the start of a word as i/ie/iu/ia elsewhere). Other
//! characters are kept.

/// Which table to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Russian (and Belarusian text, closest of the two).
    Russian,
    /// Ukrainian.
    Ukrainian,
}

fn letter(c: char, script: Script, word_start: bool) -> Option<&'static str> {
    let ukrainian = script == Script::Ukrainian;
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => {
            if ukrainian {
                "h"
            } else {
                "g"
            }
        }
        'ґ' => "g",
        'д' => "d",
        'е' => "e",
        'ё' => "e",
        'є' => {
            if word_start {
                "ye"
            } else {
                "ie"
            }
        }
        'ж' => "zh",
        'з' => "z",
        'и' => {
            if ukrainian {
                "y"
            } else {
                "i"
            }
        }
        'і' => "i",
        'ї' => {
            if word_start {
                "yi"
            } else {
                "i"
            }
        }
        'й' => {
            if ukrainian && !word_start {
                "i"
            } else {
                "y"
            }
        }
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' | '\'' | '’' | 'ʼ' => "",
        'ы' => "y",
        'э' => "e",
        'ю' => {
            if ukrainian && !word_start {
                "iu"
            } else {
                "yu"
            }
        }
        'я' => {
            if ukrainian && !word_start {
                "ia"
            } else {
                "ya"
            }
        }
        _ => return None,
    })
}

/// `text` in Latin letters. Capitalization follows the Cyrillic letter
/// ("Щ" → "Shch").
pub fn transliterate(text: &str, script: Script) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut previous_letter = false;
    for c in text.chars() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        match letter(lower, script, !previous_letter) {
            Some(latin) => {
                if c.is_uppercase() {
                    let mut chars = latin.chars();
                    if let Some(first) = chars.next() {
                        out.extend(first.to_uppercase());
                        out.push_str(chars.as_str());
                    }
                } else {
                    out.push_str(latin);
                }
            }
            None => out.push(c),
        }
        previous_letter = c.is_alphabetic() || matches!(c, '\'' | '’' | 'ʼ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Script, transliterate};

    #[test]
    fn names_in_both_tables() {
        let cases = [
            ("Дикий", Script::Russian, "Dikiy"),
            ("Дикий", Script::Ukrainian, "Dykyi"),
            ("Алексей Дикий", Script::Russian, "Aleksey Dikiy"),
            ("Олексій", Script::Ukrainian, "Oleksii"),
            ("Щербаков", Script::Russian, "Shcherbakov"),
            ("Юрій", Script::Ukrainian, "Yurii"),
            ("Ярослав", Script::Ukrainian, "Yaroslav"),
            ("Мар'яна", Script::Ukrainian, "Mariana"),
            ("Їжакевич", Script::Ukrainian, "Yizhakevych"),
            ("Каскад", Script::Russian, "Kaskad"),
            ("Донецька область", Script::Ukrainian, "Donetska oblast"),
            ("МВД ДНР", Script::Russian, "MVD DNR"),
        ];
        for (cyrillic, script, latin) in cases {
            assert_eq!(transliterate(cyrillic, script), latin, "{cyrillic}");
        }
    }
}
