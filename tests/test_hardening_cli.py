"""Hostile and careless command lines: outputs that would overwrite inputs, output folders that
cannot be written, usage mistakes, recipes with absurd values, names and paths, and training
starts that fail. Each gets one line naming the file or value, the right exit code, and leaves
nothing behind."""

from __future__ import annotations

import copy
import errno
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hsb_whisper.cli import transcribe as transcribe_cli
from hsb_whisper.errors import HsbWhisperError, OptionError
from hsb_whisper.finetune.config import (
    MAX_NAME,
    Recipe,
    check_manifests,
    load_recipe,
    recipe_from_dict,
)

from testsupport.cli_runner import run_cli


def one_error_line(err: str, expected: str) -> str:
    """The stderr line that holds ``expected``: an error line, and no traceback anywhere."""
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if expected in line]
    assert len(lines) == 1, err
    assert lines[0].startswith("hsb-whisper: error: "), err
    return lines[0]


@pytest.fixture
def transcribed(monkeypatch):
    """The inputs that were really transcribed (the CLI's per-file step, spied on)."""
    calls: list[Path] = []
    real = transcribe_cli._transcribe_one

    def spy(transcriber, path, *args, **kwargs):
        calls.append(Path(path))
        return real(transcriber, path, *args, **kwargs)

    monkeypatch.setattr(transcribe_cli, "_transcribe_one", spy)
    return calls


FAST = ("-l", "en", "--beam-size", "1", "-q")


# ---- an output must never be an input -----------------------------------------------------


def test_output_named_like_the_input_is_refused(capsys, clips, tmp_path, default_model):
    talk = tmp_path / "talk.txt"  # cp talk.mp3 talk.txt; hsb-whisper transcribe -f txt talk.txt
    shutil.copyfile(clips["en_mp3"], talk)
    recording = talk.read_bytes()
    good = tmp_path / "good.wav"
    shutil.copyfile(clips["en"], good)
    result = run_cli(capsys, "transcribe", "-f", "txt", talk, good, *FAST)
    assert result.code == 1
    assert talk.read_bytes() == recording  # the recording is still there
    one_error_line(
        result.err,
        f"{talk}: its output {talk} would overwrite the file itself; use --output-dir DIR "
        "or another --format",
    )
    assert "store" in (tmp_path / "good.txt").read_text(encoding="utf-8").lower()  # others go on


def test_output_of_one_input_that_is_another_input_is_refused(
    capsys, clips, tmp_path, default_model, transcribed
):
    a_mp3, a_txt = tmp_path / "a.mp3", tmp_path / "a.txt"
    shutil.copyfile(clips["en_mp3"], a_mp3)
    shutil.copyfile(clips["en_mp3"], a_txt)  # a recording that happens to be called a.txt
    recording = a_txt.read_bytes()
    result = run_cli(capsys, "transcribe", "-f", "txt", a_mp3, a_txt, *FAST)
    assert result.code == 1
    assert a_txt.read_bytes() == recording
    one_error_line(result.err, f"{a_mp3}: its output {a_txt} would overwrite the input {a_txt};")
    one_error_line(result.err, f"{a_txt}: its output {a_txt} would overwrite the file itself;")
    assert transcribed == []  # refused before any work was done


@pytest.mark.parametrize("link", ["hard", "symbolic", "dotdot"])
def test_output_that_is_the_input_under_another_name_is_refused(
    capsys, clips, tmp_path, default_model, link
):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir(), out.mkdir()
    if link == "dotdot":  # -o in/../in: the input's own folder, spelt differently
        rec, output_dir = inputs / "rec.txt", inputs / ".." / "in"
    else:
        rec, output_dir = inputs / "rec.mp3", out
    shutil.copyfile(clips["en_mp3"], rec)
    recording = rec.read_bytes()
    target = output_dir / "rec.txt"
    if link == "hard":
        os.link(rec, target)  # the same inode under the output's name
    elif link == "symbolic":
        target.symlink_to(rec)
    result = run_cli(capsys, "transcribe", "-f", "txt", "-o", output_dir, rec, *FAST)
    assert result.code == 1
    assert rec.read_bytes() == recording
    one_error_line(result.err, f"{rec}: its output {target} would overwrite the file itself")


