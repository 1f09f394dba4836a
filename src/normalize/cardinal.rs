//! Cardinal numbers: a whole number read in the form its sentence needs.
//!
//! The form depends on three things the caller decides from context: the gender of the
//! counted noun's singular (it drives the polarity of 3–10 and the agreement of 1–2), the
//! case (nominative or oblique: tens, duals and 12 show it in writing; a known accusative
//! also shows in a standing `واحدا`، `ألفا`), and whether
//! the counted noun follows directly (a dual or hundred then drops its nun: `مئتي جندي`).

/// Grammatical gender of a counted noun's singular.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    /// Masculine (`عام`، `شخص`، `دولار`).
    Masc,
    /// Feminine (`دولة`، `سنة`، `امرأة`).
    Fem,
}

impl Gender {
    /// Short label for `--explain`.
    pub fn label(self) -> &'static str {
        match self {
            Gender::Masc => "m",
            Gender::Fem => "f",
        }
    }
}

/// The case a number word shows in writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Case {
    /// `عشرون`، `اثنان`، `مئتان`.
    Nom,
    /// Accusative and genitive: `عشرين`، `اثنين`، `مئتين`; the broadcast default when
    /// nothing in the sentence tells which.
    Obl,
    /// Accusative, known from the sentence (a verb's object, كان's predicate): oblique in
    /// writing, and a `واحد` or scale word that is not in construct takes the tanween's
    /// alef (`سجل واحدا وعشرين هدفا`، `استقبل ألفا وخمسمئة زائر`).
    Acc,
}

impl Case {
    /// The case of words that carry no tanween (a definite number, a decimal's digits):
    /// the accusative shows no alef on them and is written as the oblique.
    pub fn without_tanween(self) -> Case {
        if self == Case::Acc {
            Case::Obl
        } else {
            self
        }
    }

    /// Short label for `--explain`.
    pub fn label(self) -> &'static str {
        match self {
            Case::Nom => "nominative",
            Case::Obl => "oblique",
            Case::Acc => "accusative",
        }
    }
}

/// How a cardinal is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Form {
    /// Gender of the counted noun's singular (masculine when there is none).
    pub gender: Gender,
    /// Case of the number.
    pub case: Case,
    /// The counted noun follows directly, so a final dual or hundred is in construct.
    pub construct: bool,
}

impl Form {
    /// The broadcast default: masculine, oblique, no noun.
    pub const DEFAULT: Form = Form {
        gender: Gender::Masc,
        case: Case::Obl,
        construct: false,
    };

    /// Masculine form in the given case.
    pub fn masc(case: Case) -> Form {
        Form {
            gender: Gender::Masc,
            case,
            construct: false,
        }
    }
}

/// The largest whole number read exactly; longer numbers are read digit by digit.
pub const LIMIT: u64 = 1_000_000_000_000_000;

/// Digit names used when a number is read digit by digit.
pub const DIGITS: [&str; 10] = [
    "صفر",
    "واحد",
    "اثنان",
    "ثلاثة",
    "أربعة",
    "خمسة",
    "ستة",
    "سبعة",
    "ثمانية",
    "تسعة",
];

/// Units 3..=10 in the form used with a masculine noun (the ة form).
const UNITS_WITH_MASC: [&str; 11] = [
    "",
    "",
    "",
    "ثلاثة",
    "أربعة",
    "خمسة",
    "ستة",
    "سبعة",
    "ثمانية",
    "تسعة",
    "عشرة",
];
/// Units 3..=10 in the form used with a feminine noun.
const UNITS_WITH_FEM: [&str; 11] = [
    "",
    "",
    "",
    "ثلاث",
    "أربع",
    "خمس",
    "ست",
    "سبع",
    "ثماني",
    "تسع",
    "عشر",
];
const TENS_NOM: [&str; 10] = [
    "",
    "",
    "عشرون",
    "ثلاثون",
    "أربعون",
    "خمسون",
    "ستون",
    "سبعون",
    "ثمانون",
    "تسعون",
];
const TENS_OBL: [&str; 10] = [
    "",
    "",
    "عشرين",
    "ثلاثين",
    "أربعين",
    "خمسين",
    "ستين",
    "سبعين",
    "ثمانين",
    "تسعين",
];
const HUNDREDS: [&str; 10] = [
    "",
    "مئة",
    "",
    "ثلاثمئة",
    "أربعمئة",
    "خمسمئة",
    "ستمئة",
    "سبعمئة",
    "ثمانمئة",
    "تسعمئة",
];

