//! Golden tests for the normalizer: every `tests/data/normalize/*.tsv` case, and the
//! seed article, which must read perfectly.

use rawi::normalize::normalize;
use std::path::Path;

/// Whether `s` still holds a digit of any script.
fn has_digit(s: &str) -> bool {
    s.chars().any(|c| {
        c.is_ascii_digit()
            || ('\u{660}'..='\u{669}').contains(&c)
            || ('\u{6F0}'..='\u{6F9}').contains(&c)
    })
}

#[test]
fn golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/normalize");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/data/normalize exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut total = 0;
    for f in &files {
        let body = std::fs::read_to_string(f).expect("readable golden file");
        for (i, line) in body.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((input, expected)) = line.split_once('\t') else {
                failures.push(format!("{}:{}: no tab in line", f.display(), i + 1));
                continue;
            };
            total += 1;
            let got = normalize(input).text;
            if got != expected {
                failures.push(format!(
                    "{}:{}\n  input:    {input}\n  expected: {expected}\n  got:      {got}",
                    f.file_name().unwrap_or_default().to_string_lossy(),
                    i + 1
                ));
            }
        }
    }
    for f in &failures {
        eprintln!("{f}");
    }
    eprintln!("golden: {} of {total} cases pass", total - failures.len());
    assert!(failures.is_empty(), "{} golden failures", failures.len());
}

#[test]
fn seed_article_reads_perfectly() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed/kazakhstan-washington.txt");
    let Ok(body) = std::fs::read_to_string(&path) else {
        eprintln!("note: {} is absent; seed test skipped", path.display());
        return;
    };
    let mut spoken = String::new();
    for line in body.lines() {
        let s = normalize(line).text;
        assert!(!has_digit(&s), "digit left in: {s}");
        spoken.push_str(&s);
        spoken.push('\n');
    }
    let readings = [
        "قبل ثلاثين عاما",
        "في ألف وتسعمئة وواحد وتسعين",
        "ستة آلاف وتسعمئة وخمسين ميلا مربعا",
        "أكثر من أربعمئة وخمسين تجربة",
        "بين عامي ألف وتسعمئة وتسعة وأربعين وألف وتسعمئة وتسعة وثمانين",
        "حوالي ألف وأربعمئة رأس",
        "أكثر من مئة صاروخ",
        "في عام ألف وتسعمئة وخمسة وتسعين",
        "أكثر من مئتين وخمسة وسبعين مليون دولار",
        "فبراير شباط ألفين وتسعة عشر",
        "منذ عام ألفين وثلاثة",
        "يونيو حزيران ألفين وتسعة عشر",
        "ديسمبر كانون الأول ألفين وواحد وعشرين",
        "بقيمة عشرة فاصل سبعة ملايين دولار",
        "العام المالي ألفين واثنين وعشرين",
    ];
    let missing: Vec<_> = readings.iter().filter(|r| !spoken.contains(*r)).collect();
    assert!(missing.is_empty(), "missing readings: {missing:?}");
}
