//! Reading an article: from a file on disk to an [`Article`] of typed blocks.
//!
//! Two layouts are understood:
//! - plain text in the wire-story layout: headline on the first line, a dateline
//!   (`واشنطن –`) opening the first paragraph, image captions (Latin-script lines, and
//!   Arabic lines that end in a parenthesized credit such as `(رويترز)`), short heading
//!   lines with no final punctuation and a closing `المصدر : …` line;
//! - Markdown with optional TOML front matter between `+++` lines.
//!
//! A minimal HTML reader handles `<h1>`–`<h6>`, `<p>`, `<blockquote>`, `<figcaption>`.

use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::text;

/// Articles larger than this are refused: a news article is tens of kilobytes, and a file
/// of many megabytes is almost always the wrong file (see [`crate::limits`]).
pub const MAX_ARTICLE_BYTES: u64 = crate::limits::MAX_ARTICLE_BYTES;

/// What a block is in the article's structure; decides whether and how it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockKind {
    /// The headline.
    Title,
    /// The place name that opens a wire story (`واشنطن –`).
    Dateline,
    /// A section heading.
    Heading,
    /// Body text.
    Paragraph,
    /// A quoted passage.
    Quote,
    /// An image caption (not read unless asked).
    Caption,
    /// The closing source line (`المصدر : الجزيرة`).
    Source,
}

impl BlockKind {
    /// The lowercase name used in manifests and `rawi split`.
    pub fn as_str(self) -> &'static str {
        match self {
            BlockKind::Title => "title",
            BlockKind::Dateline => "dateline",
            BlockKind::Heading => "heading",
            BlockKind::Paragraph => "paragraph",
            BlockKind::Quote => "quote",
            BlockKind::Caption => "caption",
            BlockKind::Source => "source",
        }
    }
}

/// One structural unit of the article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// What the block is.
    pub kind: BlockKind,
    /// Its text, cleaned and with any markup removed.
    pub text: String,
    /// Where it stands in [`Article::source`] (byte offsets).
    pub span: Range<usize>,
}

/// Article metadata, from Markdown front matter or from the text itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// The headline.
    pub title: Option<String>,
    /// The writer.
    pub author: Option<String>,
    /// Publication date, as written (ISO 8601 preferred).
    pub date: Option<String>,
    /// The publisher or agency (`الجزيرة`).
    pub source: Option<String>,
    /// Where the article was published.
    pub url: Option<String>,
}

/// The layout of an article file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text, wire-story layout.
    Plain,
    /// Markdown, optional `+++` TOML front matter.
    Markdown,
    /// HTML.
    Html,
}

impl Format {
    /// Chooses the layout from the file name, then from the content.
    pub fn detect(path: &Path, content: &str) -> Format {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Format::Markdown,
            "html" | "htm" => Format::Html,
            _ if content.starts_with("+++\n") => Format::Markdown,
            _ if content.trim_start().starts_with('<') => Format::Html,
            _ => Format::Plain,
        }
    }
}

/// A parsed article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Metadata.
    pub meta: Meta,
    /// Blocks in reading order.
    pub blocks: Vec<Block>,
    /// The cleaned source text that block spans point into.
    pub source: String,
}

/// Reads and parses an article file, with a clear error for each way it can be unusable.
/// The file must be a regular file (a device or FIFO is refused before it is opened) and
/// is read through the [`MAX_ARTICLE_BYTES`] cap.
pub fn read(path: &Path) -> Result<Article> {
    let bytes = crate::fsx::read_input(path, MAX_ARTICLE_BYTES, "article")?;
    let content = decode(path, &bytes)?;
    parse(&content, Format::detect(path, &content)).map_err(|reason| Error::input(path, reason))
}

