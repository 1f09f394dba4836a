//! Chapters: the headline and each heading start one. Written as Podcasting 2.0
//! `chapters.json` (`application/json+chapters`), and kept in the manifest.

use serde::{Deserialize, Serialize};

use super::manifest::{ChapterEntry, SentenceEntry};

/// The chapters format version written.
pub const VERSION: &str = "1.2.0";

/// A Podcasting 2.0 chapters file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChaptersFile {
    /// Format version ([`VERSION`]).
    pub version: String,
    /// Chapters in time order.
    pub chapters: Vec<Chapter>,
}

/// One chapter of a chapters file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chapter {
    /// Start, seconds.
    #[serde(rename = "startTime")]
    pub start_time: f64,
    /// Title.
    pub title: String,
}

/// Finds the chapters of a programme and sets each sentence's chapter index. A chapter
/// starts at each run of `title` or `heading` sentences; the first starts at 0 whatever
/// comes first, titled with the first heading or else `fallback_title`.
pub fn assign(
    sentences: &mut [SentenceEntry],
    duration_ms: u64,
    fallback_title: &str,
) -> Vec<ChapterEntry> {
    let mut chapters: Vec<ChapterEntry> = Vec::new();
    let mut prev_block = None;
    for s in sentences.iter_mut() {
        let is_head = s.kind == "title" || s.kind == "heading";
        let new_block = prev_block != Some(s.block);
        prev_block = Some(s.block);
        if is_head && new_block {
            let title = s.text.split_whitespace().collect::<Vec<_>>().join(" ");
            chapters.push(ChapterEntry {
                title,
                // Podcast apps expect the first chapter at 0, not after the lead silence.
                start_ms: if chapters.is_empty() { 0 } else { s.start_ms },
                end_ms: 0,
                sentence: s.id,
            });
        } else if is_head {
            // A heading cut into pieces: the chapter title gets the whole heading.
            if let Some(c) = chapters.last_mut() {
                c.title.push(' ');
                c.title.push_str(s.text.trim());
            }
        } else if chapters.is_empty() {
            chapters.push(ChapterEntry {
                title: fallback_title.to_owned(),
                start_ms: 0,
                end_ms: 0,
                sentence: s.id,
            });
        }
        s.chapter = chapters.len().saturating_sub(1);
    }
    let starts: Vec<u64> = chapters.iter().skip(1).map(|c| c.start_ms).collect();
    for (c, next) in chapters
        .iter_mut()
        .zip(starts.into_iter().chain([duration_ms]))
    {
        c.end_ms = next.max(c.start_ms);
    }
    chapters
}

/// Writes `chapters.json`.
pub fn write(chapters: &[ChapterEntry]) -> String {
    let f = ChaptersFile {
        version: VERSION.into(),
        chapters: chapters
            .iter()
            .map(|c| Chapter {
                start_time: c.start_ms as f64 / 1000.0,
                title: c.title.clone(),
            })
            .collect(),
    };
    let mut out =
        serde_json::to_string_pretty(&f).expect("strings and numbers always serialize to JSON");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(id: usize, block: usize, kind: &str, text: &str, start: u64) -> SentenceEntry {
        SentenceEntry {
            id,
            block,
            kind: kind.into(),
            text: text.into(),
            spoken: text.into(),
            diacritized: String::new(),
            start_ms: start,
            end_ms: start + 500,
            chapter: 99,
            clip: String::new(),
        }
    }

    #[test]
    fn headline_and_headings_start_chapters() {
        let mut v = vec![
            s(1, 0, "title", "العنوان", 250),
            s(2, 1, "paragraph", "نص.", 1000),
            s(3, 2, "heading", "قسم", 2000),
            s(4, 2, "heading", "ثان", 2500),
            s(5, 3, "paragraph", "نص آخر.", 3000),
        ];
        let c = assign(&mut v, 4000, "x");
        assert_eq!(c.len(), 2);
        assert_eq!(
            (c[0].start_ms, c[0].end_ms, c[0].title.as_str()),
            (0, 2000, "العنوان")
        );
        assert_eq!(
            (c[1].start_ms, c[1].end_ms, c[1].title.as_str()),
            (2000, 4000, "قسم ثان")
        );
        let idx: Vec<usize> = v.iter().map(|s| s.chapter).collect();
        assert_eq!(idx, vec![0, 0, 1, 1, 1]);
        let j: serde_json::Value = serde_json::from_str(&write(&c)).unwrap();
        assert_eq!(j["version"], "1.2.0");
        assert_eq!(j["chapters"][1]["startTime"], 2.0);
        assert_eq!(j["chapters"][0]["startTime"], 0.0);
    }

    #[test]
    fn no_headline_gives_one_chapter_from_zero() {
        let mut v = vec![s(1, 0, "paragraph", "نص.", 300)];
        let c = assign(&mut v, 1000, "المقال");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].title, "المقال");
        assert_eq!(c[0].start_ms, 0);
    }
}
