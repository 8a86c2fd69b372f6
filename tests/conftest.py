"""Shared fixtures: a private data folder, the real default model, synthetic speech clips."""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display here or in CI

import pytest
from hypothesis import settings

from testsupport.speech import (
    CS_SENTENCE,
    EN_SENTENCE,
    EN_SENTENCES,
    encode,
    speak,
    speak_sentences,
    write_wav,
)

# CI runs the property tests on a fixed sequence of examples (the same on every run, so a landing
# never depends on luck); a developer's run explores new ones each time.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def hsb_home(tmp_path_factory: pytest.TempPathFactory):
    """Every test runs with its own data folder (models, logs) instead of the user's."""
    home = tmp_path_factory.mktemp("hsb-home")
    old = os.environ.get("HSB_WHISPER_HOME")
    os.environ["HSB_WHISPER_HOME"] = str(home)
    yield home
    if old is None:
        del os.environ["HSB_WHISPER_HOME"]
    else:
        os.environ["HSB_WHISPER_HOME"] = old


@pytest.fixture(scope="session")
def default_model(hsb_home):
    from hsb_whisper.export import ModelStore

    return ModelStore().resolve(None)


@pytest.fixture(scope="module")
def store_left_as_it_was(default_model):
    """The session's store is shared (test_app expects whisper-base first): the models a test
    module installs are removed when it ends."""
    from hsb_whisper.export import ModelStore

    store = ModelStore()
    before = set(store.names())
    yield
    for name in set(store.names()) - before:
        store.remove(name)


@pytest.fixture(scope="session")
def en_transcriber(default_model):
    from hsb_whisper.transcription import TranscribeOptions, Transcriber

    return Transcriber(default_model, TranscribeOptions(language="en"))


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real audio files, good and bad, made once per test run."""
    d = tmp_path_factory.mktemp("clips")
    c: dict[str, Path] = {}
    c["en"] = speak(EN_SENTENCE, "en", d / "en.wav")
    c["cs"] = speak(CS_SENTENCE, "cs", d / "cs.wav")
    c["en_long"] = speak_sentences(EN_SENTENCES, "en", d / "en_long.wav", pause_s=1.5)
    c["en_mp3"] = encode(c["en"], d / "en.mp3", "libmp3lame", 22050)
    # bad inputs
    c["missing"] = d / "missing.wav"
    c["folder"] = d / "a-folder"
    c["folder"].mkdir()
    c["empty"] = d / "empty.mp3"
    c["empty"].write_bytes(b"")
    rng = random.Random(0)
    c["garbage"] = d / "garbage.mp3"
    c["garbage"].write_bytes(bytes(rng.randrange(256) for _ in range(4000)))
    data = c["en_mp3"].read_bytes()
    c["truncated"] = d / "truncated.mp3"
    c["truncated"].write_bytes(data[: len(data) // 2 + 37])  # cut inside a frame
    import numpy as np

    c["silence"] = write_wav(d / "silence.wav", np.zeros(16000 * 3, np.int16), 16000)
    return c


@pytest.fixture(scope="session")
def cv_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A miniature Common Voice hsb release, extracted (see ``cv_fixture``)."""
    from testsupport.cv_fixture import build_release

    return build_release(tmp_path_factory.mktemp("cv-hsb"), "hsb")


