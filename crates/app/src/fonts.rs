//! The system fonts a PDF report is set in: a TrueType font with
//! Cyrillic from the system's packages (DejaVu Sans from Debian's
//! `fonts-dejavu-core`, Liberation Sans, Arial on macOS and Windows), or
//! the files `CASEFILE_FONT` and `CASEFILE_FONT_BOLD` name. Never bundled
//! with casefile.

use std::path::{Path, PathBuf};

/// Where fonts are looked for, regular and bold, in order.
const KNOWN: &[(&str, &str)] = &[
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    (
        "/System/Library/Fonts/Supplemental/Arial.ttf",
        "/System/Library/Fonts/Supplemental/Arial Bold.ttf",
    ),
    (
        "C:\\Windows\\Fonts\\arial.ttf",
        "C:\\Windows\\Fonts\\arialbd.ttf",
    ),
];

/// The regular and bold font files to set a PDF in, or why there are
/// none (in words a person can act on).
pub fn report_fonts() -> Result<(PathBuf, PathBuf), String> {
    if let Some(regular) = std::env::var_os("CASEFILE_FONT") {
        let regular = PathBuf::from(regular);
        let bold = std::env::var_os("CASEFILE_FONT_BOLD")
            .map(PathBuf::from)
            .unwrap_or_else(|| regular.clone());
        return Ok((regular, bold));
    }
    for (regular, bold) in KNOWN {
        if Path::new(regular).is_file() {
            let bold = if Path::new(bold).is_file() {
                bold
            } else {
                regular
            };
            return Ok((PathBuf::from(regular), PathBuf::from(bold)));
        }
    }
    Err(
        "no TrueType font with Cyrillic was found for the PDF report: install DejaVu Sans \
         (Debian and Ubuntu: apt install fonts-dejavu-core), or name a .ttf file in \
         CASEFILE_FONT (and CASEFILE_FONT_BOLD)"
            .into(),
    )
}

/// The report's lines as PDF bytes, set in the system's fonts.
pub(crate) fn report_pdf(
    lines: &[casefile_report::html::Line],
    title: &str,
) -> Result<Vec<u8>, String> {
    let (regular, bold) = report_fonts()?;
    let read =
        |path: &Path| std::fs::read(path).map_err(|e| format!("the font {}: {e}", path.display()));
    let regular_bytes = read(&regular)?;
    let bold_bytes = read(&bold)?;
    casefile_report::pdf::render_pdf(
        lines,
        title,
        casefile_report::pdf::Fonts {
            regular: &regular_bytes,
            bold: &bold_bytes,
        },
    )
    .map_err(|e| format!("{} ({}): {e}", regular.display(), bold.display()))
}
