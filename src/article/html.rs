//! Reading an HTML article, from a bare fragment to a whole saved news page.
//!
//! The page is parsed by html5ever (through `scraper`), the parser browsers' algorithm is
//! written from, so malformed markup is repaired the way a browser would. The article is
//! then found the way Readability does it: paragraphs score their parent and grandparent
//! (longer text and more commas score more), the best-scored element is the body, and
//! its enclosing `<article>`, when there is one, is what is read. Parts that are never
//! the article are left out wherever they sit: scripts, styles, navigation, asides,
//! footers, forms, share buttons, "read also" and related boxes, comments and ads,
//! recognized by tag, by the words of their class or id, by their opening words and by
//! how much of their text is links (see `boilerplate.tsv`).
//!
//! Metadata comes from JSON-LD (`NewsArticle` and its kin), then Open Graph and
//! `article:` meta tags, then the ordinary `<meta name>` tags.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use ego_tree::NodeId;
use scraper::{ElementRef, Html, Selector};

use super::{
    source_line, split_dateline, Block, BlockKind, Meta, FINAL_PUNCTUATION, MAX_HEADING_WORDS,
};
use crate::text;

/// The boilerplate markers of `boilerplate.tsv`, loaded once.
struct Markers {
    tags: Vec<String>,
    class_words: Vec<String>,
    phrases: Vec<String>,
}

fn markers() -> &'static Markers {
    static MARKERS: OnceLock<Markers> = OnceLock::new();
    MARKERS.get_or_init(|| {
        let mut m = Markers {
            tags: Vec::new(),
            class_words: Vec::new(),
            phrases: Vec::new(),
        };
        for line in include_str!("boilerplate.tsv").lines() {
            if line.starts_with('#') {
                continue;
            }
            let Some((kind, value)) = line.split_once('\t') else {
                continue;
            };
            let value = value.trim();
            match kind {
                "tag" => m.tags.push(value.to_owned()),
                "class" => m.class_words.push(value.to_owned()),
                "phrase" => m.phrases.push(fold(value)),
                _ => {}
            }
        }
        m
    })
}

/// Arabic text folded for comparing phrases: no short vowels or tatweel, every hamza
/// seat of alef as bare alef, alef maqsura as ya, punctuation as spaces.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if text::is_arabic_mark(c) || c == 'ـ' {
            continue;
        }
        let c = match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            'ى' => 'ي',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        };
        out.push(c);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `true` when `text` opens with a "read also"-like phrase.
fn opens_with_boilerplate_phrase(text: &str) -> bool {
    let folded = fold(text);
    markers().phrases.iter().any(|p| {
        folded
            .strip_prefix(p.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
    })
}

/// Nesting deeper than this is not walked: no news page needs it, and it keeps the
/// recursive walk's stack small on hostile input.
const MAX_DEPTH: usize = 200;

/// Paragraphs shorter than this (in characters) do not vote for the article body.
const MIN_SCORED_CHARS: usize = 25;

/// A block whose text is more than this share links is a list of links, not prose.
const MAX_LINK_DENSITY: f64 = 0.5;

/// Element names whose content is inline text (read as part of the enclosing block).
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins",
    "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
    "wbr", "img", "picture", "source",
];

/// `true` for elements that are never part of the article.
fn is_boilerplate(el: ElementRef<'_>) -> bool {
    let e = el.value();
    let name = e.name();
    let m = markers();
    if m.tags.iter().any(|t| t == name) {
        return true;
    }
    if e.attr("hidden").is_some() || e.attr("aria-hidden") == Some("true") {
        return true;
    }
    if let Some(style) = e.attr("style") {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if style.contains("display:none") || style.contains("visibility:hidden") {
            return true;
        }
    }
    if let Some(role) = e.attr("role") {
        if matches!(
            role,
            "navigation" | "banner" | "contentinfo" | "complementary" | "dialog" | "search"
        ) {
            return true;
        }
    }
    let words = e
        .attr("class")
        .into_iter()
        .chain(e.attr("id"))
        .flat_map(|v| v.split(|c: char| !c.is_ascii_alphanumeric()))
        .filter(|w| !w.is_empty());
    for w in words {
        let w = w.to_ascii_lowercase();
        if m.class_words.contains(&w) {
            return true;
        }
    }
    false
}

/// `true` when the class or id names an image caption (`wp-caption-text`, `caption`).
fn is_caption_class(el: ElementRef<'_>) -> bool {
    let e = el.value();
    e.attr("class")
        .into_iter()
        .chain(e.attr("id"))
        .flat_map(|v| v.split(|c: char| !c.is_ascii_alphanumeric()))
        .any(|w| w.eq_ignore_ascii_case("caption") || w.eq_ignore_ascii_case("figcaption"))
}

