//! Whole saved news pages (written for this project in the markup styles of Arabic news
//! sites) give exactly their article's sentences, and none of the text of their
//! navigation, scripts, comments, related boxes, share bars or footers.

use std::path::{Path, PathBuf};
use std::process::Command;

use scraper::{Html, Selector};

fn pages() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/html");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    v.sort();
    v
}

fn split(page: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_rawi"))
        .args(["split", "--kinds", "--read-captions"])
        .arg(page)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn pages_give_exactly_their_golden_sentences() {
    let pages = pages();
    assert!(pages.len() >= 6, "five realistic pages and a malformed one");
    for page in pages {
        let golden = page.with_extension("golden.tsv");
        let want = std::fs::read_to_string(&golden)
            .unwrap_or_else(|e| panic!("{}: {e}", golden.display()));
        let got = split(&page);
        assert_eq!(got, want, "{}", page.display());
    }
}

/// Text of the parts that are never the article, in each page.
fn chrome_texts(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(
        "script:not([type=\"application/ld+json\"]), style, noscript, nav, header > a, footer, aside, form, button, \
         [class*=comment], [class*=related], [class*=relnews], [class*=share], [class*=ad-], \
         [class*=adsbygoogle], [class*=tags], [class*=most-read], [class*=newsletter], \
         [class*=twitter], [class*=breadcrumb], [class*=menu], [id=menu], [class*=cookie], \
         [class*=box], [class*=more-on], [class*=meta], [class*=byline], [class*=path], \
         [class*=visually-hidden], [role=complementary], [role=banner]",
    )
    .unwrap();
    doc.select(&sel)
        .flat_map(|e| e.text().map(str::to_owned).collect::<Vec<_>>())
        .flat_map(|t| {
            t.split(['\n', '"', '\''])
                .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect::<Vec<_>>()
        })
        .filter(|t| {
            t.split_whitespace().count() >= 2
                && t.chars().any(|c| ('\u{600}'..='\u{6ff}').contains(&c))
        })
        .collect()
}

#[test]
fn no_navigation_script_or_comment_text_is_read() {
    for page in pages() {
        let html = std::fs::read_to_string(&page).unwrap();
        let chrome = chrome_texts(&html);
        assert!(
            !chrome.is_empty(),
            "{}: the page has chrome to leave out",
            page.display()
        );
        let got = split(&page);
        for t in chrome {
            assert!(!got.contains(&t), "{}: read `{t}`", page.display());
        }
    }
}

#[test]
fn metadata_from_json_ld_open_graph_and_meta_tags() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/html");
    let read = |name: &str| rawi::article::read(&dir.join(name)).unwrap().meta;
    let m = read("portal-jsonld.html");
    assert_eq!(m.date.as_deref(), Some("2025-03-04T08:15:00+03:00"));
    assert_eq!(m.author.as_deref(), Some("سلمى القاسم"));
    assert_eq!(m.source.as_deref(), Some("شبكة الأفق الإخبارية"));
    assert_eq!(
        m.url.as_deref(),
        Some("https://example.org/news/2025/3/4/desalination-plant")
    );
    let m = read("embeds-ads.html");
    assert_eq!(m.author.as_deref(), Some("هند الصالح، يوسف العنزي"));
    assert_eq!(m.source.as_deref(), Some("الخليج اليوم"));
    let m = read("wordpress-comments.html");
    assert_eq!(m.author.as_deref(), Some("مراد بن علي"));
    assert_eq!(m.date.as_deref(), Some("2024-11-18T10:42:07+00:00"));
    // The closing source line names the source.
    assert_eq!(m.source.as_deref(), Some("صحيفة الوادي"));
    assert_eq!(
        m.url.as_deref(),
        Some("https://example.net/2024/11/olive-festival/")
    );
    let m = read("table-br-paragraphs.html");
    assert_eq!(m.date.as_deref(), Some("2023-09-12"));
    assert_eq!(
        m.title.as_deref(),
        Some("تدشين خط حافلات يربط القرى بالمستشفى الجهوي")
    );
    let m = read("graph-visually-hidden.html");
    assert_eq!(m.date.as_deref(), Some("2024-02-20T06:30:12.000Z"));
    assert_eq!(
        m.url.as_deref(),
        Some("https://example.com/arabic/science-68001234")
    );
}
