//! WebVTT transcripts: one cue per sentence, the original text, in logical order.

/// Formats milliseconds as a WebVTT timestamp `HH:MM:SS.mmm`.
pub fn timestamp(ms: u64) -> String {
    crate::clock::hms_millis(ms, '.')
}

/// Escapes cue text: `&`, `<` and `>` are markup in WebVTT, and `-->` would end a timing.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Writes a WebVTT file from (start ms, end ms, text) cues.
pub fn write<'a>(cues: impl IntoIterator<Item = (u64, u64, &'a str)>) -> String {
    let mut out = String::from("WEBVTT\n");
    for (i, (start, end, text)) in cues.into_iter().enumerate() {
        let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        out.push_str(&format!(
            "\n{}\n{} --> {}\n{}\n",
            i + 1,
            timestamp(start),
            timestamp(end),
            escape(&one_line)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_are_valid() {
        let v = write([
            (0, 1500, "قال <هذا> & ذاك --> لا"),
            (3_723_004, 3_723_900, "ثان"),
        ]);
        assert_eq!(v, "WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\nقال &lt;هذا&gt; &amp; ذاك --&gt; لا\n\n2\n01:02:03.004 --> 01:02:03.900\nثان\n");
    }
}
