//! Reading the body of a Markdown article (after any `+++` front matter) as CommonMark,
//! through `pulldown-cmark`: ATX and setext headings, paragraphs joined across lines,
//! emphasis and links of every form (their text is read, their targets never), nested
//! lists (one block per item), block quotes (one quote block per paragraph), images (their
//! alt text becomes a caption) and HTML blocks (read through the HTML reader, so a
//! `<figure>` gives its caption and a `<script>` nothing). Code blocks are not read.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{Block, BlockKind, Meta};
use crate::text;

/// What the text being gathered will become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    /// A heading; `true` for a level-1 heading.
    Heading(bool),
    /// A paragraph, a list item's text or a table row.
    Text,
}

/// Gathers inline text into blocks as the parser's events arrive.
#[derive(Default)]
struct Reader {
    blocks: Vec<Block>,
    buf: String,
    /// Where the text being gathered starts in the source.
    start: Option<usize>,
    end: usize,
    quote_depth: usize,
    /// Inside an image: its alt text goes to `alt`, not to the block.
    image_depth: usize,
    alt: String,
    /// Captions of the images of the current block, emitted after it.
    captions: Vec<(String, Range<usize>)>,
    /// Inside a code block (not read).
    code: bool,
    /// The raw text of an HTML block being gathered.
    html: Option<(String, usize)>,
}

impl Reader {
    fn text(&mut self, t: &str, at: &Range<usize>) {
        if self.code {
            return;
        }
        if let Some((html, _)) = &mut self.html {
            html.push_str(t);
            return;
        }
        if self.image_depth > 0 {
            self.alt.push_str(t);
            return;
        }
        self.start.get_or_insert(at.start);
        self.end = self.end.max(at.end);
        self.buf.push_str(t);
    }

    /// Ends the text being gathered as a block of `open`'s kind, then its images' captions.
    fn flush(&mut self, open: Open, meta: &mut Meta) {
        let text = text::clean_line(&self.buf.replace(['\n', '\t'], " "));
        self.buf.clear();
        let span = self
            .start
            .take()
            .map_or(self.end..self.end, |s| s..self.end);
        if !text.is_empty() {
            let kind = match open {
                // Many newsroom exports repeat the front matter's title as the first `#`
                // heading; read it once.
                Open::Heading(true) if meta.title.as_deref() == Some(text.as_str()) => None,
                Open::Heading(true) if meta.title.is_none() => {
                    meta.title = Some(text.clone());
                    Some(BlockKind::Title)
                }
                Open::Heading(_) => Some(BlockKind::Heading),
                Open::Text if self.quote_depth > 0 => Some(BlockKind::Quote),
                Open::Text => Some(BlockKind::Paragraph),
            };
            if let Some(kind) = kind {
                self.blocks.push(Block { kind, text, span });
            }
        }
        for (caption, span) in std::mem::take(&mut self.captions) {
            self.blocks.push(Block {
                kind: BlockKind::Caption,
                text: caption,
                span,
            });
        }
    }
}

