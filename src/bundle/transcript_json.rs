//! Podcasting 2.0 JSON transcripts (`application/json`): one segment per sentence, times in
//! seconds, the original text in logical order.

use serde::{Deserialize, Serialize};

/// The transcript format version written.
pub const VERSION: &str = "1.0.0";

/// A Podcasting 2.0 JSON transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    /// Format version ([`VERSION`]).
    pub version: String,
    /// Segments in time order.
    pub segments: Vec<Segment>,
}

/// One timed piece of speech.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// Start, seconds.
    #[serde(rename = "startTime")]
    pub start_time: f64,
    /// End, seconds.
    #[serde(rename = "endTime")]
    pub end_time: f64,
    /// What is said.
    pub body: String,
}

/// Writes the transcript from (start ms, end ms, text) cues.
pub fn write<'a>(cues: impl IntoIterator<Item = (u64, u64, &'a str)>) -> String {
    let t = Transcript {
        version: VERSION.into(),
        segments: cues
            .into_iter()
            .map(|(s, e, text)| Segment {
                start_time: s as f64 / 1000.0,
                end_time: e as f64 / 1000.0,
                body: text.split_whitespace().collect::<Vec<_>>().join(" "),
            })
            .collect(),
    };
    let mut out =
        serde_json::to_string_pretty(&t).expect("strings and numbers always serialize to JSON");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_in_seconds() {
        let j = write([(0, 1500, "قال \"هذا\"")]);
        let v: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(v["version"], "1.0.0");
        assert_eq!(v["segments"][0]["startTime"], 0.0);
        assert_eq!(v["segments"][0]["endTime"], 1.5);
        assert_eq!(v["segments"][0]["body"], "قال \"هذا\"");
    }
}
