#!/usr/bin/env python3
"""Turns the bundled voice's phonemic transcriptions back into diacritized text, to score
its rule-based vowel restoration with ../shared/tools/der.py.

Input (stdin): lines `TEXT<TAB>PHONEMES` as printed by
  RAWI_G2P_DUMP=FILE cargo test --release --test bundled_voice dump -- --ignored --nocapture
Output: the text with the marks the transcription shows (a word the aligner cannot follow
is left bare). Case endings: the g2p reads the last word of a phrase in pause, so its final
letter is bare there, as the voice says it.
"""
import sys

CONS = {"ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "H", "خ": "x", "د": "d", "ذ": "dh",
        "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "S", "ض": "D", "ط": "T", "ظ": "Z",
        "ع": "3", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n",
        "ه": "h", "ء": "?", "أ": "?", "إ": "?", "ؤ": "?", "ئ": "?", "و": "w", "ي": "y",
        "ة": "t"}
SHORT = {"a": "\u064e", "i": "\u0650", "u": "\u064f"}
LONG = {"aa": "a", "ii": "i", "uu": "u"}
TAN = {"\u064e": "\u064b", "\u0650": "\u064d", "\u064f": "\u064c"}


def mark_word(word, phones):
    out = []
    p = 0
    letters = [c for c in word]
    ok = True
    for k, c in enumerate(letters):
        if not ("\u0621" <= c <= "\u064a"):
            out.append(c)
            continue
        ph = phones[p] if p < len(phones) else None
        marks = ""
        if c in "اى" or (c == "آ"):
            if c == "آ" and ph == "?":
                p += 1
                ph = phones[p] if p < len(phones) else None
            if ph in ("aa",):
                p += 1
            elif c == "ا" and ph == "?" and p + 1 < len(phones) and phones[p + 1] in SHORT:
                p += 2  # hamzat wasl read as a glottal stop + vowel: the alef stays bare
            elif c == "ا" and ph in SHORT and k == 0:
                p += 1
            out.append(c)
            continue
        if c in "وي" and ph == {"و": "uu", "ي": "ii"}[c]:
            p += 1
            out.append(c)
            continue
        if c == "ة" and ph != "t":
            out.append(c)
            continue
        want = CONS.get(c)
        if want is None or ph is None or ph.rstrip(":") != want:
            if c == "ل" and k > 0 and letters[k - 1] == "ا" and ph and ph.endswith(":"):
                out.append(c)  # the article's lam before a sun letter is silent
                continue
            ok = False
            break
        gem = ph.endswith(":")
        p += 1
        nxt = phones[p] if p < len(phones) else None
        if gem:
            marks += "\u0651"
        if nxt in SHORT:
            marks += SHORT[nxt]
            p += 1
        elif nxt in LONG:
            marks += SHORT[LONG[nxt]]
            nxt_letter = letters[k + 1] if k + 1 < len(letters) else None
            if nxt_letter not in ("ا", "ى", "و", "ي"):
                p += 1
        elif nxt is not None and k + 1 < len(letters):
            marks += "\u0652"
        out.append(c + marks)
    if not ok:
        return word
    rest = phones[p:]
    if rest == ["n"] and out and out[-1][-1:] in TAN:
        out[-1] = out[-1][:-1] + TAN[out[-1][-1]]
    return "".join(out)


for line in sys.stdin:
    line = line.rstrip("\n")
    if "\t" not in line:
        continue
    text, trans = line.split("\t", 1)
    words = text.split()
    tw = [w.replace("'", "").split() for ph in trans.split(" || ") for w in ph.split(" | ")]
    if len(tw) != len(words):
        print(text)
        continue
    print(" ".join(mark_word(w, ph) for w, ph in zip(words, tw)))