/// The nodes left out of the article: boilerplate elements and everything inside them,
/// and anything nested deeper than [`MAX_DEPTH`]. Found in one pass from the top, so a
/// hostile page of deep nesting costs no more than its size.
fn excluded_nodes(doc: &Html) -> HashSet<NodeId> {
    let mut depth: HashMap<NodeId, usize> = HashMap::new();
    let mut out = HashSet::new();
    for node in doc.tree.root().descendants() {
        let (parent_depth, parent_out) = node.parent().map_or((0, false), |p| {
            (
                depth.get(&p.id()).copied().unwrap_or(0),
                out.contains(&p.id()),
            )
        });
        let d = parent_depth + 1;
        depth.insert(node.id(), d);
        if parent_out || d > MAX_DEPTH || ElementRef::wrap(node).is_some_and(is_boilerplate) {
            out.insert(node.id());
        }
    }
    out
}

/// Pages nested deeper than this (by a quick count of open tags) are refused: the HTML
/// tree builder checks the open elements for each new tag, so time grows with the
/// square of the depth, and no news page comes near it.
const MAX_NESTING: usize = 4096;

/// Elements left out of the nesting count: void ones, ones closed implicitly by their
/// next sibling, and formatting ones, whose reopening the parser itself bounds.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "a", "b", "big", "code",
    "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
];

/// The deepest nesting of open tags, counted without parsing (an upper bound, near
/// enough for [`MAX_NESTING`]).
fn nesting_estimate(source: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut rest = source;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let closing = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if name.is_empty() || NOT_NESTING.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            max = max.max(depth);
        }
    }
    max
}

/// Most attributes of one element handed to the HTML parser. html5ever compares each new
/// attribute of a tag with all those before it (to drop duplicates), so one element with
/// 20 000 attributes costs 200 million comparisons; no element of a news page has more
/// than a few dozen.
const MAX_ATTRIBUTES: usize = 256;

/// Elements whose content is text up to their end tag, never tags: their content is
/// skipped by [`blank_excess_attributes`].
const RAW_TEXT: &[&[u8]] = &[
    b"script",
    b"style",
    b"textarea",
    b"title",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"noscript",
];

/// `source` with each attribute past the first [`MAX_ATTRIBUTES`] of a tag replaced by
/// spaces, byte for byte (so every offset into the page still holds); `None` when no
/// tag has that many. Tags are read the way an HTML tokenizer reads them: a name, then
/// attributes, each a name with an optional `=` and a value, quoted or not. Comments and
/// the content of script-like elements are skipped. One pass over the page.
fn blank_excess_attributes(source: &str) -> Option<String> {
    let b = source.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    let mut i = 0;
    let is_space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0c);
    while let Some(at) = b.get(i..).and_then(|r| r.iter().position(|&c| c == b'<')) {
        i += at + 1;
        if b[i..].starts_with(b"!--") {
            i = find_bytes(b, i + 3, b"-->").map_or(b.len(), |k| k + 3);
            continue;
        }
        // An end tag's attributes are tokenized (and compared) too.
        let end_tag = b.get(i) == Some(&b'/');
        if end_tag {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let name_start = i;
        while i < b.len() && !is_space(b[i]) && b[i] != b'/' && b[i] != b'>' {
            i += 1;
        }
        let name = &b[name_start..i];
        let mut count = 0usize;
        loop {
            while i < b.len() && (is_space(b[i]) || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let attr_start = i;
            // The first character of a name may be `=`; then up to space, `/`, `>`, `=`.
            i += 1;
            while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
                i += 1;
            }
            let mut k = i;
            while k < b.len() && is_space(b[k]) {
                k += 1;
            }
            if b.get(k) == Some(&b'=') {
                k += 1;
                while k < b.len() && is_space(b[k]) {
                    k += 1;
                }
                match b.get(k) {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        k = b[k + 1..]
                            .iter()
                            .position(|&c| c == q)
                            .map_or(b.len(), |p| k + 1 + p + 1);
                    }
                    _ => {
                        while k < b.len() && !is_space(b[k]) && b[k] != b'>' {
                            k += 1;
                        }
                    }
                }
                i = k;
            }
            count += 1;
            if count > MAX_ATTRIBUTES {
                let o = out.get_or_insert_with(|| b.to_vec());
                for c in &mut o[attr_start..i] {
                    *c = b' ';
                }
            }
        }
        if !end_tag && RAW_TEXT.iter().any(|r| r.eq_ignore_ascii_case(name)) {
            // Skip to the element's end tag: what is inside is not markup.
            let mut k = i;
            i = b.len();
            while let Some(lt) = find_bytes(b, k, b"</") {
                let tail = &b[lt + 2..];
                if tail.len() >= name.len() && tail[..name.len()].eq_ignore_ascii_case(name) {
                    i = lt;
                    break;
                }
                k = lt + 2;
            }
        }
    }
    // Only whole attributes (which start and end at ASCII bytes) were blanked, so the
    // copy is still UTF-8.
    out.and_then(|o| String::from_utf8(o).ok())
}