@pytest.fixture(scope="session")
def cv_archive(cv_release: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from testsupport.cv_fixture import pack

    return pack(cv_release, tmp_path_factory.mktemp("cv-archive") / "cv-corpus-20.0-hsb.tar.gz")


@pytest.fixture(scope="session")
def hf_base(default_model, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default model converted to a Hugging Face folder (float32)."""
    pytest.importorskip("transformers")  # the finetune extra (not installed on Python 3.10 in CI)
    from hsb_whisper.export.ct2 import ct2_to_hf

    return ct2_to_hf(default_model.path, tmp_path_factory.mktemp("hf") / "whisper-base-hf")


@pytest.fixture(scope="session")
def tiny_whisper(hf_base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("torch")
    from testsupport.tiny_whisper import build_tiny_whisper

    return build_tiny_whisper(hf_base, tmp_path_factory.mktemp("tiny") / "tiny-whisper")


@pytest.fixture(scope="session")
def data_dirs(cv_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Clean manifests (train/dev/test.jsonl) of the hsb and Czech fixture releases."""
    from hsb_whisper.data import import_common_voice

    from testsupport.cv_fixture import build_release

    root = tmp_path_factory.mktemp("data")
    cs_release = build_release(root / "cs-release", "cs")
    import_common_voice(cv_archive, "hsb", root / "hsb")
    import_common_voice(cs_release, "cs", root / "cs")
    return {"hsb": root / "hsb", "cs": root / "cs"}


@pytest.fixture(scope="session")
def tiny_run(tiny_whisper: Path, data_dirs: dict[str, Path], tmp_path_factory) -> Path:
    """A finished classic run (2 steps) of the tiny Whisper on the hsb fixture data."""
    pytest.importorskip("peft")
    from hsb_whisper.finetune.config import recipe_from_dict
    from hsb_whisper.finetune.train import train

    run = tmp_path_factory.mktemp("tiny-run") / "classic"
    recipe = {
        "name": "classic",
        "base": str(tiny_whisper),
        "language": "cs",
        "training": {
            "batch_size": 4,
            "max_steps": 2,
            "eval_max_clips": 1,
            "eval_max_new_tokens": 4,
            "learning_rate": 1e-2,
        },
        "lora": {"r": 4, "alpha": 8},
        "stages": [
            {
                "name": "hsb",
                "train": str(data_dirs["hsb"] / "train.jsonl"),
                "dev": str(data_dirs["hsb"] / "dev.jsonl"),
            }
        ],
    }
    train(recipe_from_dict(recipe), run)
    return run


@pytest.fixture
def transcribed(monkeypatch):
    """The inputs that were really transcribed (the CLI's per-file step, spied on)."""
    from hsb_whisper.cli import transcribe as transcribe_cli

    calls: list[Path] = []
    real = transcribe_cli._transcribe_one

    def spy(transcriber, path, *args, **kwargs):
        calls.append(Path(path))
        return real(transcriber, path, *args, **kwargs)

    monkeypatch.setattr(transcribe_cli, "_transcribe_one", spy)
    return calls


@pytest.fixture
def store(tmp_path, monkeypatch, default_model):
    """A store of its own (also the CLI's) whose whisper-base is hard-linked from the session's
    (instant; nothing here writes into it)."""
    from hsb_whisper.export import ModelStore

    monkeypatch.setenv("HSB_WHISPER_HOME", str(tmp_path / "home"))
    s = ModelStore()
    shutil.copytree(default_model.path, s.root / "whisper-base", copy_function=os.link)
    return s


@pytest.fixture
def good(store, tmp_path, default_model) -> tuple[Path, dict]:
    """The model hsb-good, installed, and its metadata as a dict."""
    from hsb_whisper.export.metadata import METADATA_FILE

    from testsupport.model_packs import fake_model

    folder = fake_model(tmp_path / "good-src", default_model.path, name="hsb-good")
    model = store.install(folder)
    return model.path, json.loads((model.path / METADATA_FILE).read_text())


@pytest.fixture
def tiny_default(store, tiny_whisper):
    """``store`` with the tiny random Whisper installed as ``tiny`` (Czech), the default model:
    what "Improve my model" improves, in seconds."""
    from hsb_whisper.export import import_model

    import_model(str(tiny_whisper), name="tiny", language="cs", store=store)
    store.set_default("tiny")
    return store


@pytest.fixture
def corrected(tmp_path) -> Path:
    """A folder of eight saved transcripts, one recording and one speaker each, every segment
    confirmed (half of them corrected): see ``testsupport.corrections``."""
    from testsupport.corrections import save_corrected

    return save_corrected(tmp_path / "transcripts", tmp_path / "recordings")
