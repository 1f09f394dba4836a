//! Golden tests of the diacritize stage: `tests/data/diacritize/*.tsv`, rows of
//! `INPUT<TAB>EXPECTED`, the expected text fully diacritized by hand (our own sentences).
//!
//! What must be exact: the letters (the stage adds marks, never letters), the words rawi
//! wrote (rules) and the words with written marks; lexicon words up to their last letter
//! (the entry gives the stem, the case ending is the model's). The model's words are
//! scored like `der.py` does, and must stay under a diacritic error rate per file.

#![cfg(feature = "diacritize-model")]

use rawi::diacritize::{diacritize, Options, Source};
use rawi::normalize::normalize;
use rawi::synth::bundled::lexicon::Lexicon;
use std::path::Path;

/// The highest share of the model's letters (that the reference marks) whose marks may
/// differ from the reference, per file.
const MAX_MODEL_DER: f64 = 0.12;

fn is_harakah(c: char) -> bool {
    ('\u{064B}'..='\u{0652}').contains(&c)
}

fn strip(s: &str) -> String {
    s.chars()
        .filter(|c| !is_harakah(*c) && *c != '\u{0670}')
        .collect()
}

/// Whether `got` has the marks of every letter that `want` marks (bare letters of the
/// reference are not scored, as in der.py).
fn agree(got: &[(char, Vec<char>)], want: &[(char, Vec<char>)]) -> bool {
    got.len() == want.len()
        && got
            .iter()
            .zip(want)
            .all(|(g, w)| w.1.is_empty() || g.1 == w.1)
}

/// Letters of a word with their marks (shadda first, then the vowel).
fn letters(word: &str) -> Vec<(char, Vec<char>)> {
    let mut out: Vec<(char, Vec<char>)> = Vec::new();
    for c in word.chars() {
        if is_harakah(c) {
            if let Some(l) = out.last_mut() {
                l.1.push(c);
                l.1.sort_unstable();
            }
        } else if c != '\u{0670}' {
            out.push((c, Vec::new()));
        }
    }
    out
}

fn rows(name: &str) -> Vec<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/diacritize")
        .join(name);
    let body = std::fs::read_to_string(&path).expect("golden file readable");
    body.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (a, b) = l.split_once('\t').expect("INPUT<TAB>EXPECTED");
            (a.to_owned(), b.to_owned())
        })
        .collect()
}

/// Runs one file; returns (failures, model letters scored, model letter errors).
fn check(name: &str, lex: &Lexicon) -> (Vec<String>, usize, usize) {
    let mut failures = Vec::new();
    let (mut scored, mut errors) = (0, 0);
    for (input, expected) in rows(name) {
        let spoken = normalize(&input);
        let d = match diacritize(&spoken, lex, Options::default()) {
            Ok(d) => d,
            Err(e) => {
                failures.push(format!("{name}: «{input}»: {e}"));
                continue;
            }
        };
        // Compare letters only: the input may carry written marks of its own.
        let letters_in = strip(&spoken.text);
        if strip(&d.text) != letters_in || strip(&expected) != letters_in {
            failures.push(format!(
                "{name}: letters differ:\n  input    {}\n  got      {}\n  expected {expected}",
                spoken.text, d.text
            ));
            continue;
        }
        let words_of = |t: &str| -> Vec<String> {
            t.split(|c: char| {
                !(c == '\u{0670}' || is_harakah(c) || rawi::text::is_arabic_letter(c))
            })
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
        };
        let want = words_of(&expected);
        let written = words_of(&spoken.text);
        if want.len() != d.words.len() {
            failures.push(format!(
                "{name}: «{input}»: word count {} vs {}",
                d.words.len(),
                want.len()
            ));
            continue;
        }
        for ((w, exp), input) in d.words.iter().zip(&want).zip(&written) {
            let (got, exp) = (letters(&w.text), letters(exp));
            if w.source == Source::Written {
                // Written marks are kept; a shadda alone may gain the model's vowel.
                let kept = letters(input)
                    .iter()
                    .zip(&got)
                    .all(|(i, g)| i.1.iter().all(|m| g.1.contains(m)));
                if !kept {
                    failures.push(format!("{name}: «{input}» lost written marks: {}", w.text));
                }
            }
            let n = match w.source {
                Source::Rules | Source::Context => got.len(),
                Source::Lexicon => got.len().saturating_sub(1),
                Source::Model | Source::Bare | Source::Written => {
                    for (g, e) in got.iter().zip(&exp) {
                        if !e.1.is_empty() {
                            scored += 1;
                            errors += usize::from(g.1 != e.1);
                        }
                    }
                    continue;
                }
            };
            if exp.len() != got.len() || !agree(&got[..n], &exp[..n]) {
                failures.push(format!(
                    "{name}: «{input}»: {} word {} should be {}",
                    w.source.as_str(),
                    w.text,
                    exp.iter()
                        .map(|(c, m)| format!("{c}{}", m.iter().collect::<String>()))
                        .collect::<String>()
                ));
            }
        }
    }
    (failures, scored, errors)
}

