//! Exit codes, terminal-safe text, JSON printing and the `verify`
//! command's output.
//!
//! Every human-readable line casefile prints goes through [`safe`]: what a
//! source holds comes from the other side, and control characters (ANSI
//! escapes, a bell, an OSC title) or bidi overrides printed raw would let it
//! move the cursor, recolour the screen or make a name read differently
//! from what the source says. They are shown escaped and the line is
//! flagged; the stored source and document keep them unchanged. JSON output
//! escapes what JSON escapes and nothing more.

use std::borrow::Cow;
use std::io::Write as _;
use std::process::ExitCode;

use casefile_app::Case;
use indicatif::{ProgressBar, ProgressStyle};

/// What the process exits with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Everything worked (0).
    Success,
    /// The command failed: bad input, I/O, no case (1). Usage errors exit 2
    /// (from the argument parser).
    Failure,
    /// Verification found something that does not hold (3).
    Integrity,
    /// Some inputs could not be added; the others were (4).
    Partial,
}

impl Exit {
    pub(crate) fn code(self) -> ExitCode {
        ExitCode::from(match self {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Integrity => 3,
            Exit::Partial => 4,
        })
    }
}

/// Whether `c` is shown escaped: C0 and C1 control characters other than
/// tab and newline, DEL, and the bidi embeddings, overrides and isolates.
pub(crate) fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n') || is_bidi_control(c)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` made safe for a terminal: each character [`is_unsafe`] is shown
/// escaped (`\u{1b}` for a control character, `⟨U+202E⟩` for a bidi
/// one) and every line that held one ends with a flag saying so. Text with
/// none is returned as it is.
pub(crate) fn safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 32);
    for (number, line) in text.split('\n').enumerate() {
        if number > 0 {
            out.push('\n');
        }
        let (mut control, mut bidi) = (false, false);
        for c in line.chars() {
            if is_bidi_control(c) {
                bidi = true;
                out.push_str(&format!("⟨U+{:04X}⟩", u32::from(c)));
            } else if is_unsafe(c) {
                control = true;
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            } else {
                out.push(c);
            }
        }
        let flag = match (control, bidi) {
            (true, true) => "  [escaped: control and bidi characters]",
            (true, false) => "  [escaped: control characters]",
            (false, true) => "  [escaped: bidi characters]",
            (false, false) => "",
        };
        out.push_str(flag);
    }
    Cow::Owned(out)
}

/// A progress bar as the case service's progress: each stage is the bar's
/// message and length, warnings go to standard error (also when the bar
/// is hidden, as with --json).
pub(crate) struct Bar(pub ProgressBar);

impl casefile_app::Progress for Bar {
    fn stage(&self, name: &str, length: u64) {
        self.0.set_message(name.to_owned());
        if length > 0 {
            self.0.set_length(length);
            self.0.set_position(0);
        }
    }

    fn advance(&self, done: u64) {
        self.0.inc(done);
    }

    fn warn(&self, message: &str) {
        self.0.suspend(|| say_error(message));
    }
}