/// Checks that the bytes are UTF-8 text and not a binary file.
fn decode(path: &Path, bytes: &[u8]) -> Result<String> {
    if bytes.contains(&0) {
        return Err(Error::input(
            path,
            "is a binary file, not text; give a UTF-8 text, Markdown or HTML article",
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => Err(Error::input(
            path,
            format!(
                "is not valid UTF-8 (bad byte at offset {}); save it as UTF-8 and try again",
                e.valid_up_to()
            ),
        )),
    }
}

/// Parses article text in the given layout. The error is a reason, without the file name.
pub fn parse(raw: &str, format: Format) -> std::result::Result<Article, String> {
    let source = text::clean(raw);
    if source.trim().is_empty() {
        return Err("is empty; there is nothing to read".into());
    }
    let (meta, blocks) = match format {
        Format::Plain => parse_plain(&source),
        Format::Markdown => parse_markdown(&source)?,
        Format::Html => parse_html(&source),
    };
    if !blocks
        .iter()
        .any(|b| b.kind != BlockKind::Caption && b.text.chars().any(text::is_arabic_letter))
    {
        return Err("has no Arabic text to read".into());
    }
    Ok(Article {
        meta,
        blocks,
        source,
    })
}

/// Lines of `s` with their byte ranges, blank lines skipped.
fn lines_with_spans(s: &str) -> impl Iterator<Item = (&str, Range<usize>)> {
    let mut offset = 0;
    s.split('\n').filter_map(move |line| {
        let start = offset;
        offset += line.len() + 1;
        (!line.trim().is_empty()).then(|| (line, start..start + line.len()))
    })
}

/// Characters that end a sentence or a paragraph; a line without one is heading-like.
const FINAL_PUNCTUATION: &[char] = &[
    '.', '!', '?', '؟', ':', '…', '"', '»', ')', '”', '،', '؛', ',',
];

/// Longest line, in words, taken for a heading in plain text.
const MAX_HEADING_WORDS: usize = 12;

/// Longest parenthesized credit, in words, that makes a line a caption.
const MAX_CREDIT_WORDS: usize = 6;

/// Longest Arabic caption line, in words.
const MAX_CAPTION_WORDS: usize = 40;

/// `true` for a line that ends in a short parenthesized credit: `… (رويترز)`.
fn ends_with_credit(line: &str) -> bool {
    let Some(body) = line.strip_suffix(')') else {
        return false;
    };
    let Some(open) = body.rfind('(') else {
        return false;
    };
    let credit = &body[open + 1..];
    let words = credit.split_whitespace().count();
    (1..=MAX_CREDIT_WORDS).contains(&words)
        && !credit.contains('(')
        && line.split_whitespace().count() <= MAX_CAPTION_WORDS
        && open > 0
}

/// Splits `المصدر : الجزيرة` into its source name.
fn source_line(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("المصدر")?.trim_start();
    let rest = rest.strip_prefix(':').or_else(|| rest.strip_prefix('：'))?;
    Some(rest.trim())
}

/// Splits a dateline off the first paragraph: `واشنطن – قبل …` gives the place and the rest.
fn split_dateline(line: &str) -> Option<(&str, usize)> {
    for dash in ['–', '—', '-'] {
        let Some(pos) = line.find(dash) else { continue };
        let place = line[..pos].trim_end();
        let words = place.split_whitespace().count();
        if (1..=3).contains(&words)
            && pos <= 60
            && !text::has_digit(place)
            && place.chars().all(|c| {
                text::is_arabic_letter(c)
                    || text::is_arabic_mark(c)
                    || c == ' '
                    || c == '/'
                    || c == '،'
                    || c == ','
            })
        {
            let after = pos + dash.len_utf8();
            let rest_start = after + (line[after..].len() - line[after..].trim_start().len());
            if rest_start < line.len() {
                return Some((place, rest_start));
            }
        }
    }
    None
}

/// `true` for a whole line in quotation marks.
fn is_quote_line(line: &str) -> bool {
    let l = line.trim_end_matches('.');
    (l.starts_with('«') && l.ends_with('»'))
        || (l.starts_with('"') && l.ends_with('"') && l.len() > 2)
        || (l.starts_with('“') && l.ends_with('”'))
}

fn parse_plain(source: &str) -> (Meta, Vec<Block>) {
    let mut meta = Meta::default();
    let mut blocks: Vec<Block> = Vec::new();
    for (line, span) in lines_with_spans(source) {
        let push = |blocks: &mut Vec<Block>, kind, text: &str, span: Range<usize>| {
            blocks.push(Block {
                kind,
                text: text.to_owned(),
                span,
            })
        };
        if blocks.is_empty() {
            meta.title = Some(line.to_owned());
            push(&mut blocks, BlockKind::Title, line, span);
            continue;
        }
        if text::is_latin_only(line) {
            push(&mut blocks, BlockKind::Caption, line, span);
            continue;
        }
        if let Some(name) = source_line(line) {
            if !name.is_empty() {
                meta.source = Some(name.to_owned());
            }
            push(&mut blocks, BlockKind::Source, line, span);
            continue;
        }
        if ends_with_credit(line) {
            push(&mut blocks, BlockKind::Caption, line, span);
            continue;
        }
        if is_quote_line(line) {
            push(&mut blocks, BlockKind::Quote, line, span);
            continue;
        }
        let words = line.split_whitespace().count();
        if words <= MAX_HEADING_WORDS && !line.ends_with(FINAL_PUNCTUATION) {
            push(&mut blocks, BlockKind::Heading, line, span);
            continue;
        }
        push(&mut blocks, BlockKind::Paragraph, line, span);
    }
    split_first_dateline(source, &mut blocks);
    (meta, blocks)
}

/// Splits the dateline (`واشنطن –`) off the first paragraph into a block of its own, so
/// that it is read as a short phrase before the story.
fn split_first_dateline(source: &str, blocks: &mut Vec<Block>) {
    let Some(i) = blocks
        .iter()
        .position(|b| matches!(b.kind, BlockKind::Paragraph | BlockKind::Quote))
    else {
        return;
    };
    if blocks[i].kind != BlockKind::Paragraph {
        return;
    }
    let Some((place, rest)) = split_dateline(&blocks[i].text) else {
        return;
    };
    let b = blocks[i].clone();
    let verbatim = source.get(b.span.clone()) == Some(b.text.as_str());
    let (place_span, rest_span) = if verbatim {
        (
            b.span.start..b.span.start + place.len(),
            b.span.start + rest..b.span.end,
        )
    } else {
        (b.span.clone(), b.span.clone())
    };
    let dateline = Block {
        kind: BlockKind::Dateline,
        text: place.to_owned(),
        span: place_span,
    };
    blocks[i] = Block {
        kind: BlockKind::Paragraph,
        text: b.text[rest..].to_owned(),
        span: rest_span,
    };
    blocks.insert(i, dateline);
}

/// Front matter fields we read; others are ignored so newsroom tools can add their own.
#[derive(Deserialize, Default)]
struct FrontMatter {
    title: Option<String>,
    author: Option<String>,
    date: Option<toml::Value>,
    source: Option<String>,
    url: Option<String>,
}

fn parse_markdown(source: &str) -> std::result::Result<(Meta, Vec<Block>), String> {
    let mut meta = Meta::default();
    let mut blocks = Vec::new();
    let mut body_start = 0;
    if let Some(rest) = source.strip_prefix("+++\n") {
        let end = rest
            .find("\n+++")
            .filter(|&i| rest[i + 4..].is_empty() || rest[i + 4..].starts_with('\n'))
            .ok_or(
                "has front matter that opens with +++ but never closes; add a closing +++ line",
            )?;
        let fm: FrontMatter = toml::from_str(&rest[..end])
            .map_err(|e| format!("has front matter that is not valid TOML: {}", e.message()))?;
        meta = Meta {
            title: fm.title.map(|t| text::clean_line(&t)),
            author: fm.author,
            date: fm.date.map(|d| match d {
                toml::Value::String(s) => s,
                other => other.to_string(),
            }),
            source: fm.source,
            url: fm.url,
        };
        body_start = 4 + end + 4;
        if let Some(title) = &meta.title {
            if !title.is_empty() {
                blocks.push(Block {
                    kind: BlockKind::Title,
                    text: title.clone(),
                    span: 0..body_start,
                });
            }
        }
    }
    let body = &source[body_start.min(source.len())..];
    let mut para: Option<(BlockKind, String, Range<usize>)> = None;
    let flush = |para: &mut Option<(BlockKind, String, Range<usize>)>, blocks: &mut Vec<Block>| {
        if let Some((kind, text, span)) = para.take() {
            let text = strip_inline(&text);
            if !text.is_empty() {
                blocks.push(Block { kind, text, span });
            }
        }
    };
    let mut offset = body_start;
    for line in body.split('\n') {
        let span = offset..offset + line.len();
        offset += line.len() + 1;
        let t = line.trim();
        if t.is_empty() {
            flush(&mut para, &mut blocks);
            continue;
        }
        let hashes = t.chars().take_while(|&c| c == '#').count();
        if (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') {
            flush(&mut para, &mut blocks);
            let text = strip_inline(t[hashes..].trim().trim_end_matches('#').trim());
            // Many newsroom exports repeat the front matter's title as the first `#`
            // heading; read it once.
            if hashes == 1 && meta.title.as_deref() == Some(text.as_str()) {
                continue;
            }
            let kind = if hashes == 1 && meta.title.is_none() {
                meta.title = Some(text.clone());
                BlockKind::Title
            } else {
                BlockKind::Heading
            };
            blocks.push(Block { kind, text, span });
            continue;
        }
        if let Some(caption) = image_caption(t) {
            flush(&mut para, &mut blocks);
            if !caption.is_empty() {
                blocks.push(Block {
                    kind: BlockKind::Caption,
                    text: strip_inline(caption),
                    span,
                });
            }
            continue;
        }
        let (kind, content) = if let Some(q) = t.strip_prefix('>') {
            (BlockKind::Quote, q.trim())
        } else if let Some(item) = list_item(t) {
            flush(&mut para, &mut blocks);
            (BlockKind::Paragraph, item)
        } else {
            (BlockKind::Paragraph, t)
        };
        match &mut para {
            Some((k, text, s)) if *k == kind => {
                text.push(' ');
                text.push_str(content);
                s.end = span.end;
            }
            _ => {
                flush(&mut para, &mut blocks);
                para = Some((kind, content.to_owned(), span));
            }
        }
    }
    flush(&mut para, &mut blocks);
    split_first_dateline(source, &mut blocks);
    for b in blocks.iter_mut() {
        if b.kind == BlockKind::Paragraph {
            if let Some(name) = source_line(&b.text) {
                b.kind = BlockKind::Source;
                if meta.source.is_none() && !name.is_empty() {
                    meta.source = Some(name.to_owned());
                }
            }
        }
    }
    Ok((meta, blocks))
}

/// `![caption](image)` alone on a line gives the caption.
fn image_caption(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("![")?;
    let close = rest.find("](")?;
    rest.ends_with(')').then(|| rest[..close].trim())
}

/// `- item`, `* item`, `+ item`, `1. item` give the item's text.
fn list_item(line: &str) -> Option<&str> {
    for bullet in ["- ", "* ", "+ "] {
        if let Some(item) = line.strip_prefix(bullet) {
            return Some(item.trim());
        }
    }
    let digits = line.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && digits < 4 {
        let rest = &line[digits..];
        if let Some(item) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return Some(item.trim());
        }
    }
    None
}

/// Removes inline Markdown: emphasis markers, code ticks, links (keeping their text),
/// inline images and HTML tags.
fn strip_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("![") {
            if let Some((_, after)) = link_parts(&rest[1..]) {
                rest = after;
                continue;
            }
        }
        if c == '[' {
            if let Some((label, after)) = link_parts(rest) {
                out.push_str(label);
                rest = after;
                continue;
            }
        }
        if c == '<' {
            if let Some(end) = rest.find('>') {
                let tag = &rest[1..end];
                if tag
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '/')
                {
                    rest = &rest[end + 1..];
                    continue;
                }
            }
        }
        // `*` and `` ` `` are markup; `_` only at word edges, since it is rare in Arabic
        // text and common in identifiers.
        let is_marker = c == '*' || c == '`' || (c == '_' && is_edge(&out, &rest[1..]));
        if !is_marker {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    text::clean_line(&out)
}

