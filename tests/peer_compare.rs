//! Peer comparison: runs rawi's normalizer over the written-to-spoken test pairs other
//! projects publish (`../shared/peer-tests/`) and reports per file how many agree after
//! folding spelling variants. Many peer expectations are wrong by ARABIC.md (always
//! nominative, no tamyiz, مائة …), so disagreement is a lead to check, not a failure.
//!
//! Run with `cargo test --test peer_compare -- --ignored --nocapture`; the report is
//! also written to `tests/data/normalize/peer_report.txt`.

use rawi::normalize::cardinal::{cardinal, Case, Form, Gender};
use rawi::normalize::normalize;
use rawi::normalize::ordinal::ordinal;
use std::fmt::Write as _;
use std::path::Path;

/// How a peer file's inputs are fed to rawi. Files whose expectations are the
/// nominative citation form (NeMo, Humanizer, num2words, TafqeetJ's positive converter,
/// …) are read as the subject of a verb, so the comparison is about words and agreement
/// rather than about rawi's oblique broadcast default.
#[derive(Clone, Copy)]
enum Mode {
    /// As written.
    AsIs,
    /// As the subject of a verb (`قتل N`), for files that expect the nominative
    /// citation form.
    Subject,
    /// After a preposition (`في N`), for files that expect the oblique form.
    Oblique,
}

/// Folds spelling variants both sides may use, so only real differences remain.
fn fold(s: &str) -> String {
    let mut t: String = s
        .chars()
        .filter(|&c| !('\u{64B}'..='\u{652}').contains(&c) && c != '\u{670}' && c != '\u{640}')
        .collect();
    for (a, b) in [
        ("مائة", "مئة"),
        ("مائت", "مئت"),
        ("ترليون", "تريليون"),
        ("في المئة", "بالمئة"),
        ("إثن", "اثن"),
        ("ثماني مئة", "ثمانمئة"),
        ("ثمان مئة", "ثمانمئة"),
    ] {
        t = t.replace(a, b);
    }
    for h in ["ثلاث", "أربع", "خمس", "ست", "سبع", "تسع"] {
        t = t.replace(&format!("{h} مئة"), &format!("{h}مئة"));
    }
    let words: Vec<String> = t
        .split_whitespace()
        .map(|w| {
            if w == "الاف" {
                "آلاف".to_string()
            } else {
                w.to_string()
            }
        })
        .collect();
    // Attach a detached و to the next word.
    let mut out = String::new();
    let mut glue = false;
    for w in words {
        if w == "و" {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push('و');
            glue = true;
            continue;
        }
        if !glue && !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&w);
        glue = false;
    }
    out
}

