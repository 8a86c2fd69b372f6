"""The installation's self-test, without a window: ``hsb-whisper selftest`` (``--selftest`` of the
frozen app).

An installer bundles what Python loads dynamically (the model, faster-whisper's VAD model, FFmpeg
inside PyAV, CTranslate2, Qt's plugins, our translations), and a missing piece shows only when a
user reaches it. Each check here exercises one such piece for real, in order, and an exception in
one becomes its ``FAIL`` line without stopping the others. The last check asks whether any of them
opened a network socket: the program works offline, so none may.

No Qt at module level: the Qt check imports the UI only when PySide6 is installed.
"""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import dataclasses
import importlib
import importlib.util
import json
import logging
import math
import multiprocessing
import os
import platform
import re
import socket
import sys
import tempfile
import textwrap
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import hsb_whisper
from hsb_whisper import __version__
from hsb_whisper.audio import SAMPLE_RATE, load_audio
from hsb_whisper.export import LocalModel, ModelStore
from hsb_whisper.export.metadata import check_files
from hsb_whisper.finetune import TRAINING_LIBRARIES, missing_training_libraries
from hsb_whisper.transcription import formats
from hsb_whisper.transcription.engine import TranscribeOptions, Transcriber
from hsb_whisper.transcription.transcript import AudioInfo, Segment, Transcript, Word

log = logging.getLogger(__name__)

# Where the package's data files are, in a pip install and inside a PyInstaller bundle alike.
ASSETS = Path(hsb_whisper.__file__).resolve().parent / "assets"
# Written into the bundle by the installer's build script: {"flavor", "version", "built"}.
BUILD_INFO = ASSETS / "build.json"
FLAVORS = ("transcriber", "full")  # installer builds: without and with the training stack
PIP_INSTALL = "pip install"  # the flavour reported where there is no build.json
SAMPLE = ASSETS / "samples" / "en-synthetic.mp3"
SAMPLE_TEXT = "Please call Stella and ask her to bring these things with her from the store."
HSB_SAMPLE = ASSETS / "samples" / "hsb-synthetic.mp3"
HSB_SAMPLE_TEXT = "Dobry dźeń, mje rěka Jan a bydlu w Budyšinje."
MIN_WORDS_FOUND = 0.6  # of the sample's words, for the transcription to count as working
SILENCE_S = 2.0  # of digital silence, in which the VAD must find no speech
WORKER_TIMEOUT_S = 60.0
# Audit events of Python's socket module (https://docs.python.org/3/library/audit_events.html)
# that mean a socket was made or a name looked up. Sockets that C and C++ libraries (Qt,
# CTranslate2, FFmpeg) open themselves raise no Python audit event and are not seen.
SOCKET_EVENTS = frozenset(
    {
        "socket.__new__",
        "socket.bind",
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
    }
)
_TEXT_SHOWN = 60  # characters of the transcript shown in a check's line

Status = Literal["ok", "FAIL", "skip"]


@dataclasses.dataclass(frozen=True)
class Check:
    """The result of one check."""

    name: str
    status: Status
    detail: str  # one line: what was found, or what is wrong
    seconds: float  # wall-clock time the check took


class _Skipped(Exception):
    """Raised by a check that does not apply to this installation; the message says why."""


class _Failed(Exception):
    """Raised by a check that found a problem; the message is the whole line (no type name)."""


@dataclasses.dataclass
class _Context:
    """What earlier checks found, for later ones: each check still runs when an earlier failed."""

    flavor: str = PIP_INSTALL
    model: LocalModel | None = None
    transcript: Transcript | None = None


# --- the checks, in the order they run ----------------------------------------------------------