/// A scale word (ألف، مليون …) in its forms. All are masculine counted nouns.
struct Scale {
    value: u64,
    single: &'static str,
    acc: &'static str,
    dual_nom: &'static str,
    dual_obl: &'static str,
    plural: &'static str,
}

const SCALES: [Scale; 4] = [
    Scale {
        value: 1_000_000_000_000,
        single: "تريليون",
        acc: "تريليونا",
        dual_nom: "تريليونان",
        dual_obl: "تريليونين",
        plural: "تريليونات",
    },
    Scale {
        value: 1_000_000_000,
        single: "مليار",
        acc: "مليارا",
        dual_nom: "ملياران",
        dual_obl: "مليارين",
        plural: "مليارات",
    },
    Scale {
        value: 1_000_000,
        single: "مليون",
        acc: "مليونا",
        dual_nom: "مليونان",
        dual_obl: "مليونين",
        plural: "ملايين",
    },
    Scale {
        value: 1_000,
        single: "ألف",
        acc: "ألفا",
        dual_nom: "ألفان",
        dual_obl: "ألفين",
        plural: "آلاف",
    },
];

/// Joins number parts with an attached `و`.
fn join(mut parts: Vec<String>) -> String {
    if parts.len() == 1 {
        return parts.pop().unwrap_or_default();
    }
    let mut out = String::with_capacity(parts.iter().map(|p| p.len() + 3).sum());
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(" و");
        }
        out.push_str(p);
    }
    out
}

/// `1` in `form`: `واحدة` with a feminine noun, `واحدا` in the accusative (the
/// tanween's alef; the feminine's ة takes none).
fn one(form: Form) -> &'static str {
    match (form.gender, form.case) {
        (Gender::Fem, _) => "واحدة",
        (Gender::Masc, Case::Acc) => "واحدا",
        (Gender::Masc, _) => "واحد",
    }
}

/// Reads 1..=99 agreeing with a noun of `gender`, in `case`.
pub fn below_hundred(n: u64, form: Form) -> String {
    let fem = form.gender == Gender::Fem;
    let nom = form.case == Case::Nom;
    let u = (n % 10) as usize;
    let t = (n / 10) as usize;
    match n {
        0 => "صفر".into(),
        1 => one(form).into(),
        2 => match (fem, nom) {
            (false, true) => "اثنان",
            (false, false) => "اثنين",
            (true, true) => "اثنتان",
            (true, false) => "اثنتين",
        }
        .into(),
        3..=10 => (if fem {
            UNITS_WITH_FEM[n as usize]
        } else {
            UNITS_WITH_MASC[n as usize]
        })
        .into(),
        11 => (if fem {
            "إحدى عشرة"
        } else {
            "أحد عشر"
        })
        .into(),
        12 => match (fem, nom) {
            (false, true) => "اثنا عشر",
            (false, false) => "اثني عشر",
            (true, true) => "اثنتا عشرة",
            (true, false) => "اثنتي عشرة",
        }
        .into(),
        13..=19 => {
            if fem {
                format!("{} عشرة", UNITS_WITH_FEM[u])
            } else {
                format!("{} عشر", UNITS_WITH_MASC[u])
            }
        }
        _ => {
            let tens = if nom { TENS_NOM[t] } else { TENS_OBL[t] };
            if u == 0 {
                return tens.into();
            }
            let unit: String = match u {
                1 if fem => "إحدى".into(),
                1 => one(form).into(),
                2 => below_hundred(2, form),
                8 if fem => "ثمان".into(),
                _ => (if fem {
                    UNITS_WITH_FEM[u]
                } else {
                    UNITS_WITH_MASC[u]
                })
                .into(),
            };
            format!("{unit} و{tens}")
        }
    }
}