/// Folds case endings too, to tell case disagreements from other ones.
fn fold_case(s: &str) -> String {
    fold(s)
        .split(' ')
        .map(|w| {
            let w = w
                .strip_suffix("ين")
                .map_or(w.to_string(), |x| format!("{x}ون"));
            let w = w.replace("اثنتي", "اثنتا").replace("اثني", "اثنا");
            w.replace("مئتي", "مئتا").replace("ألفي", "ألفا")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads one peer input; `None` when its options cannot be expressed (skipped).
fn read(file: &str, input: &str) -> Option<String> {
    let strip = |mode: Mode, x: &str| -> String {
        match mode {
            Mode::AsIs => normalize(x).text,
            Mode::Subject => {
                let t = normalize(&format!("قتل {x}")).text;
                t.strip_prefix("قتل ").unwrap_or(&t).to_string()
            }
            Mode::Oblique => {
                let t = normalize(&format!("في {x}")).text;
                t.strip_prefix("في ").unwrap_or(&t).to_string()
            }
        }
    };
    let num = |x: &str| x.trim().parse::<u64>().ok();
    match file {
        "humanizer-ar-cardinal-feminine.tsv" => {
            let n = num(input)?;
            let f = Form {
                gender: Gender::Fem,
                case: Case::Nom,
                construct: false,
            };
            Some(cardinal(n, f))
        }
        "humanizer-ar-ordinal.tsv" | "pyarabic-ordinal.tsv" => {
            Some(ordinal(num(input)?, Gender::Masc, Case::Nom))
        }
        "humanizer-ar-ordinal-feminine.tsv" => Some(ordinal(num(input)?, Gender::Fem, Case::Nom)),
        "num2words-ar-ordinal.tsv" => {
            let o = ordinal(num(input)?, Gender::Masc, Case::Nom);
            Some(
                o.split(' ')
                    .map(|w| {
                        w.trim_start_matches('و')
                            .strip_prefix("ال")
                            .unwrap_or(w)
                            .to_string()
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        }
        "tafqeetj-genitive-after-salib.tsv" => Some(strip(Mode::Oblique, input)),
        "tafqeetj-nominative.tsv"
        | "humanizer-ar-cardinal.tsv"
        | "num2words-ar-cardinal.tsv"
        | "pyarabic-cardinal.tsv"
        | "nemo-tn-cardinal.tsv"
        | "nemo-tn-money.tsv"
        | "nemo-tn-measure.tsv"
        | "nemo-tn-decimal.tsv"
        | "nemo-tn-fraction.tsv" => {
            if input.contains('[') {
                return None;
            }
            Some(strip(Mode::Subject, input))
        }
        "mohsenalyafei-tafqit-js.tsv" => {
            let (n, opts) = input.split_once(' ').unwrap_or((input, ""));
            let known = ["Miah", "SplitHund", "Comma", "AG", "Feminine"];
            let keys: Vec<&str> = opts
                .split(|c: char| !c.is_alphanumeric())
                .filter(|k| k.chars().next().is_some_and(char::is_uppercase))
                .collect();
            if keys.iter().any(|k| !known.contains(k)) {
                return None;
            }
            let fem = keys.contains(&"Feminine");
            let ag = keys.contains(&"AG");
            if fem {
                let f = Form {
                    gender: Gender::Fem,
                    case: if ag { Case::Obl } else { Case::Nom },
                    construct: false,
                };
                return Some(cardinal(num(n)?, f));
            }
            Some(strip(if ag { Mode::Oblique } else { Mode::Subject }, n))
        }
        "tafqit-rs-readme.tsv" => {
            let (n, opts) = input.split_once(' ').unwrap_or((input, ""));
            match opts {
                "[number]" => Some(strip(Mode::Subject, n)),
                "[number, feminine]" => {
                    let f = Form {
                        gender: Gender::Fem,
                        case: Case::Nom,
                        construct: false,
                    };
                    Some(cardinal(num(n)?, f))
                }
                _ => None,
            }
        }
        "num2words-ar-currency.tsv" => {
            if input.contains('=') {
                return None;
            }
            Some(strip(Mode::Subject, input))
        }
        _ => {
            if input.contains("[to=") {
                return None;
            }
            Some(strip(Mode::AsIs, input))
        }
    }
}

#[test]
#[ignore = "prints a report over ../shared/peer-tests; run by hand"]
fn peer_report() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("../shared/peer-tests");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("note: {} is absent; nothing to compare", dir.display());
        return;
    };
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
        .collect();
    files.sort();
    let mut report = String::new();
    let mut detail = String::new();
    let (mut t_all, mut t_cmp, mut t_ok, mut t_case, mut t_skip) = (0, 0, 0, 0, 0);
    let _ = writeln!(
        report,
        "file\tpairs\tcompared\tskipped\tagree\tagree-ignoring-case"
    );
    for f in &files {
        let name = f
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        if name.contains("-itn-")
            || name.contains("text2number")
            || name.contains("vocalize")
            || name.contains("words-to-number")
        {
            continue;
        }
        let body = std::fs::read_to_string(f).unwrap_or_default();
        let (mut all, mut cmp, mut ok, mut case_ok, mut skip) = (0, 0, 0, 0, 0);
        for line in body.lines().skip(1) {
            let Some((input, expected)) = line.split_once('\t') else {
                continue;
            };
            all += 1;
            let Some(got) = read(&name, input) else {
                skip += 1;
                continue;
            };
            cmp += 1;
            if fold(&got) == fold(expected) {
                ok += 1;
                case_ok += 1;
            } else {
                if fold_case(&got) == fold_case(expected) {
                    case_ok += 1;
                }
                let _ = writeln!(detail, "{name}\t{input}\n  peer: {expected}\n  rawi: {got}");
            }
        }
        let _ = writeln!(report, "{name}\t{all}\t{cmp}\t{skip}\t{ok}\t{case_ok}");
        t_all += all;
        t_cmp += cmp;
        t_ok += ok;
        t_case += case_ok;
        t_skip += skip;
    }
    let _ = writeln!(
        report,
        "TOTAL\t{t_all}\t{t_cmp}\t{t_skip}\t{t_ok}\t{t_case}"
    );
    let full = format!("{report}\n# Disagreements (peer expectation vs rawi)\n{detail}");
    println!("{report}");
    let out = root.join("tests/data/normalize/peer_report.txt");
    if let Err(e) = std::fs::write(&out, full) {
        eprintln!("could not write {}: {e}", out.display());
    }
}
