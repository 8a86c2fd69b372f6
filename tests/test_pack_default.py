"""The shipped recipes train packed on a CPU (``training.pack = "auto"``, the default): a
command-line user on a laptop gets the wizard's fast training; ``--set training.pack=false``
trains one clip per window as the research did, and "auto" on a GPU does not pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from hsb_whisper.finetune import load_recipe

PACKED = "packed into shared 30 s windows"  # in the event "stage hsb: N clips, N steps, …"


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
