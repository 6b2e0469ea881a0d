//! The report as a PDF: the lines of [`crate::html::outline`] laid out on A4
//! pages in a TrueType font the caller hands in (a system font with
//! Cyrillic, e.g. DejaVu Sans; never committed), embedded whole as a
//! CID font with a ToUnicode map, so the text can be searched and
//! extracted. Pure: font bytes in, PDF bytes out.

use std::collections::BTreeMap;
use std::io::Write as _;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish as _, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::html::Line;

/// The fonts a PDF is set in: TrueType (`.ttf`) bytes.
#[derive(Debug, Clone, Copy)]
pub struct Fonts<'a> {
    /// For text.
    pub regular: &'a [u8],
    /// For titles, headings and where a citation points (may be the
    /// regular font again).
    pub bold: &'a [u8],
}

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// A font is not a TrueType font this renderer reads.
    #[error("the {which} font is not a TrueType font: {problem}")]
    Font {
        /// `regular` or `bold`.
        which: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// A font has no Cyrillic letters, so Russian and Ukrainian text would
    /// not show.
    #[error("the {which} font has no Cyrillic letters")]
    NoCyrillic {
        /// `regular` or `bold`.
        which: &'static str,
    },
}

const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 56.0;
const BOTTOM: f32 = 64.0;

/// One font, parsed, with the glyphs used so far.
struct Face<'a> {
    face: ttf_parser::Face<'a>,
    bytes: &'a [u8],
    /// Glyph id → the character it was used for.
    used: BTreeMap<u16, char>,
}

impl<'a> Face<'a> {
    fn parse(bytes: &'a [u8], which: &'static str) -> Result<Face<'a>, PdfError> {
        let face = ttf_parser::Face::parse(bytes, 0).map_err(|e| PdfError::Font {
            which,
            problem: e.to_string(),
        })?;
        if face.glyph_index('Ж').is_none() || face.glyph_index('ї').is_none() {
            return Err(PdfError::NoCyrillic { which });
        }
        Ok(Face {
            face,
            bytes,
            used: BTreeMap::new(),
        })
    }

    fn glyph(&self, c: char) -> u16 {
        self.face
            .glyph_index(c)
            .or_else(|| self.face.glyph_index('?'))
            .map_or(0, |g| g.0)
    }

    /// The width of `text` at `size` points.
    fn width(&self, text: &str, size: f32) -> f32 {
        let upem = f32::from(self.face.units_per_em());
        text.chars()
            .map(|c| {
                let advance = self
                    .face
                    .glyph_hor_advance(ttf_parser::GlyphId(self.glyph(c)))
                    .unwrap_or(0);
                f32::from(advance) * size / upem
            })
            .sum()
    }

    /// `text` as the font's glyph ids, two bytes each, noting them.
    fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let g = self.glyph(c);
            self.used.entry(g).or_insert(c);
            out.extend_from_slice(&g.to_be_bytes());
        }
        out
    }

    /// A glyph's advance in thousandths of the em.
    fn advance_1000(&self, g: u16) -> f32 {
        let upem = f32::from(self.face.units_per_em());
        f32::from(
            self.face
                .glyph_hor_advance(ttf_parser::GlyphId(g))
                .unwrap_or(0),
        ) * 1000.0
            / upem
    }
}

/// A run of text in one font.
struct Run {
    text: String,
    bold: bool,
}

/// A paragraph's look.
struct Style {
    size: f32,
    leading: f32,
    before: f32,
    indent: f32,
}

/// One laid-out line: where it starts, its size, and its runs.
struct Placed {
    x: f32,
    y: f32,
    size: f32,
    runs: Vec<(bool, String)>,
}