#[test]
fn golden_files() {
    let lex = Lexicon::bundled();
    let mut failures = Vec::new();
    let mut sentences = 0;
    let mut words = 0;
    for name in ["numbers.tsv", "lexicon.tsv", "written.tsv", "news.tsv"] {
        let rs = rows(name);
        sentences += rs.len();
        words += rs
            .iter()
            .map(|(i, _)| i.split_whitespace().count())
            .sum::<usize>();
        let (f, scored, errors) = check(name, &lex);
        failures.extend(f);
        let der = errors as f64 / scored.max(1) as f64;
        if der > MAX_MODEL_DER {
            failures.push(format!(
                "{name}: model DER {:.1}% above {:.0}%",
                100.0 * der,
                100.0 * MAX_MODEL_DER
            ));
        }
    }
    assert!(
        sentences >= 50 && words >= 300,
        "{sentences} sentences, {words} words"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn user_lexicon_wins_over_the_model() {
    let mut lex = Lexicon::bundled();
    // A deliberately unusual reading, so that it can only come from the lexicon.
    lex.add("مَدْرُسَة\n");
    let d = diacritize(&normalize("ذهبت إلى المدرسة"), &lex, Options::default()).unwrap();
    let w = d.words.last().unwrap();
    assert_eq!(w.source, Source::Lexicon);
    assert!(w.text.contains("مَدْرُسَ"), "{}", w.text);
}

#[test]
fn pausal_drops_the_last_case_vowel_only() {
    let lex = Lexicon::bundled();
    let full = diacritize(&normalize("قرأ الطالبُ الدرس"), &lex, Options::default()).unwrap();
    let pausal = diacritize(
        &normalize("قرأ الطالبُ الدرس"),
        &lex,
        Options { pausal: true },
    )
    .unwrap();
    assert_eq!(strip(&full.text), strip(&pausal.text));
    let last = |s: &str| {
        letters(s.split(' ').next_back().unwrap())
            .last()
            .cloned()
            .unwrap()
    };
    assert!(last(&pausal.text).1.is_empty(), "{}", pausal.text);
    assert!(!last(&full.text).1.is_empty(), "{}", full.text);
}

#[test]
fn long_lines_are_cut_and_every_letter_kept() {
    let lex = Lexicon::bundled();
    let sentence = "وقال المتحدث إن الحكومة تدرس مشروعا جديدا، ";
    let line = sentence.repeat(60);
    let d = diacritize(&normalize(&line), &lex, Options::default()).unwrap();
    assert_eq!(strip(&d.text), normalize(&line).text);
    assert!(d
        .words
        .iter()
        .all(|w| w.source == Source::Model || w.source == Source::Lexicon));
}
