"""Improve my model: the user's corrected transcripts train a new version of the model they use,
which is installed only if it writes their held-out recordings better.

The steps, each one the library's own (nothing here that the command line lacks):

1. the confirmed segments of the saved transcripts become clips
   (:func:`hsb_whisper.data.import_corrections`: whole recordings per split, so the test
   recordings are never trained on);
2. too little checked speech for training, or no recording held out to compare on: stop and say
   how much more is needed (:class:`NotEnoughCorrections`), before anything is trained;
3. the classic recipe on top of the current model — the two-stage mechanism with the user's model
   as the merged first stage: the model is the base, one new LoRA adapter on the corrections;
4. the run is exported as a new model (merged, converted, verified), and both the old and the new
   model transcribe the held-out test recordings with the same decoder
   (:func:`hsb_whisper.evaluation.evaluate`);
5. the new model stays installed and becomes the default only if its word error rate there is
   lower; otherwise it is removed again. The old model is never touched.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hsb_whisper.data import import_corrections
from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.evaluation import evaluate, resolve_model
from hsb_whisper.export import ModelStore
from hsb_whisper.files import atomic_write_text
from hsb_whisper.finetune.config import load_recipe
from hsb_whisper.finetune.publish import export_run
from hsb_whisper.finetune.train import Listener, train

log = logging.getLogger(__name__)

# Checked speech the training split must hold before training is worth its time: a few minutes
# (the research's smallest useful set was hours; a few minutes adapts to a voice or a microphone).
MIN_TRAIN_MINUTES = 5.0
# Decoding of the comparison: what `evaluate` does by default (greedy, int8 with faster-whisper)
COMPARE = {"beam_size": 1, "engine": "faster-whisper", "compute_type": "int8"}
RESULT_FILE = "improvement.json"  # in the work folder: what the app shows when the job ends


class NotEnoughCorrections(HsbWhisperError):
    """Too little checked speech to train on, or nothing held out to compare on."""


@dataclasses.dataclass(frozen=True)
class Improvement:
    """What improving a model found; ``installed``: the new model is in the store (and the
    default), else it was removed because it was not better."""

    base: str  # the model that was improved
    candidate: str  # the new model's name
    installed: bool
    old_wer: float  # on the held-out test recordings
    new_wer: float
    test_words: int
    test_minutes: float
    train_minutes: float
    run: Path

    def summary(self) -> str:
        """The sentence the user sees."""
        figure = (
            f"on your {_amount(self.test_minutes)} of held-out corrected speech "
            f"({self.test_words:,} words the new model never trained on) {self.base} gets "
            f"{100 * self.old_wer:.1f} % of words wrong; the new one {100 * self.new_wer:.1f} %"
        )
        if self.installed:
            return f"{figure}: installed as {self.candidate}, now the default ({self.base} kept)"
        return f"{figure}: not better, so not installed ({self.base} stays the default)"

    def to_json(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "run": str(self.run), "summary": self.summary()}


def _amount(minutes: float) -> str:
    return f"{minutes:.1f} minutes" if minutes >= 1 else f"{60 * minutes:.0f} seconds"


def next_version(store: ModelStore, base: str) -> str:
    """A free name for the improved ``base``: ``NAME-v2``, or the next number after one."""
    match = re.fullmatch(r"(.+)-v(\d+)", base)
    stem, number = (match[1], int(match[2]) + 1) if match else (base, 2)
    while store.name_problem(f"{stem}-v{number}") or (store.root / f"{stem}-v{number}").exists():
        number += 1
    return f"{stem}-v{number}"


def _minutes(report: dict[str, Any], split: str) -> float:
    return 60 * report["splits"].get(split, {}).get("hours", 0.0)


def improve(
    sources: Sequence[Path] | None,
    work: Path,
    *,
    base: str | None = None,
    name: str | None = None,
    overrides: Sequence[str] = (),
    min_minutes: float = MIN_TRAIN_MINUTES,
    store: ModelStore | None = None,
    on_event: Listener | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> Improvement:
    """Train a new version of ``base`` (default: the default model) on the confirmed segments of
    the transcripts in ``sources`` (``None``: the app's), in the folder ``work`` (clips, run,
    evaluations), and install it as ``name`` (default ``BASE-v2``…) only if it is better on the
    held-out recordings; see the module docs. ``overrides``: recipe keys, as ``finetune --set``.
    """
    store = store or ModelStore()
    model = store.resolve(base)
    candidate = name or next_version(store, model.name)
    problem = store.name_problem(candidate)
    if problem:
        raise HsbWhisperError(f"--name {candidate!r} {problem}; choose another name")
    progress("cutting the confirmed segments of your transcripts into clips")
    data = import_corrections(sources, work / "data")
    report, manifests = data.report, data.manifests
    train_minutes, test_minutes = _minutes(report, "train"), _minutes(report, "test")
    if train_minutes < min_minutes:
        raise NotEnoughCorrections(
            f"{train_minutes:.1f} minutes of checked speech to train on; improving the model "
            f"needs at least {min_minutes:g}: correct or check about "
            f"{min_minutes - train_minutes:.0f} more minutes in the Transcript tab (in "
            "recordings of their own: some are held out to measure the new model on)"
        )
    if not report["splits"].get("test", {}).get("clips") or not report["splits"].get("dev", {}).get(
        "clips"
    ):
        raise NotEnoughCorrections(
            "no recording is left to measure the new model on (the checked segments come from "
            "too few recordings: each recording stays whole in one split); check segments in a "
            "few more recordings"
        )
    recipe = load_recipe(
        "classic",
        [
            f"base={model.name}",
            f"language={model.language or 'cs'}",
            f"stages.hsb.train={manifests['train']}",
            f"stages.hsb.dev={manifests['dev']}",
            *overrides,
        ],
    )
    progress(
        f"training {model.name} on {train_minutes:.1f} minutes of your corrections "
        f"({report['splits']['train']['clips']} clips)"
    )
    run_dir = work / "run"
    train(recipe, run_dir, on_event)
    progress(f"exporting the new model as {candidate}")
    try:  # from here on, stopped for any reason (an error, Ctrl+C, SIGTERM): nothing stays
        export_run(run_dir, name=candidate, store=store, dev=manifests["dev"], progress=progress)
        progress(f"comparing {model.name} and {candidate} on {test_minutes:.1f} held-out minutes")
        old = evaluate(
            resolve_model(model.name), manifests["test"], work / "evaluation-old",
            name=model.name, **COMPARE,
        )  # fmt: skip
        new = evaluate(
            resolve_model(candidate), manifests["test"], work / "evaluation-new",
            name=candidate, **COMPARE,
        )  # fmt: skip
    except BaseException:
        if candidate in store.names():  # installed but not compared: not kept
            store.remove(candidate)
        raise
    old_wer, new_wer = old["corpus"]["wer"], new["corpus"]["wer"]
    better = new_wer < old_wer
    if better:
        store.set_default(candidate)
    else:
        store.remove(candidate)
    result = Improvement(
        base=model.name,
        candidate=candidate,
        installed=better,
        old_wer=old_wer,
        new_wer=new_wer,
        test_words=old["corpus"]["reference_words"],
        test_minutes=test_minutes,
        train_minutes=train_minutes,
        run=run_dir,
    )
    log.info("improve: %s", result.summary())
    atomic_write_text(work / RESULT_FILE, json.dumps(result.to_json(), indent=2) + "\n")
    return result