/// Where `needle` first occurs in `hay` at or after `from`.
fn find_bytes(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// Parses an HTML article; `source` is the cleaned page. The error is a reason, without
/// the file name.
pub(super) fn parse(source: &str) -> Result<(Meta, Vec<Block>), String> {
    if nesting_estimate(source) > MAX_NESTING {
        return Err(format!(
            "is HTML nested more than {MAX_NESTING} elements deep, which no article page is; \
             check it is the right file"
        ));
    }
    // The parser is given the page with excess attributes blanked out (offsets unchanged).
    let blanked = blank_excess_attributes(source);
    let doc = Html::parse_document(blanked.as_deref().unwrap_or(source));
    let mut meta = metadata(&doc);
    let excluded = excluded_nodes(&doc);
    let root = article_root(&doc, &excluded, meta.title.as_deref());
    let mut walker = Walker::default();
    walker.walk(root, Ctx::Paragraph, 0);
    walker.flush(Ctx::Paragraph);
    let mut blocks = finish(&doc, &excluded, root, walker.blocks, &mut meta);
    split_dateline_in_lead(&mut blocks);
    place_spans(source, &mut blocks);
    Ok((meta, blocks))
}

/// The element holding the article. Paragraphs score their parent in full and their
/// grandparent and great-grandparent in part (longer text and more commas score more,
/// text in links counts against); the best-scored element is the body. It is widened to
/// its `<article>` when it sits in one, else to the smallest element that also holds the
/// headline (so the standfirst and the lead image's caption come along) as long as that
/// adds little scored text; the whole `<body>` when nothing scores.
fn article_root<'a>(
    doc: &'a Html,
    excluded: &HashSet<NodeId>,
    meta_title: Option<&str>,
) -> ElementRef<'a> {
    let mut scores: HashMap<NodeId, f64> = HashMap::new();
    let mut totals: HashMap<NodeId, f64> = HashMap::new();
    for node in doc.tree.root().descendants() {
        let Some(el) = ElementRef::wrap(node) else {
            continue;
        };
        let name = el.value().name();
        let text: String = if name == "p" {
            el.text().collect()
        } else if INLINE.contains(&name) && !matches!(name, "font" | "span") {
            continue;
        } else {
            // Text written straight into a container (`<br>` paragraphs) votes too.
            node.children()
                .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                .collect()
        };
        let chars: usize = text.split_whitespace().map(|w| w.chars().count() + 1).sum();
        if chars < MIN_SCORED_CHARS || excluded.contains(&node.id()) {
            continue;
        }
        let commas = text.chars().filter(|&c| c == '،' || c == ',').count();
        let score = 1.0 + commas as f64 + (chars as f64 / 100.0).min(3.0);
        let start = if name == "p" {
            node.parent()
        } else {
            Some(node)
        };
        let Some(start) = start else { continue };
        for (level, anc) in std::iter::once(start).chain(start.ancestors()).enumerate() {
            *totals.entry(anc.id()).or_default() += score;
            let share = match level {
                0 => 1.0,
                1 => 0.5,
                2 => 1.0 / 6.0,
                _ => continue,
            };
            *scores.entry(anc.id()).or_default() += score * share;
        }
    }
    let best = scores
        .iter()
        .filter_map(|(&id, &s)| {
            let el = ElementRef::wrap(doc.tree.get(id)?)?;
            Some((el, s * (1.0 - link_density(el))))
        })
        // Ties go to the earlier node, so the choice never depends on hash order.
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.id().cmp(&a.0.id())))
        .map(|(el, _)| el);
    let Some(best) = best else {
        return doc
            .root_element()
            .child_elements()
            .find(|e| e.value().name() == "body")
            .unwrap_or_else(|| doc.root_element());
    };
    let article = std::iter::once(*best)
        .chain(best.ancestors())
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "article" && !excluded.contains(&e.id()));
    if let Some(article) = article {
        return article;
    }
    let total = |id: NodeId| totals.get(&id).copied().unwrap_or(0.0);
    let headline = headline_element(doc, excluded, best, meta_title);
    headline
        .and_then(|h| {
            let h_line: Vec<NodeId> = h.ancestors().map(|a| a.id()).collect();
            std::iter::once(*best)
                .chain(best.ancestors())
                .find(|a| h_line.contains(&a.id()))
                .and_then(ElementRef::wrap)
        })
        .filter(|common| total(common.id()) <= MAX_WIDENING * total(best.id()))
        .unwrap_or(best)
}

/// How much more scored text than the body the element widened to may hold.
const MAX_WIDENING: f64 = 1.5;