# ---- the output location is checked before anything is transcribed ------------------------


def test_output_dir_that_is_a_file_or_under_a_file(
    capsys, clips, tmp_path, default_model, transcribed
):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    result = run_cli(capsys, "transcribe", "-o", a_file, clips["en"], *FAST)
    assert result.code == 1
    assert result.err.strip() == (
        f"hsb-whisper: error: --output-dir {a_file}: is a file, not a folder; give a folder"
    )
    under = a_file / "sub" / "dir"
    result = run_cli(capsys, "transcribe", "-o", under, clips["en"], *FAST)
    assert result.code == 1
    assert result.err.strip() == (
        f"hsb-whisper: error: --output-dir {under}: is under {a_file}, which is a file, not a "
        "folder; give a folder"
    )
    assert transcribed == []
    assert a_file.read_text() == "not a folder"


def test_unwritable_output_dir_is_found_before_transcribing(
    capsys, clips, tmp_path, default_model, transcribed, monkeypatch
):
    # Tests run as root, for whom permission bits do not stop anything: a read-only folder is
    # simulated where every write starts, at the creation of a file in it.
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args, dir=None, **kwargs):
        if dir is not None and Path(dir) == readonly:
            raise PermissionError(errno.EACCES, "Permission denied", str(dir))
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    result = run_cli(capsys, "transcribe", "-o", readonly, clips["en"], *FAST)
    assert result.code == 1
    assert result.err.strip() == (
        f"hsb-whisper: error: --output-dir {readonly}: cannot write there (Permission denied)"
    )
    # next to each input: the file in the read-only folder is refused, the other is transcribed
    rec = readonly / "rec.wav"
    shutil.copyfile(clips["en"], rec)
    good = tmp_path / "good.wav"
    shutil.copyfile(clips["en"], good)
    result = run_cli(capsys, "transcribe", "-f", "txt", rec, good, *FAST)
    assert result.code == 1
    one_error_line(
        result.err,
        f"{rec}: cannot write its output in {readonly} (Permission denied); use --output-dir DIR",
    )
    assert transcribed == [good]
    assert (tmp_path / "good.txt").is_file() and not (readonly / "rec.txt").exists()


def test_output_path_that_is_a_folder_is_refused(
    capsys, clips, tmp_path, default_model, transcribed
):
    out = tmp_path / "out"
    (out / "en.txt").mkdir(parents=True)  # where the transcript of en.wav must go
    result = run_cli(capsys, "transcribe", "-o", out, clips["en"], clips["cs"], *FAST)
    assert result.code == 1
    one_error_line(
        result.err,
        f"{clips['en']}: its output {out / 'en.txt'} is a folder; rename it or use --output-dir",
    )
    assert transcribed == [clips["cs"]]
    assert (out / "cs.txt").is_file() and (out / "en.txt").is_dir()


def test_error_while_writing_is_one_line(capsys, clips, tmp_path, default_model, monkeypatch):
    def disk_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)  # the last step of every atomic write
    out = tmp_path / "out"
    result = run_cli(capsys, "transcribe", "-o", out, "-f", "txt,srt", clips["en"], *FAST)
    assert result.code == 1
    one_error_line(
        result.err, f"{out / 'en.txt'}: the txt output cannot be written (No space left on device)"
    )
    assert list(out.iterdir()) == []  # no half-written file, no temporary leftover


