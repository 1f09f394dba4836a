#!/usr/bin/env python3
"""Speaking pace of an unpacked WAV edition, in words per minute, pauses excluded.

Usage:
  rawi build ARTICLE -o DIR --unpacked --format wav --no-loudness --no-cache --voice V
  tools/pace.py DIR

Words are the whitespace-separated tokens of each sentence's `spoken` text (the words the
voice was given, numbers already written out) that hold a letter or digit. Speech time is
each sentence's span on the timeline minus every silent stretch of at least MIN_PAUSE_MS
(10 ms frames quieter than 40 dB below the edition's loudest frame). Shorter silences, such
as stop closures, are part of speech and stay counted. Standard library only.
"""

import array
import math
import sys
import tomllib
import wave

FRAME_MS = 10
MIN_PAUSE_MS = 150
SILENCE_DB = -40.0


def frames_rms(path):
    """RMS of each 10 ms frame of a mono 16-bit WAV, and the frame length in ms."""
    with wave.open(path) as w:
        if w.getsampwidth() != 2:
            sys.exit(f"{path}: expected 16-bit PCM; build with --format wav")
        rate, ch = w.getframerate(), w.getnchannels()
        data = array.array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        data.byteswap()
    if ch > 1:
        data = data[::ch]
    n = rate * FRAME_MS // 1000
    out = []
    for i in range(0, len(data) - n + 1, n):
        chunk = data[i : i + n]
        out.append(math.sqrt(sum(x * x for x in chunk) / n))
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    with open(f"{root}/manifest.toml", "rb") as f:
        manifest = tomllib.load(f)
    wav = f"{root}/{manifest.get('audio', {}).get('path', 'audio/edition.wav')}"
    rms = frames_rms(wav)
    peak = max(rms) if rms else 0.0
    floor = peak * 10 ** (SILENCE_DB / 20)
    silent = [r < floor for r in rms]
    words = 0
    speech_ms = 0.0
    for s in manifest.get("sentence", []):
        words += sum(1 for t in s["spoken"].split() if any(c.isalnum() for c in t))
        a, b = s["start_ms"] // FRAME_MS, s["end_ms"] // FRAME_MS
        run = 0
        kept = 0
        for i in range(a, min(b, len(silent))):
            if silent[i]:
                run += 1
            else:
                if run * FRAME_MS < MIN_PAUSE_MS:
                    kept += run
                run = 0
                kept += 1
        speech_ms += kept * FRAME_MS
    if speech_ms <= 0:
        sys.exit(f"{root}: no speech found")
    wpm = words / (speech_ms / 60000)
    print(f"{root}: {words} words in {speech_ms / 1000:.1f} s of speech: {wpm:.1f} wpm")


if __name__ == "__main__":
    main()
