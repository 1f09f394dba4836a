//! Vowels for the words rawi wrote itself: the number words of the normalizer, with the
//! case the reader decided (or the one their own form shows) and tanween only where the
//! number is not the first term of a construct. The words are data
//! (`data/number_words.tsv`).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::normalize::Token;

const TABLE: &str = include_str!("data/number_words.tsv");

/// A grammatical case for the ending of a number word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Marfūʿ.
    Nom,
    /// Manṣūb.
    Acc,
    /// Majrūr.
    Gen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    /// Declinable, tanween when not in construct.
    Noun,
    /// A scale word (`ألف`، `مليون`), declinable as a noun: after a hundred, a unit or
    /// another scale word it is their genitive, after 11–99 their accusative.
    Scale,
    /// Fixed ending.
    Fixed,
    /// First part of a compound 11–19.
    Unit,
    /// عشر/عشرة after a [`Kind::Unit`].
    Teen,
    /// A dual in construct whose spelling is also the singular's accusative with the
    /// tanween's alef (`ألفا`, `مليونا`): after another number word it is that singular,
    /// the noun a number from 11 to 99 counts (`خمسة عشر ألفًا`, not `ألفا`, two thousand).
    Dual,
}

struct Forms {
    nom: String,
    acc: String,
    gen: String,
}

type Table = HashMap<(Kind, String), Forms>;

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = HashMap::new();
        for line in TABLE.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').map(str::trim).collect();
            let [kind, bare, nom, acc, gen] = f[..] else {
                continue;
            };
            let kind = match kind {
                "n" => Kind::Noun,
                "s" => Kind::Scale,
                "f" => Kind::Fixed,
                "u" => Kind::Unit,
                "t" => Kind::Teen,
                "d" => Kind::Dual,
                _ => continue,
            };
            t.insert(
                (kind, bare.to_owned()),
                Forms {
                    nom: nom.to_owned(),
                    acc: acc.to_owned(),
                    gen: gen.to_owned(),
                },
            );
        }
        t
    })
}

/// The case of a token as the normalizer's reader decided it, read from its rule text
/// (`nominative`, `oblique` after a preposition…); `None` when it does not say.
pub fn token_case(token: &Token) -> Option<Case> {
    let rule = token.rule.as_str();
    // A default is no decision: the word's form, else the model, decides then.
    if rule.contains("default") {
        None
    } else if rule.contains("nominative") {
        Some(Case::Nom)
    } else if rule.starts_with("prefix ") {
        // A glued preposition (بـ، لـ، كـ) governs the number: `بِوَاحِدٍ وَعِشْرِينَ`.
        Some(Case::Gen)
    } else if rule.contains("accusative") && !rule.contains("accusative noun")
        || rule.contains("object")
    {
        Some(Case::Acc)
    } else if rule.contains("preposition")
        || rule.contains("genitive")
        || rule.contains("clock word")
        || rule.contains("after month")
    {
        Some(Case::Gen)
    } else if rule.contains("oblique") {
        Some(Case::Acc)
    } else {
        None
    }
}

/// The case a token's own words show (`-ون`/`-ان` nominative, `-ين` oblique), for tokens
/// whose rule does not say.
pub fn form_case(words: &[&str]) -> Option<Case> {
    for w in words {
        let w = if known(table(), w) {
            w
        } else {
            w.strip_prefix('و').unwrap_or(w)
        };
        if let Some(forms) = table().get(&(Kind::Fixed, w.to_owned())) {
            if forms.nom == forms.acc && forms.acc == forms.gen {
                if w.ends_with("ون") || w.ends_with("ان") {
                    return Some(Case::Nom);
                }
                // `-ين` is oblique: accusative or genitive, which the form cannot tell;
                // the words whose ending is the same in both are decided anyway
                // (see `invariant`), the others keep the model's ending.
                if w.ends_with("ين") {
                    return None;
                }
            }
        }
    }
    None
}