/// Reads 1..=999 agreeing with a noun of `form.gender`. With `form.construct`, a bare
/// 200 is `مئتا/مئتي` (its noun follows).
pub fn below_thousand(n: u64, form: Form) -> String {
    let h = n / 100;
    let r = n % 100;
    let mut parts = Vec::with_capacity(2);
    match h {
        0 => {}
        2 => {
            let nom = form.case == Case::Nom;
            let w = match (r == 0 && form.construct, nom) {
                (true, true) => "مئتا",
                (true, false) => "مئتي",
                (false, true) => "مئتان",
                (false, false) => "مئتين",
            };
            parts.push(w.to_string());
        }
        _ => parts.push(HUNDREDS[h as usize].to_string()),
    }
    if r > 0 {
        parts.push(below_hundred(r, form));
    }
    join(parts)
}

/// Reads a group count (1..=999) of a scale word together with the scale word, which
/// takes the form the count needs: `ألف`، `ألفان`، `ثلاثة آلاف`، `أحد عشر ألفا`،
/// `مئة ألف`. `last` with `form.construct` puts a dual in construct (`ألفي شخص`).
fn scale_group(g: u64, s: &Scale, form: Form, last: bool) -> String {
    let nom = form.case == Case::Nom;
    let r = g % 100;
    // The hundreds of a group are in construct with the scale word only when nothing
    // comes between them (`مئتا ألف`, but `مئتان وخمسة وسبعون ألفا`).
    let inner = Form {
        gender: Gender::Masc,
        case: form.case,
        construct: r == 0,
    };
    // A scale word that is itself followed by the counted noun loses its tanween:
    // `خمسة وسبعين مليون دولار`.
    let acc = if last && form.construct {
        s.single
    } else {
        s.acc
    };
    // A single scale word takes the tanween's alef only in a known accusative.
    let one = if form.case == Case::Acc {
        acc
    } else {
        s.single
    };
    match g {
        1 => one.to_string(),
        2 => {
            if last && form.construct {
                // Drop the nun: ألفا / ألفي before the noun.
                let d = if nom { s.dual_nom } else { s.dual_obl };
                let mut w = d.to_string();
                w.pop();
                w
            } else {
                (if nom { s.dual_nom } else { s.dual_obl }).to_string()
            }
        }
        3..=10 => format!("{} {}", below_hundred(g, inner), s.plural),
        11..=99 => format!("{} {acc}", below_hundred(g, inner)),
        _ => {
            let hundreds = below_thousand(g - r, inner);
            match r {
                0 => format!("{hundreds} {}", s.single),
                // `مئة ألف وألف`: the scale word is repeated so 101,000 cannot be
                // heard as 1,100.
                1 => format!("{hundreds} {} و{one}", s.single),
                2 => format!(
                    "{hundreds} {} و{}",
                    s.single,
                    if nom { s.dual_nom } else { s.dual_obl }
                ),
                3..=10 => format!("{hundreds} و{} {}", below_hundred(r, inner), s.plural),
                _ => format!("{hundreds} و{} {acc}", below_hundred(r, inner)),
            }
        }
    }
}

/// Reads a whole number below [`LIMIT`] in `form`. Zero is `صفر`.
pub fn cardinal(n: u64, form: Form) -> String {
    if n == 0 {
        return "صفر".into();
    }
    let mut parts: Vec<String> = Vec::with_capacity(5);
    let mut rest = n;
    for s in &SCALES {
        let g = rest / s.value;
        rest %= s.value;
        if g > 0 {
            parts.push(scale_group(g % 1000, s, form, rest == 0));
        }
    }
    if rest > 0 {
        parts.push(below_thousand(rest, form));
    }
    join(parts)
}

