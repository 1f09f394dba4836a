//! The phoneme inventory of Modern Standard Arabic and each phoneme's acoustic targets,
//! read from `data/phonemes.tsv`.

use std::sync::OnceLock;

/// One phoneme of MSA: 28 consonants and six vowels (three short, three long).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ph {
    /// ب
    B,
    /// ت
    T,
    /// ث
    Th,
    /// ج (an affricate in MSA news reading)
    J,
    /// ح, voiceless pharyngeal fricative
    Hp,
    /// خ, voiceless uvular fricative
    X,
    /// د
    D,
    /// ذ
    Dh,
    /// ر
    R,
    /// ز
    Z,
    /// س
    S,
    /// ش
    Sh,
    /// ص, emphatic s
    Se,
    /// ض, emphatic d
    De,
    /// ط, emphatic t
    Te,
    /// ظ, emphatic dh
    Ze,
    /// ع, voiced pharyngeal
    Ain,
    /// غ, voiced uvular fricative
    Gh,
    /// ف
    F,
    /// ق, uvular stop
    Q,
    /// ك
    K,
    /// ل
    L,
    /// م
    M,
    /// ن
    N,
    /// ه
    H,
    /// و as a consonant
    W,
    /// ي as a consonant
    Y,
    /// ء, glottal stop
    Glottal,
    /// short a
    A,
    /// short i
    I,
    /// short u
    U,
    /// long aa
    Aa,
    /// long ii
    Ii,
    /// long uu
    Uu,
}

/// Every phoneme, in the order of `data/phonemes.tsv`'s symbols below.
pub const ALL: [Ph; 34] = [
    Ph::A,
    Ph::I,
    Ph::U,
    Ph::Aa,
    Ph::Ii,
    Ph::Uu,
    Ph::B,
    Ph::T,
    Ph::D,
    Ph::Te,
    Ph::De,
    Ph::K,
    Ph::Q,
    Ph::Glottal,
    Ph::J,
    Ph::F,
    Ph::Th,
    Ph::Dh,
    Ph::Ze,
    Ph::S,
    Ph::Se,
    Ph::Z,
    Ph::Sh,
    Ph::X,
    Ph::Gh,
    Ph::Hp,
    Ph::Ain,
    Ph::H,
    Ph::M,
    Ph::N,
    Ph::L,
    Ph::R,
    Ph::W,
    Ph::Y,
];

impl Ph {
    /// The ASCII symbol used in golden files: IPA-like, capitals for emphatics and ħ.
    pub fn symbol(self) -> &'static str {
        match self {
            Ph::B => "b",
            Ph::T => "t",
            Ph::Th => "th",
            Ph::J => "j",
            Ph::Hp => "H",
            Ph::X => "x",
            Ph::D => "d",
            Ph::Dh => "dh",
            Ph::R => "r",
            Ph::Z => "z",
            Ph::S => "s",
            Ph::Sh => "sh",
            Ph::Se => "S",
            Ph::De => "D",
            Ph::Te => "T",
            Ph::Ze => "Z",
            Ph::Ain => "3",
            Ph::Gh => "gh",
            Ph::F => "f",
            Ph::Q => "q",
            Ph::K => "k",
            Ph::L => "l",
            Ph::M => "m",
            Ph::N => "n",
            Ph::H => "h",
            Ph::W => "w",
            Ph::Y => "y",
            Ph::Glottal => "?",
            Ph::A => "a",
            Ph::I => "i",
            Ph::U => "u",
            Ph::Aa => "aa",
            Ph::Ii => "ii",
            Ph::Uu => "uu",
        }
    }

    /// Whether this is a vowel (a syllable nucleus).
    pub fn is_vowel(self) -> bool {
        matches!(self, Ph::A | Ph::I | Ph::U | Ph::Aa | Ph::Ii | Ph::Uu)
    }

    /// Whether this is a long vowel.
    pub fn is_long(self) -> bool {
        matches!(self, Ph::Aa | Ph::Ii | Ph::Uu)
    }

    /// Whether the consonant backs neighbouring vowels (tafkhim): the emphatics, the
    /// uvulars ق خ غ.
    pub fn is_emphatic(self) -> bool {
        matches!(
            self,
            Ph::Se | Ph::De | Ph::Te | Ph::Ze | Ph::Q | Ph::X | Ph::Gh
        )
    }

    /// The "sun letters" that the article's l assimilates to.
    pub fn is_sun(self) -> bool {
        matches!(
            self,
            Ph::T
                | Ph::Th
                | Ph::D
                | Ph::Dh
                | Ph::R
                | Ph::Z
                | Ph::S
                | Ph::Sh
                | Ph::Se
                | Ph::De
                | Ph::Te
                | Ph::Ze
                | Ph::L
                | Ph::N
        )
    }
}

