//! A lenient, single-pass HTML tree builder made for article extraction.
//!
//! It is not an HTML5 parser: it keeps what extraction needs (elements with
//! their class, id and a few attributes, text, line breaks, the page's meta
//! tags and JSON-LD) and recovers from bad markup the simple way (an end tag
//! closes up to the nearest open element of its name, or is ignored; a few
//! elements close an open paragraph or list item as browsers do). That makes
//! it an order of magnitude faster than building a spec-compliant DOM, which
//! is where the time of the DOM-based extractors goes.

use std::borrow::Cow;

/// Elements that never have content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen",
];

/// Elements whose content is raw text, up to their own end tag.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// Elements whose opening closes an open `<p>`.
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
];

/// Nesting past this depth is flattened: the element's children go to its
/// ancestor at this depth.
pub(crate) const MAX_DEPTH: usize = 256;

/// One element.
#[derive(Debug, Clone)]
pub(crate) struct Element {
    /// Lower-case tag name.
    pub name: Box<str>,
    /// Lower-case class and id, space-separated (for pattern tests).
    pub class_id: Box<str>,
    /// Other attributes extraction looks at: itemprop, role, hidden,
    /// aria-hidden, style (display:none), datetime, property, href.
    pub attributes: Vec<(Box<str>, Box<str>)>,
    pub parent: Option<usize>,
    pub children: Vec<Child>,
}

impl Element {
    pub(crate) fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| &**key == name)
            .map(|(_, value)| &**value)
    }
}

/// A child of an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Child {
    Element(usize),
    /// A range of [`Tree::text`].
    Text(u32, u32),
    /// `<br>`.
    Break,
}

/// A `<meta>` tag's name (or property, or itemprop) and content.
#[derive(Debug, Clone)]
pub(crate) struct Meta {
    pub key: String,
    pub content: String,
}

/// A parsed page.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    /// Element 0 is a synthetic root.
    pub elements: Vec<Element>,
    /// All text, entities decoded, whitespace as in the page.
    pub text: String,
    pub title: Option<String>,
    pub metas: Vec<Meta>,
    /// The bodies of `<script type="application/ld+json">`.
    pub json_ld: Vec<String>,
    pub canonical: Option<String>,
    pub lang: Option<String>,
    /// Tags dropped because they nested past [`MAX_DEPTH`].
    pub flattened: usize,
}

impl Tree {
    /// The text of a child range.
    pub(crate) fn slice(&self, start: u32, end: u32) -> &str {
        &self.text[start as usize..end as usize]
    }
}

/// The attributes kept on elements: an attribute's name in lower case if
/// it is one of them.
fn kept_attribute(name: &str) -> Option<&'static str> {
    const KEPT: &[&str] = &[
        "itemprop",
        "role",
        "hidden",
        "aria-hidden",
        "style",
        "datetime",
    ];
    KEPT.iter()
        .copied()
        .find(|kept| kept.eq_ignore_ascii_case(name))
}

