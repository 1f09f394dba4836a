#!/usr/bin/env python3
"""Over-marking: of the letters a reference diacritization leaves bare, the share that a
hypothesis marks anyway. DER scorers skip bare reference letters (the reference's marking
is partial), so a system that marks every letter never loses a point there; this figure,
read beside DER, shows who does that.

Usage: overmark.py REF HYP [HYP...]   (one line per sentence, the same lines in each)
Prints one line per hypothesis: marked bare letters / bare letters, over the lines whose
letters match the reference's."""
import re
import sys

MARKS = set("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652")
LETTER = re.compile(r"[\u0621-\u063a\u0641-\u064a\u0671]")
FOLD = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي"}


def marked_letters(line):
    """(letter folded, has a mark) for each Arabic letter of the line."""
    out = []
    for ch in line.replace("\u0640", "").replace("\u0670", ""):
        if ch in MARKS:
            if out:
                out[-1][1] = True
        elif LETTER.match(ch):
            out.append([FOLD.get(ch, ch), False])
    return out


def over_marking(ref_lines, hyp_lines):
    bare = marked = used = 0
    for r, h in zip(ref_lines, hyp_lines):
        a, b = marked_letters(r), marked_letters(h)
        if [x[0] for x in a] != [x[0] for x in b]:
            continue
        used += 1
        for (_, rm), (_, hm) in zip(a, b):
            if not rm:
                bare += 1
                marked += hm
    return marked, bare, used


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    ref = open(sys.argv[1], encoding="utf-8").read().splitlines()
    for path in sys.argv[2:]:
        hyp = open(path, encoding="utf-8").read().splitlines()
        marked, bare, used = over_marking(ref, hyp)
        share = 100 * marked / max(bare, 1)
        print(f"{path}: {share:.1f}% of {bare} bare letters marked (lines {used}/{len(ref)})")


if __name__ == "__main__":
    main()