/// The page's headline `<h1>`: the one that matches the metadata's headline, else the
/// last one before `before`.
fn headline_element<'a>(
    doc: &'a Html,
    excluded: &HashSet<NodeId>,
    before: ElementRef<'a>,
    meta_title: Option<&str>,
) -> Option<ElementRef<'a>> {
    let h1 = Selector::parse("h1").ok()?;
    let all: Vec<ElementRef<'a>> = doc
        .select(&h1)
        .filter(|e| !excluded.contains(&e.id()))
        .collect();
    // An `<h1>` inside another `<article>` is that story's headline, never this one's
    // (a page with two stories side by side).
    let h1s: Vec<ElementRef<'a>> = all
        .iter()
        .copied()
        .filter(|e| !in_other_article(*e, before))
        .collect();
    if let Some(mt) = meta_title.map(fold).filter(|t| !t.is_empty()) {
        let matches = |e: &ElementRef<'_>| {
            let f = fold(&e.text().collect::<String>());
            !f.is_empty() && (mt.contains(&f) || f.contains(&mt))
        };
        if let Some(e) = h1s.iter().find(|e| matches(e)) {
            return Some(*e);
        }
    }
    h1s.into_iter().rev().find(|e| e.id() < before.id())
}

/// `true` when `el` sits in an `<article>` that does not hold `root` (nor is held by it):
/// another story on the same page.
fn in_other_article(el: ElementRef<'_>, root: ElementRef<'_>) -> bool {
    let root_line: HashSet<NodeId> = std::iter::once(*root)
        .chain(root.ancestors())
        .map(|n| n.id())
        .collect();
    el.ancestors()
        .filter_map(ElementRef::wrap)
        .filter(|a| a.value().name() == "article")
        .any(|a| !root_line.contains(&a.id()) && !a.ancestors().any(|x| x.id() == root.id()))
}

/// `true` when the page's metadata headline is another story's: it matches an `<h1>` in
/// an `<article>` that does not hold `root`.
fn title_is_another_story(
    doc: &Html,
    excluded: &HashSet<NodeId>,
    root: ElementRef<'_>,
    meta_title: &str,
) -> bool {
    let Ok(h1) = Selector::parse("h1") else {
        return false;
    };
    let mt = fold(meta_title);
    !mt.is_empty()
        && doc
            .select(&h1)
            .filter(|e| !excluded.contains(&e.id()) && in_other_article(*e, root))
            .any(|e| {
                let f = fold(&e.text().collect::<String>());
                !f.is_empty() && (mt.contains(&f) || f.contains(&mt))
            })
}