/// Whether the table ends `w` the same in every case (`ألفي`, `عشرين`, and `خمسمئة`,
/// whose case shows on `خمس` while `مئة` stays genitive): its ending is then decided by
/// the word itself, whatever the sentence's case.
pub fn invariant(w: &str) -> bool {
    let t = table();
    let w = if known(t, w) {
        w
    } else {
        w.strip_prefix('و').unwrap_or(w)
    };
    [Kind::Fixed, Kind::Noun, Kind::Scale, Kind::Dual]
        .iter()
        .any(|k| {
            t.get(&(*k, w.to_owned())).is_some_and(|f| {
                let end = |v: &str| v.chars().last();
                end(&f.nom) == end(&f.acc) && end(&f.acc) == end(&f.gen)
            })
        })
}

/// Whether the token reads a counted noun after it (its rule names one).
pub fn has_counted_noun(token: &Token) -> bool {
    token.rule.contains("noun ")
}

/// The diacritized words of a token's spoken form: one entry per word, `None` for a word
/// the table does not know. `construct_at_end` says the last word governs a noun after it.
pub fn vowel_words(words: &[&str], case: Case, construct_at_end: bool) -> Vec<Option<String>> {
    let t = table();
    let mut out = Vec::with_capacity(words.len());
    let mut after_unit = false;
    let mut after_number = false;
    // After a number from 11 to 99 the scale word is its counted noun, accusative
    // whatever the sentence's case (`بأربعة عشر ألفَ يورو`).
    let mut tamyiz = false;
    // After a hundred, a unit from three to ten, a dual in construct or another scale
    // word, a scale word with no conjunction is the second term of their construct,
    // genitive (`خمسمئة ألفِ`، `ثلاثة آلافِ`، `مئتي ألفِ`).
    let mut governs = false;
    for (i, w) in words.iter().enumerate() {
        // A conjunction or preposition the normalizer kept on the number (وخمسة، بإحدى).
        let (conj, w) = if known(t, w) {
            ("", *w)
        } else {
            [("و", "وَ"), ("ب", "بِ"), ("ل", "لِ"), ("ك", "كَ"), ("وب", "وَبِ")]
                .iter()
                .find_map(|(p, v)| w.strip_prefix(p).filter(|r| known(t, r)).map(|r| (*v, r)))
                .unwrap_or(("", *w))
        };
        let next = words.get(i + 1).copied();
        let teen_next = next.is_some_and(|n| n == "عشر" || n == "عشرة");
        let kind_order: &[Kind] = if after_unit && (w == "عشر" || w == "عشرة") {
            &[Kind::Teen]
        } else if teen_next {
            &[Kind::Unit, Kind::Noun, Kind::Scale, Kind::Fixed, Kind::Dual]
        } else {
            &[Kind::Noun, Kind::Scale, Kind::Fixed, Kind::Dual]
        };
        let word_case = if tamyiz {
            Case::Acc
        } else if governs && conj.is_empty() && t.contains_key(&(Kind::Scale, w.to_owned())) {
            Case::Gen
        } else {
            case
        };
        let mut found = None;
        for k in kind_order {
            if let Some(v) = lookup(t, *k, w, word_case) {
                found = Some((*k, v));
                break;
            }
        }
        after_unit = matches!(found, Some((Kind::Unit, _)));
        tamyiz = matches!(found, Some((Kind::Teen, _))) || is_tens(t, w);
        governs = (matches!(found, Some((Kind::Noun | Kind::Scale, _))) && !tamyiz)
            || is_construct_dual(t, w);
        let counted = after_number;
        after_number = found.is_some();
        let Some((kind, mut v)) = found else {
            out.push(None);
            continue;
        };
        // A known accusative reads the scale word alone, never the dual in construct
        // (that is nominative: `ألفا دينار`): `استقبل ألفًا وخمسمئة زائر`.
        if kind == Kind::Dual && (counted || case == Case::Acc) {
            v = alef_tanween(&v);
        }
        if matches!(kind, Kind::Noun | Kind::Scale) && !v.starts_with("ال") {
            // `سبعة فاصل ثمانية`: the decimal point is no counted noun.
            let construct = match next {
                Some(n) => !n.starts_with('و') && !n.starts_with('ب') && n != "فاصل",
                None => construct_at_end,
            };
            if !construct {
                v = with_tanween(&v, w.ends_with('ة'));
            }
        }
        out.push(Some(format!("{conj}{v}")));
    }
    out
}