/// Reads the Markdown body `source[body_start..]` into blocks (spans point into `source`).
pub(super) fn parse_body(source: &str, body_start: usize, meta: &mut Meta) -> Vec<Block> {
    let body = source.get(body_start..).unwrap_or("");
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut r = Reader::default();
    let mut open = Open::Text;
    for (event, at) in Parser::new_ext(body, options).into_offset_iter() {
        let at = body_start + at.start..body_start + at.end;
        match event {
            Event::Start(tag) => match tag {
                Tag::Heading { level, .. } => {
                    r.flush(open, meta);
                    open = Open::Heading(level == pulldown_cmark::HeadingLevel::H1);
                }
                Tag::Paragraph | Tag::Item | Tag::TableRow | Tag::TableHead => {
                    r.flush(open, meta);
                    open = Open::Text;
                }
                // A nested list ends its parent item's own text.
                Tag::List(_) | Tag::Table(_) => r.flush(open, meta),
                Tag::BlockQuote(_) => {
                    r.flush(open, meta);
                    r.quote_depth += 1;
                }
                Tag::CodeBlock(_) => {
                    r.flush(open, meta);
                    r.code = true;
                }
                Tag::HtmlBlock => {
                    r.flush(open, meta);
                    r.html = Some((String::new(), at.start));
                }
                Tag::Image { .. } => {
                    r.image_depth += 1;
                    if r.image_depth == 1 {
                        r.alt.clear();
                    }
                }
                _ => {}
            },
            Event::End(end) => match end {
                TagEnd::Heading(_)
                | TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableRow
                | TagEnd::TableHead => {
                    if matches!(end, TagEnd::TableRow | TagEnd::TableHead) {
                        // Cells of a row are read as one line, separated like a list.
                        let kept = r.buf.trim_end().trim_end_matches('،').len();
                        r.buf.truncate(kept);
                    }
                    r.end = r.end.max(at.end);
                    r.flush(open, meta);
                    open = Open::Text;
                }
                TagEnd::TableCell if !r.buf.trim().is_empty() => r.buf.push_str("، "),
                TagEnd::BlockQuote(_) => {
                    r.flush(open, meta);
                    r.quote_depth = r.quote_depth.saturating_sub(1);
                }
                TagEnd::CodeBlock => r.code = false,
                TagEnd::HtmlBlock => {
                    if let Some((html, start)) = r.html.take() {
                        if let Ok((_, mut blocks)) = super::html::parse(&html) {
                            for b in &mut blocks {
                                b.span = start..at.end;
                            }
                            r.blocks.extend(blocks);
                        }
                    }
                }
                TagEnd::Image => {
                    r.image_depth = r.image_depth.saturating_sub(1);
                    if r.image_depth == 0 {
                        let caption = text::clean_line(&r.alt);
                        if !caption.is_empty() {
                            r.captions.push((caption, at));
                        }
                    }
                }
                _ => {}
            },
            Event::Text(t) | Event::Code(t) => r.text(&t, &at),
            Event::Html(t) | Event::InlineHtml(t) => {
                if let Some((html, _)) = &mut r.html {
                    html.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => r.text(" ", &at),
            _ => {}
        }
    }
    r.flush(open, meta);
    r.blocks
}

#[cfg(test)]
mod tests {
    use crate::article::{parse, BlockKind, Format};

    fn blocks(md: &str) -> Vec<(BlockKind, String)> {
        parse(md, Format::Markdown)
            .unwrap()
            .blocks
            .into_iter()
            .map(|b| (b.kind, b.text))
            .collect()
    }

    use BlockKind::*;

    fn b(kind: BlockKind, text: &str) -> (BlockKind, String) {
        (kind, text.to_owned())
    }

    #[test]
    fn setext_headings_and_emphasis_across_lines() {
        let md = "العنوان الرئيسي\n===\n\nنص فيه *تأكيد يمتد\nعلى سطرين* و**خط عريض** هنا.\n\nقسم فرعي\n---\n\nنص أخير.\n";
        assert_eq!(
            blocks(md),
            vec![
                b(Title, "العنوان الرئيسي"),
                b(Paragraph, "نص فيه تأكيد يمتد على سطرين وخط عريض هنا."),
                b(Heading, "قسم فرعي"),
                b(Paragraph, "نص أخير."),
            ]
        );
    }

    #[test]
    fn nested_lists_give_one_block_per_item() {
        let md = "# ع\n\n- البند الأول.\n  - بند متفرع أول.\n  - بند متفرع ثان.\n- البند الثاني.\n\n1. أولا.\n2. ثانيا.\n";
        assert_eq!(
            blocks(md),
            vec![
                b(Title, "ع"),
                b(Paragraph, "البند الأول."),
                b(Paragraph, "بند متفرع أول."),
                b(Paragraph, "بند متفرع ثان."),
                b(Paragraph, "البند الثاني."),
                b(Paragraph, "أولا."),
                b(Paragraph, "ثانيا."),
            ]
        );
    }

    #[test]
    fn reference_links_read_their_text_never_the_url() {
        let md = "# ع\n\nقالت [الوزارة][w] في [بيان] إن <https://example.org> مغلق.\n\n[w]: https://example.org/ministry \"موقع\"\n[بيان]: /statement\n";
        let got = blocks(md);
        assert_eq!(
            got[1],
            b(
                Paragraph,
                "قالت الوزارة في بيان إن https://example.org مغلق."
            )
        );
        assert_eq!(got.len(), 2, "link definitions are not read: {got:?}");
    }

    #[test]
    fn quotes_images_and_html_blocks() {
        let md = "# ع\n\n> «الجملة الأولى من التصريح.»\n>\n> الفقرة الثانية من التصريح.\n\n![جسر المدينة بعد الترميم](bridge.jpg)\n\n<figure>\n<img src=\"x.jpg\">\n<figcaption>صورة من الأرشيف</figcaption>\n</figure>\n\n<script>var x = \"لا يقرأ\";</script>\n\n<!-- تعليق لا يقرأ -->\n\n```\nرمز لا يقرأ\n```\n\nنهاية.\n";
        assert_eq!(
            blocks(md),
            vec![
                b(Title, "ع"),
                b(Quote, "«الجملة الأولى من التصريح.»"),
                b(Quote, "الفقرة الثانية من التصريح."),
                b(Caption, "جسر المدينة بعد الترميم"),
                b(Caption, "صورة من الأرشيف"),
                b(Paragraph, "نهاية."),
            ]
        );
    }

    #[test]
    fn spans_point_into_the_source() {
        let md = "+++\ntitle = \"ع\"\n+++\n\nفقرة أولى.\n";
        let a = parse(md, Format::Markdown).unwrap();
        let p = &a.blocks[1];
        assert_eq!(&a.source[p.span.clone()], "فقرة أولى.");
    }
}