/// `true` for a story teaser inside the article element: an `<article>` whose heading is
/// a link to another page ("more on", "most read" cards).
fn is_teaser(el: ElementRef<'_>) -> bool {
    el.value().name() == "article"
        && el
            .descendent_elements()
            .filter(|e| matches!(e.value().name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6"))
            .any(|h| link_density(h) > MAX_LINK_DENSITY)
}

/// The share of an element's text that is inside links.
fn link_density(el: ElementRef<'_>) -> f64 {
    let total: usize = el.text().map(|t| t.trim().chars().count()).sum();
    if total == 0 {
        return 0.0;
    }
    let in_links: usize = el
        .descendent_elements()
        .filter(|e| e.value().name() == "a")
        .flat_map(|a| a.text())
        .map(|t| t.trim().chars().count())
        .sum();
    (in_links as f64 / total as f64).min(1.0)
}

/// What the text being gathered will become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Paragraph,
    Quote,
    Caption,
    /// A heading; `true` for `<h1>`.
    Heading(bool),
}

/// A block as found, before the page-level decisions.
#[derive(Debug)]
struct Found {
    ctx: Ctx,
    text: String,
    /// Letters and digits in all, in links, in bold, in italics and in `<time>`.
    chars: usize,
    link_chars: usize,
    bold_chars: usize,
    italic_chars: usize,
    time_chars: usize,
    /// An image stood just before the text (so an italic line under it is its caption).
    after_image: bool,
}

/// Walks the article element in document order, gathering inline text into blocks.
#[derive(Default)]
struct Walker {
    blocks: Vec<Found>,
    buf: String,
    chars: usize,
    link_chars: usize,
    bold_chars: usize,
    italic_chars: usize,
    time_chars: usize,
    link_depth: usize,
    bold_depth: usize,
    italic_depth: usize,
    time_depth: usize,
    image: bool,
}

impl Walker {
    fn push_text(&mut self, t: &str) {
        for c in t.chars() {
            self.buf.push(if c.is_whitespace() { ' ' } else { c });
        }
        let n = t.chars().filter(|c| c.is_alphanumeric()).count();
        self.chars += n;
        for (depth, count) in [
            (self.link_depth, &mut self.link_chars),
            (self.bold_depth, &mut self.bold_chars),
            (self.italic_depth, &mut self.italic_chars),
            (self.time_depth, &mut self.time_chars),
        ] {
            if depth > 0 {
                *count += n;
            }
        }
    }

    /// Ends the block being gathered, if it has any text.
    fn flush(&mut self, ctx: Ctx) {
        let text = text::clean_line(&self.buf);
        self.buf.clear();
        let found = Found {
            ctx,
            text,
            chars: std::mem::take(&mut self.chars),
            link_chars: std::mem::take(&mut self.link_chars),
            bold_chars: std::mem::take(&mut self.bold_chars),
            italic_chars: std::mem::take(&mut self.italic_chars),
            time_chars: std::mem::take(&mut self.time_chars),
            after_image: self.image,
        };
        if !found.text.is_empty() {
            self.image = false;
            self.blocks.push(found);
        }
    }

    fn walk(&mut self, el: ElementRef<'_>, ctx: Ctx, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        for child in el.children() {
            if let Some(t) = child.value().as_text() {
                self.push_text(t);
                continue;
            }
            let Some(c) = ElementRef::wrap(child) else {
                continue;
            };
            let name = c.value().name();
            let inline = INLINE.contains(&name);
            if is_boilerplate(c) || is_teaser(c) {
                if !inline {
                    self.flush(ctx);
                }
                continue;
            }
            match name {
                "br" => match ctx {
                    Ctx::Heading(_) | Ctx::Caption => self.buf.push(' '),
                    _ => self.flush(ctx),
                },
                "img" | "picture" => self.image = true,
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                    self.flush(ctx);
                    let inner = Ctx::Heading(name == "h1");
                    self.walk(c, inner, depth + 1);
                    self.flush(inner);
                }
                "blockquote" => {
                    self.flush(ctx);
                    self.walk(c, Ctx::Quote, depth + 1);
                    self.flush(Ctx::Quote);
                }
                "figcaption" => {
                    self.flush(ctx);
                    self.walk(c, Ctx::Caption, depth + 1);
                    self.flush(Ctx::Caption);
                }
                _ if is_caption_class(c) && ctx != Ctx::Quote => {
                    self.flush(ctx);
                    self.walk(c, Ctx::Caption, depth + 1);
                    self.flush(Ctx::Caption);
                }
                _ if inline => {
                    // Inline markup between words carries no space of its own; note what
                    // the text inside is (a link, bold, italic, a time stamp).
                    let style = match name {
                        "a" => Some(&mut self.link_depth),
                        "b" | "strong" => Some(&mut self.bold_depth),
                        "i" | "em" => Some(&mut self.italic_depth),
                        "time" => Some(&mut self.time_depth),
                        _ => None,
                    };
                    let counted = style.map(|d| {
                        *d += 1;
                        name
                    });
                    self.walk(c, ctx, depth + 1);
                    match counted {
                        Some("a") => self.link_depth -= 1,
                        Some("b" | "strong") => self.bold_depth -= 1,
                        Some("i" | "em") => self.italic_depth -= 1,
                        Some(_) => self.time_depth -= 1,
                        None => {}
                    }
                }
                _ => {
                    // Any other element (p, div, li, figure, section, td, …) is a block.
                    self.flush(ctx);
                    self.walk(c, ctx, depth + 1);
                    self.flush(ctx);
                }
            }
        }
    }
}

/// The page-level decisions: links lists and "read also" lines out, the headline first
/// (found outside the article element if need be), the source line recognized.
fn finish(
    doc: &Html,
    excluded: &HashSet<NodeId>,
    root: ElementRef<'_>,
    found: Vec<Found>,
    meta: &mut Meta,
) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    for f in found {
        let share = |n: usize| n as f64 / f.chars.max(1) as f64;
        let links = share(f.link_chars) > MAX_LINK_DENSITY;
        // A line with no words of its own besides links is a date, a pager or a bar of
        // links; a line that is all `<time>` is the publication stamp.
        let stamp = f.ctx == Ctx::Paragraph
            && (f.chars == f.time_chars
                || !f.text.chars().any(char::is_alphabetic)
                || f.chars == f.link_chars + digits(&f.text));
        if opens_with_boilerplate_phrase(&f.text) || (links && f.ctx != Ctx::Caption) || stamp {
            continue;
        }
        // In pages laid out with `<br>`, a short all-bold line without final punctuation is
        // a subheading, and an all-italic line right under an image is its caption.
        let bold_heading = f.ctx == Ctx::Paragraph
            && f.bold_chars == f.chars
            && f.text.split_whitespace().count() <= MAX_HEADING_WORDS
            && !f.text.ends_with(FINAL_PUNCTUATION);
        let image_caption = f.ctx == Ctx::Paragraph && f.after_image && f.italic_chars == f.chars;
        let kind = match f.ctx {
            _ if bold_heading => BlockKind::Heading,
            _ if image_caption => BlockKind::Caption,
            Ctx::Heading(true) if !blocks.iter().any(|b| b.kind == BlockKind::Title) => {
                BlockKind::Title
            }
            Ctx::Heading(_) => BlockKind::Heading,
            Ctx::Quote => BlockKind::Quote,
            Ctx::Caption => BlockKind::Caption,
            Ctx::Paragraph if source_line(&f.text).is_some() => BlockKind::Source,
            Ctx::Paragraph => BlockKind::Paragraph,
        };
        blocks.push(Block {
            kind,
            text: f.text,
            span: 0..0,
        });
    }
    // A story element that opens with a heading of any level: that heading is its
    // headline (the page's `<h1>` may belong to another story).
    let opens_with_heading = blocks.first().is_some_and(|b| b.kind == BlockKind::Heading);
    if root.value().name() == "article"
        && opens_with_heading
        && !blocks.iter().any(|b| b.kind == BlockKind::Title)
    {
        blocks[0].kind = BlockKind::Title;
    }
    if !blocks.iter().any(|b| b.kind == BlockKind::Title) {
        if let Some(title) = headline_outside(doc, excluded, root, meta.title.as_deref()) {
            blocks.insert(
                0,
                Block {
                    kind: BlockKind::Title,
                    text: title,
                    span: 0..0,
                },
            );
        }
    }
    if let Some(t) = blocks.iter().find(|b| b.kind == BlockKind::Title) {
        meta.title = Some(t.text.clone());
    }
    for b in &blocks {
        if b.kind == BlockKind::Source {
            if let Some(name) = source_line(&b.text).filter(|n| !n.is_empty()) {
                meta.source = Some(name.to_owned());
            }
        }
    }
    blocks
}

