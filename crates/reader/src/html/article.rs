//! Finding the article in a page's tree: casefile's own extractor.
//!
//! One pass over the tree (see `tree.rs`) cuts it into text units (the
//! inline text of one block element), drops the subtrees that are never
//! the article (navigation, sharing, comments, related stories, hidden
//! elements, by tag or by class and id), scores the containers of the units
//! the way Readability does (length and commas of each unit, shared with
//! its ancestors, weighted by class and id and discounted by link
//! density), takes the best container and those of its siblings that score
//! close to it, and returns their units in page order with their kind
//! (paragraph, heading, quote, list item). Page metadata comes from meta
//! tags, JSON-LD and the markup.

use casefile_document::{BlockKind, RemovalReason};
use regex::Regex;

use super::tree::{Child, Tree};

/// What the extractor found.
#[derive(Debug, Default)]
pub(crate) struct Article {
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<String>,
    pub publisher: Option<String>,
    pub url: Option<String>,
    /// Captions with their credit, each once.
    pub captions: Vec<(String, Option<String>)>,
    /// The standfirst, from the page's description, when it is not the
    /// start of the text.
    pub subtitle: Option<String>,
    pub blocks: Vec<(BlockKind, String)>,
    /// What was left out of the text, with why.
    pub removed: Vec<(RemovalReason, String)>,
}

/// How an element takes part in extraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Never the article, with all it holds.
    Drop,
    /// Starts a new unit of text.
    Block,
    /// Its text belongs to the surrounding unit.
    Inline,
}

fn role(name: &str) -> Role {
    match name {
        "script" | "style" | "noscript" | "template" | "svg" | "button" | "select" | "input"
        | "textarea" | "nav" | "aside" | "footer" | "iframe" | "object" | "embed" | "canvas"
        | "video" | "audio" | "figure" | "figcaption" | "picture" | "map" | "head" | "title"
        | "dialog" | "menu" | "math" | "label" | "option" | "form-control" => Role::Drop,
        "p" | "div" | "section" | "article" | "main" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
        | "li" | "ul" | "ol" | "dl" | "dt" | "dd" | "blockquote" | "pre" | "table" | "tbody"
        | "thead" | "tfoot" | "tr" | "td" | "th" | "caption" | "header" | "hgroup" | "address"
        | "details" | "summary" | "center" | "body" | "html" | "#root" | "form" | "fieldset"
        | "hr" | "img" => Role::Block,
        _ => Role::Inline,
    }
}

struct Patterns {
    /// Class or id of things that are never the article.
    unlikely: Regex,
    /// Class or id that rescues an element from `unlikely`.
    maybe: Regex,
    /// Class or id weights.
    positive: Regex,
    negative: Regex,
    /// Byline containers.
    byline: Regex,
}

fn patterns() -> &'static Patterns {
    static PATTERNS: std::sync::OnceLock<Patterns> = std::sync::OnceLock::new();
    PATTERNS.get_or_init(|| Patterns {
        unlikely: crate::pattern(
            r"-ad-|\bads?\b|advert|banner|breadcrumb|combx|comment|community|cookie|cover-wrap|disqus|extra|footer|gdpr|header-bar|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|supplemental|popup|modal|newsletter|subscribe|signup|share|sharing|promo|outbrain|taboola|recommend|most-popular|trending|paywall|nav\b|navbar|navigation|pagination|pager|toolbar|tags?\b|taglist|widget|byline|author-info|author-bio|dateline|timestamp|caption|credit|hidden|sr-only|visually-hidden|print-only|read-more|readmore|more-stories|next-article|newsletter|donat|captcha",
        ),
        maybe: crate::pattern(r"and|article|body|column|content|main|shadow|story|entry|post-text"),
        positive: crate::pattern(
            r"article|body|content|entry|hentry|h-entry|main|page|pagination|post|text|blog|story",
        ),
        negative: crate::pattern(
            r"-ad-|hidden|\bhid\b|banner|combx|comment|com-|contact|foot|footer|footnote|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|tool|widget|byline|caption|credit|teaser|recirc",
        ),
        byline: crate::pattern(r"byline|author|writtenby|p-author"),
    })
}

/// A unit of text: the inline content of one block element, between its
/// block children.
#[derive(Debug)]
struct Unit {
    /// The block element that holds it.
    owner: usize,
    text: String,
    chars: usize,
    link_chars: usize,
    kind: BlockKind,
}