/// Prints a line of text to standard output, made [`safe`].
#[macro_export]
macro_rules! say {
    () => {
        $crate::output::say_text("\n")
    };
    ($($arg:tt)*) => {
        $crate::output::say_text(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// Prints a line of text to standard error, made [`safe`].
#[macro_export]
macro_rules! say_err {
    ($($arg:tt)*) => {
        $crate::output::say_error(&format!($($arg)*))
    };
}

/// Writes `text` to standard output, made [`safe`]. When the reader of
/// the output went away (`| head`), casefile stops quietly, as command-line
/// tools do.
pub(crate) fn say_text(text: &str) {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = out
        .write_all(safe(text).as_bytes())
        .and_then(|()| out.flush());
    if let Err(error) = written {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        // Standard output is gone some other way; say so where we can.
        let _ = writeln!(std::io::stderr(), "error: cannot print: {error}");
    }
}

/// Writes a line to standard error, made [`safe`].
pub(crate) fn say_error(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{}", safe(line));
}

/// What a check of a package or bundle found: each check made (`ok: ...`)
/// and success, or the first failure (`FAILED: ...`) and the integrity
/// exit code; any other error is the command's error.
pub(crate) fn print_check<T: serde::Serialize>(
    result: Result<T, casefile_app::Error>,
    checked: impl Fn(&T) -> &[String],
    json: bool,
) -> anyhow::Result<Exit> {
    match result {
        Ok(check) => {
            if json {
                print_json(&serde_json::json!({ "ok": true, "check": check }));
            } else {
                for line in checked(&check) {
                    crate::say!("ok: {line}");
                }
            }
            Ok(Exit::Success)
        }
        Err(error) if error.kind() == casefile_app::ErrorKind::Integrity => {
            if json {
                print_json(&serde_json::json!({ "ok": false, "problem": error.to_string() }));
            } else {
                crate::say!("FAILED: {error}");
            }
            Ok(Exit::Integrity)
        }
        Err(error) => Err(error.into()),
    }
}

pub(crate) fn print_json(value: &impl serde::Serialize) {
    match serde_json::to_string(value) {
        Ok(text) => println!("{text}"),
        Err(error) => eprintln!("error: cannot print JSON: {error}"),
    }
}

/// Prints a list: with `json`, one JSON object a line (nothing for an
/// empty list, which a reader of JSON Lines expects); else `empty` when
/// there is nothing, or the lines `text` prints.
pub(crate) fn print_list<T: serde::Serialize>(
    items: &[T],
    json: bool,
    empty: &str,
    text: impl FnOnce(&[T]),
) {
    if json {
        for item in items {
            print_json(item);
        }
    } else if items.is_empty() {
        crate::say!("{empty}");
    } else {
        text(items);
    }
}

/// A progress bar on standard error, hidden when it is not a terminal or
/// when the output is JSON.
pub(crate) fn progress_bar(json: bool, total: u64, unit: &str) -> ProgressBar {
    if json {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    let template = format!("{{msg:12}} [{{bar:30}}] {{pos}}/{{len}} {unit} ({{eta}})");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// A spinner on standard error with `message`, hidden for JSON output.
pub(crate) fn spinner(json: bool, message: &str) -> ProgressBar {
    if json {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_message(safe(message).into_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// A progress bar over bytes on standard error, hidden for JSON output.
pub(crate) fn byte_bar(json: bool, message: &str) -> ProgressBar {
    if json {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template(
        "{msg:12} [{bar:30}] {bytes}/{total_bytes} ({binary_bytes_per_sec})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(safe(message).into_owned());
    bar
}

pub(crate) fn verify(case: &Case, json: bool) -> anyhow::Result<Exit> {
    let bar = progress_bar(json, 0, "");
    let mut stage = String::new();
    let report = case.verify(&mut |name, done, total| {
        if stage != name {
            stage = name.to_owned();
            bar.set_message(name.to_owned());
            bar.set_length(total);
        }
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    if json {
        print_json(&report);
    } else if report.ok {
        crate::say!(
            "ok: {} entries, {} blobs ({} bytes), {} checkpoints verified; size {}, root {}",
            report.entries_checked,
            report.blobs_checked,
            report.blob_bytes_checked,
            report.checkpoints_checked,
            report.tree_size,
            report.root
        );
    } else {
        crate::say!("FAILED: {} problem(s)", report.problems.len());
        for problem in &report.problems {
            crate::say!("  {problem}");
        }
    }
    if !json {
        for note in &report.notes {
            crate::say_err!("note: {note}");
        }
    }
    Ok(if report.ok {
        Exit::Success
    } else {
        Exit::Integrity
    })
}

#[cfg(test)]
mod tests {
    use super::safe;

    #[test]
    fn control_and_bidi_characters_are_shown_escaped_and_flagged() {
        let cases = [
            (
                "plain text, кириллица\tand a tab",
                "plain text, кириллица\tand a tab",
            ),
            (
                "\u{1b}[31mred\u{1b}[0m",
                "\\u{1b}[31mred\\u{1b}[0m  [escaped: control characters]",
            ),
            (
                "title\u{1b}]0;owned\u{7}",
                "title\\u{1b}]0;owned\\u{7}  [escaped: control characters]",
            ),
            (
                "Олег \u{202e}вокинилаМ\u{202c}",
                "Олег ⟨U+202E⟩вокинилаМ⟨U+202C⟩  [escaped: bidi characters]",
            ),
            (
                "\u{2066}a\u{2069} \u{9b}1m \u{7f}",
                "⟨U+2066⟩a⟨U+2069⟩ \\u{9b}1m \\u{7f}  [escaped: control and bidi characters]",
            ),
            ("a\r\nb", "a\\u{d}  [escaped: control characters]\nb"),
            (
                "clean\n\u{0}dirty\nclean",
                "clean\n\\u{0}dirty  [escaped: control characters]\nclean",
            ),
            // Right-to-left text itself is not a control character.
            ("שלום и مرحبا", "שלום и مرحبا"),
        ];
        for (input, expected) in cases {
            assert_eq!(safe(input), expected, "{input:?}");
        }
    }
}