fn is_edge(before: &str, after: &str) -> bool {
    let b = before.chars().last().is_none_or(|c| !c.is_alphanumeric());
    let a = after.chars().next().is_none_or(|c| !c.is_alphanumeric());
    b || a
}

/// Splits `[label](target)rest` into the label and the rest.
fn link_parts(s: &str) -> Option<(&str, &str)> {
    let inner = s.strip_prefix('[')?;
    let close = inner.find("](")?;
    let after = &inner[close + 2..];
    let end = after.find(')')?;
    Some((&inner[..close], &after[end + 1..]))
}

/// A small HTML reader: enough for the article markup newsroom systems export.
fn parse_html(source: &str) -> (Meta, Vec<Block>) {
    let mut meta = Meta::default();
    let mut blocks = Vec::new();
    let mut i = 0;
    let lower = source.to_ascii_lowercase();
    let mut current: Option<(BlockKind, usize)> = None;
    let mut buf = String::new();
    let mut skip_depth = 0usize;
    while i < source.len() {
        if source[i..].starts_with('<') {
            let end = match source[i..].find('>') {
                Some(e) => i + e + 1,
                None => break,
            };
            let tag = &lower[i + 1..end - 1];
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if matches!(
                name.as_str(),
                "script" | "style" | "head" | "nav" | "footer" | "aside"
            ) {
                skip_depth = if closing {
                    skip_depth.saturating_sub(1)
                } else {
                    skip_depth + 1
                };
            }
            let kind = match name.as_str() {
                "h1" => Some(BlockKind::Title),
                "h2" | "h3" | "h4" | "h5" | "h6" => Some(BlockKind::Heading),
                "p" | "li" => Some(BlockKind::Paragraph),
                "blockquote" => Some(BlockKind::Quote),
                "figcaption" => Some(BlockKind::Caption),
                _ => None,
            };
            if let Some(kind) = kind {
                if closing {
                    if let Some((k, start)) = current.take() {
                        let text = text::clean_line(&decode_entities(&buf));
                        let k = if k == BlockKind::Title && meta.title.is_some() {
                            BlockKind::Heading
                        } else {
                            k
                        };
                        if !text.is_empty() {
                            if k == BlockKind::Title {
                                meta.title = Some(text.clone());
                            }
                            let k = if k == BlockKind::Paragraph && source_line(&text).is_some() {
                                BlockKind::Source
                            } else {
                                k
                            };
                            blocks.push(Block {
                                kind: k,
                                text,
                                span: start..end,
                            });
                        }
                    }
                    buf.clear();
                } else if current.is_none() || kind == BlockKind::Quote {
                    current = Some((kind, i));
                    buf.clear();
                }
            } else if name == "br" {
                buf.push(' ');
            }
            i = end;
            continue;
        }
        let c = source[i..].chars().next().unwrap_or(' ');
        if current.is_some() && skip_depth == 0 {
            buf.push(if c == '\n' { ' ' } else { c });
        }
        i += c.len_utf8();
    }
    (meta, blocks)
}