def _check_build(ctx: _Context) -> str:
    frozen = bool(getattr(sys, "frozen", False))
    facts = [
        f"hsb-whisper {__version__}",
        f"Python {platform.python_version()}",
        f"{platform.system()} {platform.machine()}",
        "frozen" if frozen else "not frozen",
    ]
    if not BUILD_INFO.is_file():
        if frozen:
            raise _Failed(
                f"{', '.join(facts)}: no {BUILD_INFO} (the installer's build script writes it)"
            )
        return ", ".join([*facts, PIP_INSTALL])
    try:
        info = json.loads(BUILD_INFO.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise _Failed(f"{BUILD_INFO}: unreadable ({e})") from e
    flavor = info.get("flavor") if isinstance(info, dict) else None
    if flavor not in FLAVORS:
        raise _Failed(f"{BUILD_INFO}: flavor {flavor!r} is not one of {', '.join(FLAVORS)}")
    ctx.flavor = flavor
    facts.append(f"{flavor} build of {info.get('built', 'an unknown date')}")
    if info.get("version") != __version__:
        facts.append(f"build.json says version {info.get('version')}")
    return ", ".join(facts)


def _check_model(ctx: _Context) -> str:
    model = ModelStore().ensure_default()
    ctx.model = model
    if model.info is None:
        raise _Failed(f"{model.path}: the default model has no metadata to verify it against")
    problems = check_files(model.path, model.info, full=True)
    if problems:
        raise _Failed(f"{model.name} at {model.path}: {'; '.join(problems)}")
    size_mb = sum(record.size for record in model.info.files.values()) / 1e6
    where = ", ".join([str(model.path), *_model_notes(model.path)])
    return f"{model.name} {size_mb:.0f} MB, every file's SHA-256 verified ({where})"


def _model_notes(folder: Path) -> list[str]:
    """``bundled copy`` for a model inside the installation (the PyInstaller bundle, or our
    assets), ``read-only`` for one this process cannot write to."""
    bundle = getattr(sys, "_MEIPASS", None)
    roots = [ASSETS, *([Path(bundle).resolve()] if bundle else [])]
    notes = []
    if any(folder.resolve().is_relative_to(root) for root in roots):
        notes.append("bundled copy")
    if not os.access(folder, os.W_OK):
        notes.append("read-only")
    return notes


def _check_vad(ctx: _Context) -> str:
    import numpy as np
    from faster_whisper.utils import get_assets_path
    from faster_whisper.vad import get_speech_timestamps

    folder = Path(get_assets_path())
    models = sorted(p.name for p in folder.glob("silero*.onnx"))  # silero_vad_v6.onnx in 1.2
    if not models:
        raise _Failed(f"no Silero VAD model (silero*.onnx) in {folder}: faster-whisper's assets")
    speech = get_speech_timestamps(load_audio(SAMPLE))
    if not speech:
        raise _Failed(f"{', '.join(models)}: no speech found in {SAMPLE.name}")
    silence = get_speech_timestamps(np.zeros(round(SILENCE_S * SAMPLE_RATE), np.float32))
    if silence:
        raise _Failed(f"{', '.join(models)}: speech found in {SILENCE_S:g} s of digital silence")
    spans = ", ".join(
        f"{s['start'] / SAMPLE_RATE:.1f}–{s['end'] / SAMPLE_RATE:.1f} s" for s in speech
    )
    return (
        f"{', '.join(models)}: speech at {spans} of {SAMPLE.name}, "
        f"none in {SILENCE_S:g} s of silence"
    )


def _check_transcribe(ctx: _Context) -> str:
    model = ctx.model or ModelStore().ensure_default()
    start = time.perf_counter()
    transcriber = Transcriber(model, TranscribeOptions(language="en"))
    loaded = time.perf_counter()
    transcript = transcriber.transcribe_all(SAMPLE)
    seconds = time.perf_counter() - loaded
    ctx.transcript = transcript
    text = " ".join(s.text for s in transcript.segments)
    expected, said = _words(SAMPLE_TEXT), set(_words(text))
    found = sum(word in said for word in expected)
    shown = textwrap.shorten(text, _TEXT_SHOWN, placeholder="…") or "(nothing)"
    duration = transcript.info.duration
    summary = (
        f"{duration:.1f} s of audio in {seconds:.1f} s (real-time factor "
        f"{seconds / max(duration, 1e-9):.2f}, model loaded in {loaded - start:.1f} s): "
        f"{shown!r}"
    )
    if found < MIN_WORDS_FOUND * len(expected):
        raise _Failed(f"{found} of {len(expected)} expected words recognised; {summary}")
    return summary


def _words(text: str) -> list[str]:
    return re.sub(r"[^\w\s]", " ", text.lower()).split()


# A Hugging Face Whisper small enough to write in a moment (3 MB), for the import check.
IMPORT_WHISPER = {
    "model_type": "whisper", "vocab_size": 51865, "num_mel_bins": 80,
    "max_source_positions": 1500, "max_target_positions": 448, "d_model": 16,
    "encoder_layers": 1, "decoder_layers": 1, "encoder_attention_heads": 2,
    "decoder_attention_heads": 2, "encoder_ffn_dim": 32, "decoder_ffn_dim": 32,
    "bos_token_id": 50257, "eos_token_id": 50257, "pad_token_id": 50257,
    "decoder_start_token_id": 50258,
}  # fmt: skip


def _check_import(ctx: _Context) -> str:
    """``models import`` / ``models get`` without torch, in every build: a tiny Hugging Face
    Whisper written with numpy (random weights, the default model's tokenizer) is staged,
    converted, verified with faster-whisper and installed into a scratch store."""
    import numpy as np

    from hsb_whisper.export import import_model
    from hsb_whisper.export.hf_folder import expected_shapes, write_safetensors

    if ctx.model is None:
        raise _Failed("no default model (see the model check) to take the tokenizer from")
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory(prefix="hsb-selftest-") as tmp:
        folder = Path(tmp) / "tiny-hf-whisper"
        folder.mkdir()
        (folder / "config.json").write_text(json.dumps(IMPORT_WHISPER), encoding="utf-8")
        (folder / "preprocessor_config.json").write_text('{"feature_size": 80}', encoding="utf-8")
        (folder / "tokenizer.json").write_bytes((ctx.model.path / "tokenizer.json").read_bytes())
        tensors = {
            name: ("F32", (rng.standard_normal(shape) * 0.02).astype("<f4"))
            for name, shape in expected_shapes(IMPORT_WHISPER).items()
        }
        write_safetensors(folder / "model.safetensors", tensors)
        started = time.perf_counter()
        _, info = import_model(
            str(folder), name="selftest", language="cs", store=ModelStore(Path(tmp) / "store")
        )
        seconds = time.perf_counter() - started
    torch = "torch loaded" if "torch" in sys.modules else "without torch"
    import huggingface_hub

    from hsb_whisper.export import hub  # models get: what downloads (not tried: offline)

    return (
        f"a tiny Hugging Face Whisper converted ({info.quantization}), verified with "
        f"faster-whisper and installed in {seconds:.1f} s, {torch}; downloads with "
        f"huggingface_hub {huggingface_hub.__version__} ({hub.__name__})"
    )


def _check_scoring(ctx: _Context) -> str:
    """The word error rate the Models page shows on the user's corrections (jiwer, in every
    build): a hand-counted pair, the second corrected sentence of the Upper Sorbian sample."""
    from hsb_whisper.evaluation.metrics import corpus_scores, score_utterances

    reference = HSB_SAMPLE_TEXT  # 9 words
    hypothesis = reference.replace("rěka", "reka").replace(" a bydlu", " bydlu")
    wer = corpus_scores(score_utterances(["s"], [reference], [hypothesis]))["wer"]
    if wer is None or abs(wer - 2 / 9) > 1e-9:
        raise _Failed(f"1 substitution + 1 deletion in 9 words scored {wer}, not 2/9")
    import jiwer

    return f"jiwer {getattr(jiwer, '__version__', '')}".rstrip() + ": 2 errors in 9 words = 0.222"


def _check_formats(ctx: _Context) -> str:
    transcript = ctx.transcript
    note = ""
    if transcript is None or not transcript.segments:
        transcript = _made_up_transcript()
        note = " (a made-up transcript: the transcription gave none)"
    names = formats.parse_formats(["all"])
    with tempfile.TemporaryDirectory(prefix="hsb-whisper-selftest-") as folder:
        for fmt in names:
            path = formats.save(transcript, Path(folder) / f"selftest{formats.suffix(fmt)}", fmt)
            problem = _READ_BACK.get(fmt, _read_nonempty)(path, transcript)
            if problem:
                raise _Failed(f"{fmt}: {problem}")
    return f"{', '.join(names)} written and read back{note}"


def _made_up_transcript() -> Transcript:
    words = (Word(0.2, 0.6, "Please", 0.9), Word(0.6, 1.0, "call", 0.9))
    segments = [
        Segment(0.2, 1.0, "Please call", -0.2, 0.01, words),
        Segment(1.2, 2.0, "Stella.", -0.3, 0.01),
    ]
    return Transcript(AudioInfo(SAMPLE, 2.5, "en", 1.0), segments, "selftest")


def _interval_text(transcript: Transcript) -> str:
    """The segments' text as ELAN and Praat files hold it (see ``formats.segment_intervals``)."""
    return " ".join(segment.text for segment, _ in formats.segment_intervals(transcript))


def _read_json(path: Path, transcript: Transcript) -> str | None:
    count = len(formats.read_json(path).segments)
    if count != len(transcript.segments):
        return f"{count} segments read back, {len(transcript.segments)} written"
    return None


def _read_eaf(path: Path, transcript: Transcript) -> str | None:
    from pympi import Elan

    annotations = sorted(Elan.Eaf(str(path)).get_annotation_data_for_tier(formats.SEGMENT_TIER))
    text = " ".join(a[2] for a in annotations)
    return None if text == _interval_text(transcript) else f"read back {text!r}"


def _read_textgrid(path: Path, transcript: Transcript) -> str | None:
    from praatio import textgrid

    grid = textgrid.openTextgrid(str(path), includeEmptyIntervals=False)
    tier = grid.getTier(formats.SEGMENT_TIER)
    text = " ".join(entry.label for entry in tier.entries)
    return None if text == _interval_text(transcript) else f"read back {text!r}"


def _read_cues(path: Path, transcript: Transcript) -> str | None:
    lines = path.read_text(encoding="utf-8").splitlines()
    return None if any("-->" in line for line in lines) else "no cue timing line ('-->')"


def _read_nonempty(path: Path, transcript: Transcript) -> str | None:
    return None if path.read_text(encoding="utf-8").strip() else "the file is empty"


# How each format of hsb_whisper.transcription.formats is read back (a new format needs an entry).
_READ_BACK: dict[str, Callable[[Path, Transcript], str | None]] = {
    "txt": _read_nonempty,
    "srt": _read_cues,
    "vtt": _read_cues,
    "json": _read_json,
    "eaf": _read_eaf,
    "textgrid": _read_textgrid,
}


def _worker_pid() -> int:
    """Runs in the worker process."""
    return os.getpid()


def _check_speakers(ctx: _Context) -> str:
    """The speaker encoder (an ONNX file checked against its SHA-256) loads with onnxruntime and
    finds one voice in the one-voice sample."""
    from hsb_whisper.export import SpeakerEncoder
    from hsb_whisper.transcription.speakers import SpeakerTrack

    start = time.perf_counter()
    track = SpeakerTrack(SpeakerEncoder())
    track.feed(load_audio(SAMPLE))
    turns = track.turns()
    found = {t.speaker for t in turns}
    if len(found) != 1:
        raise _Failed(f"{SAMPLE.name}: {len(found)} speakers found in one voice")
    speech = sum(t.end - t.start for t in turns)
    return (
        f"voice-encoder.onnx: one speaker in {speech:.1f} s of speech of {SAMPLE.name} "
        f"({time.perf_counter() - start:.1f} s)"
    )


def _check_workers(ctx: _Context) -> str:
    """A frozen app without ``multiprocessing.freeze_support()`` runs itself again in the child
    instead of the worker: it exits at once (a usage error) or never answers (a window)."""
    hint = "in a frozen app: is multiprocessing.freeze_support() called first?"
    start = time.perf_counter()
    context = multiprocessing.get_context("spawn")  # the default on Windows and macOS
    pool = concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context)
    wait = True
    try:
        pid = pool.submit(_worker_pid).result(timeout=WORKER_TIMEOUT_S)
    except concurrent.futures.process.BrokenProcessPool as e:
        raise _Failed(f"the worker process ended without answering ({hint})") from e
    except concurrent.futures.TimeoutError as e:
        # Python has no public way to stop a pool's workers before 3.14 (terminate_workers()).
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        wait = False  # what the killed child started may still hold the pool's pipes open
        raise _Failed(
            f"a worker process did not answer within {WORKER_TIMEOUT_S:g} s ({hint})"
        ) from e
    finally:
        pool.shutdown(wait=wait, cancel_futures=True)
    if pid == os.getpid():
        raise _Failed(f"the worker ran in this process ({pid}), not in a new one")
    return f"a spawned worker process ({pid}) answered in {time.perf_counter() - start:.1f} s"


