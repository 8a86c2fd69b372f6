"""Fast CPU training: clips packed into shared 30 s windows (``training.pack``) and bf16 autocast
where the CPU has bf16 instructions (``precision = "auto"``). The shipped recipes train packed on
a CPU (``training.pack = "auto"``, the default), so a command-line user on a laptop gets the
wizard's fast training; ``--set training.pack=false`` trains one clip per window as the research
did, and "auto" on a GPU does not pack."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hsb_whisper.errors import OptionError
from hsb_whisper.finetune import Run, export_run, train
from hsb_whisper.finetune.config import TrainingConfig, load_recipe, recipe_from_dict
from hsb_whisper.finetune.features import (
    PROMPT_TOKENS,
    SILENCE_FRAMES,
    LengthGroupedBatches,
    choose_alone,
    collate_packed,
    label_ids,
    pack_windows,
    packed_features,
    packed_label,
)

from testsupport.cli_runner import run_cli

N_FRAMES = 3000  # 30 s
MAX_TOKENS = 448
PACKED = "packed into shared 30 s windows"  # in the event "stage hsb: N clips, N steps, …"


def window_frames(frames: list[int], window: list[int]) -> int:
    return sum(frames[i] for i in window) + SILENCE_FRAMES * (len(window) - 1)


def window_tokens(tokens: list[int], window: list[int]) -> int:
    return PROMPT_TOKENS + 1 + sum(tokens[i] - PROMPT_TOKENS - 1 for i in window)


# ---- the plan: batches and windows -----------------------------------------------------------


@given(
    clips=st.lists(
        st.tuples(st.integers(30, N_FRAMES), st.integers(PROMPT_TOKENS + 2, 200)),
        min_size=1,
        max_size=400,
    ),
    batch_size=st.integers(1, 24),
    seed=st.integers(0, 2**32 - 1),
)
def test_every_clip_of_an_epoch_once_and_no_window_over_30_s_or_448_tokens(clips, batch_size, seed):
    frames = [f for f, _ in clips]
    tokens = [t for _, t in clips]
    sampler = LengthGroupedBatches(tokens, batch_size, seed, frames=frames)
    for epoch in (0, 1):
        batches = sampler.batches(epoch)
        assert sorted(i for batch in batches for i in batch) == list(range(len(clips)))
        assert len(batches) == math.ceil(len(clips) / batch_size)  # the steps train() counts
        assert all(0 < len(batch) <= batch_size for batch in batches)
        assert batches == sampler.batches(epoch)  # the same plan again: resuming is exact
        for batch in batches:
            windows = pack_windows(
                [frames[i] for i in batch], [tokens[i] for i in batch], N_FRAMES, MAX_TOKENS
            )
            assert sorted(i for w in windows for i in w) == list(range(len(batch)))
            local_frames = [frames[i] for i in batch]
            local_tokens = [tokens[i] for i in batch]
            for w in windows:
                assert window_frames(local_frames, w) <= N_FRAMES
                assert window_tokens(local_tokens, w) <= MAX_TOKENS
                assert w == sorted(w)


def test_oversized_clips_get_a_window_of_their_own():
    windows = pack_windows([100, 3500, 200], [10, 10, 500], N_FRAMES, MAX_TOKENS)
    assert sorted(windows) == [[0], [1], [2]]


def test_packed_batches_fill_few_windows():
    """Batches of clips of Common Voice Upper Sorbian lengths (mean 3.3 s) are balanced by
    duration, so 8 clips need few windows: the point of packing."""
    rng = np.random.default_rng(0)
    frames = [int(f) for f in np.clip(rng.lognormal(np.log(310), 0.45, 949), 80, 1500)]
    tokens = [4 + round(f / 25) for f in frames]
    batches = LengthGroupedBatches(tokens, 8, 0, frames=frames).batches(0)
    windows = [
        len(pack_windows([frames[i] for i in b], [tokens[i] for i in b], N_FRAMES, MAX_TOKENS))
        for b in batches
    ]
    assert sum(windows) / len(windows) < 1.6  # unpacked: 8 windows a batch
    unbalanced = LengthGroupedBatches(tokens, 8, 0).batches(0)  # grouped by label length
    plain = [
        len(pack_windows([frames[i] for i in b], [tokens[i] for i in b], N_FRAMES, MAX_TOKENS))
        for b in unbalanced
    ]
    assert sum(windows) < sum(plain)


def test_a_resumed_epoch_continues_the_same_plan():
    frames, tokens = list(range(50, 1050, 10)), [10] * 100
    sampler = LengthGroupedBatches(tokens, 8, 3, frames=frames)
    sampler.epoch = 2
    whole = list(sampler)
    sampler.skip = 5
    assert list(sampler) == whole[5:] and len(sampler) == len(whole) - 5


# ---- the window's features and target --------------------------------------------------------


def test_packed_features_are_the_extractor_on_the_joined_audio(data_dirs):
    """The measurement behind packed_features: a window made of cached per-clip frames equals
    the extractor run on the clips' audio joined with silence (one clip 26 dB quieter), where
    joining the normalised frames as they are would not."""
    from hsb_whisper.audio import load_audio
    from hsb_whisper.data import read_manifest
    from hsb_whisper.melspec import content_frames

    config = {"feature_size": 80, "sampling_rate": 16000, "hop_length": 160, "n_fft": 400}
    hop = config["hop_length"]
    clips = read_manifest(data_dirs["hsb"] / "train.jsonl")[:4]
    audio = [load_audio(str(c.audio)) for c in clips]
    audio[1] = audio[1] * 0.05  # a quieter speaker
    audio = [np.pad(a, (0, -len(a) % hop)) for a in audio]  # whole frames, as the cache holds
    silence = np.zeros(SILENCE_FRAMES * hop, np.float32)
    joined = np.concatenate([x for a in audio for x in (a, silence)][:-1])
    expected = content_frames(joined, config)
    cached = [content_frames(a, config).astype(np.float16) for a in audio]  # what the cache keeps

    window = packed_features(cached, N_FRAMES)
    content = expected.shape[1]
    assert window.shape == (80, N_FRAMES) and window.dtype == np.float32
    differ = np.abs(window[:, :content] - expected).max(axis=0) > 2e-3  # float16's rounding
    edges, start = set(), 0
    for c in cached:  # the frames whose 25 ms STFT window reaches over a clip's edge
        edges |= {start - 1, start, start + 1, start + len(c.T) - 1, start + len(c.T)}
        start += len(c.T) + SILENCE_FRAMES
    assert set(np.nonzero(differ)[0]) <= edges  # everything else is the extractor's
    assert not window[:, content:].any()  # then zeros, as faster-whisper pads a short input
    naive = np.concatenate(
        [x for c in cached for x in (c, np.zeros((80, SILENCE_FRAMES)))][:-1], axis=1
    )
    assert np.abs(naive - expected).max() > 0.3
    alone = packed_features(cached[:1], N_FRAMES)  # one clip: exactly its own frames
    assert np.abs(alone[:, : cached[0].shape[1]] - cached[0]).max() < 1e-3


def test_packed_target_is_the_joined_transcripts(tiny_whisper):
    from transformers import WhisperProcessor

    tokenizer = WhisperProcessor.from_pretrained(tiny_whisper).tokenizer
    texts = ["Dobry dźeń, mje rěka Jan.", "Bydlu w Budyšinje.", "Što je to?"]
    labels = [label_ids(tokenizer, t, "cs") for t in texts]
    packed = packed_label(labels)
    assert packed == label_ids(tokenizer, " ".join(texts), "cs")
    assert tokenizer.decode(packed, skip_special_tokens=False).startswith(
        "<|cs|><|transcribe|><|notimestamps|> Dobry dźeń"
    )
    assert packed[-1] == tokenizer.eos_token_id and packed.count(tokenizer.eos_token_id) == 1


def test_collate_packs_a_batch(tmp_path):
    pytest.importorskip("torch")  # the batch is torch tensors
    paths, items = [], []
    rng = np.random.default_rng(1)
    for i, n in enumerate((400, 900, 1500, 200)):
        path = tmp_path / f"{i}.npy"
        np.save(path, rng.uniform(-0.5, 1.0, (80, n)).astype(np.float16))
        paths.append(path)
        items.append((path, [50283, 50359, 50363, 400 + i, 500 + i, 50257]))
    batch = collate_packed(items, N_FRAMES, MAX_TOKENS)
    assert batch["input_features"].shape == (2, 80, N_FRAMES)  # 3000 frames + silences: two
    labels = batch["labels"].tolist()
    texts = sorted(t for row in labels for t in row if 400 <= t < 600)
    assert texts == [400, 401, 402, 403, 500, 501, 502, 503]  # every clip's text once
    assert all(row.count(50257) == 1 and row[:3] == [50283, 50359, 50363] for row in labels)


def test_pack_alone_trains_that_share_of_a_batch_one_clip_per_window(tmp_path):
    pytest.importorskip("torch")  # the batch is torch tensors
    rng = np.random.default_rng(2)
    items = []
    for i in range(8):  # eight 2-s clips: all in one window when packed
        path = tmp_path / f"{i}.npy"
        np.save(path, rng.uniform(-0.5, 1.0, (80, 200)).astype(np.float16))
        items.append((path, [50283, 50359, 50363, 400 + i, 50257]))
    assert collate_packed(items, N_FRAMES, MAX_TOKENS)["input_features"].shape[0] == 1
    batch = collate_packed(items, N_FRAMES, MAX_TOKENS, alone=0.25)
    assert batch["input_features"].shape[0] == 3  # two clips alone, six packed together
    rows = batch["labels"].tolist()
    texts = [[t for t in row if 400 <= t < 500] for row in rows]
    assert sorted(len(t) for t in texts) == [1, 1, 6]
    assert sorted(t for row in texts for t in row) == list(range(400, 408))  # each clip once
    for row, features in zip(texts, batch["input_features"]):
        if len(row) == 1:  # alone: its frames first, then the padding of an unpacked clip
            single = collate_packed([items[row[0] - 400]], N_FRAMES, MAX_TOKENS)
            assert np.array_equal(features.numpy(), single["input_features"][0].numpy())
    again = collate_packed(items, N_FRAMES, MAX_TOKENS, alone=0.25)  # a resumed run: the same
    assert again["labels"].tolist() == rows
    assert choose_alone(8, 0.0, "x") == [] and choose_alone(8, 1.0, "x") == list(range(8))
    assert (
        load_recipe("classic", ["training.pack_alone=0.25"]).stages[0].training.pack_alone == 0.25
    )
    with pytest.raises(OptionError, match=r"training\.pack_alone"):
        load_recipe("classic", ["training.pack_alone=1.5"])


def test_pack_seconds_leaves_the_rest_of_each_window_silent(tmp_path):
    pytest.importorskip("torch")  # the batch is torch tensors
    rng = np.random.default_rng(3)
    items = []
    for i in range(8):  # eight 2-s clips: 4 fit in 10 s with the 0.3-s silences between them
        path = tmp_path / f"{i}.npy"
        np.save(path, rng.uniform(-0.5, 1.0, (80, 200)).astype(np.float16))
        items.append((path, [50283, 50359, 50363, 400 + i, 50257]))
    batch = collate_packed(items, N_FRAMES, MAX_TOKENS, fill_frames=1000)
    assert batch["input_features"].shape == (2, 80, N_FRAMES)
    assert [sum(400 <= t < 500 for t in row) for row in batch["labels"].tolist()] == [4, 4]
    used = 4 * 200 + 3 * SILENCE_FRAMES
    for window in batch["input_features"].numpy():
        tail = window[:, used:]
        assert np.all(tail == tail[0, 0])  # silence from the fourth clip's end to 30 s
    recipe = load_recipe("classic", ["training.pack_seconds=10"])
    assert recipe.stages[0].training.pack_seconds == 10
    with pytest.raises(OptionError, match=r"training\.pack_seconds"):
        load_recipe("classic", ["training.pack_seconds=45"])


# ---- the recipe option -----------------------------------------------------------------------


def test_pack_is_true_false_or_auto():
    for name in ("classic", "two-stage"):  # the shipped recipes: packed on a CPU
        assert all(s.training.pack == "auto" for s in load_recipe(name).stages)
    assert load_recipe("classic", ["training.pack=false"]).stages[0].training.pack is False
    assert load_recipe("classic", ["training.pack=true"]).stages[0].training.pack is True
    assert load_recipe("classic", ["training.pack=auto"]).stages[0].training.pack == "auto"
    with pytest.raises(OptionError, match=r'training.pack must be true, false or "auto"'):
        load_recipe("classic", ["training.pack=yes"])
    with pytest.raises(OptionError, match=r"training.pack = 'on' is not allowed"):
        TrainingConfig(pack="on")
    toml = load_recipe("classic", ["training.pack=auto"]).to_toml()
    assert 'pack = "auto"' in toml


def test_packing_and_bf16_follow_the_device(monkeypatch):
    pytest.importorskip("torch")  # train's precision choice asks torch about the GPU
    import importlib

    from hsb_whisper.finetune.setup import _precision, packs

    hardware_module = importlib.import_module("hsb_whisper.finetune.hardware")
    assert packs(TrainingConfig(pack="auto"), "cpu") and not packs(
        TrainingConfig(pack="auto"), "cuda"
    )
    assert packs(TrainingConfig(pack=True), "cuda") and not packs(TrainingConfig(pack=False), "cpu")
    assert packs(TrainingConfig(), "cpu") and not packs(TrainingConfig(), "cuda")  # the default

    monkeypatch.setattr(hardware_module, "_cpu_flags", lambda: {"avx2", "avx512f", "avx512_bf16"})
    assert hardware_module.cpu_has_fast_bf16()
    assert _precision(TrainingConfig(), cuda=False) == "bf16"
    assert _precision(TrainingConfig(precision="fp32"), cuda=False) == "no"
    monkeypatch.setattr(hardware_module, "_cpu_flags", lambda: {"avx2", "amx_bf16", "amx_tile"})
    assert _precision(TrainingConfig(), cuda=False) == "bf16"
    monkeypatch.setattr(hardware_module, "_cpu_flags", lambda: {"avx2", "avx512f"})  # emulated
    assert not hardware_module.cpu_has_fast_bf16()
    assert _precision(TrainingConfig(), cuda=False) == "no"
    monkeypatch.setattr(hardware_module, "_cpu_flags", set)  # nothing known (e.g. ARM)
    assert _precision(TrainingConfig(), cuda=False) == "no"
    assert _precision(TrainingConfig(precision="bf16"), cuda=False) == "bf16"  # as asked


def test_the_cpu_flags_probe_reads_this_machine():
    from hsb_whisper.finetune.hardware import _cpu_flags

    flags = _cpu_flags()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            listed = next(line for line in f if line.startswith("flags")).split(":", 1)[1].split()
    except (OSError, StopIteration):
        pytest.skip("no /proc/cpuinfo flags here")
    for flag in ("avx512_bf16", "amx_bf16"):
        assert (flag in flags) == (flag in listed)


def test_auto_is_the_shipped_default_and_packs_only_on_a_cpu():
    pytest.importorskip("torch")
    from hsb_whisper.finetune.setup import packs

    for name in ("classic", "two-stage"):
        for stage in load_recipe(name).stages:
            assert stage.training.pack == "auto"
            assert packs(stage.training, "cpu") and not packs(stage.training, "cuda")
    off = load_recipe("classic", ["training.pack=false"]).stages[0].training
    on = load_recipe("classic", ["training.pack=true"]).stages[0].training
    assert not packs(off, "cpu") and packs(on, "cuda")
    assert 'pack = "auto"' in load_recipe("classic").to_toml()


# ---- a packed run on the tiny model ----------------------------------------------------------


def packed_recipe(base, data_dirs, **training) -> dict:
    return {
        "name": "classic",
        "base": str(base),
        "language": "cs",
        "training": {
            "batch_size": 4,
            "max_steps": 6,
            "checkpoint_every": 2,
            "eval_every": 3,
            "eval_max_clips": 2,
            "eval_max_new_tokens": 6,
            "learning_rate": 3e-2,
            "warmup_ratio": 0.0,
            "pack": True,
            **training,
        },
        "lora": {"r": 4, "alpha": 8, "dropout": 0.05},
        "stages": [
            {
                "name": "hsb",
                "train": str(data_dirs["hsb"] / "train.jsonl"),
                "dev": str(data_dirs["hsb"] / "dev.jsonl"),
            }
        ],
    }


def adapter(folder):
    from safetensors.torch import load_file

    return load_file(folder / "adapter_model.safetensors")


@pytest.fixture(scope="module")
def packed_run(tiny_whisper, data_dirs, tmp_path_factory):
    pytest.importorskip("peft")
    run = tmp_path_factory.mktemp("packed") / "run"
    events = []
    result = train(recipe_from_dict(packed_recipe(tiny_whisper, data_dirs)), run, events.append)
    return run, result, events


def test_a_packed_run_trains(packed_run):
    run, result, events = packed_run
    stage = next(e for e in events if e.kind == "stage" and e.total_steps)
    assert "packed into shared 30 s windows" in stage.message
    losses = [e.loss for e in events if e.kind == "step"]
    assert len(losses) == 6
    assert sum(losses[-2:]) / 2 < losses[0]  # it learns
    assert result.best_dev_wer is not None
    weights = adapter(result.last_adapter)
    assert all(w.dtype.is_floating_point and w.dtype.itemsize == 4 for w in weights.values())
    assert json.loads((run / "recipe.json").read_text())["stages"][0]["training"]["pack"] is True


def test_a_paused_packed_run_resumes_exactly(packed_run, tiny_whisper, data_dirs, tmp_path):
    """Paused after the checkpoint of step 4 (in the second epoch of 3 batches) and resumed, it
    ends with the adapter of the uninterrupted run."""
    from hsb_whisper.finetune import TrainingPaused

    straight, _, _ = packed_run
    recipe = recipe_from_dict(packed_recipe(tiny_whisper, data_dirs))
    run = tmp_path / "paused"

    def pause_at_step_3(event):
        if event.kind == "step" and event.step == 3:
            Run(run).request_pause()

    with pytest.raises(TrainingPaused, match="paused after step 4 of 6"):
        train(recipe, run, pause_at_step_3)
    train(recipe, run)
    a = adapter(run / "stages" / "hsb" / "last-adapter")
    b = adapter(straight / "stages" / "hsb" / "last-adapter")
    assert a.keys() == b.keys()
    assert all((a[k] - b[k]).abs().max() < 1e-6 for k in a)


def test_a_packed_run_exports_and_transcribes(packed_run, clips, tmp_path, capsys):
    from hsb_whisper.export import ModelStore

    run, _, _ = packed_run
    store = ModelStore(tmp_path / "store")
    folder, info = export_run(run, name="tiny-packed", quantization="int8", store=store)
    assert info.language == "cs" and (folder / "model.bin").is_file()
    result = run_cli(
        capsys,
        "transcribe",
        clips["cs"],
        "-m",
        folder,
        "-f",
        "json",
        "-o",
        tmp_path / "out",
        "--beam-size",
        "1",
        "--no-vad",
    )
    assert result.code == 0, result.err
    assert json.loads((tmp_path / "out" / "cs.json").read_text())["language"] == "cs"


def test_bf16_autocast_on_the_cpu_trains_like_fp32(tiny_whisper, data_dirs, tmp_path):
    """bf16 autocast (what "auto" picks on CPUs with bf16 instructions) gives losses close to
    fp32's and fp32 adapters, on any CPU (where it is emulated it is only slower)."""
    from accelerate.state import AcceleratorState

    losses = {}
    for precision in ("fp32", "bf16"):
        # accelerate keeps one mixed precision per process (a run is one process); another
        # run in this process with another precision needs its state forgotten
        AcceleratorState._reset_state(reset_partial_state=True)
        events = []
        recipe = packed_recipe(tiny_whisper, data_dirs, precision=precision, max_steps=3)
        recipe["lora"]["dropout"] = 0.0
        result = train(recipe_from_dict(recipe), tmp_path / precision, events.append)
        losses[precision] = [e.loss for e in events if e.kind == "step"]
        weights = adapter(result.last_adapter)
        assert all(w.dtype.itemsize == 4 for w in weights.values())  # stored in fp32
    AcceleratorState._reset_state(reset_partial_state=True)
    assert losses["fp32"] != losses["bf16"]  # autocast did act
    assert np.allclose(losses["fp32"], losses["bf16"], rtol=0.03)


@pytest.mark.slow
def test_the_classic_recipe_trains_packed_here_unless_told_not_to(
    tiny_whisper: Path, data_dirs: dict[str, Path], tmp_path: Path
):
    pytest.importorskip("peft")
    from hsb_whisper.finetune import Run, train

    hsb = data_dirs["hsb"]
    common = [
        f"base={tiny_whisper}",
        f"stages.hsb.train={hsb / 'train.jsonl'}",
        f"stages.hsb.dev={hsb / 'dev.jsonl'}",
        "training.max_steps=1",
        "training.batch_size=4",
        "training.eval_max_clips=1",
        "training.eval_max_new_tokens=2",
        "training.device=cpu",
        "lora.r=4",
    ]
    for extra, packed, written in (([], True, '"auto"'), (["training.pack=false"], False, "false")):
        events = []
        run = Run(tmp_path / ("packed" if packed else "unpacked"))
        train(load_recipe("classic", common + extra), run.path, on_event=events.append)
        [start] = [e.message for e in events if e.kind == "stage" and "steps" in e.message]
        assert (PACKED in start) == packed, start
        assert f"pack = {written}" in run.recipe_toml.read_text(encoding="utf-8")
