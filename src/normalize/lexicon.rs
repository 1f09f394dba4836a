//! The language facts the normalizer needs, loaded once from the data files compiled in.
//!
//! Facts live in `data/*.tsv` so that a linguist can correct them without touching code;
//! each table is parsed on first use into hash maps and kept for the life of the process.

use super::cardinal::Gender;
use std::collections::{HashMap as StdHashMap, HashSet as StdHashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// A small fast hasher for the lexicon tables: keys are short words looked up on
/// every token, and the tables are fixed data, so flooding resistance is not needed.
#[derive(Default, Clone, Copy)]
pub struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
        self.0 = h;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type Build = BuildHasherDefault<WordHasher>;
/// A hash map keyed by words.
pub type HashMap<K, V> = StdHashMap<K, V, Build>;
/// A hash set of words.
pub type HashSet<K> = StdHashSet<K, Build>;

/// Lines of a TSV data file that are not blank or comments, split on tabs.
fn rows(src: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    src.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
}

fn gender(s: &str) -> Gender {
    if s.trim() == "f" {
        Gender::Fem
    } else {
        Gender::Masc
    }
}

/// A noun's forms for writing it after a number (used for symbols and units).
#[derive(Debug, Clone)]
pub struct NounForms {
    /// Singular (genitive after 100, 1000 …): `دولار`.
    pub singular: &'static str,
    /// Singular accusative after 11–99: `دولارا`.
    pub accusative: &'static str,
    /// Dual nominative: `دولاران`.
    pub dual_nom: &'static str,
    /// Dual oblique: `دولارين`.
    pub dual_obl: &'static str,
    /// Plural after 3–10: `دولارات`.
    pub plural: &'static str,
    /// Gender of the singular.
    pub gender: Gender,
}

/// What a unit or currency symbol is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// A currency.
    Money,
    /// A unit of measure.
    Measure,
}

/// A symbol or abbreviation standing for a counted noun.
#[derive(Debug, Clone)]
pub struct Unit {
    /// The noun it stands for.
    pub forms: NounForms,
    /// Currency or measure.
    pub kind: UnitKind,
    /// May be written before the number (`$50`).
    pub before: bool,
    /// May be written after the number (`50 كم`).
    pub after: bool,
    /// The row naming the currency's hundredth, if it has one.
    pub sub: Option<&'static str>,
}

/// All units, by their written form.
pub fn units() -> &'static HashMap<&'static str, Unit> {
    static T: OnceLock<HashMap<&'static str, Unit>> = OnceLock::new();
    T.get_or_init(|| {
        rows(include_str!("data/units.tsv"))
            .filter(|r| r.len() >= 9)
            .map(|r| {
                (
                    r[0],
                    Unit {
                        forms: NounForms {
                            singular: r[1],
                            accusative: r[2],
                            dual_nom: r[3],
                            dual_obl: r[4],
                            plural: r[5],
                            gender: gender(r[6]),
                        },
                        kind: if r[7] == "money" {
                            UnitKind::Money
                        } else {
                            UnitKind::Measure
                        },
                        before: r[7] != "sub" && (r[8] == "before" || r[8] == "both"),
                        after: r[7] != "sub" && (r[8] == "after" || r[8] == "both"),
                        sub: r.get(9).map(|s| s.trim()).filter(|s| !s.is_empty()),
                    },
                )
            })
            .collect()
    })
}

/// The hundredth of a currency unit (`سنت` for the dollar), if the table has one.
pub fn subunit(u: &Unit) -> Option<&'static Unit> {
    units().get(u.sub?)
}

/// Calendar a month name belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calendar {
    /// يناير …
    Gregorian,
    /// كانون الثاني …
    Levantine,
    /// محرم …
    Hijri,
}

/// A month name.
#[derive(Debug, Clone, Copy)]
pub struct Month {
    /// 1..=12.
    pub number: u8,
    /// Its calendar.
    pub calendar: Calendar,
    /// How it is said after من or a governing noun, where that differs from the
    /// written name (`ذو القعدة` → `ذي القعدة`).
    pub genitive: Option<&'static str>,
}

