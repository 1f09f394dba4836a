#!/usr/bin/env python3
"""Do an edition's transcript cues fall on the spoken words? Checked by ear's stand-in:
Whisper's word timings.

Usage:
  rawi build ARTICLE -o ED.zip --intro I --outro O --bed B [--bed-under all]
  ~/.cache/asr-judge/.venv/bin/python tools/cue-check.py ED.zip [--model DIR] [--show N]

Runs in the ASR judge's environment (faster-whisper, Whisper base as CTranslate2 weights,
see ../shared/tools/asr-judge/). The edition's audio is transcribed with word timestamps;
each cue of transcript.json (start and end, ms) is then compared with the recognized
words whose middle lies inside it (with TOLERANCE_S of slack on both sides):
  start offset = first such word's start - cue start
  end offset   = cue end - last such word's end
Both are small and positive when a cue holds its speech: Whisper's word times are only
good to a tenth or two of a second, and a cue keeps 30 ms of silence at each edge.
Whisper often starts a word where the word before it ended, across a pause: the start
offset is also given over the cues whose first word is not glued so to the word before.
As a check of Whisper's own times, the cues with silence before them (no bed playing)
are also compared with where the sound starts and stops: the first and last 10 ms frame
within 35 dB of the loudest one (a cue keeps 30 ms of silence at each edge, so both
offsets are about +0.03 s when the cues are right).
A cue no word falls in, and words that fall in no cue (speech the timeline does not
cover: in the intro, the outro or a pause) are counted: a timeline shifted by the intro
shows up as both. Prints one line per figure; exit status 1 if any cue is empty or more
than 5 % of the words lie outside every cue.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import zipfile

TOLERANCE_S = 0.3
DEFAULT_MODEL = os.path.join(
    os.environ.get("JUDGE_HOME", os.path.expanduser("~/.cache/asr-judge")),
    "model",
    "whisper-base-ct2",
)


def read_bundle(path):
    """(cues [(start_s, end_s, text)], path of the audio file, temporary folder or None)."""
    if os.path.isdir(path):
        with open(os.path.join(path, "transcript.json"), encoding="utf-8") as f:
            transcript = json.load(f)
        audio = [
            os.path.join(path, "audio", n) for n in os.listdir(os.path.join(path, "audio"))
        ]
        tmp = None
    else:
        z = zipfile.ZipFile(path)
        transcript = json.loads(z.read("transcript.json"))
        name = next(n for n in z.namelist() if n.startswith("audio/edition."))
        tmp = tempfile.TemporaryDirectory()
        audio = [os.path.join(tmp.name, os.path.basename(name))]
        with open(audio[0], "wb") as f:
            f.write(z.read(name))
    cues = [(s["startTime"], s["endTime"], s["body"]) for s in transcript["segments"]]
    return cues, audio[0], tmp


def energy_edges(samples, cues, rate=16000):
    """(start offsets, end offsets) of the cues that have 0.3 s of silence before them."""
    hop = rate // 100
    frames = [
        max(sum(x * x for x in samples[k : k + hop]) / hop, 1e-12)
        for k in range(0, len(samples) - hop + 1, hop)
    ]
    loudest = max(frames)
    loud = [f > loudest * 10 ** (-35 / 10) for f in frames]
    at = lambda t: max(0, min(len(loud) - 1, int(round(t * 100))))
    starts, ends = [], []
    for cs, ce, _ in cues:
        if any(loud[at(cs - 0.3) : at(cs - 0.05)]):
            continue
        first = next((k for k in range(at(cs - 0.05), at(cs + 0.5)) if loud[k]), None)
        last = next((k for k in range(at(ce + 0.05), at(ce - 0.5), -1) if loud[k]), None)
        if first is None or last is None:
            continue
        starts.append(first / 100 - cs)
        ends.append(ce - (last + 1) / 100)
    return starts, ends


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("bundle", help="an edition: zip or unpacked folder")
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--show", type=int, default=5, help="cues to print in full")
    ap.add_argument(
        "--shift",
        type=float,
        default=0.0,
        help="move every cue by this many seconds first (a control: a wrong timeline must fail)",
    )
    args = ap.parse_args()

    cues, audio, tmp = read_bundle(args.bundle)
    cues = [(s + args.shift, e + args.shift, t) for s, e, t in cues]
    from faster_whisper import WhisperModel

    model = WhisperModel(args.model, device="cpu", compute_type="int8", cpu_threads=args.threads)
    segments, _ = model.transcribe(
        audio,
        language="ar",
        task="transcribe",
        beam_size=5,
        temperature=0.0,
        condition_on_previous_text=False,
        word_timestamps=True,
        vad_filter=False,
    )
    words = [(w.start, w.end, w.word) for s in segments for w in (s.words or [])]
    from faster_whisper.audio import decode_audio

    onsets, offsets = energy_edges(decode_audio(audio, sampling_rate=16000), cues)
    if tmp:
        tmp.cleanup()

    starts, ends, empty, clean = [], [], [], []
    inside = 0
    for i, (cs, ce, text) in enumerate(cues):
        mine = [w for w in words if cs - TOLERANCE_S <= (w[0] + w[1]) / 2 <= ce + TOLERANCE_S]
        if not mine:
            empty.append(i + 1)
            continue
        starts.append(mine[0][0] - cs)
        k = words.index(mine[0])
        if k == 0 or mine[0][0] - words[k - 1][1] > 0.02:
            clean.append(mine[0][0] - cs)
        ends.append(ce - mine[-1][1])
        if i < args.show:
            print(
                f"cue {i + 1}: {cs:8.3f}-{ce:8.3f}  words {mine[0][0]:8.3f}-{mine[-1][1]:8.3f}"
                f"  «{text[:30]}» heard «{''.join(w[2] for w in mine[:3]).strip()}»"
            )
    for w in words:
        mid = (w[0] + w[1]) / 2
        if any(cs - TOLERANCE_S <= mid <= ce + TOLERANCE_S for cs, ce, _ in cues):
            inside += 1
    outside = len(words) - inside

    def fig(xs):
        a = [abs(x) for x in xs]
        return f"median {statistics.median(xs):+.3f} s, median |.| {statistics.median(a):.3f} s, max |.| {max(a):.3f} s"

    print(f"cues: {len(cues)}, with words: {len(starts)}, empty: {len(empty)} {empty[:10]}")
    print(f"recognized words: {len(words)}, outside every cue: {outside}")
    if starts:
        print(f"start offset (first word - cue start): {fig(starts)}")
        print(f"end offset (cue end - last word end):   {fig(ends)}")
    if clean:
        print(f"start offset, first word not glued to the one before ({len(clean)} cues): {fig(clean)}")
    if onsets:
        print(f"sound start - cue start, {len(onsets)} cues with silence before: {fig(onsets)}")
        print(f"cue end - sound end, same cues:             {fig(offsets)}")
    bad = empty or outside > 0.05 * max(len(words), 1)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