/// Breaks `runs` into lines no wider than `width`, at spaces (a word
/// longer than a line is broken between letters).
fn wrap(runs: &[Run], size: f32, width: f32, faces: &[Face<'_>; 2]) -> Vec<Vec<(bool, String)>> {
    let mut lines: Vec<Vec<(bool, String)>> = Vec::new();
    let mut line: Vec<(bool, String)> = Vec::new();
    let mut used = 0.0f32;
    let push = |line: &mut Vec<(bool, String)>, bold: bool, text: &str| match line.last_mut() {
        Some((b, t)) if *b == bold => t.push_str(text),
        _ => line.push((bold, text.to_owned())),
    };
    for run in runs {
        let face = &faces[usize::from(run.bold)];
        for word in run.text.split_inclusive(' ') {
            let w = face.width(word, size);
            let bare = face.width(word.trim_end(), size);
            if used + bare > width && used > 0.0 {
                lines.push(std::mem::take(&mut line));
                used = 0.0;
            }
            if bare > width {
                // A word longer than the line: letter by letter.
                for c in word.chars() {
                    let cw = face.width(&c.to_string(), size);
                    if used + cw > width && used > 0.0 {
                        lines.push(std::mem::take(&mut line));
                        used = 0.0;
                    }
                    push(&mut line, run.bold, &c.to_string());
                    used += cw;
                }
                continue;
            }
            push(&mut line, run.bold, word);
            used += w;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The report's lines as a PDF document titled `title`.
pub fn render_pdf(lines: &[Line], title: &str, fonts: Fonts<'_>) -> Result<Vec<u8>, PdfError> {
    let mut faces = [
        Face::parse(fonts.regular, "regular")?,
        Face::parse(fonts.bold, "bold")?,
    ];
    let width = PAGE_WIDTH - 2.0 * MARGIN;

    // Lay out every line on pages.
    let mut pages: Vec<Vec<Placed>> = vec![Vec::new()];
    let mut y = PAGE_HEIGHT - MARGIN;
    for line in lines {
        let (runs, style) = match line {
            Line::Title(t) => (
                vec![Run {
                    text: t.clone(),
                    bold: true,
                }],
                Style {
                    size: 15.0,
                    leading: 19.0,
                    before: 0.0,
                    indent: 0.0,
                },
            ),
            Line::Meta(t) => (
                vec![Run {
                    text: t.clone(),
                    bold: false,
                }],
                Style {
                    size: 9.0,
                    leading: 12.0,
                    before: 4.0,
                    indent: 0.0,
                },
            ),
            Line::Heading(t) => (
                vec![Run {
                    text: t.clone(),
                    bold: true,
                }],
                Style {
                    size: 12.0,
                    leading: 15.0,
                    before: 14.0,
                    indent: 0.0,
                },
            ),
            Line::Empty => (
                vec![Run {
                    text: "None in these exhibits.".into(),
                    bold: false,
                }],
                Style {
                    size: 9.0,
                    leading: 12.0,
                    before: 2.0,
                    indent: 0.0,
                },
            ),
            Line::Item(t) => (
                vec![Run {
                    text: t.clone(),
                    bold: false,
                }],
                Style {
                    size: 10.0,
                    leading: 13.0,
                    before: 6.0,
                    indent: 0.0,
                },
            ),
            Line::Cite { at, quote } => (
                vec![
                    Run {
                        text: format!("{at}: "),
                        bold: true,
                    },
                    Run {
                        text: quote.clone(),
                        bold: false,
                    },
                ],
                Style {
                    size: 8.5,
                    leading: 11.0,
                    before: 2.0,
                    indent: 16.0,
                },
            ),
            Line::Row(cells) => (
                vec![
                    Run {
                        text: format!("{}  ", cells[0]),
                        bold: true,
                    },
                    Run {
                        text: format!(
                            "{} ({}): {} mention{} in {} source{}",
                            cells[2],
                            cells[1],
                            cells[3],
                            if cells[3] == "1" { "" } else { "s" },
                            cells[4],
                            if cells[4] == "1" { "" } else { "s" }
                        ),
                        bold: false,
                    },
                ],
                Style {
                    size: 9.0,
                    leading: 12.0,
                    before: 1.0,
                    indent: 0.0,
                },
            ),
        };
        let wrapped = wrap(&runs, style.size, width - style.indent, &faces);
        y -= style.before;
        // A heading is not left alone at the foot of a page.
        let keep = if matches!(line, Line::Heading(_)) {
            3.0
        } else {
            1.0
        };
        for (n, runs) in wrapped.into_iter().enumerate() {
            let need = if n == 0 {
                style.leading * keep
            } else {
                style.leading
            };
            if y - need < BOTTOM {
                pages.push(Vec::new());
                y = PAGE_HEIGHT - MARGIN;
            }
            y -= style.leading;
            if let Some(page) = pages.last_mut() {
                page.push(Placed {
                    x: MARGIN + style.indent,
                    y,
                    size: style.size,
                    runs,
                });
            }
        }
    }

    // Write the pages.
    let mut pdf = Pdf::new();
    let mut next = 1;
    let mut fresh = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let catalog = fresh();
    let tree = fresh();
    let info = fresh();
    let font_refs: Vec<[Ref; 5]> = (0..2)
        .map(|_| [fresh(), fresh(), fresh(), fresh(), fresh()])
        .collect();
    let total = pages.len();
    let mut page_refs = Vec::new();
    for (n, page) in pages.iter().enumerate() {
        let page_ref = fresh();
        let content_ref = fresh();
        page_refs.push(page_ref);
        let mut content = Content::new();
        content.begin_text();
        for placed in page {
            content.set_text_matrix([1.0, 0.0, 0.0, 1.0, placed.x, placed.y]);
            for (bold, text) in &placed.runs {
                let face = &mut faces[usize::from(*bold)];
                let glyphs = face.encode(text);
                content.set_font(Name(if *bold { b"F2" } else { b"F1" }), placed.size);
                content.show(Str(&glyphs));
            }
        }
        let footer = format!("{title} — page {} of {total}", n + 1);
        let footer_width = faces[0].width(&footer, 8.0);
        let glyphs = faces[0].encode(&footer);
        content.set_text_matrix([
            1.0,
            0.0,
            0.0,
            1.0,
            (PAGE_WIDTH - footer_width) / 2.0,
            BOTTOM - 28.0,
        ]);
        content.set_font(Name(b"F1"), 8.0);
        content.show(Str(&glyphs));
        content.end_text();
        let data = deflate(&content.finish());
        pdf.stream(content_ref, &data).filter(Filter::FlateDecode);
        let mut page_writer = pdf.page(page_ref);
        page_writer
            .parent(tree)
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .contents(content_ref);
        page_writer
            .resources()
            .fonts()
            .pair(Name(b"F1"), font_refs[0][0])
            .pair(Name(b"F2"), font_refs[1][0]);
        page_writer.finish();
    }
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_refs.iter().copied())
        .count(page_refs.len() as i32);
    pdf.document_info(info)
        .title(TextStr(title))
        .producer(TextStr("casefile"));

    for (face, refs) in faces.iter().zip(&font_refs) {
        let [type0, cid, descriptor, file, cmap] = *refs;
        let name = postscript_name(&face.face);
        let system = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        pdf.type0_font(type0)
            .base_font(Name(name.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        let mut cid_font = pdf.cid_font(cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(Name(name.as_bytes()))
            .system_info(system)
            .font_descriptor(descriptor)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        {
            let mut widths = cid_font.widths();
            for &g in face.used.keys() {
                widths.consecutive(g, [face.advance_1000(g)]);
            }
        }
        cid_font.finish();
        let upem = f32::from(face.face.units_per_em());
        let scale = |v: i16| f32::from(v) * 1000.0 / upem;
        let bbox = face.face.global_bounding_box();
        pdf.font_descriptor(descriptor)
            .name(Name(name.as_bytes()))
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(
                scale(bbox.x_min),
                scale(bbox.y_min),
                scale(bbox.x_max),
                scale(bbox.y_max),
            ))
            .italic_angle(0.0)
            .ascent(scale(face.face.ascender()))
            .descent(scale(face.face.descender()))
            .cap_height(scale(
                face.face.capital_height().unwrap_or(face.face.ascender()),
            ))
            .stem_v(80.0)
            .font_file2(file);
        let compressed = deflate(face.bytes);
        pdf.stream(file, &compressed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), face.bytes.len() as i32);
        let mut map = UnicodeCmap::new(Name(b"Custom"), system);
        for (&g, &c) in &face.used {
            map.pair(g, c);
        }
        pdf.cmap(cmap, &map.finish());
    }
    Ok(pdf.finish())
}

/// The font's PostScript name, or a stand-in: only letters and digits.
fn postscript_name(face: &ttf_parser::Face<'_>) -> String {
    let name: String = face
        .names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        .find_map(|n| n.to_string())
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    if name.is_empty() {
        "CasefileFont".into()
    } else {
        name
    }
}

fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}