# ---- usage mistakes exit with 2 -----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-l", "hsb"],
            "language token 'hsb' is not one this model knows (Whisper has no Upper Sorbian "
            "token; models of ours force 'cs')",
        ),
        (["-l", "xx"], "language token 'xx' is not one this model knows; use 'auto' or one of"),
        (
            ["-f", "docx"],
            "unknown output format 'docx'; choose from txt, srt, vtt, json, eaf, textgrid or all",
        ),
        (["-f", "txt,,srt,docx"], "unknown output format 'docx'"),
        (["--beam-size", "0"], "beam size must be at least 1, not 0"),
        (["--threads", "-2"], "threads must be 0 (all cores) or more, not -2"),
    ],
)
def test_usage_mistakes_exit_2(capsys, clips, default_model, transcribed, args, message):
    result = run_cli(capsys, "transcribe", clips["en"], *args)
    assert result.code == 2
    assert result.err.startswith(f"hsb-whisper: error: {message}")
    assert len(result.err.strip().splitlines()) == 1 and result.out == ""
    assert transcribed == []


# ---- recipes: names, values, overrides, files -----------------------------------------------

BAD_NAMES = ["/abs/path", "../../x", "..", ".", ".hidden", "a/b", "a\\b", "", " ", "x" * 101]
BAD_NAMES += ["run\nname", "a b", "~/x", "c:x", "name\x00"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_recipe_name_cannot_choose_where_the_run_goes(tmp_path, name):
    recipe = tmp_path / "r.toml"
    recipe.write_text(
        f"name = {json.dumps(name)}\nbase = 'whisper-base'\n"
        "[[stages]]\nname = 'hsb'\ntrain = 't.jsonl'\ndev = 'd.jsonl'\n",
        encoding="utf-8",
    )
    with pytest.raises(OptionError, match=r"name = .* is not allowed; it names the run folder"):
        load_recipe(recipe)
    with pytest.raises(OptionError, match=r"name = .* is not allowed; it names the run folder"):
        load_recipe("classic", [f"name={json.dumps(name)}"])


def test_recipe_name_override_writes_nothing_outside(capsys, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)  # runs/../../x-<time> would be tmp_path/x-<time>
    for name in ("../../x", str(tmp_path / "x")):
        result = run_cli(capsys, "finetune", "classic", "--set", f"name={json.dumps(name)}")
        assert result.code == 1
        one_error_line(result.err, f"name = '{name}' is not allowed; it names the run folder")
    assert list(tmp_path.iterdir()) == [work] and list(work.iterdir()) == []


@pytest.mark.parametrize(
    "name", ["classic", "my-recipe.v2", "hsb_2026", "Serbšćina", "x" * MAX_NAME]
)
def test_good_recipe_names_are_kept(name):
    assert load_recipe("classic", [f"name={json.dumps(name)}"]).name == name


ABSURD = {
    "training.epochs": ["inf", "nan", "-inf", "0", "1e9", "-1"],
    "training.max_grad_norm": ["-1", "nan", "inf", "0"],
    "training.weight_decay": ["inf", "nan", "-0.1", "2"],
    "training.learning_rate": ["nan", "inf", "0", "1", "-1e-3"],
    "training.warmup_ratio": ["nan", "1", "-0.5"],
    "training.seed": ["-5", "4294967296", "9" * 40],
    "training.batch_size": ["0", "4097", "1000000", "-8", "9" * 40],
    "training.gradient_accumulation": ["0", "5000", "10000000000"],
    "training.eval_every": ["-1", "1000000000000"],
    "training.checkpoint_every": ["0", "1000000000000"],
    "training.keep_checkpoints": ["0", "1000000"],
    "training.eval_max_clips": ["-3", "100000000000000000000"],
    "training.max_steps": ["-1", "1e12", "100000000000000000"],
    "training.eval_max_new_tokens": ["0", "441"],
    "lora.r": ["0", "100000"],
    "lora.alpha": ["0", "1000000000"],
    "lora.dropout": ["nan", "1", "-0.1", "inf"],
}
ABSURD_CASES = [(key, value) for key, values in ABSURD.items() for value in values]


@pytest.mark.parametrize(("key", "value"), ABSURD_CASES)
def test_absurd_training_values_are_refused(key, value):
    with pytest.raises(OptionError) as info:
        load_recipe("classic", [f"{key}={value}"])
    message = str(info.value)
    assert "\n" not in message and len(message) < 300
    assert f"{key} = " in message or f"{key} must be " in message, message


def test_absurd_value_on_the_command_line(capsys):
    result = run_cli(capsys, "finetune", "classic", "--set", "training.epochs=inf")
    assert result.code == 1
    assert result.err.strip() == (
        "hsb-whisper: error: training.epochs = inf is not allowed; use a positive number up to 1000"
    )
    result = run_cli(capsys, "finetune", "classic", "--set", "training.seed=-5")
    assert result.code == 1 and "training.seed = -5 is not allowed; use 0 to" in result.err


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            "training.batch_size.x=1",
            "override training.batch_size.x: training.batch_size is a number (8), not a table "
            "of keys; set it with --set training.batch_size=VALUE",
        ),
        ("name.x.y=1", "override name.x.y: name is a string ('classic'), not a table of keys"),
        ("stages.hsb.train.x=1", "stages.hsb.train is a string ('data/hsb/train.jsonl')"),
        ("lora.target_modules.x=1", "lora.target_modules is a list (['q_proj', 'v_proj'])"),
        ("stages.x=1", "override stages.x: give a key inside a stage, e.g. stages.NAME.train"),
        ("stages.99999999999.x=1", "no stage '99999999999'; stages: ['hsb']"),
        ("training", "expected KEY=VALUE"),
        ("=3", "expected KEY=VALUE"),
    ],
)
def test_overrides_into_scalars_are_named(override, message):
    with pytest.raises(OptionError) as info:
        load_recipe("classic", [override])
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("stages.hsb.train", '"~nosuchuser/t.jsonl"', "'~nosuchuser/t.jsonl': no such home folder"),
        ("training.batch_size", "9" * 5000, "training.batch_size must be int, not str '999"),
        ("training.epochs", "[" * 3000, "training.epochs must be float, not str '[[["),
        ("training.epochs", "1e999", "training.epochs = inf is not allowed"),
        ("lora.dropout", "99999999999999999999999999", "lora.dropout = inf is not allowed"),
    ],
)
def test_values_too_long_deep_or_odd_for_the_parsers(key, value, message):
    with pytest.raises(OptionError) as info:
        load_recipe("classic", [f"{key}={value}"])
    assert message in str(info.value) and len(str(info.value)) < 300