/// How many of the characters of `s` are digits.
fn digits(s: &str) -> usize {
    s.chars().filter(|c| c.is_numeric()).count()
}

/// The headline when the article element holds none: the page's headline `<h1>`, else
/// the metadata's.
fn headline_outside(
    doc: &Html,
    excluded: &HashSet<NodeId>,
    root: ElementRef<'_>,
    meta_title: Option<&str>,
) -> Option<String> {
    headline_element(doc, excluded, root, meta_title)
        .map(|h| {
            let mut w = Walker::default();
            w.walk(h, Ctx::Heading(true), 0);
            text::clean_line(&w.buf)
        })
        .filter(|t| !t.is_empty())
        .or_else(|| {
            meta_title
                .filter(|t| !title_is_another_story(doc, excluded, root, t))
                .map(text::clean_line)
                .filter(|t| !t.is_empty())
        })
}

/// How many paragraphs from the top may open with the dateline: pages often put a
/// standfirst paragraph between the headline and the story.
const DATELINE_PARAGRAPHS: usize = 2;

/// Splits the dateline (`جدة –`) off the first paragraph that opens with one, among the
/// first [`DATELINE_PARAGRAPHS`] paragraphs before any heading.
fn split_dateline_in_lead(blocks: &mut Vec<Block>) {
    let lead = blocks
        .iter()
        .enumerate()
        .skip_while(|(_, b)| b.kind != BlockKind::Paragraph)
        .take_while(|(_, b)| b.kind != BlockKind::Heading)
        .filter(|(_, b)| b.kind == BlockKind::Paragraph)
        .take(DATELINE_PARAGRAPHS)
        .find_map(|(i, b)| split_dateline(&b.text).map(|(place, rest)| (i, place.len(), rest)));
    let Some((i, place_len, rest)) = lead else {
        return;
    };
    let text = std::mem::take(&mut blocks[i].text);
    blocks[i].text = text[rest..].to_owned();
    blocks.insert(
        i,
        Block {
            kind: BlockKind::Dateline,
            text: text[..place_len].to_owned(),
            span: 0..0,
        },
    );
}

/// How far past the previous block, in bytes, a block's text is looked for in the page:
/// far beyond the markup, scripts and boilerplate between two blocks of a real page.
const SPAN_SEARCH_BYTES: usize = 1 << 20;

/// How much of the page, in multiples of its size, the searches that find nothing may
/// read in all before each search is cut to the block's own length and a little more.
/// A block whose text is not in the page verbatim (an entity, `&amp;` or `&#1602;`, or a
/// line break inside it) is searched for to the end of the window: on a page of 400 000
/// such paragraphs, searching each to the end of the page never finished.
const SPAN_SEARCH_BUDGET: usize = 8;

/// Points each block's span at its text in the page when it appears there verbatim, in
/// order; otherwise at an empty range where the search stood. Each search is bounded
/// (see [`SPAN_SEARCH_BYTES`] and [`SPAN_SEARCH_BUDGET`]), so the whole is linear.
fn place_spans(source: &str, blocks: &mut [Block]) {
    let mut cursor: usize = 0;
    let mut budget = SPAN_SEARCH_BUDGET.saturating_mul(source.len());
    for b in blocks.iter_mut() {
        let len = b.text.len();
        let reach = if budget > 0 {
            SPAN_SEARCH_BYTES
        } else {
            len + 256
        };
        let mut end = cursor
            .saturating_add(len)
            .saturating_add(reach)
            .min(source.len());
        while !source.is_char_boundary(end) {
            end += 1;
        }
        let found = source
            .get(cursor..end)
            .and_then(|window| window.find(b.text.as_str()))
            .map(|at| cursor + at);
        b.span = match found {
            Some(at) => {
                cursor = at + len;
                at..cursor
            }
            None => {
                budget = budget.saturating_sub(end.saturating_sub(cursor));
                cursor..cursor
            }
        };
    }
}