/// Whether `w` is a ten (`عشرون`، `ثلاثين`): a fixed word ending in a nun with fatha, as
/// the sound plural does, where a dual's nun has kasra (`اثنين`، `ألفين`).
fn is_tens(t: &Table, w: &str) -> bool {
    t.get(&(Kind::Fixed, w.to_owned()))
        .is_some_and(|f| f.nom.ends_with("\u{0646}\u{064E}"))
}

/// Whether `w` is a dual in construct (`مئتي`، `ألفي`): a fixed word that with a nun
/// added is a dual, whose nun has kasra (`مئتين`), not a ten's fatha (`ثمانين`).
fn is_construct_dual(t: &Table, w: &str) -> bool {
    t.get(&(Kind::Fixed, format!("{w}\u{0646}")))
        .is_some_and(|f| f.nom.ends_with("\u{0646}\u{0650}"))
}

fn known(t: &Table, w: &str) -> bool {
    [
        Kind::Noun,
        Kind::Scale,
        Kind::Fixed,
        Kind::Unit,
        Kind::Teen,
        Kind::Dual,
    ]
    .iter()
    .any(|k| t.contains_key(&(*k, w.to_owned())))
        || w.strip_prefix("ال").is_some_and(|s| {
            t.contains_key(&(Kind::Fixed, s.to_owned()))
                || t.contains_key(&(Kind::Noun, s.to_owned()))
                || t.contains_key(&(Kind::Scale, s.to_owned()))
        })
}

/// The form of `w` for `case`, also with the article added to a listed word.
fn lookup(t: &Table, kind: Kind, w: &str, case: Case) -> Option<String> {
    let pick = |f: &Forms| match case {
        Case::Nom => f.nom.clone(),
        Case::Acc => f.acc.clone(),
        Case::Gen => f.gen.clone(),
    };
    if let Some(f) = t.get(&(kind, w.to_owned())) {
        return Some(pick(f));
    }
    let stem = w.strip_prefix("ال")?;
    if kind == Kind::Unit || kind == Kind::Teen {
        return None;
    }
    let f = t
        .get(&(Kind::Noun, stem.to_owned()))
        .or_else(|| t.get(&(Kind::Scale, stem.to_owned())))
        .or_else(|| t.get(&(Kind::Fixed, stem.to_owned())))?;
    Some(with_article(&pick(f)))
}

/// Sun letters take the article's lam into a shadda; moon letters keep it with a sukun.
fn with_article(stem: &str) -> String {
    let mut chars = stem.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    if "تثدذرزسشصضطظلن".contains(first) {
        format!("ال{first}\u{0651}{}", chars.as_str())
    } else {
        format!("الْ{stem}")
    }
}

/// `أَلْفَا` → `أَلْفًا`: the fatha before the final alef becomes the tanween it carries.
fn alef_tanween(v: &str) -> String {
    match v.strip_suffix("\u{064E}ا") {
        Some(stem) => format!("{stem}\u{064B}ا"),
        None => v.to_owned(),
    }
}