/// Decodes the character references that appear in article HTML.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            "laquo" => Some('«'),
            "raquo" => Some('»'),
            _ if name.starts_with("#x") || name.starts_with("#X") => {
                u32::from_str_radix(&name[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
            }
            _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(a: &Article) -> Vec<BlockKind> {
        a.blocks.iter().map(|b| b.kind).collect()
    }

    #[test]
    fn wire_layout() {
        let txt = "عنوان الخبر هنا\n\nA caption in English\nتعليق على صورة المظاهرات (رويترز)\n\nالقاهرة – قال الوزير إن الخطة جاهزة.\n\nعنوان فرعي قصير\n\nفقرة ثانية فيها كلام.\n\nالمصدر : الجزيرة";
        let a = parse(txt, Format::Plain).unwrap();
        use BlockKind::*;
        assert_eq!(
            kinds(&a),
            vec![Title, Caption, Caption, Dateline, Paragraph, Heading, Paragraph, Source]
        );
        assert_eq!(a.blocks[3].text, "القاهرة");
        assert_eq!(a.blocks[4].text, "قال الوزير إن الخطة جاهزة.");
        assert_eq!(
            &a.source[a.blocks[4].span.clone()],
            "قال الوزير إن الخطة جاهزة."
        );
        assert_eq!(a.meta.source.as_deref(), Some("الجزيرة"));
        assert_eq!(a.meta.title.as_deref(), Some("عنوان الخبر هنا"));
    }

    #[test]
    fn parenthesis_mid_paragraph_is_not_a_caption() {
        let txt = "عنوان\n\nوهي منطقة تقع قرب مدينة سيمي (شمال شرق كازاخستان).";
        let a = parse(txt, Format::Plain).unwrap();
        assert_eq!(a.blocks[1].kind, BlockKind::Paragraph);
    }

    #[test]
    fn markdown_with_front_matter() {
        let md = "+++\ntitle = \"عنوان المقال\"\nauthor = \"كاتب\"\ndate = 2024-05-01\nsource = \"وكالة\"\n+++\n\n## قسم أول\n\nفقرة **أولى**\nتستمر هنا مع [رابط](http://x).\n\n> قال \"شيئا\"\n> مهما.\n\n![صورة من الحدث](img.jpg)\n\n- بند في قائمة.\n";
        let a = parse(md, Format::Markdown).unwrap();
        use BlockKind::*;
        assert_eq!(
            kinds(&a),
            vec![Title, Heading, Paragraph, Quote, Caption, Paragraph]
        );
        assert_eq!(a.blocks[2].text, "فقرة أولى تستمر هنا مع رابط.");
        assert_eq!(a.blocks[3].text, "قال \"شيئا\" مهما.");
        assert_eq!(a.meta.date.as_deref(), Some("2024-05-01"));
        assert_eq!(a.meta.author.as_deref(), Some("كاتب"));
    }

    #[test]
    fn title_repeated_as_h1_is_read_once() {
        let a = parse(
            "+++\ntitle = \"العنوان\"\n+++\n\n# العنوان\n\nنص.\n",
            Format::Markdown,
        )
        .unwrap();
        assert_eq!(kinds(&a), vec![BlockKind::Title, BlockKind::Paragraph]);
    }

    #[test]
    fn markdown_h1_is_title_without_front_matter() {
        let a = parse("# العنوان\n\nنص.\n", Format::Markdown).unwrap();
        assert_eq!(a.blocks[0].kind, BlockKind::Title);
        assert_eq!(a.meta.title.as_deref(), Some("العنوان"));
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let err = parse("+++\ntitle = \"x\"\n\nنص", Format::Markdown).unwrap_err();
        assert!(err.contains("never closes"), "{err}");
    }

    #[test]
    fn html_blocks() {
        let html = "<html><head><title>x</title></head><body><h1>العنوان</h1><p>فقرة &amp; نص&nbsp;هنا.</p><figure><figcaption>صورة</figcaption></figure><h2>قسم</h2><blockquote>قول</blockquote><script>var a=1;</script></body></html>";
        let a = parse(html, Format::Html).unwrap();
        use BlockKind::*;
        assert_eq!(kinds(&a), vec![Title, Paragraph, Caption, Heading, Quote]);
        assert_eq!(a.blocks[1].text, "فقرة & نص هنا.");
    }

    #[test]
    fn empty_and_latin_only_are_errors() {
        assert!(parse(" \n\n", Format::Plain).unwrap_err().contains("empty"));
        assert!(parse("Only English here.", Format::Plain)
            .unwrap_err()
            .contains("no Arabic"));
    }
}