/// Article metadata from JSON-LD, Open Graph / `article:` and plain `<meta>` tags, in
/// that order of trust.
fn metadata(doc: &Html) -> Meta {
    let mut meta = Meta::default();
    if let Some(ld) = json_ld_article(doc) {
        meta.title = ld_string(&ld["headline"]);
        meta.date = ld_string(&ld["datePublished"]);
        meta.author = ld_name(&ld["author"]);
        meta.source = ld_name(&ld["publisher"]);
        meta.url = ld_string(&ld["url"]).or_else(|| {
            let page = &ld["mainEntityOfPage"];
            ld_string(page).or_else(|| ld_string(&page["@id"]))
        });
    }
    let tags = meta_tags(doc);
    let get = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| tags.get(*k))
            .map(|v| text::clean_line(v))
            .filter(|v| !v.is_empty())
    };
    meta.title = meta.title.or_else(|| get(&["og:title", "twitter:title"]));
    meta.date = meta
        .date
        .or_else(|| get(&["article:published_time", "date", "pubdate", "dc.date"]));
    meta.author = meta
        .author
        .or_else(|| get(&["author", "article:author"]).filter(|a| !a.starts_with("http")));
    meta.source = meta.source.or_else(|| get(&["og:site_name"]));
    meta.url = meta.url.or_else(|| get(&["og:url"])).or_else(|| {
        let sel = Selector::parse("link[rel=canonical]").ok()?;
        doc.select(&sel)
            .find_map(|l| l.value().attr("href"))
            .map(str::to_owned)
    });
    meta
}

/// `<meta property|name=… content=…>` pairs, keys lowercased; the first of a key wins.
fn meta_tags(doc: &Html) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let Ok(sel) = Selector::parse("meta[content]") else {
        return out;
    };
    for m in doc.select(&sel) {
        let e = m.value();
        let Some(key) = e.attr("property").or_else(|| e.attr("name")) else {
            continue;
        };
        let content = e.attr("content").unwrap_or_default();
        out.entry(key.trim().to_ascii_lowercase())
            .or_insert_with(|| content.to_owned());
    }
    out
}

/// JSON-LD types that describe an article.
const LD_ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "BlogPosting",
    "Report",
];

/// The first JSON-LD object of an article type, looking inside arrays and `@graph`.
/// Scripts that are not valid JSON are skipped (pages often carry broken ones).
fn json_ld_article(doc: &Html) -> Option<serde_json::Value> {
    let sel = Selector::parse("script[type=\"application/ld+json\"]").ok()?;
    for script in doc.select(&sel) {
        let raw: String = script.text().collect();
        let Ok(value) = serde_json::from_str::<serde_json::Value>(raw.trim()) else {
            continue;
        };
        let mut stack = vec![value];
        while let Some(v) = stack.pop() {
            match v {
                serde_json::Value::Array(items) => stack.extend(items.into_iter().rev()),
                serde_json::Value::Object(ref o) => {
                    let is_article = match o.get("@type") {
                        Some(serde_json::Value::String(t)) => {
                            LD_ARTICLE_TYPES.contains(&t.as_str())
                        }
                        Some(serde_json::Value::Array(ts)) => ts
                            .iter()
                            .any(|t| t.as_str().is_some_and(|t| LD_ARTICLE_TYPES.contains(&t))),
                        _ => false,
                    };
                    if is_article {
                        return Some(v);
                    }
                    if let Some(g) = o.get("@graph") {
                        stack.push(g.clone());
                    }
                }
                _ => {}
            }
        }
    }
    None
}

/// A JSON-LD string value, cleaned; `None` when absent or empty.
fn ld_string(v: &serde_json::Value) -> Option<String> {
    v.as_str().map(text::clean_line).filter(|s| !s.is_empty())
}