def _check_qt(ctx: _Context) -> str:
    if importlib.util.find_spec("PySide6") is None:
        raise _Skipped("no desktop libraries (PySide6 is not installed)")
    from hsb_whisper.desktop.ui.app import qt_selftest

    found, problems = qt_selftest()
    if problems:
        raise _Failed("; ".join(problems))
    return found


def _skip_without_training(ctx: _Context) -> None:
    """Training is not part of the transcriber build, nor of a pip install without the
    finetune extra; the full build must have it (its check then fails on what is missing)."""
    if ctx.flavor == "transcriber":
        raise _Skipped("transcriber build: training needs the full build")
    if ctx.flavor == PIP_INSTALL:
        missing = missing_training_libraries()
        if missing:
            raise _Skipped(f"not installed: {', '.join(missing)} (the finetune extra)")


def _check_training(ctx: _Context) -> str:
    _skip_without_training(ctx)
    modules = [importlib.import_module(name) for name in TRAINING_LIBRARIES]
    torch = modules[0]
    if torch.cuda.is_available():
        device = f"cuda ({torch.cuda.get_device_name(0)})"
    elif torch.backends.mps.is_available():
        device = "mps"
    else:
        device = "cpu"
    versions = ", ".join(f"{m.__name__} {m.__version__}" for m in modules)
    before, after = _lora_step()
    return (
        f"{versions}; torch computes on {device}; one LoRA step on a tiny random Whisper: "
        f"loss {before:.3f} → {after:.3f}"
    )