def test_recipe_dicts_with_values_python_cannot_print_or_convert():
    data = valid_recipe()
    data["training"] = {"batch_size": 10**5000}  # more digits than int() prints
    with pytest.raises(OptionError, match="batch_size = a number too large to print is not"):
        recipe_from_dict(data)
    data["training"] = {"epochs": 10**400}  # no float holds it
    with pytest.raises(OptionError, match=r"training\.epochs = inf is not allowed"):
        recipe_from_dict(data)
    for bad in ({1: "x", "a": "y"}, {None: 1}):  # keys TOML and JSON cannot make, Python can
        with pytest.raises(OptionError, match=r"^training must be a table$"):
            recipe_from_dict({**data, "training": bad})
        with pytest.raises(OptionError, match="a recipe is a table"):
            recipe_from_dict({**data, **bad})
    with pytest.raises(OptionError, match="a recipe is a table"):
        recipe_from_dict([data])


def test_recipe_files_that_are_not_recipes(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cases = {}
    cases["folder"] = (tmp_path, f"{tmp_path}: is a folder, not a recipe file (TOML)")
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes("name = 'Serbšćina'\n".encode("latin-1", "replace") + b"\xff\xfe")
    cases["not utf-8"] = (latin1, f"{latin1}: not a recipe file: not UTF-8 text (byte")
    cases["missing toml"] = ("my.toml", "my.toml: no such file (a recipe file, or a shipped")
    cases["missing path"] = ("recipes/mine", "recipes/mine: no such file")
    cases["missing name"] = ("clasic", "clasic: no such recipe; shipped recipes: classic, two")
    (tmp_path / "list.json").write_text("[1, 2]")
    cases["json list"] = ("list.json", "list.json: a recipe is a table of keys, not a list")
    (tmp_path / "deep.toml").write_text("v = " + "[" * 3000 + "]" * 3000)
    cases["deep"] = ("deep.toml", "deep.toml: not a valid recipe file (nested too deeply)")
    (tmp_path / "broken.toml").write_text("name = 'x\nbase = 1\n")
    cases["broken"] = ("broken.toml", "broken.toml: not a valid recipe file (")
    for what, (source, message) in cases.items():
        result = run_cli(capsys, "finetune", source)
        assert result.code == 1, what
        assert result.err.startswith(f"hsb-whisper: error: {message}"), (what, result.err)
        assert len(result.err.strip().splitlines()) == 1, (what, result.err)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["latin1.toml", "list.json", "deep.toml", "broken.toml"]
    )  # no run folder made by any of them


