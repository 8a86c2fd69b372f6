"""Batched against sequential transcription, and our overhead over faster-whisper's own pipeline.

    python -m benchmarks.transcribe_batched [--rounds 2] [--batch-sizes 2,4,8,16] [--minutes 5]

Audio: English sentences (the Harvard lists) read by espeak-ng with 0.8 s pauses, made on the
fly: one recording of about ``--minutes`` minutes, and the same sentences as separate short
files (one sentence each, the first 40). Default model (whisper-base, int8), beam 5, VAD on,
language forced to ``en``, all cores. In the same process, taking turns, ``--rounds`` times:

- ``fw sequential``: faster-whisper's ``WhisperModel.transcribe``, the baseline it has to beat;
- ``ours batch 1``: ``Transcriber`` with batch size 1 (what ``transcribe`` did before);
- ``fw batched B``: faster-whisper's ``BatchedInferencePipeline`` with its defaults;
- ``ours batch B``: ``Transcriber`` with batch size B (windows cut into sentences by word times,
  windows that look wrong or have far too few words for their speech decoded again);
- ``unchecked B``: the same without the check for too few words (``CHECK_MISSING_WORDS`` off),
  at the default batch size only: what that check costs and changes.

Printed per setting: the median wall time, its ratio to ``ours batch 1`` (> 1: faster), the WER
against the text that was read and against the sequential transcript, for ours the overhead
over faster-whisper's batched pipeline at the same batch size, and the peak resident memory
during the run above what the process held before it (sampled every 10 ms, freed memory handed
back to the system between runs); then the fewest words per second of speech in any window
and the windows the word check decoded again. Then the many-short-files case:
``transcribe_many`` at batch 1 against the default batch size.

The speech is synthetic: the WERs compare settings with each other, they say nothing of accuracy
on real Upper Sorbian speech.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from testsupport.speech import read_wav, speak_sentences

SENTENCES = """\
The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background.
It is easy to tell the depth of a well. These days a chicken leg is a rare dish.
Rice is often served in round bowls. The juice of lemons makes fine punch.
The box was thrown beside the parked truck. The hogs were fed chopped corn and garbage.
Four hours of steady work faced us. A large size in stockings is hard to sell.
The boy was there when the sun rose. A rod is used to catch pink salmon.
The source of the huge river is the clear spring. Kick the ball straight and follow through.
Help the woman get back to her feet. A pot of tea helps to pass the evening.
Smoky fires lack flame and heat. The soft cushion broke the man's fall.
The salt breeze came across from the sea. The girl at the booth sold fifty bonds.
The small pup gnawed a hole in the sock. The fish twisted and turned on the bent hook.
Press the pants and sew a button on the vest. The swan dive was far short of perfect.
The beauty of the view stunned the young boy. Two blue fish swam in the tank.
Her purse was full of useless trash. The colt reared and threw the tall rider.
It snowed, rained, and hailed the same morning. Read verse out loud for pleasure.
Hoist the load to your left shoulder. Take the winding path to reach the lake.
Note closely the size of the gas tank. Wipe the grease off his dirty face.
Mend the coat before you go out. The wrist was badly strained and hung limp.
The stray cat gave birth to kittens. The young girl gave no clear response.
The meal was cooked before the bell rang. What joy there is in living.
A king ruled the state in the early days. The ship was torn apart on the sharp reef.
Sickness kept him home the third week. The wide road shimmered in the hot sun.
The lazy cow lay in the cool grass. Lift the square stone over the fence.
The rope will bind the seven books at once. Hop over the fence and plunge in.
The friendly gang left the drug store. Mesh wire keeps chicks inside.
The frosty air passed through the coat. The crooked maze failed to fool the mouse.
Adding fast leads to wrong sums. The show was a flop from the very start.
A saw is a tool used for making boards. The wagon moved on well oiled wheels.
March the soldiers past the next hill. A cup of sugar makes sweet fudge.
Place a rosebush near the porch steps. Both lost their lives in the raging storm.
We talked of the side show in the circus. Use a pencil to write the first draft.
He ran half way to the hardware store. The clock struck to mark the third period.
A small creek cut across the field. Cars and busses stalled in snow drifts.
The set of china hit the floor with a crash. This is a grand season for hikes on the road.
The dune rose from the edge of the water. Those words were the cue for the actor to leave.
The walled town was seized without a fight. The lease ran out in sixteen weeks.
A tame squirrel makes a nice pet. The horn of the car woke the sleeping cop.
The heart beat strongly and with firm strokes. The pearl was worn in a thin silver ring.
The fruit peel was cut in thick slices. The navy attacked the big task force.
See the cat glaring at the scared mouse. There are more than two factors here.
The hat brim was wide and too droopy. The lawyer tried to lose his case.
The grass curled around the fence post. Cut the pie into large parts.
Men strive but seldom get rich. Always close the barn door tight.
He lay prone and hardly moved a limb. The slush lay deep along the street.
A wisp of cloud hung in the blue air. A pound of sugar costs more than eggs.
The fin was sharp and cut the clear water. The play seems dull and quite stupid.
Bail the boat to stop it from sinking. The term ended in late june that year.
A tusk is used to make costly gifts. Ten pins were set in order.
The bill was paid every third week. Oak is strong and also gives shade.
Cats and dogs each hate the other. The pipe began to rust while new.
Open the crate but don't break the glass. Add the sum to the product of these three.
Thieves who rob friends deserve jail. The ripe taste of cheese improves with age.
Act on these orders with great speed. The hog crawled under the high fence.
Move the vat over the hot fire. The bark of the pine tree was shiny and dark.
"""
SHORT_FILES = 40


def sentences() -> list[str]:
    return [s.strip() + "." for s in SENTENCES.replace("\n", " ").split(".") if s.strip()]


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text.lower()).split())


def make_audio(folder: Path, minutes: float) -> tuple[Path, str, list[tuple[Path, str]]]:
    """The long recording and its text, and the short files with theirs."""
    chosen, seconds = [], 0.0
    for sentence in sentences():  # about 2.2 s a sentence plus the pause
        if seconds >= minutes * 60:
            break
        chosen.append(sentence)
        seconds += 0.8 + 0.065 * len(sentence)
    long = speak_sentences(chosen, "en", folder / "long.wav", pause_s=0.8)
    samples, rate = read_wav(long)
    print(f"long recording: {len(samples) / rate:.0f} s, {len(chosen)} sentences")
    short = [
        (speak_sentences([s], "en", folder / f"short{i:02}.wav", pause_s=0.3), s)
        for i, s in enumerate(sentences()[:SHORT_FILES])
    ]
    return long, " ".join(chosen), short


class PeakRss:
    """The highest VmRSS of this process while the block runs, above its level at the start."""

    def __enter__(self):
        from hsb_whisper.transcription.memory import release_freed_memory

        release_freed_memory()
        self.start = self.peak = rss_mb()
        self.running = True
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()
        return self

    def _watch(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_mb())
            time.sleep(0.01)

    def __exit__(self, *exc) -> None:
        self.running = False
        self.thread.join()
        self.extra = self.peak - self.start


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        line = next(x for x in f if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batch-sizes", default="2,4,8,16")
    parser.add_argument("--minutes", type=float, default=5.0)
    args = parser.parse_args()
    sizes = [int(b) for b in args.batch_sizes.split(",")]

    import jiwer
    from faster_whisper import BatchedInferencePipeline

    from hsb_whisper.audio import load_audio
    from hsb_whisper.export import ModelStore
    from hsb_whisper.transcription import (
        DEFAULT_BATCH_SIZE,
        TranscribeOptions,
        Transcriber,
        batched,
    )

    model = ModelStore().resolve(None)
    ours = {
        b: Transcriber(model, TranscribeOptions(language="en", batch_size=b)) for b in [1, *sizes]
    }
    whisper = ours[1]._whisper  # the same loaded model for faster-whisper's own runs
    folder = Path(tempfile.mkdtemp(prefix="batched-"))
    long, reference, short = make_audio(folder, args.minutes)
    audio = load_audio(long)

    def fw_sequential() -> str:
        segments, _ = whisper.transcribe(audio, language="en", beam_size=5, vad_filter=True)
        return " ".join(s.text for s in segments)

    def fw_batched(b: int):
        def run() -> str:
            pipeline = BatchedInferencePipeline(whisper)
            segments, _ = pipeline.transcribe(audio, language="en", beam_size=5, batch_size=b)
            return " ".join(s.text for s in segments)

        return run

    def our(b: int, check: bool = True):
        def run() -> str:
            batched.CHECK_MISSING_WORDS = check
            try:
                return " ".join(s.text for s in ours[b].transcribe_all(long).segments)
            finally:
                batched.CHECK_MISSING_WORDS = True

        return run

    # the word check's verdicts: (words per second of speech, decoded again)
    verdicts: list[tuple[float, bool]] = []
    judge = batched._words_missing

    def watched(window, regions) -> bool:
        missing = judge(window, regions)
        speech = sum(r["end"] - r["start"] for r in regions) / batched.SAMPLE_RATE
        verdicts.append((len(window.words or ()) / speech, missing))
        return missing

    batched._words_missing = watched
    runs = {"fw sequential": fw_sequential, "ours batch 1": our(1)}
    for b in sizes:
        runs[f"fw batched {b}"] = fw_batched(b)
        runs[f"ours batch {b}"] = our(b)
    if DEFAULT_BATCH_SIZE in ours:
        runs[f"unchecked {DEFAULT_BATCH_SIZE}"] = our(DEFAULT_BATCH_SIZE, check=False)
    times: dict[str, list[float]] = {name: [] for name in runs}
    memory: dict[str, float] = {name: 0.0 for name in runs}
    texts: dict[str, str] = {}
    for r in range(args.rounds):
        for name, run in runs.items():
            with PeakRss() as rss:
                start = time.perf_counter()
                texts[name] = run()
                times[name].append(time.perf_counter() - start)
            memory[name] = max(memory[name], rss.extra)
        print(f"round {r + 1} of {args.rounds} done", flush=True)

    base = statistics.median(times["ours batch 1"])
    sequential_text = normalise(texts["ours batch 1"])
    print(
        f"\n{'setting':16} {'wall s':>7} {'ratio':>6} {'WER':>6} {'vs seq':>7} {'overhead':>9}"
        f" {'+RSS MB':>8}"
    )
    for name in runs:
        wall = statistics.median(times[name])
        wer = jiwer.wer(normalise(reference), normalise(texts[name]))
        versus = jiwer.wer(sequential_text, normalise(texts[name]))
        overhead = ""
        if name != "ours batch 1" and name.startswith(("ours batch", "unchecked")):
            fw = statistics.median(times[f"fw batched {name.split()[-1]}"])
            overhead = f"{wall / fw - 1:+.1%}"
        print(
            f"{name:16} {wall:7.1f} {base / wall:6.2f} {wer:6.3f} {versus:7.3f} {overhead:>9}"
            f" {memory[name]:8.0f}"
        )
    if verdicts:
        print(
            f"word check: {len(verdicts)} windows judged, fewest words per second of speech"
            f" {min(v for v, _ in verdicts):.2f}, {sum(m for _, m in verdicts)} decoded again"
        )

    # many short files: one after the other against decoded together
    paths = [p for p, _ in short]
    short_reference = normalise(" ".join(t for _, t in short))
    many = {}
    for b in (1, DEFAULT_BATCH_SIZE):
        transcriber = ours.get(b) or Transcriber(
            model, TranscribeOptions(language="en", batch_size=b)
        )
        walls = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            text = " ".join(
                s.text for _, (segments, _) in transcriber.transcribe_many(paths) for s in segments
            )
            walls.append(time.perf_counter() - start)
        many[b] = (statistics.median(walls), jiwer.wer(short_reference, normalise(text)))
    seconds = sum(len(read_wav(p)[0]) / read_wav(p)[1] for p in paths)
    print(f"\n{len(paths)} short files ({seconds:.0f} s of audio):")
    for b, (wall, wer) in many.items():
        print(f"  batch {b:2}: {wall:6.1f} s  ratio {many[1][0] / wall:5.2f}  WER {wer:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