def _check_finetune(ctx: _Context) -> str:
    """``hsb-whisper finetune`` for real, as the wizard starts it: a process of its own (the
    installer's executable itself when frozen), the classic recipe with two steps on a tiny
    random Whisper (made from the default model's tokenizer) and the two bundled samples."""
    _skip_without_training(ctx)
    if ctx.model is None:
        raise _Failed("no default model (see the model check) to take the tokenizer from")
    from hsb_whisper.desktop.training_job import TrainingJob

    with tempfile.TemporaryDirectory(prefix="hsb-selftest-") as tmp:
        folder = Path(tmp)
        base = _tiny_whisper(ctx.model.path, folder / "tiny-whisper")
        splits = {
            "train": [{"audio": str(SAMPLE), "text": SAMPLE_TEXT}],
            "dev": [{"audio": str(HSB_SAMPLE), "text": HSB_SAMPLE_TEXT}],
        }
        manifests = {}
        for split, rows in splits.items():
            manifests[split] = folder / f"{split}.jsonl"
            manifests[split].write_text(
                "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows),
                encoding="utf-8",
            )
        started = time.perf_counter()
        job = TrainingJob.start(
            folder / "run",
            "classic",
            [
                f"base={base}",
                f"stages.hsb.train={manifests['train']}",
                f"stages.hsb.dev={manifests['dev']}",
                "training.max_steps=2",
                "training.batch_size=1",
                "training.eval_max_new_tokens=4",
                "lora.r=4",
                "lora.alpha=8",
            ],
        )
        state = job.wait(timeout=600)
        steps = [e for e in job.poll() if e.kind == "step"]
        if state != "finished":
            raise _Failed(f"the training process {state}: {job.error or ''}".rstrip(": "))
        seconds = time.perf_counter() - started
    return (
        f"'hsb-whisper finetune classic' in a process of its own: {len(steps)} steps on a tiny "
        f"random Whisper and a bundled sample, finished in {seconds:.1f} s"
    )