def test_a_folder_named_like_a_shipped_recipe_does_not_hide_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "classic").mkdir()  # e.g. a run folder of that name
    assert load_recipe("classic").name == "classic"


def test_resume_of_a_folder_that_is_not_a_run(capsys, tmp_path):
    result = run_cli(capsys, "finetune", "--resume", tmp_path)
    assert result.code == 1
    assert result.err.strip() == (
        f"hsb-whisper: error: --resume {tmp_path}: not a training run folder (no recipe.json)"
    )


# ---- a failed start leaves no run folder ---------------------------------------------------


def test_missing_manifest_fails_before_anything_is_made(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the classic recipe's data/hsb/… is not here
    result = run_cli(capsys, "finetune", "classic")
    assert result.code == 1
    one_error_line(
        result.err,
        "data/hsb/train.jsonl: no such manifest (stages.hsb.train); make it with 'hsb-whisper "
        "data import-cv' (or import-folder), or give another with --set stages.hsb.train=PATH",
    )
    assert "recipe:" not in result.err  # nor printed the recipe of a run that never starts
    assert list(tmp_path.iterdir()) == []  # no runs/ folder

    (tmp_path / "data" / "hsb" / "train.jsonl").mkdir(parents=True)
    (tmp_path / "data" / "hsb" / "dev.jsonl").write_text("\n\n")
    run_dir = tmp_path / "runs" / "x"
    for override, message in (
        ([], "data/hsb/train.jsonl: is a folder, not a manifest (stages.hsb.train)"),
        (["--set", "stages.hsb.train=data/hsb/dev.jsonl"], "data/hsb/dev.jsonl: holds no clips"),
    ):
        result = run_cli(capsys, "finetune", "classic", "--run-dir", run_dir, *override)
        assert result.code == 1
        one_error_line(result.err, message)
        assert not (tmp_path / "runs").exists()
    (tmp_path / "data" / "hsb" / "bad.jsonl").write_bytes(b'{"audio": "\xff"}\n')
    result = run_cli(capsys, "finetune", "classic", "--set", "stages.hsb.train=data/hsb/bad.jsonl")
    assert result.code == 1 and "data/hsb/bad.jsonl" in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1 and not (tmp_path / "runs").exists()


def test_train_checks_manifests_before_making_the_run_folder(tmp_path, monkeypatch):
    pytest.importorskip("accelerate")
    from hsb_whisper.finetune import train

    monkeypatch.chdir(tmp_path)
    with pytest.raises(OptionError, match=r"^data/cs/train.jsonl: no such manifest \(stages.czech"):
        train(load_recipe("two-stage"), tmp_path / "runs" / "run")
    assert list(tmp_path.iterdir()) == []


def test_check_manifests_names_the_manifest(tmp_path):
    recipe = load_recipe("classic", [f"stages.hsb.train={tmp_path / 'a.jsonl'}"])
    with pytest.raises(OptionError, match=rf"^{tmp_path}/a.jsonl: no such manifest"):
        check_manifests(recipe.stages)
    check_manifests(())  # nothing to check (every stage already done)


def test_run_dir_under_a_file(capsys, tmp_path, data_dirs):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    result = run_cli(capsys, "finetune", *classic_on(data_dirs), "--run-dir", a_file / "run")
    assert result.code == 1
    one_error_line(result.err, f"run folder {a_file / 'run'}: {a_file} is a file, not a folder")


def classic_on(data_dirs: dict[str, Path], base: str = "whisper-base") -> list[str]:
    hsb = data_dirs["hsb"]
    return [
        "classic",
        "--set",
        f"stages.hsb.train={hsb / 'train.jsonl'}",
        "--set",
        f"stages.hsb.dev={hsb / 'dev.jsonl'}",
        "--set",
        f"base={base}",
    ]


def test_bad_base_leaves_no_run_folder(capsys, tmp_path, data_dirs, monkeypatch):
    pytest.importorskip("accelerate")
    monkeypatch.chdir(tmp_path)
    args = classic_on(data_dirs, base=str(tmp_path / "no-such-model"))
    result = run_cli(capsys, "finetune", *args)
    assert result.code == 1
    one_error_line(result.err, "is neither a model in the store")
    assert "removed runs/classic-" in result.err
    assert list(tmp_path.iterdir()) == []  # neither the run folder nor runs/
    # with --run-dir too: a second try there, with the base fixed, is not "another recipe"
    result = run_cli(capsys, "finetune", *args, "--run-dir", tmp_path / "r")
    assert result.code == 1 and not (tmp_path / "r").exists()


def test_rejected_clips_leave_no_run_folder(capsys, tmp_path, tiny_whisper, data_dirs, cv_release):
    pytest.importorskip("peft")
    bad = tmp_path / "bad.jsonl"
    clip = cv_release / "hsb" / "clips" / "common_voice_hsb_902.mp3"  # a truncated one
    bad.write_text(json.dumps({"audio": str(clip), "text": "x"}) + "\n", encoding="utf-8")
    run_dir = tmp_path / "runs" / "bad"
    result = run_cli(
        capsys,
        "finetune",
        *classic_on(data_dirs, base=str(tiny_whisper)),
        "--set",
        f"stages.hsb.train={bad}",
        "--run-dir",
        run_dir,
    )
    assert result.code == 1
    one_error_line(result.err, "bad.jsonl: 1 clip(s) failed the data checks")
    assert not (tmp_path / "runs").exists()


def test_a_folder_that_was_there_is_kept(capsys, tiny_run, data_dirs):
    before = {p.relative_to(tiny_run) for p in tiny_run.rglob("*")}
    recipe = (tiny_run / "recipe.json").read_text()
    # another recipe in a finished run's folder: refused, and the run is left as it was
    args = [*classic_on(data_dirs, base="whisper-base"), "--set", "lora.r=2"]
    result = run_cli(capsys, "finetune", *args, "--run-dir", tiny_run)
    assert result.code == 1
    one_error_line(result.err, "holds a run of another recipe")
    assert before <= {p.relative_to(tiny_run) for p in tiny_run.rglob("*")}  # (+ train.log)
    assert (tiny_run / "recipe.json").read_text() == recipe


# ---- property tests: whatever a recipe holds, a Recipe or one clear line --------------------

# values that have broken loaders: paths, a home folder of nobody, numbers too long to convert
# or print, nesting too deep to parse, nan and inf, booleans where numbers go
HOSTILE = st.sampled_from(
    [
        *["", ".", "..", "/", "~x/y", "~nosuchuser/y", "cs", "hsb", "a\nb", "q_proj", "9" * 5000],
        *["[" * 3000, "{a=" * 500, "inf", "nan", "-5", "1e999", "true", "[]", "{}"],
        *[float("nan"), float("inf"), -5, 10**400, 2**64, True, [], {}],
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()
    | st.text(max_size=30)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8) | st.integers(0, 3), inner, max_size=4)
    ),
    max_leaves=12,
)
KEYS = st.sampled_from(
    [
        "name",
        "base",
        "language",
        "training",
        "lora",
        "stages",
        "train",
        "dev",
        "merge",
        "batch_size",
        "epochs",
        "seed",
        "max_grad_norm",
        "r",
        "target_modules",
        "x",
    ]
)


