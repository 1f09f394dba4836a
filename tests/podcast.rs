//! End-to-end tests of podcast-grade bundles: `rawi build` and `rawi podcast` with the
//! espeak-ng voice, the clip cache, sharding, reproducibility and `rawi verify`. The
//! ffmpeg checks run the real ffmpeg/ffprobe (CI installs them).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ARTICLE_A: &str = "+++
title = \"الحكومة تعلن خطة جديدة للنقل العام في المدن الكبرى تشمل حافلات كهربائية وخطوطا جديدة للمترو\"
author = \"سارة أحمد\"
date = 2024-05-01
source = \"وكالة الأنباء\"
url = \"https://news.example.org/a/1\"
+++

أعلنت الحكومة اليوم عن خطة جديدة لتطوير النقل العام. وتشمل الخطة شراء حافلات كهربائية.

## التمويل

قال الوزير إن التمويل سيأتي من الموازنة العامة. وأضاف أن العمل يبدأ في الصيف.

## ردود الفعل

رحب السكان بالخطة، لكنهم طالبوا بتحسين المواعيد.
";

/// Long enough (over 128 bytes in a tag) to catch size-encoding slips in ID3 chapters.
const TITLE_A: &str =
    "الحكومة تعلن خطة جديدة للنقل العام في المدن الكبرى تشمل حافلات كهربائية وخطوطا جديدة للمترو";

const ARTICLE_B: &str = "ارتفاع أسعار القمح في الأسواق العالمية

القاهرة – ارتفعت أسعار القمح هذا الأسبوع بسبب الجفاف. ويتوقع الخبراء أن تستمر الزيادة.

توقعات السوق

قال محللون إن الأسعار قد تنخفض إذا تحسن الطقس.
";

const ARTICLE_C: &str = "+++
title = \"افتتاح معرض الكتاب & <الدورة> الجديدة\"
date = \"2024-06-02T09:30:00+03:00\"
+++

افتتح المعرض أبوابه صباح اليوم بمشاركة واسعة.
";

mod common;

fn rawi(args: &[&str], dir: &Path) -> Output {
    common::rawi_in(dir, args)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), ARTICLE_A).unwrap();
    std::fs::write(dir.path().join("b.txt"), ARTICLE_B).unwrap();
    std::fs::write(dir.path().join("c.md"), ARTICLE_C).unwrap();
    dir
}

fn unzip(zip: &Path) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut c = Vec::new();
            f.read_to_end(&mut c).unwrap();
            (f.name().unwrap().into_owned(), c)
        })
        .collect()
}

fn member_len(files: &[(String, Vec<u8>)], name: &str) -> usize {
    member(files, name).len()
}

fn member<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a [u8] {
    &files
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} missing"))
        .1
}

fn text(files: &[(String, Vec<u8>)], name: &str) -> String {
    String::from_utf8(member(files, name).to_vec()).unwrap()
}

fn tool(name: &str) -> PathBuf {
    common::program(name, "ffmpeg")
}