/// How a phoneme is made, which decides how it is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A vowel.
    Vowel,
    /// A plosive: closure, burst, then aspiration if voiceless.
    Stop,
    /// A fricative.
    Fric,
    /// An affricate: a short closure, then frication.
    Affr,
    /// A nasal.
    Nasal,
    /// The lateral l.
    Lat,
    /// The tap r.
    Tap,
    /// w or y.
    Glide,
    /// ء or ه: the mouth keeps the neighbouring vowel's shape.
    Glottal,
    /// ح or ع.
    Phar,
}

/// The acoustic targets of one phoneme (a row of `data/phonemes.tsv`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Acoustic {
    /// How it is made.
    pub kind: Kind,
    /// Whether the folds vibrate.
    pub voiced: bool,
    /// Base duration in milliseconds.
    pub dur_ms: f32,
    /// Formant frequencies F1..F3 in Hz; zeros mean "the neighbouring vowel's".
    pub formants: [f32; 3],
    /// Formant bandwidths in Hz.
    pub bandwidths: [f32; 3],
    /// Voicing amplitude 0..1.
    pub av: f32,
    /// Aspiration amplitude 0..1.
    pub ah: f32,
    /// Frication amplitude 0..1.
    pub af: f32,
    /// Two frication resonators: (frequency, bandwidth, gain).
    pub fric: [(f32, f32, f32); 2],
    /// Flat frication gain.
    pub bypass: f32,
    /// Nasal zero frequency, 0 for oral sounds.
    pub nasal_zero: f32,
    /// How firmly the sound holds its formants against a neighbour (vowels 1): the
    /// boundary between two sounds is the mean of their targets weighted by this.
    pub weight: f32,
}

const TABLE: &str = include_str!("data/phonemes.tsv");

/// The acoustic targets of a phoneme.
pub fn acoustic(p: Ph) -> Acoustic {
    static PARSED: OnceLock<Vec<(Ph, Acoustic)>> = OnceLock::new();
    let rows = PARSED.get_or_init(|| parse(TABLE));
    rows.iter()
        .find(|(q, _)| *q == p)
        .map(|(_, a)| *a)
        // Every phoneme has a row (a unit test checks it); a neutral vowel is the fallback
        // that keeps synthesis going rather than panicking.
        .unwrap_or(Acoustic {
            kind: Kind::Vowel,
            voiced: true,
            dur_ms: 80.0,
            formants: [500.0, 1500.0, 2500.0],
            bandwidths: [80.0, 100.0, 150.0],
            av: 1.0,
            ah: 0.0,
            af: 0.0,
            fric: [(0.0, 0.0, 0.0); 2],
            bypass: 0.0,
            nasal_zero: 0.0,
            weight: 1.0,
        })
}

fn parse(text: &str) -> Vec<(Ph, Acoustic)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() < 22 {
            continue;
        }
        let Some(p) = ALL.iter().copied().find(|p| p.symbol() == cols[0]) else {
            continue;
        };
        let kind = match cols[1] {
            "vowel" => Kind::Vowel,
            "stop" => Kind::Stop,
            "fric" => Kind::Fric,
            "affr" => Kind::Affr,
            "nasal" => Kind::Nasal,
            "lat" => Kind::Lat,
            "tap" => Kind::Tap,
            "glide" => Kind::Glide,
            "glottal" => Kind::Glottal,
            "phar" => Kind::Phar,
            _ => continue,
        };
        let n: Vec<f32> = cols[2..].iter().map(|c| c.parse().unwrap_or(0.0)).collect();
        out.push((
            p,
            Acoustic {
                kind,
                voiced: n[0] > 0.5,
                dur_ms: n[1],
                formants: [n[2], n[3], n[4]],
                bandwidths: [n[5], n[6], n[7]],
                av: n[8],
                ah: n[9],
                af: n[10],
                fric: [(n[11], n[12], n[13]), (n[14], n[15], n[16])],
                bypass: n[17],
                nasal_zero: n[18],
                weight: n[19].max(0.0),
            },
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phoneme_has_a_row() {
        let rows = parse(TABLE);
        for p in ALL {
            assert!(rows.iter().any(|(q, _)| *q == p), "{p:?} has no row");
        }
        assert_eq!(rows.len(), ALL.len());
    }
}
