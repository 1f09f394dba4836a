//! What an article's metadata may carry into a manifest, a feed or a page: a real
//! calendar date and a web address. Editions and podcasts both check them, so they live
//! here, below both.

/// `true` for a date rawi accepts (`--date`, an article's `date`): a real calendar date
/// `YYYY-MM-DD`, optionally with a time and a UTC offset of at most ±14:00 whose minutes
/// are under 60 (RFC 3339 form).
pub fn is_valid_date(s: &str) -> bool {
    if crate::bundle::feed::rfc2822(s).is_none() {
        return false;
    }
    let s = s.trim();
    // The offset, if any, follows the time (after the date's own `-`s, at byte 10).
    let Some(zone_at) = s.get(10..).and_then(|t| t.rfind(['+', '-'])) else {
        return true;
    };
    let digits: String = s[10 + zone_at + 1..]
        .chars()
        .filter(|c| *c != ':')
        .collect();
    let (Some(h), Some(m)) = (
        digits.get(..2).and_then(|h| h.parse::<u32>().ok()),
        digits.get(2..).and_then(|m| m.parse::<u32>().ok()),
    ) else {
        return false;
    };
    h <= 14 && m < 60 && (h < 14 || m == 0)
}

/// `true` for an absolute `http://` or `https://` address: the only kind an article's
/// `url` may carry into a feed or a page.
pub fn is_web_url(u: &str) -> bool {
    let lower = u.trim().to_ascii_lowercase();
    let host = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    host.is_some_and(|h| !h.is_empty() && !h.starts_with('/'))
        && !u
            .trim()
            .chars()
            .any(|c| c.is_control() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_urls_from_articles_are_checked() {
        for ok in [
            "2024-05-01",
            "2024-02-29",
            "2024-05-01T09:30:00+03:00",
            "2024-05-01T09:30:00Z",
            "2024-05-01T09:30:00-14:00",
        ] {
            assert!(is_valid_date(ok), "{ok}");
        }
        for bad in [
            "2024-02-30",
            "2023-02-29",
            "2024-05-01T09:30:00+99:99",
            "2024-05-01T09:30:00+14:30",
            "2024-05-01T09:30:00+03:75",
            "2024-5-1",
            "tomorrow",
            "",
        ] {
            assert!(!is_valid_date(bad), "{bad}");
        }
        for ok in ["https://example.org/a", "http://x"] {
            assert!(is_web_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:x",
            "data:text/html,x",
            "https://",
            "//x",
            "https:///x",
            "https://a b",
            "ftp://x",
        ] {
            assert!(!is_web_url(bad), "{bad}");
        }
    }
}