struct Walker<'t> {
    tree: &'t Tree,
    dropped: Vec<bool>,
    units: Vec<Unit>,
    /// The unit being gathered: owner, text, link chars, kind.
    current: Option<(usize, String, usize, BlockKind)>,
    in_link: usize,
    in_pre: usize,
    captions: Vec<(String, Option<String>)>,
    bylines: Vec<String>,
    removed: Vec<(RemovalReason, String)>,
    strip_unlikely: bool,
}

fn kind_of(tree: &Tree, element: usize, inherited: BlockKind) -> BlockKind {
    match &*tree.elements[element].name {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => BlockKind::Heading,
        "li" | "dd" | "dt" => BlockKind::ListItem,
        "blockquote" => BlockKind::Quote,
        _ => inherited,
    }
}

impl Walker<'_> {
    fn flush(&mut self) {
        if let Some((owner, text, link_chars, kind)) = self.current.take() {
            let text = text.trim();
            if !text.is_empty() {
                let chars = text.chars().count();
                self.units.push(Unit {
                    owner,
                    text: text.to_owned(),
                    chars,
                    link_chars: link_chars.min(chars),
                    kind,
                });
            }
        }
    }

    fn push_text(&mut self, owner: usize, kind: BlockKind, text: &str) {
        let pre = self.in_pre > 0;
        let link = self.in_link > 0;
        let (_, buffer, link_chars, _) = self
            .current
            .get_or_insert_with(|| (owner, String::new(), 0, kind));
        let mut added = 0;
        if pre {
            buffer.push_str(text);
            added = text.chars().count();
        } else {
            for (i, word) in text.split_whitespace().enumerate() {
                let space_before = i > 0 || text.starts_with(char::is_whitespace);
                if space_before && !buffer.is_empty() && !buffer.ends_with([' ', '\n']) {
                    buffer.push(' ');
                }
                buffer.push_str(word);
                added += word.chars().count();
            }
            if text.ends_with(char::is_whitespace)
                && !buffer.is_empty()
                && !buffer.ends_with([' ', '\n'])
            {
                buffer.push(' ');
            }
        }
        if link {
            *link_chars += added;
        }
    }

    fn hidden(&self, element: usize) -> bool {
        let node = &self.tree.elements[element];
        node.attribute("hidden").is_some()
            || node.attribute("aria-hidden") == Some("true")
            || node.attribute("style").is_some_and(|style| {
                let style = style.to_ascii_lowercase().replace(' ', "");
                style.contains("display:none") || style.contains("visibility:hidden")
            })
    }

    fn unlikely(&self, element: usize) -> bool {
        let node = &self.tree.elements[element];
        if !self.strip_unlikely
            || node.class_id.is_empty()
            || matches!(&*node.name, "body" | "html" | "article" | "main")
        {
            return false;
        }
        if node
            .attribute("itemprop")
            .is_some_and(|p| p.contains("articleBody"))
        {
            return false;
        }
        let patterns = patterns();
        patterns.unlikely.is_match(&node.class_id) && !patterns.maybe.is_match(&node.class_id)
    }

    fn walk(&mut self, element: usize, owner: usize, kind: BlockKind) {
        let tree = self.tree;
        for child in &tree.elements[element].children {
            match *child {
                Child::Text(start, end) => self.push_text(owner, kind, tree.slice(start, end)),
                Child::Break => {
                    if let Some((_, buffer, _, _)) = self.current.as_mut() {
                        if buffer.ends_with('\n') && self.in_pre == 0 {
                            // Two breaks in a row end a paragraph.
                            self.flush();
                        } else {
                            if self.in_pre == 0 {
                                buffer.truncate(buffer.trim_end_matches(' ').len());
                            }
                            buffer.push('\n');
                        }
                    }
                }
                Child::Element(index) => {
                    let node = &tree.elements[index];
                    let name = &*node.name;
                    let role = role(name);
                    if role == Role::Drop || self.hidden(index) || self.unlikely(index) {
                        self.dropped[index] = true;
                        if matches!(name, "figcaption" | "figure")
                            || node.class_id.contains("caption")
                        {
                            let caption = caption_of(tree, index);
                            if !caption.0.is_empty()
                                && caption.0.len() < 1000
                                && !self.captions.iter().any(|c| c.0 == caption.0)
                            {
                                self.captions.push(caption);
                            }
                        } else if patterns().byline.is_match(&node.class_id) {
                            let text = subtree_text(tree, index);
                            if !text.is_empty() && text.chars().count() < 100 {
                                self.bylines.push(text);
                            }
                        } else if shown_text(name) && !self.hidden(index) {
                            let text = subtree_text(tree, index);
                            if !text.is_empty() {
                                self.removed
                                    .push((removal_reason(name, &node.class_id), text));
                            }
                        }
                        // A dropped inline element inside a sentence leaves a
                        // space, not a join.
                        if role != Role::Block
                            && let Some((_, buffer, _, _)) = self.current.as_mut()
                            && !buffer.ends_with(' ')
                        {
                            buffer.push(' ');
                        }
                        continue;
                    }
                    match role {
                        Role::Block => {
                            self.flush();
                            let child_kind = kind_of(tree, index, kind);
                            let pre = name == "pre";
                            self.in_pre += usize::from(pre);
                            self.walk(index, index, child_kind);
                            self.in_pre -= usize::from(pre);
                            self.flush();
                        }
                        _ => {
                            let link = name == "a";
                            self.in_link += usize::from(link);
                            self.walk(index, owner, kind);
                            self.in_link -= usize::from(link);
                        }
                    }
                }
            }
        }
    }
}

