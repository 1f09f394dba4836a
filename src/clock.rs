//! Cue times as players write them, `HH:MM:SS` and milliseconds: WebVTT, SubRip and the
//! FLAC chapter comments all use this clock, with only the mark before the milliseconds
//! differing. It lives below both the encoders and the bundle's transcripts.

/// `ms` as `HH:MM:SS` then `mark` then three digits of milliseconds (`.` for WebVTT and
/// chapter comments, `,` for SubRip). Hours are not wrapped at 24.
pub fn hms_millis(ms: u64, mark: char) -> String {
    format!(
        "{:02}:{:02}:{:02}{mark}{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn hours_minutes_seconds_and_milliseconds() {
        assert_eq!(super::hms_millis(0, '.'), "00:00:00.000");
        assert_eq!(super::hms_millis(90_061_007, ','), "25:01:01,007");
    }
}
