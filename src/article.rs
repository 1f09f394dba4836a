//! Reading an article: from a file on disk to an [`Article`] of typed blocks.
//!
//! Two layouts are understood:
//! - plain text in the wire-story layout: headline on the first line, a dateline
//!   (`واشنطن –`) opening the first paragraph, image captions (Latin-script lines, and
//!   Arabic lines that end in a parenthesized credit such as `(رويترز)`), short heading
//!   lines with no final punctuation and a closing `المصدر : …` line;
//! - Markdown (CommonMark, see `article/markdown.rs`) with optional TOML front matter
//!   between `+++` lines.
//!
//! - HTML, from a fragment to a whole saved news page, through a real parser and
//!   main-content extraction (see `article/html.rs`).

use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::text;

mod html;
mod markdown;

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
        Format::Html => html::parse(&source)?,
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
#[derive(Deserialize, Default, Debug)]
struct FrontMatter {
    title: Option<String>,
    author: Option<String>,
    date: Option<toml::Value>,
    source: Option<String>,
    url: Option<String>,
}

/// Largest YAML front matter read, in bytes: far above any real one, and it keeps the
/// parser's work small on a hostile file.
const MAX_YAML_FRONT_MATTER: usize = 64 * 1024;

/// YAML front matter (`---` … `---` or `...`) at the start of `source`: its fields and
/// where the body starts. `None` when the text opens with no such block, or when the block
/// is not a YAML mapping (then the `---` is Markdown's thematic break, and the text after
/// it is the article's).
///
/// Only the top-level keys with plain values are read, from the parser's events: aliases
/// are never expanded (a "billion laughs" block costs its length, no more).
fn yaml_front_matter(source: &str) -> Option<std::result::Result<(FrontMatter, usize), String>> {
    use yaml_rust2::parser::{Event, Parser};
    let rest = source.strip_prefix("---\n")?;
    let mut end = None;
    let mut pos = 0;
    for line in rest.split_inclusive('\n') {
        let bare = line.trim_end_matches('\n').trim_end();
        if bare == "---" || bare == "..." {
            end = Some((pos, pos + line.len()));
            break;
        }
        pos += line.len();
        if pos > MAX_YAML_FRONT_MATTER {
            return None;
        }
    }
    let (end, after) = end?;
    let block = &rest[..end];
    let mut parser = Parser::new_from_str(block);
    let mut depth = 0usize;
    let mut mapping_at_top = false;
    let mut key: Option<String> = None;
    let mut fm = FrontMatter::default();
    loop {
        let event = match parser.next_token() {
            Ok((e, _)) => e,
            Err(e) => {
                return if mapping_at_top {
                    Some(Err(format!(
                        "has YAML front matter that does not parse: {e}"
                    )))
                } else {
                    None
                }
            }
        };
        match event {
            Event::StreamEnd => break,
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if depth == 0 {
                    mapping_at_top = matches!(event, Event::MappingStart(..));
                    if !mapping_at_top {
                        return None;
                    }
                } else if depth == 1 {
                    // A list or mapping as a value: no field rawi reads.
                    key = None;
                }
                depth += 1;
            }
            Event::MappingEnd | Event::SequenceEnd => depth = depth.saturating_sub(1),
            Event::Scalar(value, ..) if depth == 1 => match key.take() {
                None => key = Some(value),
                Some(k) => {
                    let v = Some(value);
                    match k.as_str() {
                        "title" => fm.title = v,
                        "author" => fm.author = v,
                        "date" => fm.date = v.map(toml::Value::String),
                        "source" => fm.source = v,
                        "url" => fm.url = v,
                        _ => {}
                    }
                }
            },
            Event::Scalar(..) if depth == 0 => return None,
            Event::Alias(_) if depth == 1 => {
                key.take();
            }
            _ => {}
        }
    }
    mapping_at_top.then_some(Ok((fm, 4 + after)))
}

/// The front matter of a Markdown article, TOML (`+++`) or YAML (`---`): its fields and
/// where the body starts.
fn front_matter(source: &str) -> std::result::Result<Option<(FrontMatter, usize)>, String> {
    if let Some(rest) = source.strip_prefix("+++\n") {
        let end = rest
            .find("\n+++")
            .filter(|&i| rest[i + 4..].is_empty() || rest[i + 4..].starts_with('\n'))
            .ok_or(
                "has front matter that opens with +++ but never closes; add a closing +++ line",
            )?;
        let fm: FrontMatter = toml::from_str(&rest[..end])
            .map_err(|e| format!("has front matter that is not valid TOML: {}", e.message()))?;
        return Ok(Some((fm, 4 + end + 4)));
    }
    yaml_front_matter(source).transpose()
}

fn parse_markdown(source: &str) -> std::result::Result<(Meta, Vec<Block>), String> {
    let mut meta = Meta::default();
    let mut blocks = Vec::new();
    let mut body_start = 0;
    if let Some((fm, start)) = front_matter(source)? {
        meta = Meta {
            title: fm.title.map(|t| text::clean_line(&t)),
            author: fm.author.map(|t| text::clean_line(&t)),
            date: fm.date.map(|d| match d {
                toml::Value::String(s) => text::clean_line(&s),
                other => other.to_string(),
            }),
            source: fm.source.map(|t| text::clean_line(&t)),
            url: fm.url.map(|t| text::clean_line(&t)),
        };
        body_start = start;
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
    blocks.extend(markdown::parse_body(source, body_start, &mut meta));
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
    fn yaml_front_matter_is_metadata_not_speech() {
        let md = "---\ntitle: عنوان المقال\nauthor: \"كاتب\"\ndate: 2024-05-01\ntags: [a, b]\nextra:\n  nested: x\n---\n\nفقرة أولى من الخبر.\n";
        let a = parse(md, Format::Markdown).unwrap();
        assert_eq!(a.meta.title.as_deref(), Some("عنوان المقال"));
        assert_eq!(a.meta.author.as_deref(), Some("كاتب"));
        assert_eq!(a.meta.date.as_deref(), Some("2024-05-01"));
        let spoken: Vec<&str> = a.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(spoken, ["عنوان المقال", "فقرة أولى من الخبر."]);
        // `...` closes it too.
        let a = parse("---\ntitle: ع\n...\nنص الخبر.\n", Format::Markdown).unwrap();
        assert_eq!(a.meta.title.as_deref(), Some("ع"));
        // A thematic break over text that is no mapping stays text.
        let a = parse("---\nفقرة بين خطين.\n---\nفقرة ثانية.\n", Format::Markdown).unwrap();
        assert!(a.blocks.iter().any(|b| b.text.contains("فقرة بين خطين")));
        // Aliases are not expanded: a "billion laughs" block is read in its length.
        let mut bomb = String::from("---\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for c in 'b'..='z' {
            bomb.push_str(&format!("{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = c;
        }
        bomb.push_str("title: قنبلة\n---\nنص.\n");
        let a = parse(&bomb, Format::Markdown).unwrap();
        assert_eq!(a.meta.title.as_deref(), Some("قنبلة"));
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