def valid_recipe() -> dict:
    return {
        "name": "classic",
        "base": "whisper-base",
        "language": "cs",
        "training": {"batch_size": 8, "epochs": 3, "learning_rate": 1e-3},
        "lora": {"r": 32, "alpha": 64, "target_modules": ["q_proj", "v_proj"]},
        "stages": [
            {"name": "czech", "train": "c/t.jsonl", "dev": "c/d.jsonl", "merge": True},
            {"name": "hsb", "train": "h/t.jsonl", "dev": "h/d.jsonl"},
        ],
    }


def tables(node: object) -> list[dict]:
    """Every table in a raw recipe, nested ones included."""
    found = []
    if isinstance(node, dict):
        found.append(node)
        node = list(node.values())
    if isinstance(node, list):
        for value in node:
            found += tables(value)
    return found


@st.composite
def mutated_recipes(draw) -> dict:
    """A valid recipe with a few values replaced, removed or added anywhere in it: hostile
    values where the loader looks, not only unknown keys at the top."""
    data = valid_recipe()
    for _ in range(draw(st.integers(1, 4))):
        table = draw(st.sampled_from(tables(data)))
        key = draw(st.sampled_from(sorted(table, key=repr)) | KEYS) if table else draw(KEYS)
        if draw(st.integers(0, 4)) == 0:
            table.pop(key, None)
        else:
            table[key] = copy.deepcopy(draw(HOSTILE | VALUES))  # never a shared [] or {}
    return data


