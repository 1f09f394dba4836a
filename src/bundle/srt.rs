//! SubRip (SRT) transcripts: one numbered cue per sentence, the original text, in logical
//! order (players apply the bidirectional algorithm themselves; reordering here would show
//! Arabic backwards).

/// Formats milliseconds as an SRT timestamp `HH:MM:SS,mmm`.
pub fn timestamp(ms: u64) -> String {
    crate::clock::hms_millis(ms, ',')
}

/// Writes an SRT file from (start ms, end ms, text) cues. Each cue's text is one line:
/// a blank line would end the cue early.
pub fn write<'a>(cues: impl IntoIterator<Item = (u64, u64, &'a str)>) -> String {
    let mut out = String::new();
    for (i, (start, end, text)) in cues.into_iter().enumerate() {
        let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        out.push_str(&format!(
            "{}\n{} --> {}\n{}\n\n",
            i + 1,
            timestamp(start),
            timestamp(end),
            one_line
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_are_numbered_and_timed() {
        let s = write([(0, 1500, "قال\n\nهذا"), (3_723_004, 3_723_900, "ثان")]);
        assert_eq!(
            s,
            "1\n00:00:00,000 --> 00:00:01,500\nقال هذا\n\n2\n01:02:03,004 --> 01:02:03,900\nثان\n\n"
        );
    }
}