/// All text under `element`, whitespace collapsed.
fn subtree_text(tree: &Tree, element: usize) -> String {
    text_without(tree, element, None)
}

/// All text under `element` except that under `skip`, whitespace
/// collapsed.
fn text_without(tree: &Tree, element: usize, skip: Option<usize>) -> String {
    fn gather(tree: &Tree, element: usize, skip: Option<usize>, out: &mut String) {
        for child in &tree.elements[element].children {
            match *child {
                Child::Text(start, end) => {
                    out.push_str(tree.slice(start, end));
                }
                Child::Break => out.push(' '),
                Child::Element(index) => {
                    if Some(index) != skip
                        && !matches!(&*tree.elements[index].name, "script" | "style" | "noscript")
                    {
                        out.push(' ');
                        gather(tree, index, skip, out);
                    }
                }
            }
        }
    }
    let mut out = String::new();
    gather(tree, element, skip, &mut out);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A figure's or caption's text and its credit: the text of a descendant
/// marked as credit, or a trailing "Photo: ...".
fn caption_of(tree: &Tree, element: usize) -> (String, Option<String>) {
    static PATTERNS: std::sync::OnceLock<(Regex, Regex)> = std::sync::OnceLock::new();
    let (credit_class, credit_text) = PATTERNS.get_or_init(|| {
        (
            crate::pattern(r"credit|copyright|photographer|attribution|byline|source"),
            crate::pattern(
                r"(?i)^(.*?)[\s(|]*\b((?:photo|photograph|image|picture|credit|фото|світлина)s?(?: by|:| credit:)\s*[^)]+?)\)?$",
            ),
        )
    });
    let mut credit_element = None;
    let mut stack = vec![element];
    while let Some(at) = stack.pop() {
        for child in &tree.elements[at].children {
            if let Child::Element(index) = *child {
                if credit_class.is_match(&tree.elements[index].class_id) {
                    credit_element = Some(index);
                    break;
                }
                stack.push(index);
            }
        }
        if credit_element.is_some() {
            break;
        }
    }
    if let Some(credit) = credit_element {
        let text = text_without(tree, element, Some(credit));
        let credit = subtree_text(tree, credit);
        return (text, Some(credit).filter(|c| !c.is_empty()));
    }
    let text = subtree_text(tree, element);
    if let Some(found) = credit_text.captures(&text) {
        let caption = found.get(1).map_or("", |m| m.as_str()).trim().to_owned();
        let credit = found.get(2).map(|m| m.as_str().trim().to_owned());
        return (caption, credit);
    }
    (text, None)
}

fn class_weight(tree: &Tree, element: usize) -> f64 {
    let node = &tree.elements[element];
    let mut weight = 0.0;
    if node.class_id.is_empty() {
        return weight;
    }
    let patterns = patterns();
    if patterns.negative.is_match(&node.class_id) {
        weight -= 25.0;
    }
    if patterns.positive.is_match(&node.class_id) {
        weight += 25.0;
    }
    weight
}

fn initial_score(tree: &Tree, element: usize) -> f64 {
    let base = match &*tree.elements[element].name {
        "div" | "article" | "main" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    };
    let itemprop = tree.elements[element]
        .attribute("itemprop")
        .is_some_and(|p| p.contains("articleBody"));
    base + class_weight(tree, element) + if itemprop { 50.0 } else { 0.0 }
}

/// Below this many characters an extraction is tried again without
/// dropping elements by class and id (a page may wrap everything in a
/// "page-ad-margins" or "widget" element).
const RETRY_CHARS: usize = 500;
/// …and the lenient result is taken only when the strict one has fewer
/// characters than this.
const LENIENT_BELOW: usize = 200;

/// Finds the article in `tree`.
pub(crate) fn extract(tree: &Tree) -> Article {
    let strict = extract_with(tree, true);
    let chars = |article: &Article| article.blocks.iter().map(|(_, t)| t.len()).sum::<usize>();
    if chars(&strict) >= RETRY_CHARS {
        return strict;
    }
    let lenient = extract_with(tree, false);
    // A short strict result is usually a short article: the lenient one
    // then adds the comments and teasers the strict one dropped. Only an
    // (almost) empty strict result is given up.
    if chars(&strict) < LENIENT_BELOW && chars(&lenient) > chars(&strict) {
        lenient
    } else {
        strict
    }
}

fn extract_with(tree: &Tree, strip_unlikely: bool) -> Article {
    let count = tree.elements.len();
    let mut walker = Walker {
        tree,
        dropped: vec![false; count],
        units: Vec::new(),
        current: None,
        in_link: 0,
        in_pre: 0,
        captions: Vec::new(),
        bylines: Vec::new(),
        removed: Vec::new(),
        strip_unlikely,
    };
    walker.walk(0, 0, BlockKind::Paragraph);
    walker.flush();
    let Walker {
        units,
        captions,
        bylines,
        removed,
        ..
    } = walker;

    // Text and link characters of every element's units, summed upwards.
    let mut text_chars = vec![0usize; count];
    let mut link_chars = vec![0usize; count];
    for unit in &units {
        let mut at = Some(unit.owner);
        while let Some(element) = at {
            text_chars[element] += unit.chars;
            link_chars[element] += unit.link_chars;
            at = tree.elements[element].parent;
        }
    }
    let link_density = |element: usize| {
        if text_chars[element] == 0 {
            0.0
        } else {
            link_chars[element] as f64 / text_chars[element] as f64
        }
    };

    // Readability's scoring: each unit of 25+ characters scores its
    // container and, less, the container's ancestors.
    let mut scores: Vec<Option<f64>> = vec![None; count];
    for unit in &units {
        if unit.chars < 25 || unit.kind == BlockKind::Heading {
            continue;
        }
        let commas = unit.text.matches([',', '，', '、']).count() as f64;
        let score = 1.0 + commas + (unit.chars as f64 / 100.0).min(3.0);
        // The unit's own element is its paragraph; a unit whose owner is a
        // container (text straight in a div) counts as its paragraph too.
        let mut at = tree.elements[unit.owner].parent;
        let mut level = 0usize;
        while let Some(element) = at {
            if level > 4 || element == 0 {
                break;
            }
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                _ => level as f64 * 3.0,
            };
            let entry = scores[element].get_or_insert_with(|| initial_score(tree, element));
            *entry += score / divider;
            at = tree.elements[element].parent;
            level += 1;
        }
    }
    let mut best: Option<(usize, f64)> = None;
    for (element, score) in scores.iter().enumerate() {
        let Some(score) = score else { continue };
        let adjusted = score * (1.0 - link_density(element));
        if best.is_none_or(|(_, top)| adjusted > top) {
            best = Some((element, adjusted));
        }
    }

    let mut article = metadata(tree);
    let description = tree
        .metas
        .iter()
        .find(|m| {
            matches!(
                m.key.as_str(),
                "og:description" | "description" | "twitter:description"
            )
        })
        .map(|m| m.content.split_whitespace().collect::<Vec<_>>().join(" "));
    article.captions = captions;
    article.removed = removed;
    for byline in bylines {
        let name = byline
            .trim_start_matches(|c: char| !c.is_alphabetic())
            .trim_start_matches("By ")
            .trim_start_matches("by ")
            .trim()
            .to_owned();
        if !name.is_empty()
            && name.split_whitespace().count() <= 6
            && !article.authors.contains(&name)
        {
            article.authors.push(name);
        }
    }
    let Some((mut top, mut top_score)) = best else {
        article.subtitle = description.filter(|d| !d.is_empty());
        return article;
    };
    // As Readability does: when several of the best containers lie under
    // one ancestor (an article whose paragraphs each sit in their own
    // box), that ancestor is the article; and an only child stands for its
    // parent.
    let adjusted = |element: usize| scores[element].map(|s| s * (1.0 - link_density(element)));
    let mut ranked: Vec<(usize, f64)> = scores
        .iter()
        .enumerate()
        .filter_map(|(element, _)| adjusted(element).map(|s| (element, s)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let alternatives: Vec<usize> = ranked
        .iter()
        .skip(1)
        .take(ALTERNATIVES)
        .filter(|(_, score)| *score >= top_score * 0.75)
        .map(|(element, _)| *element)
        .collect();
    if alternatives.len() >= MIN_ALTERNATIVES {
        let mut ancestor = tree.elements[top].parent;
        while let Some(candidate) =
            ancestor.filter(|&a| a != 0 && &*tree.elements[a].name != "body")
        {
            let holds = alternatives
                .iter()
                .filter(|&&alternative| is_within(tree, alternative, candidate))
                .count();
            if holds >= MIN_ALTERNATIVES {
                top = candidate;
                top_score = adjusted(candidate).unwrap_or(top_score);
                break;
            }
            ancestor = tree.elements[candidate].parent;
        }
    }
    // A parent that scores higher than the best container is the article
    // (the climb stops once scores fall below a third of the best).
    let threshold = top_score / 3.0;
    let mut last = top_score;
    let mut ancestor = tree.elements[top].parent;
    while let Some(parent) = ancestor.filter(|&p| p != 0 && &*tree.elements[p].name != "body") {
        ancestor = tree.elements[parent].parent;
        let Some(score) = adjusted(parent) else {
            continue;
        };
        if score < threshold {
            break;
        }
        if score > last {
            top = parent;
            top_score = score;
            break;
        }
        last = score;
    }
    while let Some(parent) = tree.elements[top]
        .parent
        .filter(|&p| p != 0 && &*tree.elements[p].name != "body")
    {
        let element_children = tree.elements[parent]
            .children
            .iter()
            .filter(|child| matches!(child, Child::Element(_)))
            .count();
        if element_children != 1 {
            break;
        }
        top = parent;
        top_score = adjusted(parent).unwrap_or(top_score).max(top_score);
    }

    // The best container and those of its siblings that score near it or
    // read like article paragraphs.
    let mut included = vec![false; count];
    let parent = tree.elements[top].parent.unwrap_or(0);
    let threshold = (top_score * 0.2).max(10.0);
    let top_class = &tree.elements[top].class_id;
    for child in &tree.elements[parent].children {
        let Child::Element(sibling) = *child else {
            continue;
        };
        if sibling == top {
            included[sibling] = true;
            continue;
        }
        let mut bonus = 0.0;
        if !top_class.is_empty() && tree.elements[sibling].class_id == *top_class {
            bonus += top_score * 0.2;
        }
        let score = scores[sibling].map(|s| s * (1.0 - link_density(sibling)));
        if score.is_some_and(|s| s + bonus >= threshold) {
            included[sibling] = true;
        } else if tree.elements[sibling].name.as_ref() == "p" {
            let chars = text_chars[sibling];
            let density = link_density(sibling);
            if (chars > 80 && density < 0.25)
                || (chars > 0 && density == 0.0 && ends_sentence(tree, sibling))
            {
                included[sibling] = true;
            }
        }
    }
    // A unit belongs to the article when its owner is, or lies inside, an
    // included element.
    let inside = |mut element: usize| loop {
        if included[element] {
            return true;
        }
        match tree.elements[element].parent {
            Some(parent) if element != 0 => element = parent,
            _ => return false,
        }
    };
    for unit in units {
        let density = unit.link_chars as f64 / unit.chars.max(1) as f64;
        if density > 0.5 {
            article.removed.push((RemovalReason::Navigation, unit.text));
        } else if !inside(unit.owner) {
            article.removed.push((RemovalReason::Other, unit.text));
        } else {
            article.blocks.push((unit.kind, unit.text));
        }
    }
    // The description is the standfirst when it is not just the text's
    // beginning (or the title) again.
    article.subtitle = description.filter(|description| {
        let start: String = description.chars().take(60).collect();
        !description.is_empty()
            && article.title.as_deref() != Some(description.as_str())
            && !article
                .blocks
                .iter()
                .take(3)
                .any(|(_, text)| text.starts_with(&start))
    });
    article
}

/// Whether a dropped element's text is something a reader of the page saw
/// (and so worth recording as removed), rather than code or media.
fn shown_text(name: &str) -> bool {
    !matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "head"
            | "title"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "video"
            | "audio"
            | "picture"
            | "map"
            | "math"
            | "select"
            | "option"
            | "input"
            | "textarea"
    )
}

/// Why a dropped element was dropped, from its tag, class and id.
fn removal_reason(name: &str, class_id: &str) -> RemovalReason {
    static REASONS: std::sync::OnceLock<Vec<(Regex, RemovalReason)>> = std::sync::OnceLock::new();
    if matches!(name, "nav" | "menu") {
        return RemovalReason::Navigation;
    }
    let reasons = REASONS.get_or_init(|| {
        vec![
            (crate::pattern(r"captcha"), RemovalReason::Captcha),
            (crate::pattern(r"donat"), RemovalReason::Donation),
            (crate::pattern(r"newsletter|subscri|signup|sign-up"), RemovalReason::Newsletter),
            (crate::pattern(r"share|sharing|social"), RemovalReason::Share),
            (
                crate::pattern(
                    r"related|recommend|more-stories|read-?more|teaser|trending|most-popular|outbrain|taboola|next-article|recirc",
                ),
                RemovalReason::RelatedStory,
            ),
            (crate::pattern(r"nav|menu|breadcrumb|pagination|pager"), RemovalReason::Navigation),
        ]
    });
    reasons
        .iter()
        .find(|(pattern, _)| pattern.is_match(class_id))
        .map_or(RemovalReason::Other, |(_, reason)| *reason)
}

/// How many of the next-best containers are looked at, and how many of
/// them must share an ancestor for it to become the article.
const ALTERNATIVES: usize = 5;
const MIN_ALTERNATIVES: usize = 3;

/// Whether `element` is `ancestor` or lies inside it.
fn is_within(tree: &Tree, element: usize, ancestor: usize) -> bool {
    let mut at = Some(element);
    while let Some(current) = at {
        if current == ancestor {
            return true;
        }
        at = tree.elements[current].parent;
    }
    false
}

fn ends_sentence(tree: &Tree, element: usize) -> bool {
    let text = subtree_text(tree, element);
    text.ends_with(['.', '!', '?', '»', '"', '”'])
}

/// Title, authors, date, publisher and address from meta tags, JSON-LD and
/// the markup.
fn metadata(tree: &Tree) -> Article {
    let meta = |keys: &[&str]| {
        keys.iter().find_map(|key| {
            tree.metas
                .iter()
                .find(|m| m.key == *key && !m.content.trim().is_empty())
                .map(|m| m.content.trim().to_owned())
        })
    };
    let mut article = Article::default();
    let mut ld_authors = Vec::new();
    let mut ld = LinkedData::default();
    for json in &tree.json_ld {
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(json) {
            ld.visit(&value, &mut ld_authors, 0);
        }
    }
    article.title = meta(&["og:title", "twitter:title"])
        .or(ld.headline)
        .or_else(|| tree.title.clone());
    article.published = meta(&[
        "article:published_time",
        "datepublished",
        "date",
        "pubdate",
        "publishdate",
        "dc.date",
        "dcterms.created",
        "sailthru.date",
        "parsely-pub-date",
    ])
    .or(ld.published);
    article.publisher = meta(&["og:site_name", "application-name"]).or(ld.publisher);
    article.url = tree.canonical.clone().or_else(|| meta(&["og:url"]));
    let mut authors: Vec<String> = Vec::new();
    let named = meta(&[
        "author",
        "article:author",
        "byl",
        "dc.creator",
        "parsely-author",
        "sailthru.author",
    ]);
    for name in named
        .into_iter()
        .flat_map(|n| n.split([';', '|']).map(str::to_owned).collect::<Vec<_>>())
        .chain(ld_authors)
    {
        let name = name.trim().trim_start_matches("By ").trim().to_owned();
        if !name.is_empty() && !name.starts_with("http") && !authors.contains(&name) {
            authors.push(name);
        }
    }
    article.authors = authors;
    article
}

#[derive(Debug, Default)]
struct LinkedData {
    headline: Option<String>,
    published: Option<String>,
    publisher: Option<String>,
}

impl LinkedData {
    fn visit(&mut self, value: &serde_json::Value, authors: &mut Vec<String>, depth: usize) {
        if depth > 8 {
            return;
        }
        match value {
            serde_json::Value::Array(items) => {
                for item in items {
                    self.visit(item, authors, depth + 1);
                }
            }
            serde_json::Value::Object(map) => {
                let text = |key: &str| map.get(key).and_then(|v| v.as_str()).map(str::to_owned);
                if self.headline.is_none() {
                    self.headline = text("headline");
                }
                if self.published.is_none() {
                    self.published = text("datePublished");
                }
                if self.publisher.is_none() {
                    self.publisher = map
                        .get("publisher")
                        .and_then(|p| p.get("name").or(Some(p)))
                        .and_then(|v| v.as_str())
                        .map(str::to_owned);
                }
                if let Some(author) = map.get("author") {
                    let list = match author {
                        serde_json::Value::Array(items) => items.iter().collect(),
                        other => vec![other],
                    };
                    for author in list {
                        let name = author
                            .get("name")
                            .and_then(|n| n.as_str())
                            .or(author.as_str());
                        if let Some(name) = name {
                            authors.push(name.to_owned());
                        }
                    }
                }
                if let Some(graph) = map.get("@graph") {
                    self.visit(graph, authors, depth + 1);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;

    fn check(html: &str, expected: Expect) {
        let tree = crate::html::tree::parse(html);
        let article = extract(&tree);
        let mut out = String::new();
        for (kind, text) in &article.blocks {
            out.push_str(&format!("{kind:?}: {text}\n"));
        }
        if !article.captions.is_empty() {
            out.push_str(&format!("captions: {:?}\n", article.captions));
        }
        if !article.authors.is_empty() {
            out.push_str(&format!("authors: {:?}\n", article.authors));
        }
        for (reason, text) in &article.removed {
            out.push_str(&format!("removed, {reason:?}: {text}\n"));
        }
        expected.assert_eq(&out);
    }

    const LONG: &str = "The battalion's former fighters say they were promised an amnesty after six \
        months of service, a monthly payment, and leave, and that none of it came.";

    #[test]
    fn blocks_keep_their_kind() {
        check(
            &format!(
                "<html><body><nav><ul><li><a href=/>Home</a></li><li><a href=/w>World</a></li></ul></nav>\
                 <article><h1>Headline</h1><p>{LONG}</p><h2>What they were told</h2>\
                 <blockquote><p>{LONG}</p></blockquote><ul><li>{LONG}</li><li>{LONG}</li></ul>\
                 <figure><img src=a.jpg><figcaption>Recruits in 2023. Photo: Jane Roe</figcaption></figure>\
                 <p>{LONG}</p></article><footer>Copyright</footer></body></html>"
            ),
            expect![[r#"
                Heading: Headline
                Paragraph: The battalion's former fighters say they were promised an amnesty after six months of service, a monthly payment, and leave, and that none of it came.
                Heading: What they were told
                Quote: The battalion's former fighters say they were promised an amnesty after six months of service, a monthly payment, and leave, and that none of it came.
                ListItem: The battalion's former fighters say they were promised an amnesty after six months of service, a monthly payment, and leave, and that none of it came.
                ListItem: The battalion's former fighters say they were promised an amnesty after six months of service, a monthly payment, and leave, and that none of it came.
                Paragraph: The battalion's former fighters say they were promised an amnesty after six months of service, a monthly payment, and leave, and that none of it came.
                captions: [("Recruits in 2023.", Some("Photo: Jane Roe"))]
                removed, Navigation: Home World
                removed, Other: Copyright
            "#]],
        );
    }

    #[test]
    fn sharing_comments_and_related_stories_are_dropped() {
        check(
            &format!(
                "<body><div class=story-body><p class=byline>By Jane Roe</p><p>{LONG}</p>\
                 <div class='share-tools'><a href=#>Share</a> <a href=#>Tweet</a></div>\
                 <p>{LONG}</p><div class=related-stories><p>{LONG}</p></div>\
                 <p>Read the <a href=/a>full statement</a> of the unit's former commander, issued in May.</p></div>\
                 <div id=comments><p>{LONG}</p></div></body>"
            ),
            expect![[r#"
                Paragraph: The battalion's former fighters say they were promised an amnesty after six months of service, a monthly payment, and leave, and that none of it came.
                Paragraph: The battalion's former fighters say they were promised an amnesty after six months of service, a monthly payment, and leave, and that none of it came.
                Paragraph: Read the full statement of the unit's former commander, issued in May.
                authors: ["Jane Roe"]
                removed, Share: Share Tweet
                removed, RelatedStory: The battalion's former fighters say they were promised an amnesty after six months of service, a monthly payment, and leave, and that none of it came.
                removed, Other: The battalion's former fighters say they were promised an amnesty after six months of service, a monthly payment, and leave, and that none of it came.
            "#]],
        );
    }

    #[test]
    fn a_page_wrapped_in_an_unlikely_class_is_still_read() {
        // Every container's class looks like boilerplate; the strict pass
        // finds nothing and the lenient one the article.
        check(
            &format!(
                "<body><div class=page-ad-margins><div class=widget-blog><p>{LONG}</p><p>{LONG}</p></div></div></body>"
            ),
            expect![[r#"
                Paragraph: The battalion's former fighters say they were promised an amnesty after six months of service, a monthly payment, and leave, and that none of it came.
                Paragraph: The battalion's former fighters say they were promised an amnesty after six months of service, a monthly payment, and leave, and that none of it came.
            "#]],
        );
    }

    #[test]
    fn hidden_elements_and_link_lists_are_not_text() {
        check(
            &format!(
                "<body><main><p>{LONG}</p><p style='display: none'>hidden teaser text that is long enough to count</p>\
                 <p hidden>also hidden</p><div aria-hidden=true>screen reader noise</div>\
                 <p><a href=/1>One story</a> <a href=/2>Another story</a> and</p>\
                 <p>Line one<br>line two<br><br>A new paragraph after two breaks.</p></main></body>"
            ),
            expect![[r#"
                Paragraph: The battalion's former fighters say they were promised an amnesty after six months of service, a monthly payment, and leave, and that none of it came.
                Paragraph: Line one
                line two
                Paragraph: A new paragraph after two breaks.
                removed, Navigation: One story Another story and
            "#]],
        );
    }

    #[test]
    fn metadata_comes_from_meta_tags_and_json_ld() {
        let tree = crate::html::tree::parse(
            r#"<html><head><title>Page title | Outlet</title>
            <meta property="og:title" content="Unit disbanded">
            <meta property="article:published_time" content="2024-04-18T10:00:00Z">
            <link rel="canonical" href="https://example.org/unit">
            <meta name="description" content="Former fighters say promises were broken.">
            <script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","author":[{"name":"Jane Roe"},{"name":"Ivan Petrenko"}],"publisher":{"name":"Example Outlet"}}]}</script>
            </head><body><p>x</p><figure><img src=a.jpg><figcaption>Volunteers at a training ground
            <span class="image-credit">Ivan Petrenko / Example Agency</span></figcaption></figure>
            <figure><figcaption>A checkpoint near the town (Photo by Jane Roe)</figcaption></figure></body></html>"#,
        );
        let article = extract(&tree);
        assert_eq!(article.title.as_deref(), Some("Unit disbanded"));
        assert_eq!(article.published.as_deref(), Some("2024-04-18T10:00:00Z"));
        assert_eq!(article.url.as_deref(), Some("https://example.org/unit"));
        assert_eq!(article.publisher.as_deref(), Some("Example Outlet"));
        assert_eq!(article.authors, vec!["Jane Roe", "Ivan Petrenko"]);
        assert_eq!(
            article.subtitle.as_deref(),
            Some("Former fighters say promises were broken.")
        );
        assert_eq!(
            article.captions,
            vec![
                (
                    "Volunteers at a training ground".to_owned(),
                    Some("Ivan Petrenko / Example Agency".to_owned())
                ),
                (
                    "A checkpoint near the town".to_owned(),
                    Some("Photo by Jane Roe".to_owned())
                ),
            ]
        );
    }
}
