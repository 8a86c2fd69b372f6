"""Recipes: shipped names, TOML and JSON files and ``--set`` overrides. Unknown keys, absurd
values, names that would choose where the run goes, overrides into scalars and files that are not
recipes are one line naming the key or file; whatever a recipe holds gives a Recipe or one clear
line (property tests); any recipe written as TOML loads back as the same recipe."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hsb_whisper.errors import HsbWhisperError, OptionError
from hsb_whisper.evaluation import MAX_NEW_TOKENS
from hsb_whisper.finetune.config import (
    DEVICES,
    LORA_TARGETS,
    MAX_BATCH,
    MAX_COUNT,
    MAX_EPOCHS,
    MAX_NAME,
    MAX_RANK,
    MAX_SEED,
    PRECISIONS,
    SCHEDULERS,
    LoraSettings,
    Recipe,
    Stage,
    TrainingConfig,
    load_recipe,
    recipe_from_dict,
)

from testsupport.cli_runner import one_error_line, run_cli


def test_bad_recipe_keys_and_values_are_named(tmp_path):
    with pytest.raises(
        OptionError, match=r"unknown key training\.bach_size; known keys: batch_size"
    ):
        load_recipe("classic", ["training.bach_size=4"])
    with pytest.raises(OptionError, match=r"training.precision = 'fp8' is not allowed; choose one"):
        load_recipe("classic", ['training.precision="fp8"'])
    with pytest.raises(OptionError, match="no stage 'cz'; stages: \\['czech', 'hsb'\\]"):
        load_recipe("two-stage", ["stages.cz.train=x.jsonl"])
    recipe = load_recipe("two-stage", ["stages.hsb.train=x.jsonl", "lora.r=8"])
    assert recipe.stages[1].train == Path("x.jsonl") and recipe.stages[0].lora.r == 8
    assert recipe.stages[0].merge and not recipe.stages[1].merge
    classic = load_recipe("classic")
    t, lo = classic.stages[0].training, classic.stages[0].lora
    assert (t.batch_size, t.learning_rate, t.epochs, lo.r, lo.alpha) == (8, 1e-3, 3.0, 32, 64)
    assert classic.base == load_recipe("two-stage").base == "whisper-small"  # the seed's model


def test_finetune_cli_names_bad_overrides(capsys):
    result = run_cli(capsys, "finetune", "classic", "--set", "training.epochs=-1")
    assert result.code == 1
    assert "training.epochs = -1.0 is not allowed; use a positive number" in result.err
    result = run_cli(capsys, "finetune", "--list")
    assert result.code == 0 and "classic" in result.out and "two-stage" in result.out


# ---- names, values, overrides, files -------------------------------------------------------------


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


# ---- recipes as TOML -----------------------------------------------------------------------------


def write_and_load(recipe: Recipe, folder: Path) -> Recipe:
    path = folder / "recipe.toml"
    path.write_text(recipe.to_toml(), encoding="utf-8")
    return load_recipe(path)


TRAINING = st.builds(
    TrainingConfig,
    batch_size=st.integers(1, MAX_BATCH),
    gradient_accumulation=st.integers(1, MAX_BATCH),
    learning_rate=st.floats(0, 1, exclude_min=True, exclude_max=True),
    epochs=st.floats(0, MAX_EPOCHS, exclude_min=True),
    max_steps=st.integers(0, MAX_COUNT),
    warmup_ratio=st.floats(0, 1, exclude_max=True),
    scheduler=st.sampled_from(SCHEDULERS),
    weight_decay=st.floats(0, 1),
    max_grad_norm=st.floats(0, 1e300, exclude_min=True),
    precision=st.sampled_from(PRECISIONS),
    device=st.sampled_from(DEVICES),
    gradient_checkpointing=st.booleans(),
    freeze_encoder=st.booleans(),
    eval_every=st.integers(0, MAX_COUNT),
    checkpoint_every=st.integers(1, MAX_COUNT),
    keep_checkpoints=st.integers(1, 1000),
    eval_max_clips=st.integers(0, MAX_COUNT),
    eval_max_new_tokens=st.integers(1, MAX_NEW_TOKENS),
    seed=st.integers(0, MAX_SEED),
)
LORA = st.builds(
    LoraSettings,
    r=st.integers(1, MAX_RANK),
    alpha=st.integers(1, 4 * MAX_RANK),
    dropout=st.floats(0, 1, exclude_max=True),
    target_modules=st.lists(st.sampled_from(LORA_TARGETS), min_size=1, max_size=7).map(tuple),
)
# Any text the loader keeps as it is: it expands a leading '~' (so a loaded recipe holds none).
PATHS = st.text(min_size=1, max_size=30).map(Path).filter(lambda p: not str(p).startswith("~"))
LANGUAGES = st.from_regex(r"[a-z]{2,3}", fullmatch=True)


@st.composite
def mixed(draw, first, strategy):
    """``first`` with some of its fields taken from another drawn value (often none)."""
    other = draw(strategy)
    names = [f.name for f in dataclasses.fields(first)]
    taken = draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    return dataclasses.replace(first, **{name: getattr(other, name) for name in taken})


@st.composite
def recipes(draw) -> Recipe:
    """Any recipe the loader accepts: stages that share the first one's settings or differ
    from them in any field."""
    names = draw(
        st.lists(
            st.from_regex(r"[\w-]{0,5}[A-Za-z0-9][\w-]{0,6}", fullmatch=True),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    training, lora, language = draw(TRAINING), draw(LORA), draw(LANGUAGES)
    stages = []
    for i, name in enumerate(names):
        last = i == len(names) - 1
        stages.append(
            Stage(
                name=name,
                train=draw(PATHS),
                dev=draw(PATHS),
                language=draw(st.just(language) | LANGUAGES),
                merge=False if last else draw(st.booleans()),
                training=training if i == 0 else draw(mixed(training, TRAINING)),
                lora=lora if i == 0 else draw(mixed(lora, LORA)),
            )
        )
    return Recipe(
        name=draw(st.from_regex(r"[\w-]{0,5}[A-Za-z0-9][\w.-]{0,10}", fullmatch=True)),
        base=draw(st.text(min_size=1, max_size=30)),
        stages=tuple(stages),
    )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(recipes())
def test_any_recipe_written_as_toml_loads_back_as_the_same_recipe(tmp_path, recipe):
    assert write_and_load(recipe, tmp_path) == recipe


def test_toml_is_shaped_like_the_shipped_recipes(tmp_path):
    recipe = load_recipe(
        "two-stage",
        [
            "stages.hsb.training.batch_size=4",
            "stages.hsb.language=pl",
            "stages.hsb.train=~/h.jsonl",
        ],
    )
    text = recipe.to_toml()
    assert write_and_load(recipe, tmp_path) == recipe
    assert recipe.stages[1].train == Path.home() / "h.jsonl"  # written as the path it became
    assert text.startswith("# Recipe two-stage") and 'base = "whisper-small"' in text
    assert text.count("[[stages]]") == 2 and text.count("[training]") == 1
    # only the differences in the second stage: one key of [training], no [lora]
    second = text.split("[[stages]]")[2]
    assert "merge" not in second and 'language = "pl"' in second
    assert re.search(r"\[stages\.training\]\nbatch_size = 4\n*$", second), second
    for name in ("classic", "two-stage"):
        shipped = load_recipe(name, ["training.epochs=0.5", "lora.target_modules=['fc1']"])
        assert write_and_load(shipped, tmp_path) == shipped
        assert "[stages." not in shipped.to_toml()  # the stages share every setting


# ---- property tests: whatever a recipe holds, a Recipe or one clear line -------------------------


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