/// Reads ASCII digits one by one (`صفر خمسة …`).
pub fn digit_by_digit(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() * 8);
    for b in digits.bytes().filter(u8::is_ascii_digit) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(DIGITS[(b - b'0') as usize]);
    }
    out
}

/// How the counted noun after a number must be written: the part of the number that
/// decides it is its last two digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NounNumber {
    /// 1: singular, the number follows it (`دولار واحد`).
    One,
    /// 2: dual, alone (`دولاران`).
    Two,
    /// 3–10 (also `103`): plural genitive.
    Plural,
    /// 11–99 (also `125`): singular accusative (`دولارا`).
    Accusative,
    /// 100, 1000, 101 …: singular genitive.
    Genitive,
}

/// The form of the counted noun that `n` needs.
pub fn noun_number(n: u64) -> NounNumber {
    let r = n % 100;
    match (n, r) {
        (1, _) => NounNumber::One,
        (2, _) => NounNumber::Two,
        (_, 3..=10) => NounNumber::Plural,
        (_, 11..=99) => NounNumber::Accusative,
        _ => NounNumber::Genitive,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(n: u64) -> String {
        cardinal(n, Form::masc(Case::Nom))
    }

    #[test]
    fn the_accusative_writes_the_tanween_alef_where_it_shows() {
        let acc = |gender, construct| Form {
            gender,
            case: Case::Acc,
            construct,
        };
        let m = acc(Gender::Masc, false);
        assert_eq!(cardinal(1, m), "واحدا");
        assert_eq!(cardinal(51, m), "واحدا وخمسين");
        assert_eq!(cardinal(1000, m), "ألفا");
        assert_eq!(cardinal(1500, m), "ألفا وخمسمئة");
        assert_eq!(cardinal(1_000_001, m), "مليونا وواحدا");
        assert_eq!(cardinal(101_000, m), "مئة ألف وألفا");
        // Elsewhere as the oblique: a construct, the feminine, a count of a scale word.
        assert_eq!(cardinal(1000, acc(Gender::Masc, true)), "ألف");
        assert_eq!(cardinal(1500, acc(Gender::Masc, true)), "ألفا وخمسمئة");
        assert_eq!(cardinal(21, acc(Gender::Fem, true)), "إحدى وعشرين");
        assert_eq!(cardinal(1, acc(Gender::Fem, false)), "واحدة");
        assert_eq!(cardinal(3000, m), "ثلاثة آلاف");
        assert_eq!(cardinal(15_000, m), "خمسة عشر ألفا");
        assert_eq!(cardinal(2000, m), cardinal(2000, Form::DEFAULT));
    }

    #[test]
    fn basics() {
        assert_eq!(m(1991), "ألف وتسعمئة وواحد وتسعون");
        assert_eq!(cardinal(1991, Form::DEFAULT), "ألف وتسعمئة وواحد وتسعين");
        assert_eq!(m(6950), "ستة آلاف وتسعمئة وخمسون");
        assert_eq!(m(12480), "اثنا عشر ألفا وأربعمئة وثمانون");
        assert_eq!(m(200_000), "مئتا ألف");
        assert_eq!(m(2000), "ألفان");
        assert_eq!(m(101_000), "مئة ألف وألف");
        assert_eq!(m(3_000_000), "ثلاثة ملايين");
        assert!(!m(999_999_999_999_999).is_empty());
        let c = Form {
            gender: Gender::Masc,
            case: Case::Obl,
            construct: true,
        };
        assert_eq!(cardinal(2000, c), "ألفي");
        assert_eq!(cardinal(200, c), "مئتي");
        let f = Form {
            gender: Gender::Fem,
            case: Case::Nom,
            construct: false,
        };
        assert_eq!(cardinal(12, f), "اثنتا عشرة");
        assert_eq!(cardinal(103, f), "مئة وثلاث");
        assert_eq!(cardinal(28, f), "ثمان وعشرون");
        assert_eq!(cardinal(18, f), "ثماني عشرة");
    }
}
