#!/usr/bin/env bash
# Scores a rawi voice with the offline ASR judge (see ../shared/tools/asr-judge/README.md).
# Usage: tools/judge-voice.sh VOICE SENTENCES.tsv OUTDIR
# Synthesizes every line (id<TAB>text) with `rawi say`, prints the speed (audio seconds per
# CPU second of synthesis), then the judge's scores.
set -euo pipefail
voice=$1; tsv=$2; out=$3
judge=${JUDGE_DIR:-../shared/tools/asr-judge}
py=${JUDGE_PY:-$HOME/.cache/asr-judge/.venv/bin/python}
rawi=${RAWI:-target/release/rawi}
mkdir -p "$out"
rm -f "$out"/*.wav "$out"/hyps.tsv
start=$(awk '{print $14+$15+$16+$17}' /proc/$$/stat)
python3 - "$rawi" "$voice" "$tsv" "$out" <<'PY'
import os, resource, subprocess, sys, wave
rawi, voice, tsv, out = sys.argv[1:5]
audio = cpu = 0.0
for line in open(tsv, encoding="utf-8"):
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    i, text = line.split("\t", 1)
    wav = os.path.join(out, i + ".wav")
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([rawi, "say", "--voice", voice, "-o", wav, text], check=True,
                   stderr=subprocess.DEVNULL)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu += (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    with wave.open(wav) as w:
        audio += w.getnframes() / w.getframerate()
print(f"synth: audio={audio:.1f}s cpu={cpu:.3f}s (whole process, incl. start-up) "
      f"speed={audio / max(cpu, 1e-9):.0f}x real time")
PY
nice "$py" "$judge/judge.py" "$out" "$tsv" --out "$out/results.tsv" --hyps "$out/hyps.tsv" \
  --model "$HOME/.cache/asr-judge/model/whisper-base-ct2" 2>&1 | grep -v '^$'