def assert_recipe_or_one_line(load, *args) -> str:
    try:
        recipe = load(*args)
    except HsbWhisperError as e:  # OptionError and the manifest's own errors
        message = str(e)
        assert message and "\n" not in message and len(message) < 600, message
        return "refused"
    assert isinstance(recipe, Recipe)
    assert Path(recipe.name).name == recipe.name and not recipe.name.startswith(".")
    assert all(Path(s.name).name == s.name for s in recipe.stages)
    recipe.to_json()  # printable and savable as recipe.json
    return "accepted"


HYPOTHESIS = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@HYPOTHESIS
@given(st.dictionaries(KEYS | st.text(max_size=8) | st.integers(0, 3), VALUES, max_size=7))
def test_any_dict_is_a_recipe_or_one_clear_error(data):
    event(assert_recipe_or_one_line(recipe_from_dict, data))


@HYPOTHESIS
@given(mutated_recipes())
def test_any_mutated_recipe_is_a_recipe_or_one_clear_error(data):
    event(assert_recipe_or_one_line(recipe_from_dict, data))


TOML_LINES = st.sampled_from(
    [
        "name = 'x'",
        "name = '../x'",
        "base = 'whisper-base'",
        "[training]",
        "epochs = inf",
        "seed = -5",
        "batch_size = 99999999999999999999999",
        "[[stages]]",
        "train = 't.jsonl'",
        "dev = 'd.jsonl'",
        "name = 'hsb'",
        "[lora]",
        "r = nan",
        "target_modules = []",
        "stages = 3",
        "training = 'x'",
        "x = [[[]]]",
        "merge = true",
    ]
)