fn find_ascii_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    let first = needle[0];
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let mut from = 0;
    while let Some(found) = memchr::memchr2(lower, upper, &haystack[from..]) {
        let at = from + found;
        if at + needle.len() > haystack.len() {
            return None;
        }
        if haystack[at..at + needle.len()].eq_ignore_ascii_case(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn decode(raw: &str) -> Cow<'_, str> {
    if raw.contains('&') {
        html_escape::decode_html_entities(raw)
    } else {
        Cow::Borrowed(raw)
    }
}

struct Builder {
    tree: Tree,
    stack: Vec<usize>,
}

impl Builder {
    fn current(&self) -> usize {
        self.stack.last().copied().unwrap_or(0)
    }

    fn push_text(&mut self, raw: &str) {
        if raw.is_empty() {
            return;
        }
        let decoded = decode(raw);
        let start = self.tree.text.len() as u32;
        self.tree.text.push_str(&decoded);
        let end = self.tree.text.len() as u32;
        let current = self.current();
        // Adjacent text joins.
        if let Some(Child::Text(_, last_end)) = self.tree.elements[current].children.last_mut()
            && *last_end == start
        {
            *last_end = end;
            return;
        }
        self.tree.elements[current]
            .children
            .push(Child::Text(start, end));
    }

    fn open_named(&self, name: &str) -> Option<usize> {
        self.stack
            .iter()
            .rposition(|&element| &*self.tree.elements[element].name == name)
    }

    /// Pops the stack down to (and including) position `at`.
    fn close_to(&mut self, at: usize) {
        self.stack.truncate(at);
    }

    fn close_if_open_within(&mut self, name: &str, boundaries: &[&str]) {
        for position in (0..self.stack.len()).rev() {
            let element = &*self.tree.elements[self.stack[position]].name;
            if element == name {
                self.close_to(position);
                return;
            }
            if boundaries.contains(&element) {
                return;
            }
        }
    }

    fn start_tag(&mut self, name: &str, attributes: &[(&str, &str)], self_closing: bool) {
        if name == "br" {
            let current = self.current();
            self.tree.elements[current].children.push(Child::Break);
            return;
        }
        match name {
            "meta" => {
                let get = |key: &str| {
                    attributes
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(key))
                        .map(|(_, v)| *v)
                };
                if let (Some(key), Some(content)) = (
                    get("property")
                        .or_else(|| get("name"))
                        .or_else(|| get("itemprop")),
                    get("content"),
                ) {
                    self.tree.metas.push(Meta {
                        key: key.to_ascii_lowercase(),
                        content: decode(content).into_owned(),
                    });
                }
            }
            "link" => {
                let rel = attributes
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("rel"));
                let href = attributes
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("href"));
                if let (Some((_, rel)), Some((_, href))) = (rel, href)
                    && rel.eq_ignore_ascii_case("canonical")
                    && self.tree.canonical.is_none()
                {
                    self.tree.canonical = Some(decode(href).into_owned());
                }
            }
            "html" => {
                if let Some((_, lang)) = attributes
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("lang"))
                {
                    self.tree.lang = Some((*lang).to_owned());
                }
            }
            _ => {}
        }
        if CLOSES_P.contains(&name) && self.open_named("p").is_some() {
            self.close_if_open_within("p", &["button", "table", "td", "th", "li"]);
        }
        match name {
            "li" => self.close_if_open_within("li", &["ul", "ol", "menu"]),
            "dt" | "dd" => {
                self.close_if_open_within("dt", &["dl"]);
                self.close_if_open_within("dd", &["dl"]);
            }
            "td" | "th" => {
                self.close_if_open_within("td", &["tr", "table"]);
                self.close_if_open_within("th", &["tr", "table"]);
            }
            "tr" => self.close_if_open_within("tr", &["table"]),
            "option" => self.close_if_open_within("option", &["select"]),
            _ => {}
        }
        if VOID.contains(&name) && name != "img" {
            return;
        }
        let mut class_id = String::new();
        let mut kept = Vec::new();
        for &(key, value) in attributes {
            if key.eq_ignore_ascii_case("class") || key.eq_ignore_ascii_case("id") {
                if !class_id.is_empty() {
                    class_id.push(' ');
                }
                class_id.extend(value.chars().map(|c| c.to_ascii_lowercase()));
            } else if let Some(key) = kept_attribute(key) {
                kept.push((key.into(), decode(value).into_owned().into_boxed_str()));
            }
        }
        let parent = self.current();
        let index = self.tree.elements.len();
        self.tree.elements.push(Element {
            name: name.into(),
            class_id: class_id.into_boxed_str(),
            attributes: kept,
            parent: Some(parent),
            children: Vec::new(),
        });
        self.tree.elements[parent]
            .children
            .push(Child::Element(index));
        if name == "img" || self_closing && !matches!(name, "div" | "p" | "span" | "a") {
            return;
        }
        if self.stack.len() >= MAX_DEPTH {
            // Too deep: the element is kept as an empty marker and what it
            // holds goes to the element at the limit.
            self.tree.flattened += 1;
            return;
        }
        self.stack.push(index);
    }

    fn end_tag(&mut self, name: &str) {
        if let Some(position) = self.open_named(name) {
            self.close_to(position);
        } else if self.stack.len() >= MAX_DEPTH {
            self.tree.flattened += 1;
        }
    }
}