/// Turns the final short vowel into tanween (fathatan only on ta marbuta, whose alef
/// seat is not written).
fn with_tanween(v: &str, ta_marbuta: bool) -> String {
    let mut s = v.to_owned();
    match s.chars().last() {
        Some('\u{064F}') => {
            s.pop();
            s.push('\u{064C}');
        }
        Some('\u{0650}') => {
            s.pop();
            s.push('\u{064D}');
        }
        Some('\u{064E}') if ta_marbuta => {
            s.pop();
            s.push('\u{064B}');
        }
        _ => {}
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teens_are_built_on_fatha() {
        let v = vowel_words(&["اثنتا", "عشرة"], Case::Nom, true);
        assert_eq!(v, vec![Some("اثْنَتَا".into()), Some("عَشْرَةَ".into())]);
        let v = vowel_words(&["ثلاثة", "عشر"], Case::Gen, true);
        assert_eq!(v, vec![Some("ثَلَاثَةَ".into()), Some("عَشَرَ".into())]);
    }

    #[test]
    fn construct_and_tanween() {
        let v = vowel_words(&["ثلاثة"], Case::Nom, true);
        assert_eq!(v, vec![Some("ثَلَاثَةُ".into())]);
        let v = vowel_words(&["ألف", "وخمسمئة"], Case::Gen, true);
        assert_eq!(v, vec![Some("أَلْفٍ".into()), Some("وَخَمْسِمِئَةِ".into())]);
        let v = vowel_words(&["خمسة", "وعشرين"], Case::Acc, false);
        assert_eq!(v, vec![Some("خَمْسَةً".into()), Some("وَعِشْرِينَ".into())]);
        let v = vowel_words(&["خمسة", "بالمئة"], Case::Gen, false);
        assert_eq!(v, vec![Some("خَمْسَةٍ".into()), Some("بِالْمِئَةِ".into())]);
    }

    #[test]
    fn a_dual_spelling_after_a_number_is_the_counted_singular() {
        let v = vowel_words(&["اثنا", "عشر", "ألفا"], Case::Nom, false);
        assert_eq!(v[2].as_deref(), Some("أَلْفًا"));
        let v = vowel_words(&["ستين", "مليونا", "وسبعمئة", "ألف"], Case::Acc, true);
        assert_eq!(v[1].as_deref(), Some("مِلْيُونًا"));
        // Alone, it is two thousand in construct: `ألفا دينار`.
        let v = vowel_words(&["ألفا"], Case::Nom, true);
        assert_eq!(v, vec![Some("أَلْفَا".into())]);
    }

    #[test]
    fn a_scale_word_after_eleven_to_ninety_nine_is_accusative() {
        let v = vowel_words(&["أربعة", "عشر", "ألف"], Case::Gen, true);
        assert_eq!(v[2].as_deref(), Some("أَلْفَ"));
        let v = vowel_words(&["ثلاثة", "وعشرين", "ألف"], Case::Gen, true);
        assert_eq!(v[2].as_deref(), Some("أَلْفَ"));
        // After a unit from three to ten or a hundred it is genitive, whatever the case.
        let v = vowel_words(&["ثلاثة", "آلاف"], Case::Nom, true);
        assert_eq!(v[1].as_deref(), Some("آلَافِ"));
        let v = vowel_words(&["خمسمئة", "ألف"], Case::Nom, true);
        assert_eq!(v[1].as_deref(), Some("أَلْفِ"));
        // A conjunction starts a new term: `ألف وخمسمئة`.
        let v = vowel_words(&["ألف", "وخمسمئة"], Case::Nom, true);
        assert_eq!(v[1].as_deref(), Some("وَخَمْسُمِئَةِ"));
    }

    #[test]
    fn article_and_unknown_words() {
        let v = vowel_words(&["الحادي", "والعشرين"], Case::Gen, false);
        assert_eq!(v, vec![Some("الْحَادِي".into()), Some("وَالْعِشْرِينَ".into())]);
        let v = vowel_words(&["مارس"], Case::Gen, false);
        assert_eq!(v, vec![None]);
    }

    #[test]
    fn form_decides_when_the_rule_does_not() {
        assert_eq!(form_case(&["ألف", "وعشرون"]), Some(Case::Nom));
        // Oblique is accusative or genitive: the form does not tell which.
        assert_eq!(form_case(&["ألفين", "وأربعة"]), None);
        assert!(invariant("وعشرين") && invariant("خمسمئة") && !invariant("ألف"));
        assert_eq!(form_case(&["ثلاثة"]), None);
    }
}