/// Month names (one- and two-word), by name.
pub fn months() -> &'static HashMap<&'static str, Month> {
    static T: OnceLock<HashMap<&'static str, Month>> = OnceLock::new();
    T.get_or_init(|| {
        rows(include_str!("data/months.tsv"))
            .filter(|r| r.len() >= 3)
            .filter_map(|r| {
                let number = r[1].parse().ok()?;
                let calendar = match r[2] {
                    "l" => Calendar::Levantine,
                    "h" => Calendar::Hijri,
                    _ => Calendar::Gregorian,
                };
                let genitive = r.get(3).map(|g| g.trim()).filter(|g| !g.is_empty());
                Some((
                    r[0],
                    Month {
                        number,
                        calendar,
                        genitive,
                    },
                ))
            })
            .collect()
    })
}

/// The Hijri month name used when a numeric date is marked هـ.
pub fn hijri_name(m: u8) -> Option<&'static str> {
    const N: [&str; 12] = [
        "محرم",
        "صفر",
        "ربيع الأول",
        "ربيع الآخر",
        "جمادى الأولى",
        "جمادى الآخرة",
        "رجب",
        "شعبان",
        "رمضان",
        "شوال",
        "ذي القعدة",
        "ذي الحجة",
    ];
    N.get((m as usize).checked_sub(1)?).copied()
}

/// The Gregorian month name used when a date is written with digits only.
pub fn gregorian_name(m: u8) -> Option<&'static str> {
    const N: [&str; 12] = [
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ];
    N.get((m as usize).checked_sub(1)?).copied()
}

/// What a word before a number says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Preposition or genitive-taking word.
    Oblique,
    /// Verb whose subject the number is.
    Nominative,
    /// The number is a year.
    Year,
    /// The number is an hour.
    Time,
    /// Ordinal after a noun of this gender.
    Ordinal(Gender),
    /// A telephone word: the number is dialled, digit by digit.
    Phone,
    /// A verb whose object the number is (`بلغ`، `يضم`): accusative, oblique in writing;
    /// a noun with a pronoun after it is its subject (`بلغ عددهم 45`).
    Object,
    /// A word after which the number is a postponed subject (`من بينها`، `منهم`، `هناك`):
    /// nominative, whatever governs the word itself.
    Subject,
    /// A noun carrying a pronoun whose predicate the number is (`قدره`، `مجموعه`،
    /// `معدله`): nominative, unless a verb before makes the noun its subject.
    Predicate,
    /// `كان` and its sisters: a number right after is their subject (nominative); one
    /// after their subject is their predicate (accusative).
    Kana,
    /// A document noun (`القانون`، `المرسوم`، `الملف`): the number names it, so
    /// `43.22` or `12-81` is an identifier, never a decimal or a range.
    Document,
    /// A day word (`يوم`، `أيام`، `يومي`): a number up to 31 after it is a day of the
    /// month, a masculine ordinal (`أيام 3، 10` → الثالث، العاشر).
    Day,
}

struct Context {
    roles: HashMap<&'static str, Role>,
    sport: HashSet<&'static str>,
    vos: HashSet<&'static str>,
    adverbs: HashSet<&'static str>,
    slips: HashSet<&'static str>,
    understood: HashSet<&'static str>,
    totals: HashSet<&'static str>,
    places: HashSet<&'static str>,
}

fn context() -> &'static Context {
    static T: OnceLock<Context> = OnceLock::new();
    T.get_or_init(|| {
        let mut roles = HashMap::default();
        let mut sport = HashSet::default();
        let mut vos = HashSet::default();
        let mut adverbs = HashSet::default();
        let mut slips = HashSet::default();
        let mut understood = HashSet::default();
        let mut totals = HashSet::default();
        let mut places = HashSet::default();
        for r in rows(include_str!("data/context.tsv")).filter(|r| r.len() >= 2) {
            // Word lists that are no role: each category fills its own set.
            let set = match r[1] {
                "sport" => Some(&mut sport),
                "adv" => Some(&mut adverbs),
                "slip" => Some(&mut slips),
                "adjf" => Some(&mut understood),
                "total" => Some(&mut totals),
                "place" => Some(&mut places),
                _ => None,
            };
            if let Some(set) = set {
                set.insert(r[0]);
                continue;
            }
            let role = match r[1] {
                "obl" => Role::Oblique,
                "nom" => Role::Nominative,
                "year" => Role::Year,
                "time" => Role::Time,
                "phone" => Role::Phone,
                "doc" => Role::Document,
                "day" => Role::Day,
                "objv" => Role::Object,
                "subj" => Role::Subject,
                "pred" => Role::Predicate,
                "kana" => Role::Kana,
                "vos" => {
                    vos.insert(r[0]);
                    Role::Nominative
                }
                "ordm" => Role::Ordinal(Gender::Masc),
                "ordf" => Role::Ordinal(Gender::Fem),
                _ => continue,
            };
            roles.entry(r[0]).or_insert(role);
        }
        Context {
            roles,
            sport,
            vos,
            adverbs,
            slips,
            understood,
            totals,
            places,
        }
    })
}