/// Parses `html` into a tree. Never fails: whatever cannot be understood is
/// kept as text or skipped.
pub(crate) fn parse(html: &str) -> Tree {
    let mut builder = Builder {
        tree: Tree::default(),
        stack: Vec::new(),
    };
    builder.tree.elements.push(Element {
        name: "#root".into(),
        class_id: "".into(),
        attributes: Vec::new(),
        parent: None,
        children: Vec::new(),
    });
    builder.stack.push(0);
    let bytes = html.as_bytes();
    let mut position = 0usize;
    while position < bytes.len() {
        let Some(found) = memchr::memchr(b'<', &bytes[position..]) else {
            builder.push_text(&html[position..]);
            break;
        };
        let open = position + found;
        builder.push_text(&html[position..open]);
        let rest = &bytes[open..];
        if rest.starts_with(b"<!--") {
            position = match memchr::memmem::find(&rest[4..], b"-->") {
                Some(end) => open + 4 + end + 3,
                None => bytes.len(),
            };
            continue;
        }
        if rest.len() > 1 && matches!(rest[1], b'!' | b'?') {
            position = match memchr::memchr(b'>', rest) {
                Some(end) => open + end + 1,
                None => bytes.len(),
            };
            continue;
        }
        let closing = rest.len() > 1 && rest[1] == b'/';
        let name_start = open + 1 + usize::from(closing);
        let name_end = bytes[name_start..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b':' | b'_')))
            .map_or(bytes.len(), |n| name_start + n);
        if name_end == name_start || !bytes[name_start].is_ascii_alphabetic() {
            // Not a tag: a literal '<' (or a stray "</ >").
            if closing {
                position = match memchr::memchr(b'>', rest) {
                    Some(end) => open + end + 1,
                    None => bytes.len(),
                };
            } else {
                builder.push_text("<");
                position = open + 1;
            }
            continue;
        }
        let raw_name = &html[name_start..name_end];
        let name: Cow<'_, str> = if raw_name.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(raw_name.to_ascii_lowercase())
        } else {
            Cow::Borrowed(raw_name)
        };
        let (attributes, self_closing, end) = attributes(html, name_end);
        position = end;
        if closing {
            builder.end_tag(&name);
            continue;
        }
        builder.start_tag(&name, &attributes, self_closing);
        if RAW_TEXT.contains(&&*name) && !self_closing {
            let content_start = position;
            let close = format!("</{name}");
            let content_end = find_ascii_ci(&bytes[content_start..], close.as_bytes())
                .map_or(bytes.len(), |n| content_start + n);
            let content = &html[content_start..content_end];
            match &*name {
                "title" => {
                    let title = decode(content)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ");
                    if builder.tree.title.is_none() && !title.is_empty() {
                        builder.tree.title = Some(title);
                    }
                }
                "textarea" | "xmp" | "plaintext" => builder.push_text(content),
                "script" => {
                    let json_ld = attributes.iter().any(|(k, v)| {
                        k.eq_ignore_ascii_case("type")
                            && v.trim().eq_ignore_ascii_case("application/ld+json")
                    });
                    if json_ld {
                        builder.tree.json_ld.push(content.to_owned());
                    }
                }
                _ => {}
            }
            // Close the raw-text element and skip its end tag.
            builder.end_tag(&name);
            position = match memchr::memchr(b'>', &bytes[content_end..]) {
                Some(end) => content_end + end + 1,
                None => bytes.len(),
            };
        }
    }
    builder.tree
}

