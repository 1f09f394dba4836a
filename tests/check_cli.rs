//! `rawi check`: the review report lists doubtful readings with file and line, exits 0,
//! and exits 1 with `--strict` only when something is listed.

use std::process::Command;

fn rawi() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rawi"))
}

/// Writes an article into a fresh temporary folder and returns its path.
fn article(name: &str, body: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join(name);
    std::fs::write(&path, body).expect("article written");
    (dir, path)
}

#[test]
fn lists_guesses_with_line_and_strict_fails() {
    let (_d, path) = article(
        "a.txt",
        "عنوان الخبر\n\nوصل 12 زائرا إلى المعرض.\nأطلقت شركة Pullmantur رحلة جديدة.\n",
    );
    let out = rawi().arg("check").arg(&path).output().expect("rawi runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(":4: «Pullmantur»"), "{text}");
    assert!(text.contains("unknown Latin word"), "{text}");
    assert!(!text.contains("«12»"), "{text}");
    let strict = rawi()
        .args(["check", "--strict"])
        .arg(&path)
        .output()
        .expect("rawi runs");
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn clean_article_passes_strict() {
    let (_d, path) = article("b.txt", "عنوان\n\nقتل 3 أشخاص في 5 مدن يوم 12 مايو 2022.\n");
    let out = rawi()
        .args(["check", "--strict"])
        .arg(&path)
        .output()
        .expect("rawi runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn impossible_dates_are_listed() {
    let (_d, path) = article(
        "c.txt",
        "عنوان الخبر\n\nصدر القرار في 2024-02-30 ونشر يوم 31/04/2024.\nوانعقدت الجلسة في 29/02/2024.\n",
    );
    let out = rawi().arg("check").arg(&path).output().expect("rawi runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(":3: «2024-02-30»"), "{text}");
    assert!(text.contains(":3: «31/04/2024»"), "{text}");
    assert_eq!(text.matches("impossible date").count(), 2, "{text}");
    assert!(!text.contains("29/02/2024"), "a leap day is a date: {text}");
}
