//! `feed.xml`: an RSS 2.0 podcast feed with the tags Apple Podcasts requires and the
//! Podcasting 2.0 namespace (guid, transcripts, chapters). Every text is XML-escaped.

use uuid::Uuid;

/// Namespace of `podcast:guid` values (Podcasting 2.0).
pub const PODCAST_GUID_NAMESPACE: Uuid = Uuid::from_bytes([
    0xea, 0xd4, 0xc2, 0x36, 0xbf, 0x58, 0x58, 0xc6, 0xa2, 0xc6, 0xa6, 0xb2, 0x8d, 0x12, 0x8c, 0xb6,
]);

/// The `podcast:guid` of a feed: UUIDv5 of its URL with the scheme and trailing slashes
/// taken off, as the Podcasting 2.0 namespace defines it.
pub fn podcast_guid(feed_url: &str) -> Uuid {
    let u = feed_url.trim();
    let u = u.split_once("://").map_or(u, |(_, rest)| rest);
    Uuid::new_v5(&PODCAST_GUID_NAMESPACE, u.trim_end_matches('/').as_bytes())
}

/// Apple's podcast categories (`Top` or `Top/Sub`), read once from
/// `data/apple_categories.txt`.
fn apple_categories() -> &'static [&'static str] {
    static LIST: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("data/apple_categories.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// Checks a podcast category against Apple's list: a feed filed under a name Apple does
/// not know is not listed under any. Spaces around the `/` are allowed. The reason when
/// it is not one, naming the right spelling when only the case or spaces differ.
pub fn check_category(category: &str) -> Result<(), String> {
    let canonical =
        |c: &str| -> String { c.split('/').map(str::trim).collect::<Vec<_>>().join("/") };
    let given = canonical(category);
    let list = apple_categories();
    if list.contains(&given.as_str()) {
        return Ok(());
    }
    if let Some(near) = list.iter().find(|c| c.eq_ignore_ascii_case(&given)) {
        return Err(format!("is not spelled as Apple spells it; give `{near}`"));
    }
    let tops: Vec<&str> = list.iter().filter(|c| !c.contains('/')).copied().collect();
    let top = given.split('/').next().unwrap_or("");
    let subs: Vec<&str> = list
        .iter()
        .filter_map(|c| c.strip_prefix(top).and_then(|r| r.strip_prefix('/')))
        .collect();
    if tops.contains(&top) && !subs.is_empty() {
        return Err(format!(
            "is not one of Apple Podcasts' categories; under {top} give one of: {}",
            subs.join(", ")
        ));
    }
    Err(format!(
        "is not one of Apple Podcasts' categories; give one of {} (or `Top/Sub`, e.g. News/Daily News)",
        tops.join(", ")
    ))
}

/// Escapes text for XML content and attribute values (shared with SSML requests, so it
/// lives in [`crate::text`]).
pub use crate::text::xml_escape as escape;

/// The channel.
#[derive(Debug, Clone)]
pub struct Channel<'a> {
    /// Title.
    pub title: &'a str,
    /// Description.
    pub description: &'a str,
    /// Author, if given.
    pub author: Option<&'a str>,
    /// Website: the base URL.
    pub link: &'a str,
    /// The feed's own URL.
    pub feed_url: &'a str,
    /// Cover image URL, if any.
    pub image: Option<&'a str>,
    /// Apple category and optional subcategory.
    pub category: (&'a str, Option<&'a str>),
    /// Explicit content.
    pub explicit: bool,
    /// `podcast:guid`.
    pub guid: String,
    /// `lastBuildDate` (RFC 2822): the newest episode's date, never the clock.
    pub last_build: Option<&'a str>,
    /// `rawi x.y.z`.
    pub generator: &'a str,
}

/// One item.
#[derive(Debug, Clone)]
pub struct Item<'a> {
    /// Title.
    pub title: &'a str,
    /// Description (the article's first sentences).
    pub description: &'a str,
    /// The article's URL, if known.
    pub link: Option<&'a str>,
    /// Stable id.
    pub guid: &'a str,
    /// RFC 2822 date.
    pub pub_date: &'a str,
    /// Audio URL.
    pub enclosure_url: String,
    /// Audio size, bytes.
    pub enclosure_length: u64,
    /// Audio MIME type.
    pub enclosure_type: &'a str,
    /// Length, whole seconds.
    pub duration_s: u64,
    /// URL of the episode's folder, ending in `/`.
    pub dir_url: String,
}