# The size of the tiny random Whispers the training checks train (seconds on any CPU).
TINY_WHISPER = {
    "d_model": 64,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "encoder_attention_heads": 2,
    "decoder_attention_heads": 2,
    "encoder_ffn_dim": 128,
    "decoder_ffn_dim": 128,
}


def _tiny_whisper(default_model: Path, out: Path) -> Path:
    """A randomly initialised tiny Whisper (d_model 64, 2 + 2 layers) with the default model's
    tokenizer, feature extractor and generation settings, as a Hugging Face folder."""
    from transformers import (
        GenerationConfig,
        WhisperConfig,
        WhisperForConditionalGeneration,
        WhisperProcessor,
    )
    from transformers.utils import logging as hf_logging

    from hsb_whisper.export import ct2_to_hf

    hf_logging.disable_progress_bar()  # one line per check on the terminal

    full = ct2_to_hf(default_model, out.with_name("whisper-base-hf"), dtype="float16")
    config = WhisperConfig.from_pretrained(full)
    for key, value in TINY_WHISPER.items():
        setattr(config, key, value)
    tiny = WhisperForConditionalGeneration(config)
    generation = GenerationConfig.from_pretrained(full)
    generation.alignment_heads = [[1, 0], [1, 1]]  # heads that exist in 2 layers
    tiny.generation_config = generation
    tiny.save_pretrained(out)
    WhisperProcessor.from_pretrained(full).save_pretrained(out)
    return out


