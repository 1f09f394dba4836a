//! No panic on any input: random text through every stage before the voice.

use proptest::prelude::*;
use rawi::article::{self, Format};
use rawi::edition::{self, Options};

/// Characters that stress the reader: Arabic letters and digits, Latin, markup, quotes,
/// terminators, invisible marks, and any Unicode at all.
fn tricky() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("+++\n".to_string()),
        Just("# ".to_string()),
        Just("> ".to_string()),
        Just("![".to_string()),
        Just("](x)".to_string()),
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("&#x0;".to_string()),
        Just(" – ".to_string()),
        Just("المصدر : ".to_string()),
        Just("(رويترز)".to_string()),
        Just("\"".to_string()),
        Just("«".to_string()),
        Just("».".to_string()),
        Just("…".to_string()),
        Just("د.".to_string()),
        Just("ص.ب.".to_string()),
        Just("٫".to_string()),
        Just("\u{200f}\u{feff}\u{640}".to_string()),
        "[\u{0621}-\u{064A} ]{1,12}",
        "[0-9٠-٩۰-۹.,/:%-]{1,8}",
        "[a-zA-Z .]{1,8}",
        any::<String>(),
    ];
    proptest::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn reading_and_splitting_never_panic(text in tricky()) {
        for format in [Format::Plain, Format::Markdown, Format::Html] {
            if let Ok(a) = article::parse(&text, format) {
                for b in &a.blocks {
                    prop_assert!(a.source.get(b.span.clone()).is_some(), "span inside the source");
                }
                for max in [8, 40, 400] {
                    let (sentences, spoken) = edition::prepare(&a, &Options { read_captions: true, ..Options::default() }, max);
                    prop_assert_eq!(sentences.len(), spoken.len());
                    for s in &sentences {
                        prop_assert!(s.text.chars().count() <= max.max(8));
                        prop_assert!(!s.text.trim().is_empty());
                    }
                }
            }
        }
    }
}
