//! A fuzz harness on stable Rust (proptest): article parsing, sentence splitting,
//! normalization, WAV decoding and `verify` on mutated zips must never panic, hang or
//! break their own invariants, whatever the input.
//!
//! `RAWI_FUZZ_CASES` sets the number of cases of each property (default 4000; the zip
//! one runs a tenth as many, each case writes a file). CI runs the default; a longer hunt:
//! `RAWI_FUZZ_CASES=100000 cargo test --release --test fuzz`. Every input that fails
//! becomes a file in `tests/data/crashers/` (replayed by `hardening_io::crashers_replay`).

use std::sync::OnceLock;

use proptest::prelude::*;
use rawi::article::{self, Format};
use rawi::audio;
use rawi::bundle::{verify, Bundle};
use rawi::edition::{self, Options};
use rawi::normalize::normalize;
use rawi::segment::{cut_long, split_text};

fn cases(divisor: u32) -> u32 {
    let n = std::env::var("RAWI_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(4000);
    (n / divisor).max(1)
}

fn config(divisor: u32) -> ProptestConfig {
    ProptestConfig {
        cases: cases(divisor),
        // Shrinking a failure can take long; the failing input is what matters.
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    }
}

/// Text that stresses the reader: Arabic words and digits, markup of every format, quote
/// and bracket runs, terminators, invisible marks, long digit runs, and any Unicode.
fn article_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("+++\n".to_string()),
        Just("---\n".to_string()),
        Just("title = \"".to_string()),
        Just("date = \"2024-02-30\"\n".to_string()),
        Just("# ".to_string()),
        Just("> ".to_string()),
        Just("- ".to_string()),
        Just("![".to_string()),
        Just("](x)".to_string()),
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<h1>".to_string()),
        Just("<script>".to_string()),
        Just("<!--".to_string()),
        Just("&#x0;".to_string()),
        Just("&amp;".to_string()),
        Just(" – ".to_string()),
        Just("(رويترز)".to_string()),
        Just("\"".repeat(50)),
        Just("(".repeat(30)),
        Just(")]".repeat(30)),
        Just(".\"".repeat(30)),
        Just("«".to_string()),
        Just("».".to_string()),
        Just("…".to_string()),
        Just("د.".to_string()),
        Just("٫".to_string()),
        Just("\u{200f}\u{feff}\u{640}".to_string()),
        "[\u{0621}-\u{064A} ]{1,20}",
        "[0-9٠-٩۰-۹.,/:%-]{1,12}",
        "[0-9]{60,120}",
        "[a-zA-Z .]{1,8}",
        any::<String>(),
    ];
    proptest::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(config(1))]

    /// Parsing in every format: an article or an error; spans point into the source.
    #[test]
    fn parse_any_text(text in article_text()) {
        for format in [Format::Plain, Format::Markdown, Format::Html] {
            if let Ok(a) = article::parse(&text, format) {
                for b in &a.blocks {
                    prop_assert!(a.source.get(b.span.clone()).is_some());
                }
                let (s, sp) = edition::prepare(&a, &Options { read_captions: true, ..Options::default() }, 400);
                prop_assert_eq!(s.len(), sp.len());
                let _ = edition::check_speech(std::path::Path::new("fuzz"), &s, &sp);
            }
        }
    }

    /// Splitting: ordered, non-empty, trimmed ranges on character boundaries; cuts under
    /// the limit.
    #[test]
    fn split_any_text(text in article_text(), max in 8usize..500) {
        let mut end = 0;
        for r in split_text(&text) {
            prop_assert!(r.start >= end && r.end > r.start && r.end <= text.len());
            prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            let s = &text[r.clone()];
            prop_assert_eq!(s.trim(), s);
            for c in cut_long(s, max) {
                prop_assert!(s[c].chars().count() <= max.max(8));
            }
            end = r.end;
        }
    }

    /// Normalization: never panics, and its output stays proportionate to its input
    /// (a number is at most a few dozen characters a digit when written out).
    #[test]
    fn normalize_any_text(text in article_text()) {
        for line in text.lines().take(20) {
            let line: String = line.chars().take(400).collect();
            let out = normalize(&line);
            prop_assert!(out.text.chars().count() <= 40 * line.chars().count() + 40);
        }
    }

    /// WAV decoding of damaged WAVs and of any bytes: a clip or an error, never a panic;
    /// a clip's samples are finite.
    #[test]
    fn decode_any_wav(
        flips in proptest::collection::vec((0usize..200, any::<u8>()), 0..12),
        cut in 0usize..400,
        noise in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let mut wav = audio::encode_wav(&[0.0, 0.5, -0.5, 0.25, 1.0, -1.0, 0.1, 0.0], 22_050);
        for (at, b) in flips {
            let i = at % wav.len().max(1);
            if let Some(x) = wav.get_mut(i) {
                *x = b;
            }
        }
        wav.truncate(cut.max(1));
        let _ = audio::decode_wav(&wav);
        let _ = audio::decode_wav(&noise);
        let mut riff = b"RIFF\xff\xff\xff\xffWAVEfmt ".to_vec();
        riff.extend_from_slice(&noise);
        if let Ok(clip) = audio::decode_wav(&riff) {
            prop_assert!(clip.samples.iter().all(|s| s.is_finite()));
        }
    }
}

/// A real bundle (built once by the binary, bundled voice) to mutate.
fn good_zip() -> &'static Vec<u8> {
    static ZIP: OnceLock<Vec<u8>> = OnceLock::new();
    ZIP.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let art = dir.path().join("a.txt");
        std::fs::write(&art, "خبر قصير\n\nقال المتحدث إن 3 فرق وصلت.\n").unwrap();
        let out = dir.path().join("a.zip");
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_rawi"))
            .arg("build")
            .arg(&art)
            .arg("-o")
            .arg(&out)
            .arg("--no-cache")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read(&out).unwrap()
    })
}

fn scratch() -> &'static std::path::Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

proptest! {
    #![proptest_config(config(10))]

    /// `verify` on a real bundle with bytes flipped, cut or inserted: a list of problems or
    /// an error, never a panic; and a damaged bundle is never called sound unless the
    /// damage left every byte of its members intact.
    #[test]
    fn verify_mutated_zips(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        cut in proptest::option::of(any::<prop::sample::Index>()),
        insert in proptest::option::of((any::<prop::sample::Index>(), proptest::collection::vec(any::<u8>(), 1..64))),
    ) {
        let mut z = good_zip().clone();
        for (at, b) in flips {
            let i = at.index(z.len());
            z[i] = b;
        }
        if let Some((at, bytes)) = insert {
            let i = at.index(z.len());
            z.splice(i..i, bytes);
        }
        if let Some(at) = cut {
            z.truncate(at.index(z.len()).max(1));
        }
        let p = scratch().join(format!("m-{}.zip", std::process::id()));
        std::fs::write(&p, &z).unwrap();
        match Bundle::read_zip(&p) {
            Ok(b) => {
                let problems = verify::check(&b);
                if problems.is_empty() {
                    // Sound: then every member is as built.
                    let good = {
                        let gp = scratch().join("good.zip");
                        std::fs::write(&gp, good_zip()).unwrap();
                        Bundle::read_zip(&gp).unwrap()
                    };
                    for (name, contents) in &b.files {
                        if let Some(orig) = good.get(name) {
                            prop_assert_eq!(orig, contents.as_slice(), "{} changed yet verified", name);
                        }
                    }
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}