def _lora_step() -> tuple[float, float]:
    """Train a tiny random Whisper (d_model 64, 2 + 2 layers) with the recipes' LoRA targets for
    two steps on one random example, on the CPU: torch's autograd, transformers' Whisper and
    peft's LoRA as training uses them. Returns the loss before and after the first step."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import WhisperConfig, WhisperForConditionalGeneration

    torch.manual_seed(0)
    config = WhisperConfig(
        **TINY_WHISPER,
        vocab_size=512,
        max_source_positions=100,
        max_target_positions=32,
        decoder_start_token_id=1,
        bos_token_id=1,
        eos_token_id=2,
        pad_token_id=0,
        suppress_tokens=[],
        begin_suppress_tokens=[],
    )
    with warnings.catch_warnings():  # peft on transformers' deprecated names: not ours to fix
        warnings.simplefilter("ignore", FutureWarning)
        model = get_peft_model(
            WhisperForConditionalGeneration(config),
            LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"]),
        )
    features = torch.randn(1, config.num_mel_bins, 2 * config.max_source_positions)
    labels = torch.randint(2, config.vocab_size, (1, 8))
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2)
    losses = []
    for _ in range(2):
        loss = model(input_features=features, labels=labels).loss
        losses.append(float(loss.detach()))
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    if not all(math.isfinite(x) for x in losses) or losses[1] >= losses[0]:
        raise _Failed(f"a LoRA step did not lower the loss ({losses[0]} → {losses[1]})")
    return losses[0], losses[1]


# --- the network check: an audit hook, installed once per process -------------------------------

_hook_installed = False
_recorded: list[tuple[str, str, bool]] | None = None  # (check, event, local) during a self-test
_running = ""  # the check running now


def _audit(event: str, args: tuple) -> None:
    """Python's audit hook (it cannot be removed): records socket events only while
    :func:`run_selftest` runs. AF_UNIX sockets (``socket.socketpair``, a local path) are local
    inter-process channels, not network, and are recorded as local."""
    recorded = _recorded
    if recorded is None or event not in SOCKET_EVENTS:
        return
    if event == "socket.__new__":
        local = len(args) > 1 and args[1] == getattr(socket, "AF_UNIX", None)
    elif event in ("socket.bind", "socket.connect"):
        local = len(args) > 1 and isinstance(args[1], (str, bytes))  # an AF_UNIX path
    else:
        local = False  # a name lookup
    recorded.append((_running, event, local))


def _check_network(ctx: _Context) -> str:
    recorded = list(_recorded or ())
    network = [(check, event) for check, event, local in recorded if not local]
    local = sum(1 for _, event, is_local in recorded if is_local and event == "socket.__new__")
    note = f"; {local} local AF_UNIX socket(s) not counted" if local else ""
    if network:
        events = ", ".join(f"{event} ({check})" for check, event in dict.fromkeys(network))
        raise _Failed(
            f"{len(network)} network socket event(s) during the self-test: {events}{note}"
        )
    return f"no network socket made or name looked up (Python's socket audit events){note}"


# --- running them -------------------------------------------------------------------------------

CHECKS: tuple[tuple[str, Callable[[_Context], str]], ...] = (
    ("build", _check_build),
    ("model", _check_model),
    ("vad", _check_vad),
    ("transcribe", _check_transcribe),
    ("import", _check_import),
    ("scoring", _check_scoring),
    ("formats", _check_formats),
    ("speakers", _check_speakers),
    ("workers", _check_workers),
    ("qt", _check_qt),
    ("training", _check_training),
    ("finetune", _check_finetune),
    ("network", _check_network),
)


def run_selftest(report: Callable[[Check], None] | None = None) -> list[Check]:
    """Run every check of :data:`CHECKS` in order, with the Hugging Face Hub switched offline,
    calling ``report`` with each result as it comes; return them all."""
    global _hook_installed, _recorded, _running
    if not _hook_installed:
        sys.addaudithook(_audit)
        _hook_installed = True
    ctx = _Context()
    results: list[Check] = []
    old_offline = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    _recorded = []
    try:
        for name, check in CHECKS:
            _running = name
            result = _run_one(name, check, ctx)
            log.info(
                "selftest %s: %s in %.2f s: %s", name, result.status, result.seconds, result.detail
            )
            results.append(result)
            if report is not None:
                report(result)
    finally:
        _recorded = None
        if old_offline is None:
            os.environ.pop("HF_HUB_OFFLINE", None)
        else:
            os.environ["HF_HUB_OFFLINE"] = old_offline
    return results


def _run_one(name: str, check: Callable[[_Context], str], ctx: _Context) -> Check:
    start = time.perf_counter()
    try:
        status, detail = "ok", check(ctx)
    except _Skipped as e:
        status, detail = "skip", str(e)
    except _Failed as e:
        status, detail = "FAIL", str(e)
    except Exception as e:  # the boundary of one check: the others still run
        log.debug("selftest %s failed", name, exc_info=True)
        status, detail = "FAIL", f"{type(e).__name__}: {e}"
    detail = " ".join(detail.split())  # one line, whatever a message held
    return Check(name, status, detail, time.perf_counter() - start)