@HYPOTHESIS
@given(
    st.text(max_size=200)
    | st.lists(TOML_LINES | st.text(max_size=20), max_size=12).map("\n".join)
    | st.binary(max_size=60).map(lambda b: b.decode("latin-1"))
)
def test_any_toml_text_is_a_recipe_or_one_clear_error(tmp_path, text):
    path = tmp_path / "recipe.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    event(assert_recipe_or_one_line(load_recipe, path))


@HYPOTHESIS
@given(st.binary(max_size=120))
def test_any_bytes_in_a_recipe_file_are_a_recipe_or_one_clear_error(tmp_path, data):
    for suffix in (".toml", ".json"):
        path = tmp_path / f"recipe{suffix}"
        path.write_bytes(data)
        event(assert_recipe_or_one_line(load_recipe, path))


OVERRIDE_KEYS = st.sampled_from(
    [
        "name",
        "base",
        "training.epochs",
        "training.batch_size.x",
        "stages.hsb.train",
        "stages.0",
        "stages",
        "lora.target_modules",
        "lora",
        "stages.hsb.training.seed",
        "a.b.c",
        "stages.9.x",
    ]
)


@HYPOTHESIS
@given(
    st.lists(
        st.tuples(
            OVERRIDE_KEYS | st.text(max_size=12),
            st.text(max_size=20) | HOSTILE.filter(lambda v: isinstance(v, str)),
        ),
        max_size=4,
    )
)
def test_any_overrides_give_a_recipe_or_one_clear_error(overrides):
    texts = [f"{key}={value}" for key, value in overrides]
    event(assert_recipe_or_one_line(load_recipe, "classic", texts))


def test_a_log_file_that_cannot_be_written_is_one_line(capsys):
    import errno
    import logging
    import logging.handlers

    from hsb_whisper.cli import setup_logging

    class FullDisk:
        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

        def flush(self):
            pass

    setup_logging()
    handler = next(
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.handlers.RotatingFileHandler)
    )
    handler.stream.close()
    handler.stream = FullDisk()
    handler.shouldRollover = lambda record: False
    for _ in range(3):
        logging.getLogger("hsb_whisper.test").warning("a message")
    err = capsys.readouterr().err
    assert err.count("cannot write the log file") == 1 and "No space left on device" in err
    assert "Traceback" not in err and "Logging error" not in err
    setup_logging()  # a fresh log file for the tests after this one


def test_training_without_the_finetune_extra_is_one_line(capsys, tmp_path, data_dirs, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec

    def without_peft(name, *args, **kwargs):  # the transcription-only install
        return None if name == "peft" else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", without_peft)
    monkeypatch.chdir(tmp_path)
    result = run_cli(capsys, "finetune", *classic_on(data_dirs))
    assert result.code == 1
    line = one_error_line(result.err, "fine-tuning needs ")  # peft (and more without torch)
    assert "peft" in line and "not installed: install torch for your hardware" in line
    assert not (tmp_path / "runs").exists()
    result = run_cli(capsys, "export", tmp_path, "--name", "x")
    assert result.code == 1
    assert "peft" in one_error_line(result.err, "exporting a trained model needs ")


def test_in_the_transcriber_installer_the_missing_extra_points_to_the_full_build(monkeypatch):
    """The frozen transcriber bundle has no pip: the line says which build to use. import_model
    (what the app's import button calls) checks before any work, as the command line does."""
    import importlib.util
    import sys

    from hsb_whisper.errors import HsbWhisperError
    from hsb_whisper.finetune import import_model

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a, **k: None if name == "torch" else real(name, *a, **k),
    )
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    with pytest.raises(HsbWhisperError) as error:
        import_model("some/folder", name="hsb-model")
    message = str(error.value)
    assert message.startswith("importing a Hugging Face Whisper needs torch")  # (and more on 3.10)
    assert "not installed: this is the transcriber build" in message
    assert "full build" in message and "pip" not in message