/// Removes short vowels, tanween, shadda, sukun, dagger alif and tatweel, which news
/// text writes now and then (`عاماً`، `قُتل`); borrowed when there are none.
pub fn undiacritize(word: &str) -> std::borrow::Cow<'_, str> {
    let marked = |c: char| ('\u{64B}'..='\u{652}').contains(&c) || c == '\u{670}' || c == '\u{640}';
    // Every mark is D9 followed by 80, 8B–92 or B0 in UTF-8: a byte scan answers the
    // usual "none" without decoding characters (this runs on every lookup).
    let any_mark = word
        .as_bytes()
        .windows(2)
        .any(|p| p[0] == 0xD9 && matches!(p[1], 0x80 | 0x8B..=0x92 | 0xB0));
    if any_mark && word.chars().any(marked) {
        std::borrow::Cow::Owned(word.chars().filter(|&c| !marked(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(word)
    }
}

/// The role of the word before a number, if it has one.
pub fn role(word: &str) -> Option<Role> {
    context().roles.get(undiacritize(word).as_ref()).copied()
}

/// Whether `word` is a verb whose object usually stands between it and its counted
/// subject (`حضر الاجتماع 45 وزيرا`).
pub fn is_vos(word: &str) -> bool {
    context().vos.contains(undiacritize(word).as_ref())
}

/// Whether `word` is an adverb that may stand between a verb and its subject and
/// decides nothing itself (`حاليا`، `مؤقتا`).
pub fn is_adverb(word: &str) -> bool {
    context().adverbs.contains(undiacritize(word).as_ref())
}

/// Whether `word` is a feminine singular the press writes after 3–10 by a slip of the
/// pen (`ب10 سنة`), whose gender still decides the number's.
pub fn is_slip_singular(word: &str) -> bool {
    context().slips.contains(undiacritize(word).as_ref())
}

/// Whether `word` may follow a coordinated number whose noun is understood from the
/// number before it (`5 ميداليات ذهبية و3 أخرى`، `و4 فضية`): a listed word, or a nisba
/// adjective (ـي، ـية and their plurals).
pub fn leaves_noun_understood(word: &str) -> bool {
    let w = undiacritize(word);
    context().understood.contains(w.as_ref())
        || ["ية", "يات", "يون", "يين"].iter().any(|e| w.ends_with(e)) && w.chars().count() > 3
}

/// Whether `word` (without its article) is a noun of a total or a measure that, opening
/// a clause with no verb, makes the number after it its predicate (`المجموع 250`،
/// `عدد الضحايا 30`، `درجة الحرارة 48 درجة`).
pub fn is_total_noun(word: &str) -> bool {
    context().totals.contains(word)
}

/// Whether `word` is a preposition that fronts a place before a postponed subject
/// (`وفي القائمة 25 اسما`).
pub fn is_place_preposition(word: &str) -> bool {
    context().places.contains(word)
}

/// The value of a scale word written after a number (`ألف` → 1000, `ملايير` → 10⁹),
/// diacritics ignored.
pub fn scale(word: &str) -> Option<u64> {
    static T: OnceLock<HashMap<&'static str, u64>> = OnceLock::new();
    let t = T.get_or_init(|| {
        rows(include_str!("data/scales.tsv"))
            .filter(|r| r.len() >= 2)
            .filter_map(|r| Some((r[0], 10u64.checked_pow(r[1].trim().parse().ok()?)?)))
            .collect()
    });
    t.get(undiacritize(word).as_ref()).copied()
}

/// Whether `word` marks a sports context (so `3-1` is a score).
pub fn is_sport(word: &str) -> bool {
    context().sport.contains(word)
}

/// An entry of the noun lexicon.
#[derive(Debug, Clone, Copy)]
pub struct Noun {
    /// The singular.
    pub singular: &'static str,
    /// Gender of the singular.
    pub gender: Gender,
}

/// Which form of a noun a written word is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Number {
    /// Singular (also the accusative with alif).
    Singular,
    /// Dual.
    Dual,
    /// Plural.
    Plural,
}

/// Every written form of every noun in the lexicon, mapped to its entry.
fn noun_forms() -> &'static HashMap<String, (Noun, Number)> {
    static T: OnceLock<HashMap<String, (Noun, Number)>> = OnceLock::new();
    T.get_or_init(|| {
        let mut map = HashMap::with_capacity_and_hasher(8192, Build::default());
        for r in rows(include_str!("data/nouns.tsv")).filter(|r| r.len() >= 3) {
            let noun = Noun {
                singular: r[0],
                gender: gender(r[2]),
            };
            let s = r[0];
            map.entry(s.to_string()).or_insert((noun, Number::Singular));
            let (acc, dual) = match s.strip_suffix('ة') {
                Some(stem) => (s.to_string(), format!("{stem}ت")),
                None if s.ends_with('ى') || s.ends_with('ا') || s.ends_with('ء') => {
                    (s.to_string(), s.to_string())
                }
                None => (format!("{s}ا"), s.to_string()),
            };
            map.entry(acc).or_insert((noun, Number::Singular));
            for d in ["ان", "ين"] {
                map.entry(format!("{dual}{d}"))
                    .or_insert((noun, Number::Dual));
            }
            for p in r[1].split('|').map(str::trim).filter(|p| !p.is_empty()) {
                map.entry(p.to_string()).or_insert((noun, Number::Plural));
            }
        }
        map
    })
}