#[test]
fn build_has_chapters_transcripts_tags_and_is_reproducible() {
    let dir = setup();
    let d = dir.path();
    for format in ["wav", "mp3", "flac"] {
        let out1 = format!("a1.{format}.zip");
        let out2 = format!("a2.{format}.zip");
        for out in [&out1, &out2] {
            let o = rawi(
                &[
                    "build", "a.md", "-o", out, "--format", format, "--cache", "cache",
                ],
                d,
            );
            assert!(o.status.success(), "{}", stderr(&o));
        }
        let b1 = std::fs::read(d.join(&out1)).unwrap();
        assert_eq!(
            b1,
            std::fs::read(d.join(&out2)).unwrap(),
            "{format}: not reproducible"
        );
        let files = unzip(&d.join(&out1));
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        let audio = format!("audio/edition.{format}");
        for want in [
            "manifest.toml",
            &audio,
            "transcript.vtt",
            "transcript.srt",
            "transcript.json",
            "chapters.json",
            "index.html",
            "article.txt",
        ] {
            assert!(
                names.contains(&want),
                "{format}: {want} missing from {names:?}"
            );
        }
        let m: toml::Table = toml::from_str(&text(&files, "manifest.toml")).unwrap();
        assert_eq!(m["schema_version"].as_integer(), Some(1));
        assert_eq!(m["audio"]["format"].as_str(), Some(format));
        let chapters = m["chapter"].as_array().unwrap();
        let titles: Vec<&str> = chapters
            .iter()
            .map(|c| c["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles, vec![TITLE_A, "التمويل", "ردود الفعل"]);
        let sentences = m["sentence"].as_array().unwrap();
        for s in sentences {
            for key in [
                "id", "block", "kind", "text", "spoken", "start_ms", "end_ms", "clip", "chapter",
            ] {
                assert!(s.get(key).is_some(), "sentence lacks {key}");
            }
        }
        assert_eq!(sentences.last().unwrap()["chapter"].as_integer(), Some(2));
        let listed: Vec<&str> = m["file"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap())
            .collect();
        assert_eq!(
            listed.len(),
            names.len() - 1,
            "every member but the manifest is hashed"
        );
        let l = &m["loudness"];
        assert!(
            (l["after_lufs"].as_float().unwrap() + 16.0).abs() <= 0.5,
            "{l:?}"
        );
        assert!(
            l["after_true_peak_dbtp"].as_float().unwrap() <= -1.0,
            "{l:?}"
        );

        let ch: serde_json::Value =
            serde_json::from_slice(member(&files, "chapters.json")).unwrap();
        assert_eq!(ch["version"], "1.2.0");
        assert_eq!(ch["chapters"][0]["startTime"], 0.0);
        assert_eq!(ch["chapters"][1]["title"], "التمويل");
        let tj: serde_json::Value =
            serde_json::from_slice(member(&files, "transcript.json")).unwrap();
        assert_eq!(tj["version"], "1.0.0");
        assert_eq!(tj["segments"][0]["body"], TITLE_A);
        assert!(tj["segments"][1]["startTime"].as_f64() > tj["segments"][0]["endTime"].as_f64());
        let srt = text(&files, "transcript.srt");
        assert!(srt.starts_with("1\n00:00:00,"), "{srt}");
        assert!(
            srt.contains("\nالتمويل\n"),
            "Arabic in logical order: {srt}"
        );
        let html = text(&files, "index.html");
        assert!(html.contains("dir=\"rtl\"") && html.contains("lang=\"ar\""));
        assert!(html.contains("name=\"viewport\""));
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "offline page"
        );

        let audio_bytes = member(&files, &audio);
        match format {
            "mp3" => {
                assert_eq!(&audio_bytes[..3], b"ID3");
                for frame in [&b"CHAP"[..], b"CTOC", b"TIT2", b"TPE1", b"TYER", b"TDAT"] {
                    assert!(audio_bytes.windows(4).any(|w| w == frame), "no {frame:?}");
                }
            }
            "flac" => {
                assert_eq!(&audio_bytes[..4], b"fLaC");
                assert!(audio_bytes.windows(6).any(|w| w == b"TITLE="));
            }
            _ => assert!(audio_bytes.windows(4).any(|w| w == b"INAM")),
        }
        let v = rawi(&["verify", &out1], d);
        assert!(v.status.success(), "{format}: {}", stderr(&v));
    }
}

#[test]
fn cache_resynthesizes_only_what_changed() {
    let dir = setup();
    let d = dir.path();
    let cold = rawi(&["build", "b.txt", "-o", "b.zip", "--cache", "clips"], d);
    assert!(cold.status.success(), "{}", stderr(&cold));
    let line = stderr(&cold);
    let summary = line.lines().last().unwrap();
    assert!(summary.contains("cached 0"), "{summary}");
    let warm = rawi(&["build", "b.txt", "-o", "b2.zip", "--cache", "clips"], d);
    let summary = stderr(&warm).lines().last().unwrap().to_owned();
    assert!(summary.contains("synthesized 0, cached"), "{summary}");
    assert_eq!(
        std::fs::read(d.join("b.zip")).unwrap(),
        std::fs::read(d.join("b2.zip")).unwrap(),
        "a cached clip gives the same bytes as a fresh one"
    );
    std::fs::write(
        d.join("b.txt"),
        ARTICLE_B.replace("بسبب الجفاف", "بسبب قلة المطر"),
    )
    .unwrap();
    let edited = rawi(&["build", "b.txt", "-o", "b3.zip", "--cache", "clips"], d);
    let summary = stderr(&edited).lines().last().unwrap().to_owned();
    assert!(summary.contains("synthesized 1, cached"), "{summary}");
    // --shard K/N picks articles by their index in path order, modulo N.
    let s = rawi(
        &[
            "build", "c.md", "a.md", "b.txt", "--shard", "2/3", "-o", "sharded", "--cache", "clips",
        ],
        d,
    );
    assert!(s.status.success(), "{}", stderr(&s));
    let built: Vec<String> = std::fs::read_dir(d.join("sharded"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(built, vec!["b.zip"]);
    let bad = rawi(&["build", "a.md", "--shard", "4/3"], d);
    assert_eq!(bad.status.code(), Some(2));
    // No cache at all: everything is spoken, nothing is stored.
    let none = rawi(&["build", "b.txt", "-o", "b4.zip", "--no-cache"], d);
    assert!(stderr(&none).contains("cached 0"), "{}", stderr(&none));
    assert!(!d.join("xdg-cache").exists());
}

/// Parses the feed as XML (so any escaping slip fails here) and returns the path of
/// every element, e.g. `rss/channel/item/enclosure`, with its attributes and text.
/// An XML element: its path from the root, its attributes, its text.
type Element = (String, Vec<(String, String)>, String);

/// An element's attributes, unescaped.
#[allow(deprecated)] // unescape_value: its replacement's signature is still settling
fn attributes(e: &quick_xml::events::BytesStart) -> Vec<(String, String)> {
    e.attributes()
        .map(|a| {
            let a = a.unwrap();
            let v = a.unescape_value().unwrap().into_owned();
            (a.key.as_ref().to_owned(), v)
        })
        .collect()
}

fn parse_feed(feed: &str) -> Vec<Element> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(feed);
    let mut stack: Vec<String> = Vec::new();
    let mut out: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        match reader.read_event().expect("feed.xml is well-formed XML") {
            Event::Start(e) => {
                stack.push(e.name().as_ref().to_owned());
                let attrs = attributes(&e);
                out.push((stack.join("/"), attrs, String::new()));
                open.push(out.len() - 1);
            }
            Event::Empty(e) => {
                let name = e.name().as_ref().to_owned();
                let attrs = attributes(&e);
                out.push((format!("{}/{name}", stack.join("/")), attrs, String::new()));
            }
            Event::Text(t) => {
                if let Some(&i) = open.last() {
                    out[i].2.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(&i) = open.last() {
                    let name: String = r.as_ref().to_owned();
                    let c = common::xml_entity(&name)
                        .unwrap_or_else(|| panic!("unknown entity {name}"));
                    out[i].2.push_str(c);
                }
            }
            Event::End(_) => {
                stack.pop();
                open.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    out
}

fn check_feed(feed: &str, files: &[(String, Vec<u8>)]) {
    let elements = parse_feed(feed);
    let find = |path: &'static str| {
        elements
            .iter()
            .filter(move |(p, _, _): &&Element| p == path)
    };
    // Apple's required channel tags, and each item's.
    for required in [
        "rss/channel/title",
        "rss/channel/description",
        "rss/channel/language",
        "rss/channel/itunes:image",
        "rss/channel/itunes:category",
        "rss/channel/itunes:explicit",
        "rss/channel/podcast:guid",
    ] {
        assert_eq!(find(required).count(), 1, "{required}");
    }
    for required in [
        "rss/channel/item/title",
        "rss/channel/item/enclosure",
        "rss/channel/item/guid",
        "rss/channel/item/pubDate",
        "rss/channel/item/itunes:duration",
        "rss/channel/item/podcast:chapters",
    ] {
        assert_eq!(find(required).count(), 3, "{required}");
    }
    let titles: Vec<&str> = find("rss/channel/item/title")
        .map(|(_, _, t)| t.as_str())
        .collect();
    assert!(
        titles.contains(&"افتتاح معرض الكتاب & <الدورة> الجديدة"),
        "{titles:?}"
    );
    for (_, attrs, _) in find("rss/channel/item/enclosure") {
        let get = |k: &str| {
            attrs
                .iter()
                .find(|(a, _)| a == k)
                .map(|(_, v)| v.as_str())
                .unwrap()
        };
        let member = get("url")
            .strip_prefix("https://example.org/daily/")
            .unwrap();
        assert_eq!(get("length"), member_len(files, member).to_string());
        assert_eq!(get("type"), "audio/mpeg");
    }
    for (_, _, d) in find("rss/channel/item/itunes:duration") {
        assert!(d.parse::<u64>().unwrap() > 0, "{d}");
    }
    let guids: std::collections::HashSet<&str> = find("rss/channel/item/guid")
        .map(|(_, _, g)| g.as_str())
        .collect();
    assert_eq!(guids.len(), 3, "guids are unique");
    for tag in [
        "<title>النشرة</title>",
        "<language>ar</language>",
        "<itunes:image href=\"https://example.org/daily/cover.png\"/>",
        "<itunes:category text=\"News\">",
        "<itunes:explicit>false</itunes:explicit>",
        // UUIDv5 of "example.org/daily/feed.xml", computed with Python's uuid.uuid5.
        "<podcast:guid>5dc383bc-7388-5acb-b715-731aeaa096e0</podcast:guid>",
        "type=\"text/vtt\"",
        "type=\"application/json+chapters\"",
        "<pubDate>Wed, 01 May 2024 00:00:00 +0000</pubDate>",
        "<pubDate>Sun, 02 Jun 2024 09:30:00 +0300</pubDate>",
        "<title>افتتاح معرض الكتاب &amp; &lt;الدورة&gt; الجديدة</title>",
    ] {
        assert!(feed.contains(tag), "feed lacks {tag}:\n{feed}");
    }
    assert_eq!(feed.matches("<item>").count(), 3);
    assert_eq!(feed.matches("<itunes:duration>").count(), 3);
    for slug in ["a", "b", "c"] {
        let audio = format!("episodes/{slug}/audio/edition.mp3");
        let len = member(files, &audio).len();
        let tag = format!(
            "<enclosure url=\"https://example.org/daily/{audio}\" length=\"{len}\" type=\"audio/mpeg\"/>"
        );
        assert!(feed.contains(&tag), "{tag}");
    }
}

#[test]
fn podcast_feed_shards_and_failures() {
    let dir = setup();
    let d = dir.path();
    // A 1×1 PNG (whole: rawi checks every chunk) is enough to be a cover.
    std::fs::write(
        d.join("cover.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90\x77\x53\xde\
          \0\0\0\x0cIDAT\x78\x9c\x63\x60\x68\x68\0\0\x01\x84\x01\x01\x56\x8f\x20\x23\
          \0\0\0\0IEND\xae\x42\x60\x82",
    )
    .unwrap();
    std::fs::write(d.join("broken.txt"), b"\0\x01binary").unwrap();
    let common = [
        "--title",
        "النشرة",
        "--base-url",
        "https://example.org/daily/",
        "--cover",
        "cover.png",
        "--cache",
        "clips",
    ];
    let run = |extra: &[&str]| {
        let mut args = vec!["podcast"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&common);
        rawi(&args, d)
    };
    let o = run(&["a.md", "b.txt", "c.md", "broken.txt", "-o", "daily.zip"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "one article fails: {}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("broken.txt"), "{}", stderr(&o));
    let files = unzip(&d.join("daily.zip"));
    check_feed(&text(&files, "feed.xml"), &files);
    assert!(files.iter().any(|(n, _)| n == "episodes/a/index.html"));
    assert!(files.iter().any(|(n, _)| n == "cover.png"));
    let v = rawi(&["verify", "daily.zip"], d);
    assert!(v.status.success(), "{}", stderr(&v));

    // The same articles in two shards, merged, give the very same bundle.
    let ok = ["a.md", "b.txt", "c.md"];
    let full = run(&[&ok[..], &["-o", "full.zip"]].concat());
    assert!(full.status.success(), "{}", stderr(&full));
    for k in ["1/2", "2/2"] {
        let out = format!("shard{}.zip", &k[..1]);
        let s = run(&[&ok[..], &["--shard", k, "-o", &out]].concat());
        assert!(s.status.success(), "{}", stderr(&s));
    }
    let shard1 = unzip(&d.join("shard1.zip"));
    assert!(shard1.iter().any(|(n, _)| n.starts_with("episodes/a/")));
    assert!(!shard1.iter().any(|(n, _)| n.starts_with("episodes/b/")));
    let m = rawi(
        &[
            "podcast",
            "--merge",
            "shard2.zip",
            "shard1.zip",
            "-o",
            "merged.zip",
        ],
        d,
    );
    assert!(m.status.success(), "{}", stderr(&m));
    assert_eq!(
        std::fs::read(d.join("merged.zip")).unwrap(),
        std::fs::read(d.join("full.zip")).unwrap(),
        "merged shards equal the unsharded podcast"
    );
    let dup = rawi(
        &[
            "podcast",
            "--merge",
            "shard1.zip",
            "shard1.zip",
            "-o",
            "dup.zip",
        ],
        d,
    );
    assert_eq!(dup.status.code(), Some(2), "{}", stderr(&dup));
    assert!(!d.join("dup.zip").exists());
    let no_title = rawi(&["podcast", "a.md", "-o", "x.zip"], d);
    assert_eq!(no_title.status.code(), Some(2));
    assert!(stderr(&no_title).contains("--title"));
}

/// Shards merge only with shards of the same run: the same podcast, article list and
/// audio options; and a shard that lost an article is refused, not merged short.
#[test]
fn shards_of_different_runs_do_not_merge() {
    let dir = setup();
    let d = dir.path();
    std::fs::write(d.join("d.txt"), ARTICLE_B.replace("القمح", "الذرة")).unwrap();
    let shard = |k: &str, out: &str, extra: &[&str]| {
        let mut args = vec!["podcast", "a.md", "b.txt", "c.md", "d.txt"];
        if !extra.contains(&"--title") {
            args.extend_from_slice(&["--title", "النشرة"]);
        }
        args.extend_from_slice(&["--cache", "clips", "--shard", k, "-o", out]);
        args.extend_from_slice(extra);
        let o = rawi(&args, d);
        assert!(o.status.code().is_some_and(|c| c <= 1), "{}", stderr(&o));
        o
    };
    shard("1/2", "one.zip", &[]);
    shard("2/2", "two.zip", &[]);
    let merge = |a: &str, b: &str| {
        let o = rawi(&["podcast", "--merge", a, b, "-o", "merged.zip"], d);
        let _ = std::fs::remove_file(d.join("merged.zip"));
        o
    };
    let good = merge("one.zip", "two.zip");
    assert!(good.status.success(), "{}", stderr(&good));

    // Each run differs from the first shard's in one thing; the error names it.
    let cases: [(&str, Vec<&str>, &str); 5] = [
        ("title", vec!["--title", "نشرة أخرى"], "title"),
        (
            "url",
            vec!["--base-url", "https://example.org/other"],
            "base URL",
        ),
        (
            "voice",
            vec!["--voice", "rawi-ar-high"],
            "voice rawi-ar-high",
        ),
        ("loudness", vec!["--loudness", "-20"], "-20 LUFS"),
        ("format", vec!["--format", "flac"], "flac"),
    ];
    for (name, extra, said) in cases {
        let out = format!("two-{name}.zip");
        shard("2/2", &out, &extra);
        let o = merge("one.zip", &out);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&out),
            "{name} names the shard: {}",
            stderr(&o)
        );
        assert!(
            stderr(&o).contains(said),
            "{name} says what differs: {}",
            stderr(&o)
        );
        assert!(!d.join("merged.zip").exists());
    }

    // A shard cut from another article list (three articles, not four): refused, where it
    // used to merge and drop the fourth article.
    let o = rawi(
        &[
            "podcast",
            "a.md",
            "b.txt",
            "c.md",
            "--title",
            "النشرة",
            "--cache",
            "clips",
            "--shard",
            "2/2",
            "-o",
            "two-short.zip",
        ],
        d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = merge("one.zip", "two-short.zip");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("another article list"),
        "{}",
        stderr(&o)
    );

    // An article that failed in its shard: the shard is written (exit 1), the merge says
    // which article is missing instead of publishing a feed without it.
    std::fs::write(d.join("d.txt"), b"\0\x01binary").unwrap();
    shard("1/2", "one-of-failed.zip", &[]);
    let o = shard("2/2", "two-failed.zip", &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = merge("one-of-failed.zip", "two-failed.zip");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("lacks article 4 of 4"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn verify_names_what_is_wrong() {
    let dir = setup();
    let d = dir.path();
    let o = rawi(
        &[
            "build",
            "c.md",
            "-o",
            "c",
            "--unpacked",
            "--format",
            "flac",
            "--cache",
            "clips",
        ],
        d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(rawi(&["verify", "c"], d).status.success());
    std::fs::write(d.join("c/transcript.vtt"), "WEBVTT\n").unwrap();
    std::fs::write(d.join("c/extra.txt"), "x").unwrap();
    let v = rawi(&["verify", "c"], d);
    assert_eq!(v.status.code(), Some(1));
    let e = stderr(&v);
    assert!(
        e.contains("transcript.vtt:") && e.contains("manifest says"),
        "{e}"
    );
    assert!(e.contains("transcript.vtt: 0 cues for"), "{e}");
    assert!(e.contains("extra.txt: not listed"), "{e}");

    // A damaged or foreign zip is a clear error, not a panic.
    std::fs::write(d.join("junk.zip"), b"PK\x03\x04 this is not really a zip").unwrap();
    let v = rawi(&["verify", "junk.zip", "missing.zip"], d);
    assert_eq!(v.status.code(), Some(1));
    let e = stderr(&v);
    assert!(e.contains("junk.zip: is not a zip bundle"), "{e}");
    assert!(e.contains("missing.zip"), "{e}");
    assert!(!e.contains("panicked"), "{e}");

    // A failed build leaves nothing under the output name.
    std::fs::write(d.join("empty.txt"), "").unwrap();
    let f = rawi(
        &["build", "empty.txt", "-o", "empty.zip", "--cache", "clips"],
        d,
    );
    assert_eq!(f.status.code(), Some(2));
    assert!(!d.join("empty.zip").exists());
}

#[test]
fn ffmpeg_reads_chapters_loudness_and_lengths() {
    let ffmpeg = tool("ffmpeg");
    let ffprobe = tool("ffprobe");
    let dir = setup();
    let d = dir.path();
    for format in ["mp3", "flac"] {
        let out = format!("a-{format}");
        let o = rawi(
            &[
                "build",
                "a.md",
                "-o",
                &out,
                "--unpacked",
                "--format",
                format,
                "--cache",
                "clips",
            ],
            d,
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let audio = d.join(&out).join(format!("audio/edition.{format}"));
        let m: toml::Table =
            toml::from_str(&std::fs::read_to_string(d.join(&out).join("manifest.toml")).unwrap())
                .unwrap();
        if format == "mp3" {
            let p = Command::new(&ffprobe)
                .args(["-v", "error", "-show_chapters", "-of", "json"])
                .arg(&audio)
                .output()
                .unwrap();
            let j: serde_json::Value = serde_json::from_slice(&p.stdout).unwrap();
            let titles: Vec<&str> = j["chapters"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["tags"]["title"].as_str().unwrap())
                .collect();
            assert_eq!(titles, vec![TITLE_A, "التمويل", "ردود الفعل"]);
            assert_eq!(
                j["chapters"][1]["start"].as_i64(),
                m["chapter"][1]["start_ms"].as_integer()
            );
        }
        // Decodes cleanly, to the manifest's length.
        let dec = Command::new(&ffmpeg)
            .args(["-v", "error", "-i"])
            .arg(&audio)
            .args(["-f", "s16le", "-ac", "1", "-"])
            .output()
            .unwrap();
        assert!(
            dec.status.success() && dec.stderr.is_empty(),
            "{}",
            stderr(&dec)
        );
        let samples = dec.stdout.len() as i64 / 2;
        let want = m["audio"]["samples"].as_integer().unwrap();
        assert!(
            (samples - want).abs() <= 1152,
            "{format}: {samples} vs {want}"
        );
        // Loudness within ±1 LU of the target, as ffmpeg measures it.
        let (i, peak) = common::ffmpeg_loudness(&audio);
        assert!(
            (i + 16.0).abs() <= 1.0,
            "{format}: ffmpeg measured {i} LUFS"
        );
        assert!(
            peak <= -1.0,
            "{format}: ffmpeg measured a true peak of {peak} dBTP"
        );
    }
}