/// A JSON-LD person or organization's name: a string, an object with `name`, or the
/// names of an array joined with `، `.
fn ld_name(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Array(items) => {
            let names: Vec<String> = items.iter().filter_map(ld_name).collect();
            (!names.is_empty()).then(|| names.join("، "))
        }
        serde_json::Value::Object(_) => ld_string(&v["name"]),
        _ => ld_string(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds_texts(html: &str) -> Vec<(BlockKind, String)> {
        parse(html)
            .unwrap()
            .1
            .into_iter()
            .map(|b| (b.kind, b.text))
            .collect()
    }

    #[test]
    fn fragment_without_body_structure() {
        let b = kinds_texts("<h1>العنوان</h1><p>فقرة &amp; نص&nbsp;هنا.</p>");
        assert_eq!(
            b,
            vec![
                (BlockKind::Title, "العنوان".to_owned()),
                (BlockKind::Paragraph, "فقرة & نص هنا.".to_owned())
            ]
        );
    }

    #[test]
    fn read_also_line_and_link_list_are_left_out() {
        let html = "<article><h1>عنوان</h1><p>نص الخبر الأول يكفي لكي يكون فقرة حقيقية في المقال.</p>\
            <p><b>إقرأ أيضاً:</b> <a href='/x'>خبر آخر</a></p><ul><li><a href='/y'>رابط أول</a></li></ul></article>";
        let b = kinds_texts(html);
        assert_eq!(b.len(), 2, "{b:?}");
    }

    #[test]
    fn phrases_fold_hamza_and_vowels() {
        assert!(opens_with_boilerplate_phrase("اقرأ أيضًا: شيء"));
        assert!(opens_with_boilerplate_phrase("إقرا ايضا"));
        assert!(!opens_with_boilerplate_phrase("اقرأوا أيضا ما كتب"));
        assert!(!opens_with_boilerplate_phrase("قال الوزير إن اقرأ أيضا"));
    }

    #[test]
    fn json_ld_graph_and_author_list() {
        let html = r#"<html><head><script type="application/ld+json">{"@graph":[{"@type":"WebSite","name":"x"},
            {"@type":["NewsArticle"],"headline":"عنوان","datePublished":"2024-01-02",
             "author":[{"name":"أ"},{"name":"ب"}],"publisher":{"name":"ناشر"}}]}</script></head>
            <body><p>نص.</p></body></html>"#;
        let (meta, _) = parse(html).unwrap();
        assert_eq!(meta.date.as_deref(), Some("2024-01-02"));
        assert_eq!(meta.author.as_deref(), Some("أ، ب"));
        assert_eq!(meta.source.as_deref(), Some("ناشر"));
    }

    #[test]
    fn excess_attributes_are_blanked_in_place() {
        let attrs: String = (0..MAX_ATTRIBUTES + 10)
            .map(|i| format!(" a{i}=\"x>{i}\" b{i}=v c{i}"))
            .collect();
        let page = format!("<html><body><p class=lead{attrs}>نص أول.</p></body></html>");
        let blanked = blank_excess_attributes(&page).unwrap_or_default();
        assert_eq!(blanked.len(), page.len());
        assert!(blanked.contains("class=lead a0=\"x>0\" b0=v c0"));
        assert!(!blanked.contains(&format!("c{}", MAX_ATTRIBUTES + 5)));
        let doc = Html::parse_document(&blanked);
        let p = doc.select(&Selector::parse("p").unwrap()).next().unwrap();
        assert_eq!(p.value().attrs().count(), MAX_ATTRIBUTES);
        assert_eq!(p.value().attr("class"), Some("lead"));
        let (_, blocks) = parse(&page).unwrap();
        assert_eq!(blocks[0].text, "نص أول.");
        assert_eq!(&page[blocks[0].span.clone()], "نص أول.");
        // Scripts, comments and ordinary pages are left alone.
        let script = format!("<script>if (a <b{attrs}) {{}}</script><!-- <x{attrs}> -->");
        assert!(blank_excess_attributes(&script).is_none());
        assert!(blank_excess_attributes("<p a=1 b=2>x</p>").is_none());
        assert!(blank_excess_attributes(&format!("<p>x</p{attrs}>")).is_some());
    }

    #[test]
    fn spans_of_pages_with_entities() {
        // Paragraphs with an entity are not in the page verbatim: an empty span where
        // the search stood; the verbatim ones after them still get theirs.
        let mut page = String::from("<html><body>");
        for i in 0..50 {
            page.push_str(&format!(
                "<p>فقرة {i} &amp; تتمة.</p><p>فقرة عادية رقم {i}.</p>"
            ));
        }
        let (_, blocks) = parse(&page).unwrap();
        assert_eq!(blocks.len(), 100);
        for b in &blocks {
            if b.text.contains('&') {
                assert!(b.span.is_empty());
            } else {
                assert_eq!(&page[b.span.clone()], b.text);
            }
        }
    }

    #[test]
    fn deep_nesting_is_refused_and_moderate_nesting_is_safe() {
        let para = "<p>نص عربي طويل بما يكفي لكي يحسب فقرة في الصفحة.</p>";
        let deep = format!("{}{para}", "<div>".repeat(MAX_NESTING + 1));
        assert!(parse(&deep).unwrap_err().contains("nested"));
        // Within the limit nothing overflows the stack; beyond the walk's depth nothing
        // is read.
        let (_, blocks) = parse(&format!("{}{para}", "<section>".repeat(MAX_NESTING))).unwrap();
        assert!(blocks.is_empty());
        let (_, blocks) = parse(&format!("{}{para}", "<div>".repeat(20))).unwrap();
        assert_eq!(blocks.len(), 1);
        // Unclosed paragraphs and list items are not nesting.
        assert!(parse(&"<p>نص.".repeat(MAX_NESTING * 2)).is_ok());
    }
}