/// The noun a unit or currency symbol stands for, written out (`دينار`، `كيلوغرام`،
/// `دولارات`): `Some(true)` for a currency counted in hundredths everywhere it is used
/// (`دولار`: cents), `Some(false)` for other units and for currencies with thousandths
/// somewhere (`دينار`: the Tunisian dinar's millimes), `None` for any other word. Such a
/// noun takes a fraction (`1.200 دينار` is a dinar and 200 millimes), but no currency
/// counted in hundredths is written with three decimals (`2.500 دولار` is 2500).
pub fn unit_noun(word: &str) -> Option<bool> {
    static T: OnceLock<HashMap<&'static str, bool>> = OnceLock::new();
    T.get_or_init(|| {
        let mut map: HashMap<&'static str, bool> = HashMap::default();
        for u in units().values() {
            let f = &u.forms;
            let hundredths = u.kind == UnitKind::Money && u.sub.is_some();
            for form in [f.singular, f.accusative, f.plural] {
                if let Some(w) = form.split(' ').next() {
                    let e = map.entry(w).or_insert(hundredths);
                    *e &= hundredths;
                }
            }
        }
        map
    })
    .get(word)
    .copied()
}

/// Looks a counted noun up: the lexicon first, then fallbacks by its shape.
/// Returns the noun's singular gender, its number, and how it was decided.
pub fn counted_noun(word: &str) -> Option<(Gender, Number, &'static str)> {
    let word = undiacritize(word);
    let word = word.as_ref();
    let forms = noun_forms();
    if let Some((n, num)) = forms.get(word) {
        return Some((n.gender, *num, n.singular));
    }
    // Fallbacks by shape, for nouns the lexicon lacks. A counted noun is indefinite and
    // bare: a word with the article or a glued preposition (`بالمائة`) is none; nor is a
    // unit over a period (`كم/ساعة`, whose ساعة is not what is counted).
    if ["ال", "بال", "لل", "وال", "كال", "فال"]
        .iter()
        .any(|p| word.starts_with(p))
        || word.contains('/')
    {
        return None;
    }
    // Nor is a known noun behind a glued preposition (`في 2019 لمدة يومين`, `بمدينة`): a
    // counted noun never takes one, so the number is not counting it.
    // Nor a known noun behind the conjunction و (`مصرع 11 وإصابة 30 آخرين`): the next
    // item of a list, the number's own noun left unsaid. A noun spelled with و (`وفاة`،
    // `وحدة`) was found whole above.
    if let Some(rest) = ['ب', 'ل', 'ك', 'و']
        .iter()
        .find_map(|p| word.strip_prefix(*p))
    {
        if rest.chars().count() >= 2 && forms.contains_key(rest) {
            return None;
        }
    }
    if let Some(stem) = word.strip_suffix("ات") {
        if stem.chars().count() >= 2 {
            // A sound feminine plural: its singular is usually stem+ة (طالبات →
            // طالبة); a masculine noun may take it too (اجتماعات → اجتماع), but not a
            // noun of persons with a sound masculine plural (طالب → طالبون), whose
            // ـات plural is that of its feminine.
            let mut fem = String::with_capacity(stem.len() + 2);
            fem.push_str(stem);
            fem.push('ة');
            if let Some((n, _)) = forms.get(fem.as_str()) {
                return Some((n.gender, Number::Plural, n.singular));
            }
            if let Some((n, _)) = forms.get(stem) {
                let mut sound = String::with_capacity(stem.len() + 4);
                sound.push_str(stem);
                sound.push_str("ين");
                let person = forms
                    .get(sound.as_str())
                    .is_some_and(|(m, num)| m.singular == n.singular && *num == Number::Plural);
                if !person && n.gender == Gender::Masc {
                    return Some((n.gender, Number::Plural, n.singular));
                }
            }
            return Some((Gender::Fem, Number::Plural, "ـة (fallback)"));
        }
    }
    if word.ends_with('ة') && word.chars().count() >= 3 {
        return Some((Gender::Fem, Number::Singular, "ـة (fallback)"));
    }
    None
}

