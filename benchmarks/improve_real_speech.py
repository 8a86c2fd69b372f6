"""Improve my model on real speech: the before/after figure of issue 24 on recordings of people,
not espeak. No Upper Sorbian speech is available to this project's machines, so this uses the
only real speech with reference transcripts that PyPI carries: the CMU Sphinx test recordings
in the pocketsphinx source distribution (BSD licence) — five LibriVox sentences read by one
reader (Sense and Sensibility) and five card-game utterances by another speaker, 34 s in all,
in English.

    pip download --no-deps --no-binary :all: pocketsphinx==5.1.1
    python -m benchmarks.improve_real_speech pocketsphinx-5.1.1.tar.gz [--work DIR]

What a user does, step by step, each with the real command in a private data folder:

1. the embedded whisper-base is imported as ``base-en`` with the English language token (the
   store's whisper-base is forced to Czech, the token the Upper Sorbian models use) and made the
   default model;
2. ``transcribe -l en -f json`` writes a transcript per recording, as the app saves them;
3. the user's corrections, made from the reference transcriptions: a segment whose text differs
   (after the scoring's normalisation) is edited to the reference, one that matches is confirmed
   unchanged; a transcript of more than one segment is left unchecked (the references are one
   line per recording and cannot be split at the model's segment times honestly);
4. ``evaluate base-en --corrections``: how good the model is on these corrections (the Models
   page's figure);
5. ``improve``: a new adapter on top of base-en (the shipped classic recipe unchanged), exported,
   compared with base-en on the held-out recordings, installed only if better.

The figures say what the mechanism does on real recordings; with half a minute of English they
say nothing about Upper Sorbian accuracy.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

SETS = {"librivox": "transcription", "cards": "cards.transcription"}


def references(data: Path) -> dict[Path, str]:
    """Each recording of the two sets with its reference transcription (Sphinx's format:
    ``<s> text </s> (utterance id)``)."""
    found = {}
    for folder, listing in SETS.items():
        for line in (data / folder / listing).read_text(encoding="utf-8").splitlines():
            match = re.fullmatch(r"<s>(.*)</s>\s*\((.+)\)", line.strip())
            if match:
                found[data / folder / f"{match[2]}.wav"] = " ".join(match[1].split())
    return found


def correct(transcripts: Path, refs: dict[str, str]) -> tuple[int, int, int]:
    """Edit or confirm each one-segment transcript from its reference; (edited, confirmed,
    left unchecked)."""
    from hsb_whisper.evaluation.metrics import normalize_for_scoring
    from hsb_whisper.transcription import formats

    edited = confirmed = unchecked = 0
    for path in sorted(transcripts.glob("*.json")):
        transcript = formats.read_json(path)
        reference = refs[path.stem]
        if len(transcript.segments) != 1:
            unchecked += 1
            print(f"left unchecked ({len(transcript.segments)} segments): {path.name}")
            continue
        model_text = transcript.segments[0].text
        if normalize_for_scoring(model_text) == normalize_for_scoring(reference):
            transcript.confirm(0)
            confirmed += 1
        else:
            transcript.edit_text(0, reference)
            edited += 1
            print(f"edited {path.stem}: {model_text.strip()!r} -> {reference!r}")
        formats.save(transcript, path, "json")
    return edited, confirmed, unchecked


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sdist", type=Path, help="pocketsphinx-5.1.1.tar.gz")
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="hsb-improve-real-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["HSB_WHISPER_HOME"] = str(work / "home")  # a store and data folder of its own
    with tarfile.open(args.sdist) as tar:
        members = [m for m in tar.getmembers() if "/test/data/" in m.name]
        tar.extractall(work / "sdist", members=members, filter="data")
    data = next((work / "sdist").glob("*/test/data"))
    recordings = work / "recordings"
    recordings.mkdir(exist_ok=True)
    refs = {}
    for wav, text in references(data).items():
        shutil.copy(wav, recordings / wav.name)
        refs[wav.stem] = text
    print(f"{len(refs)} recordings with references")

    from hsb_whisper.export import ModelStore
    from hsb_whisper.export.ct2 import ct2_to_hf

    ct2_to_hf(ModelStore().resolve().path, work / "whisper-base-hf")
    cli = [sys.executable, "-m", "hsb_whisper"]

    def run(*command: object) -> None:
        print("$ hsb-whisper", " ".join(str(c) for c in command), flush=True)
        subprocess.run([*cli, *(str(c) for c in command)], check=True, cwd=work)

    run("models", "import", work / "whisper-base-hf", "--name", "base-en", "-l", "en")
    run("models", "default", "base-en")
    transcripts = work / "transcripts"
    run("transcribe", "-l", "en", "-f", "json", "-o", transcripts, *sorted(recordings.glob("*")))
    edited, confirmed, unchecked = correct(transcripts, refs)
    print(f"corrections: {edited} edited, {confirmed} confirmed unchanged, {unchecked} unchecked")
    run("evaluate", "base-en", "--corrections", transcripts)
    run("improve", transcripts, "--min-minutes", "0.1", "--work-dir", work / "improve")
    print(f"work folder: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
