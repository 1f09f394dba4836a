//! `rawi say`: one text to a WAV file.

use std::path::Path;

use super::make::load_voice;
use crate::audio::{self, Programme};
use crate::edition;
use crate::error::{Error, Result};
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
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| Error::input("<stdin>", format!("cannot read: {e}")))?;
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
    let voice = load_voice(voice, lexicon)?;
    let speaker = Speaker::open(&voice)?;
    let mut clips = Vec::new();
    for line in cleaned.lines().filter(|l| !l.trim().is_empty()) {
        for r in segment::split_text(line) {
            let spoken = normalize::normalize(&line[r]);
            if !spoken.text.chars().any(char::is_alphanumeric) {
                continue;
            }
            let clip = edition::speak_clip(&speaker, &spoken.text, voice.sample_rate)?;
            clips.push((clip, Boundary::Sentence));
        }
    }
    let pauses = voice::Pauses {
        lead_ms: 0,
        tail_ms: 0,
        ..voice.pauses.clone()
    };
    let prog = Programme::assemble(&clips, voice.sample_rate, &pauses);
    crate::bundle::write_atomic(output, &audio::encode_wav(&prog.samples, prog.rate))?;
    eprintln!(
        "rawi: wrote {} ({:.1} s)",
        output.display(),
        prog.duration_ms() as f64 / 1000.0
    );
    Ok(0)
}