/// Whether `word` is a noun the lexicon knows (in any form).
pub fn is_known_noun(word: &str) -> bool {
    noun_forms().contains_key(undiacritize(word).as_ref())
}

/// Abbreviations: written form → (spoken form, where it applies).
pub fn abbreviations() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static T: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    T.get_or_init(|| {
        rows(include_str!("data/abbreviations.tsv"))
            .filter(|r| r.len() >= 3)
            .map(|r| (r[0], (r[1], r[2])))
            .collect()
    })
}

/// Singulars of the nouns marked as currencies in the noun lexicon.
fn currencies() -> &'static HashSet<&'static str> {
    static T: OnceLock<HashSet<&'static str>> = OnceLock::new();
    T.get_or_init(|| {
        rows(include_str!("data/nouns.tsv"))
            .filter(|r| r.get(3).is_some_and(|k| k.trim() == "cur"))
            .map(|r| r[0])
            .collect()
    })
}

/// Whether a noun (by its singular) is a currency.
pub fn is_currency(singular: &str) -> bool {
    currencies().contains(singular)
}

/// The spoken form of a period written after a slash (`م3/يوم` → `يوميا`).
pub fn per_unit(word: &str) -> Option<&'static str> {
    static T: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    T.get_or_init(|| {
        rows(include_str!("data/per.tsv"))
            .filter(|r| r.len() >= 2)
            .map(|r| (r[0], r[1]))
            .collect()
    })
    .get(word)
    .copied()
}

/// One row of the Latin lexicon: how a letter, acronym, term or unit is said.
pub fn latin(word: &str) -> Option<&'static str> {
    // The entries, and the length of the longest: a longer word (a run of Latin text
    // the length of a line) is answered without hashing it.
    static T: OnceLock<(HashMap<&'static str, &'static str>, usize)> = OnceLock::new();
    let (map, longest) = T.get_or_init(|| {
        let map: HashMap<&'static str, &'static str> = rows(include_str!("data/latin.tsv"))
            .filter(|r| r.len() >= 2)
            .map(|r| (r[0], r[1]))
            .collect();
        let longest = map.keys().map(|k| k.len()).max().unwrap_or(0);
        (map, longest)
    });
    if word.len() > *longest {
        return None;
    }
    map.get(word).copied()
}

/// Whether a word before two numbers makes them a score (`تعادلا 2/2`، `بنتيجة 1-1`).
pub fn is_score_word(word: &str) -> bool {
    let w = undiacritize(word);
    w.starts_with("تعادل")
        || matches!(
            w.as_ref(),
            "بنتيجة"
                | "نتيجة"
                | "النتيجة"
                | "بنتيجه"
                | "فاز"
                | "فازت"
                | "فوز"
                | "بفوز"
                | "انتصر"
                | "هزم"
                | "خسر"
                | "بحصة"
                | "بهدفين"
                | "النهائية"
        )
}