/// Parses the attributes of a start tag from `from` (just after its name)
/// to its `>`; returns them (lower-case names, raw values), whether the tag
/// ends in `/>`, and the position after the `>`.
fn attributes(html: &str, from: usize) -> (Vec<(&str, &str)>, bool, usize) {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut position = from;
    let mut self_closing = false;
    loop {
        while position < bytes.len()
            && (bytes[position].is_ascii_whitespace() || bytes[position] == b'/')
        {
            self_closing = bytes[position] == b'/';
            position += 1;
        }
        if position >= bytes.len() {
            return (out, self_closing, bytes.len());
        }
        if bytes[position] == b'>' {
            return (out, self_closing, position + 1);
        }
        self_closing = false;
        let name_start = position;
        while position < bytes.len()
            && !bytes[position].is_ascii_whitespace()
            && !matches!(bytes[position], b'=' | b'>' | b'/')
        {
            position += 1;
        }
        let name = &html[name_start..position];
        while position < bytes.len() && bytes[position].is_ascii_whitespace() {
            position += 1;
        }
        let mut value = "";
        if position < bytes.len() && bytes[position] == b'=' {
            position += 1;
            while position < bytes.len() && bytes[position].is_ascii_whitespace() {
                position += 1;
            }
            if position < bytes.len() && matches!(bytes[position], b'"' | b'\'') {
                let quote = bytes[position];
                let start = position + 1;
                let end = memchr::memchr(quote, &bytes[start..]).map_or(bytes.len(), |n| start + n);
                value = &html[start..end];
                position = (end + 1).min(bytes.len());
            } else {
                let start = position;
                while position < bytes.len()
                    && !bytes[position].is_ascii_whitespace()
                    && bytes[position] != b'>'
                {
                    position += 1;
                }
                value = &html[start..position];
            }
        }
        if !name.is_empty() {
            out.push((name, value));
        }
        if out.len() > 256 {
            // Pathological tags: the rest of the attributes are skipped.
            while position < bytes.len() && bytes[position] != b'>' {
                position += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline(tree: &Tree, element: usize, out: &mut String) {
        let node = &tree.elements[element];
        if element != 0 {
            out.push('<');
            out.push_str(&node.name);
            if !node.class_id.is_empty() {
                out.push('.');
                out.push_str(&node.class_id.replace(' ', "."));
            }
            out.push('>');
        }
        for child in &node.children {
            match *child {
                Child::Element(index) => outline(tree, index, out),
                Child::Text(start, end) => out.push_str(tree.slice(start, end)),
                Child::Break => out.push('|'),
            }
        }
        if element != 0 {
            out.push_str("</");
            out.push_str(&node.name);
            out.push('>');
        }
    }

    fn shape(html: &str) -> String {
        let tree = parse(html);
        let mut out = String::new();
        outline(&tree, 0, &mut out);
        out
    }

    #[test]
    fn markup_is_recovered_as_browsers_mostly_do() {
        let cases = [
            ("<p>one<p>two", "<p>one</p><p>two</p>"),
            (
                "<ul><li>a<li>b</ul>after",
                "<ul><li>a</li><li>b</li></ul>after",
            ),
            (
                "<div class='A b' id=Main>x<br>y</div>",
                "<div.a.b.main>x|y</div>",
            ),
            ("<p>a<div>b</div>c</p>", "<p>a</p><div>b</div>c"),
            ("<b>unclosed <i>both", "<b>unclosed <i>both</i></b>"),
            ("text </span> stray", "text  stray"),
            ("a < b and c<d", "a < b and c<d></d>"),
            ("<!-- <p>hidden</p> -->shown", "shown"),
            (
                "<script>if (a<b) {document.write('<p>')}</script>after",
                "<script></script>after",
            ),
            (
                "<p>caf&eacute; &amp; &#8212; &nbsp;x</p>",
                "<p>café & — \u{a0}x</p>",
            ),
            (
                "<table><tr><td>1<td>2<tr><td>3</table>",
                "<table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>",
            ),
            ("<p>unterminated <a href=\"x", "<p>unterminated <a></a></p>"),
            ("<img src=a.jpg alt=x>tail", "<img></img>tail"),
        ];
        for (html, expected) in cases {
            assert_eq!(shape(html), expected, "{html}");
        }
    }

    #[test]
    fn head_metadata_is_collected() {
        let tree = parse(
            "<html lang=uk><head><title> The  title </title>\
             <meta property='og:site_name' content='Outlet &amp; Co'>\
             <meta name=author content='Jane Roe'>\
             <link rel=canonical href='https://example.org/a'>\
             <script type=\"application/ld+json\">{\"@type\":\"NewsArticle\"}</script>\
             </head><body>x</body></html>",
        );
        assert_eq!(tree.title.as_deref(), Some("The title"));
        assert_eq!(tree.lang.as_deref(), Some("uk"));
        assert_eq!(tree.canonical.as_deref(), Some("https://example.org/a"));
        assert_eq!(tree.json_ld, vec!["{\"@type\":\"NewsArticle\"}".to_owned()]);
        let metas: Vec<(&str, &str)> = tree
            .metas
            .iter()
            .map(|m| (m.key.as_str(), m.content.as_str()))
            .collect();
        assert_eq!(
            metas,
            vec![("og:site_name", "Outlet & Co"), ("author", "Jane Roe")]
        );
    }

    #[test]
    fn very_deep_pages_are_flattened_and_keep_their_text() {
        let depth = 100_000;
        let html = format!(
            "{}deep text{}",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let tree = parse(&html);
        assert!(tree.flattened > 0);
        assert!(tree.text.contains("deep text"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Any mix of markup pieces and text, cut anywhere, parses and
        /// extracts without a panic.
        #[test]
        fn any_markup_parses(pieces in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Just("<p>".to_owned()),
                proptest::strategy::Just("</p>".to_owned()),
                proptest::strategy::Just("<div class='content x'>".to_owned()),
                proptest::strategy::Just("</div>".to_owned()),
                proptest::strategy::Just("<li>".to_owned()),
                proptest::strategy::Just("<br>".to_owned()),
                proptest::strategy::Just("<script>".to_owned()),
                proptest::strategy::Just("<!--".to_owned()),
                proptest::strategy::Just("<a href=\"".to_owned()),
                proptest::strategy::Just("&amp;&#x41;&".to_owned()),
                proptest::strategy::Just("<meta name=author content=".to_owned()),
                "[ -~А-яёіїєґ]{0,40}",
            ],
            0..40,
        )) {
            let html: String = pieces.concat();
            let tree = parse(&html);
            let _ = crate::html::article::extract(&tree);
        }
    }
}
