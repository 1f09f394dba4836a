//! `rawi say`: one text to a WAV file.

use std::path::Path;

use super::make::load_voice;
use crate::audio::{self, Programme};
use crate::edition;
use crate::error::{Error, Result};
use crate::fsx::{self, OutputKind};
use crate::limits;
use crate::segment::{self, Boundary};
use crate::synth::Speaker;
use crate::voice;
use crate::{normalize, text};

/// Speaks `words` (or stdin) with `voice` into the WAV file `output`.
pub(crate) fn say(
    words: Vec<String>,
    output: &Path,
    voice: &str,
    lexicon: Option<&Path>,
) -> Result<i32> {
    let raw = if words.is_empty() {
        let mut s = String::new();
        // Capped like an article file: a stream that never ends must not fill the memory.
        std::io::Read::read_to_string(
            &mut std::io::Read::take(std::io::stdin(), limits::MAX_ARTICLE_BYTES + 1),
            &mut s,
        )
        .map_err(|e| Error::input("<stdin>", format!("cannot read: {e}")))?;
        if s.len() as u64 > limits::MAX_ARTICLE_BYTES {
            return Err(Error::input(
                "<stdin>",
                format!(
                    "is larger than the {} limit for a text; give a shorter text",
                    fsx::human_bytes(limits::MAX_ARTICLE_BYTES)
                ),
            ));
        }
        s
    } else {
        words.join(" ")
    };
    let cleaned = text::clean(&raw);
    if cleaned.trim().is_empty() {
        return Err(Error::input(
            "<text>",
            "is empty; give the text to speak as an argument or on stdin",
        ));
    }
    // The output is checked before the voice speaks: never a device, link or the lexicon.
    let inputs: Vec<&Path> = lexicon.into_iter().collect();
    fsx::check_output(output, OutputKind::File, &inputs)?;
    let voice = load_voice(voice, lexicon)?;
    let speaker = Speaker::open(&voice)?;
    // Sentences as in an edition: split, cut at the voice's length, written out; the
    // same limits on digits and speech length apply before the voice says a word.
    let mut pieces = Vec::new();
    for line in cleaned.lines().filter(|l| !l.trim().is_empty()) {
        for r in segment::split_text(line) {
            let sentence = &line[r];
            for c in segment::cut_long(sentence, voice.limits.max_chars) {
                let written = &sentence[c];
                let spoken = normalize::normalize(written);
                if spoken.text.chars().any(char::is_alphanumeric) {
                    pieces.push((written.to_owned(), spoken));
                }
            }
        }
    }
    edition::check_spoken(
        Path::new("<text>"),
        pieces
            .iter()
            .enumerate()
            .map(|(i, (w, s))| (i + 1, w.as_str(), s.text.as_str())),
    )?;
    // The voice is given the text its file asks for, as in a build.
    let written: Vec<String> = pieces.iter().map(|(w, _)| w.clone()).collect();
    let spoken: Vec<normalize::Spoken> = pieces.into_iter().map(|(_, s)| s).collect();
    let given: Vec<String> = match voice.text_form() {
        voice::TextForm::Diacritized => crate::diacritize::sentences(&spoken, &voice)
            .map_err(|e| Error::Synth {
                voice: voice.name.clone(),
                reason: e,
            })?
            .into_iter()
            .map(|d| d.voice)
            .collect(),
        voice::TextForm::Plain => spoken.into_iter().map(|s| s.text).collect(),
    };
    let mut clips = Vec::new();
    for (i, (text, written)) in given.iter().zip(&written).enumerate() {
        let at = edition::SentenceAt {
            path: Path::new("<text>"),
            id: i + 1,
            text: written,
        };
        let clip = edition::speak_clip(&speaker, text, voice.sample_rate, at)?;
        clips.push((clip, Boundary::Sentence));
    }
    if clips.is_empty() {
        return Err(Error::input(
            "<text>",
            "has nothing to say (only punctuation or symbols); give words to speak",
        ));
    }
    let pauses = voice::Pauses {
        lead_ms: 0,
        tail_ms: 0,
        ..voice.pauses.clone()
    };
    let prog = Programme::assemble(clips, voice.sample_rate, &pauses);
    crate::bundle::write_atomic(output, &audio::encode_wav(&prog.samples, prog.rate))?;
    crate::error::report(format_args!(
        "rawi: wrote {} ({:.1} s)",
        output.display(),
        prog.duration_ms() as f64 / 1000.0
    ));
    Ok(0)
}