/// Writes the feed: `items`, then `carried` (items of a published feed, each written as
/// it was published, byte for byte).
pub fn write(ch: &Channel, items: &[Item], carried: &[&str]) -> String {
    let e = escape;
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str("<rss version=\"2.0\" xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\" xmlns:podcast=\"https://podcastindex.org/namespace/1.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\n<channel>\n");
    x.push_str(&format!("<title>{}</title>\n", e(ch.title)));
    x.push_str(&format!("<link>{}</link>\n", e(ch.link)));
    x.push_str(&format!(
        "<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
        e(ch.feed_url)
    ));
    x.push_str(&format!(
        "<description>{}</description>\n",
        e(ch.description)
    ));
    x.push_str("<language>ar</language>\n");
    x.push_str(&format!("<generator>{}</generator>\n", e(ch.generator)));
    if let Some(d) = ch.last_build {
        x.push_str(&format!("<lastBuildDate>{}</lastBuildDate>\n", e(d)));
    }
    if let Some(a) = ch.author {
        x.push_str(&format!("<itunes:author>{}</itunes:author>\n", e(a)));
    }
    x.push_str(&format!(
        "<itunes:summary>{}</itunes:summary>\n",
        e(ch.description)
    ));
    if let Some(img) = ch.image {
        x.push_str(&format!("<itunes:image href=\"{}\"/>\n", e(img)));
        x.push_str(&format!(
            "<image><url>{}</url><title>{}</title><link>{}</link></image>\n",
            e(img),
            e(ch.title),
            e(ch.link)
        ));
    }
    match ch.category {
        (top, Some(sub)) => x.push_str(&format!(
            "<itunes:category text=\"{}\"><itunes:category text=\"{}\"/></itunes:category>\n",
            e(top),
            e(sub)
        )),
        (top, None) => x.push_str(&format!("<itunes:category text=\"{}\"/>\n", e(top))),
    }
    x.push_str(&format!(
        "<itunes:explicit>{}</itunes:explicit>\n<itunes:type>episodic</itunes:type>\n",
        ch.explicit
    ));
    x.push_str(&format!("<podcast:guid>{}</podcast:guid>\n", ch.guid));
    for it in items {
        x.push_str("<item>\n");
        x.push_str(&format!("<title>{}</title>\n", e(it.title)));
        x.push_str(&format!(
            "<description>{}</description>\n",
            e(it.description)
        ));
        if let Some(l) = it.link {
            x.push_str(&format!("<link>{}</link>\n", e(l)));
        }
        x.push_str(&format!(
            "<enclosure url=\"{}\" length=\"{}\" type=\"{}\"/>\n",
            e(&it.enclosure_url),
            it.enclosure_length,
            e(it.enclosure_type)
        ));
        x.push_str(&format!(
            "<guid isPermaLink=\"false\">{}</guid>\n",
            e(it.guid)
        ));
        x.push_str(&format!("<pubDate>{}</pubDate>\n", e(it.pub_date)));
        x.push_str(&format!(
            "<itunes:duration>{}</itunes:duration>\n",
            it.duration_s
        ));
        x.push_str(&format!(
            "<itunes:explicit>{}</itunes:explicit>\n<itunes:episodeType>full</itunes:episodeType>\n",
            ch.explicit
        ));
        for (file, mime) in [
            ("transcript.vtt", "text/vtt"),
            ("transcript.srt", "application/srt"),
            ("transcript.json", "application/json"),
        ] {
            x.push_str(&format!(
                "<podcast:transcript url=\"{}{file}\" type=\"{mime}\" language=\"ar\"/>\n",
                e(&it.dir_url)
            ));
        }
        x.push_str(&format!(
            "<podcast:chapters url=\"{}chapters.json\" type=\"application/json+chapters\"/>\n",
            e(&it.dir_url)
        ));
        x.push_str("</item>\n");
    }
    for item in carried {
        x.push_str(item);
        x.push('\n');
    }
    x.push_str("</channel>\n</rss>\n");
    x
}

