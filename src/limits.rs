//! Every limit rawi enforces, in one place: what a hostile or mistaken input may cost.
//!
//! The policy: each input is read through a size cap; the speech an article asks for is
//! estimated before any synthesis and refused when it would be absurd; a voice's output and
//! settings are bounded; the worker pool is bounded. A limit that is hit is a clear one-line
//! error naming the file (and sentence) and what to do, never a hang, a panic or a machine
//! out of memory. The README's "Limits" table lists these constants; keep them in step.

/// Largest article file, in bytes (8 MiB: a long feature is well under 200 KB).
pub const MAX_ARTICLE_BYTES: u64 = 8 * 1024 * 1024;

/// Largest `--cover` image, in bytes (Apple asks for at most 512 KB; room for PNGs).
pub const MAX_COVER_BYTES: u64 = 16 * 1024 * 1024;

/// Largest published feed read as `--previous` (a feed of thousands of items is a few
/// MiB).
pub const MAX_FEED_BYTES: u64 = 64 * 1024 * 1024;

/// Largest `--intro`, `--outro` or `--bed` sound file read (a regular file; its decoded
/// audio is bounded by [`MAX_VOICE_CLIP_S`] too).
pub const MAX_SOUND_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Longest side of a `--cover` image, in pixels (Apple asks for 1400 to 3000; a header
/// claiming more is damage, or a decompression bomb for whoever shows it).
pub const MAX_COVER_SIDE_PX: u32 = 16_384;

/// Largest pronunciation lexicon (`--lexicon`), in bytes.
pub const MAX_LEXICON_BYTES: u64 = 64 * 1024 * 1024;

/// Largest voice file (TOML), in bytes: a voice file is a few dozen lines.
pub const MAX_VOICE_FILE_BYTES: u64 = 1024 * 1024;

/// Largest `ca_file` of an http voice, in bytes (Mozilla's whole root store as PEM is
/// about 220 KB).
pub const MAX_CA_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Longest line read from stdin by `normalize` and `diacritize`, in bytes (a paragraph
/// is a few KB; the cap is on one line, so a stream of any length is read in bounded
/// memory, and `/dev/zero` is refused at its first MiB).
pub const MAX_STDIN_LINE_BYTES: usize = 1024 * 1024;

/// Largest bundle (zip) `verify` and `podcast --merge` open, in bytes.
pub const MAX_BUNDLE_FILE_BYTES: u64 = 8 * 1024 * 1024 * 1024;

/// Longest run of digits in one sentence. The normalizer reads a long run digit by digit
/// (about one second each); beyond this it is not a number anyone wants read aloud, and a
/// 100 KB run would make a day of audio.
pub const MAX_DIGIT_RUN: usize = 64;

/// Longest spoken form of one sentence, in characters (after numbers and abbreviations are
/// written out). At [`FAST_SPEECH_CHARS_PER_S`] this is [`MAX_SENTENCE_AUDIO_S`] of speech.
pub const MAX_SENTENCE_SPOKEN_CHARS: usize =
    (MAX_SENTENCE_AUDIO_S * FAST_SPEECH_CHARS_PER_S) as usize;

/// Longest clip one sentence may give, in seconds (three minutes; a news sentence takes
/// five to twenty seconds). A longer clip is an error for that sentence.
pub const MAX_SENTENCE_AUDIO_S: f64 = 180.0;

/// Longest edition, in seconds of audio (six hours). Checked before synthesis from the
/// spoken text, and counted while the clips arrive. An edition's audio is kept on disk
/// while it is made (its memory no longer grows with its length), so the bound is the
/// files': the audio member of a 16-bit WAV edition at 48 kHz, the highest rate voices
/// use, stays under the 2 GiB a bundle member may have for `rawi verify` (and so under
/// WAV's 4 GiB), and the temporary files stay a few GB.
pub const MAX_ARTICLE_AUDIO_S: f64 = 6.0 * 3600.0;

/// A speaking rate faster than any voice reads Arabic news (characters of spoken text per
/// second). Estimates made with it are lower bounds on the audio's length, so refusing on
/// them never refuses an article that would have fitted.
pub const FAST_SPEECH_CHARS_PER_S: f64 = 25.0;

/// Most sentences a bundle's manifest may list for `verify`. An edition is at most
/// [`MAX_ARTICLE_AUDIO_S`] long; 50 000 sentences in six hours would be 0.43 s each,
/// shorter than any sentence with its pause. A larger list is refused unread.
pub const MAX_MANIFEST_SENTENCES: usize = 50_000;

/// A speaking rate slower than any voice reads news at, even slowed down (characters of
/// spoken text per second). A clip longer than its text at this pace is the voice's
/// fault; a shorter one that is still too long is the sentence's.
pub const SLOW_SPEECH_CHARS_PER_S: f64 = 5.0;

/// Longest a voice may take to read one symbol left in the spoken text (`$`, `@`, `#`…:
/// voices read them by name), in seconds. With [`SLOW_SPEECH_CHARS_PER_S`] it bounds
/// how long honest speech of a text may be, to tell a sentence too long to say from a
/// voice too slow.
pub const SLOWEST_SYMBOL_S: f64 = 1.0;

/// Longest answer a voice may give for one request, in seconds, decoded (15 minutes: the
/// longest sentence at [`SLOW_SPEECH_CHARS_PER_S`]). Decoding stops there, so a runaway
/// stream never becomes hours of samples; the clip is still held to
/// [`MAX_SENTENCE_AUDIO_S`] after.
pub const MAX_VOICE_CLIP_S: f64 = MAX_SENTENCE_SPOKEN_CHARS as f64 / SLOW_SPEECH_CHARS_PER_S;

/// Most worker threads (`-j`).
pub const MAX_JOBS: usize = 256;

/// Most retries of a failed sentence a voice may ask for (`[limits] retries`).
pub const MAX_RETRIES: u32 = 10;

/// Longest time a voice may take for one sentence (`[limits] timeout_s`), in seconds.
pub const MAX_VOICE_TIMEOUT_S: f64 = 3600.0;

/// Most bytes a voice program or server may return for one sentence (stdout, or an HTTP
/// body): three minutes of 48 kHz 32-bit stereo WAV is about 70 MB.
pub const MAX_VOICE_OUTPUT_BYTES: u64 = 128 * 1024 * 1024;

/// How far one voice answer grows in memory on the shared pool alone, in bytes (16 MiB:
/// three minutes of 22 050 Hz 16-bit mono WAV is 8 MB). See `synth::budget`.
pub const VOICE_OUTPUT_SMALL_BYTES: u64 = 16 * 1024 * 1024;

/// The pool that answers up to [`VOICE_OUTPUT_SMALL_BYTES`] share, across all workers.
pub const VOICE_OUTPUT_POOL_BYTES: u64 = 256 * 1024 * 1024;

/// How many answers may be larger than [`VOICE_OUTPUT_SMALL_BYTES`] at once (each up to
/// [`MAX_VOICE_OUTPUT_BYTES`]): the voice output in memory is at most
/// `POOL + SLOTS × MAX_VOICE_OUTPUT_BYTES` (512 MiB) at any `-j`.
pub const VOICE_OUTPUT_LARGE_SLOTS: usize = 2;

/// Most bytes of a voice program's stderr kept (for its error message).
pub const MAX_VOICE_STDERR_BYTES: u64 = 64 * 1024;

/// Longest pause a voice may ask for (`[pauses]`, any of them), in milliseconds.
pub const MAX_PAUSE_MS: u32 = 10_000;

/// Largest member read back from a zip (an hour of 48 kHz WAV is 350 MB).
pub const MAX_MEMBER_BYTES: u64 = 2 << 30;

/// Largest total read back from a zip.
pub const MAX_BUNDLE_BYTES: u64 = 8 << 30;

/// Age after which a `.rawi-*.part` temporary left by a killed run is removed, in seconds
/// (a running build renames its temporary within seconds; an hour is far beyond any
/// write, so a file that old belongs to a run that died).
pub const STALE_TEMP_AGE_S: u64 = 3600;

// The limits must agree with each other; checked when compiling.
const _: () = assert!(VOICE_OUTPUT_SMALL_BYTES <= VOICE_OUTPUT_POOL_BYTES);
const _: () = assert!(VOICE_OUTPUT_SMALL_BYTES < MAX_VOICE_OUTPUT_BYTES);
const _: () = assert!(MAX_SENTENCE_AUDIO_S < MAX_ARTICLE_AUDIO_S);
// The longest edition as 16-bit WAV at 48 kHz is a member `verify` reads.
const _: () = assert!(MAX_ARTICLE_AUDIO_S * 48_000.0 * 2.0 < MAX_MEMBER_BYTES as f64);
// A digit run read digit by digit (about nine spoken characters a digit) fits in one
// sentence.
const _: () = assert!(MAX_DIGIT_RUN * 9 < MAX_SENTENCE_SPOKEN_CHARS);