/// Reads an ISO 8601 / RFC 3339 date as an article or `--date` gives it: `2024-05-01`,
/// `2024-05-01T10:30:00Z`, `2024-05-01 10:30+03:00`, or with an IANA zone as
/// `2024-05-01T10:30[Africa/Tunis]`. A date without a time is midnight; without an offset
/// or zone, UTC. Impossible dates (`2024-02-30`) and offsets (`+99:99`) are errors that
/// say what is wrong, in one line.
pub fn parse_date(text: &str) -> Result<jiff::ZonedDateTime, String> {
    let s = text.trim();
    let pieces = jiff::fmt::temporal::Pieces::parse(s).map_err(|e| {
        format!("`{s}` is not a date like 2024-05-01 or 2024-05-01T10:30+01:00 ({e})")
    })?;
    let time = pieces.time().unwrap_or(jiff::civil::Time::midnight());
    let when = pieces.date().to_datetime(time);
    let zone = match pieces.to_numeric_offset() {
        Some(offset) => offset.to_time_zone(),
        None => pieces
            .to_time_zone()
            .map_err(|e| format!("`{s}`: unknown time zone ({e})"))?
            .unwrap_or(jiff::tz::TimeZone::UTC),
    };
    let zoned = when
        .to_zoned_datetime(zone)
        .map_err(|e| format!("`{s}`: {e}"))?;
    if !(1000..=9999).contains(&zoned.year()) {
        return Err(format!("`{s}`: the year is outside 1000 to 9999"));
    }
    Ok(zoned)
}

/// Converts a date that [`parse_date`] reads to RFC 2822 (`Wed, 01 May 2024 10:30:00
/// +0000`), keeping its offset. `None` for anything else. The day has two digits, as in
/// the RSS specification's examples (jiff's own printer writes `1 May`), so that feeds
/// stay byte-identical to earlier ones.
pub fn rfc2822(iso: &str) -> Option<String> {
    let zoned = parse_date(iso).ok()?;
    Some(zoned.strftime("%a, %d %b %Y %H:%M:%S %z").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn podcast_guid_matches_spec_example() {
        // Values computed independently with Python's uuid.uuid5.
        assert_eq!(
            podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml").to_string(),
            "917393e3-1b1e-5cef-ace4-edaa54e1f810"
        );
        assert_eq!(
            podcast_guid("https://example.org/daily/feed.xml/").to_string(),
            "5dc383bc-7388-5acb-b715-731aeaa096e0"
        );
    }

    #[test]
    fn dates() {
        assert_eq!(
            rfc2822("2024-05-01").unwrap(),
            "Wed, 01 May 2024 00:00:00 +0000"
        );
        assert_eq!(
            rfc2822("2000-02-29T23:59:01+03:00").unwrap(),
            "Tue, 29 Feb 2000 23:59:01 +0300"
        );
        assert_eq!(
            rfc2822("1970-01-01 10:30Z").unwrap(),
            "Thu, 01 Jan 1970 10:30:00 +0000"
        );
        for bad in [
            "",
            "2023-02-29",
            "٢٠٢٤-٠٥-٠١",
            "yesterday",
            "2024-13-01",
            "2024-05-01x",
            "2024-02-30",
            "2024-05-01T10:30+99:99",
            "2024-05-01T25:00Z",
            "2024-05-01T10:30[Not/AZone]",
        ] {
            assert!(rfc2822(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn zones_and_errors() {
        assert_eq!(
            rfc2822("2024-05-01T10:30:00-04:30").unwrap(),
            "Wed, 01 May 2024 10:30:00 -0430"
        );
        // Tunis keeps one offset all year (+01:00).
        assert_eq!(
            rfc2822("2024-07-01T09:00[Africa/Tunis]").unwrap(),
            "Mon, 01 Jul 2024 09:00:00 +0100"
        );
        let e = parse_date("2024-02-30").unwrap_err();
        assert!(e.contains("2024-02-30") && !e.contains('\n'), "{e}");
        assert!(parse_date("2024-05-01T10:30+99:99").is_err());
    }

    #[test]
    fn escapes_everything() {
        assert_eq!(escape("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&apos;");
    }
}
