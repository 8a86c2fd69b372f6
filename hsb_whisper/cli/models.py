"""``hsb-whisper models …``: the model store from the command line."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from hsb_whisper.errors import ModelError
from hsb_whisper.export import EMBEDDED_NAME, QUANTIZATIONS, LocalModel, ModelStore, make_pack

UNTRAINED_NOTE = "not trained for Upper Sorbian (writes Czech spelling)"
_NAME_OR_PATH = (
    "a name from 'models list' (always the installed model), or the path of a model folder, "
    "which needs a / (./NAME for a folder here)"
)


def register(subparsers: argparse._SubParsersAction) -> None:
    models = subparsers.add_parser("models", help="list, install and remove models")
    sub = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")

    p = sub.add_parser("list", help="installed models with their metadata")
    p.set_defaults(func=_list)

    p = sub.add_parser("info", help="all metadata of one model (JSON)")
    p.add_argument("model", help=_NAME_OR_PATH)
    p.set_defaults(func=_info)

    p = sub.add_parser("verify", help="check every file of a stored model against its SHA-256")
    p.add_argument("model", help="a name from 'models list'")
    p.set_defaults(func=_verify)

    p = sub.add_parser("install", help="install a model pack (.zip) or model folder")
    p.add_argument("source", metavar="PACK_OR_FOLDER", type=Path)
    p.add_argument(
        "--replace", action="store_true", help="replace an installed model of the same name"
    )
    p.set_defaults(func=_install)

    p = sub.add_parser(
        "import",
        help="convert a Hugging Face Whisper (folder, or Hub id when online) into the store",
        description="Convert a Hugging Face Whisper model with CTranslate2, check it with "
        "faster-whisper offline (a second of the bundled sample, the language token forced) and "
        "record its source, base, licence and language token. A Hub id is downloaded once into "
        "the user cache. Copyleft licences (AGPL, GPL, CC-BY-SA, …) are shown by 'models list'.",
    )
    p.add_argument("source", metavar="FOLDER_OR_HUB_ID", help="a HF Whisper folder or owner/name")
    p.add_argument("--name", required=True, help="the model's name in the store")
    p.add_argument(
        "-l",
        "--language",
        help="Whisper language token to force (Upper Sorbian models: cs, de or pl); needed "
        "unless the model card or generation config states one",
    )
    p.add_argument(
        "--quantization",
        default="int8",
        choices=QUANTIZATIONS,
        help="weight type (default int8: smallest and fastest on CPU)",
    )
    p.set_defaults(func=_import)

    p = sub.add_parser("remove", help="delete an installed model")
    p.add_argument("model", metavar="NAME", help="a name from 'models list'")
    p.set_defaults(func=_remove)

    p = sub.add_parser("default", help="show or set the model used when none is named")
    p.add_argument("model", metavar="NAME", nargs="?", help="a name from 'models list'")
    p.set_defaults(func=_default)

    p = sub.add_parser("pack", help="write an installed model as a .zip pack to hand out")
    p.add_argument("model", metavar="NAME", help=_NAME_OR_PATH)
    p.add_argument("-o", "--output", type=Path, help="the .zip to write (default: NAME.zip here)")
    p.set_defaults(func=_pack)


def _size_mb(model: LocalModel) -> str:
    try:
        size = sum(f.stat().st_size for f in model.path.rglob("*") if f.is_file())
    except OSError:  # a file removed meanwhile, or one that cannot be read
        return "? MB"
    return f"{size / 1e6:.0f} MB"


def _clean(text: object) -> str:
    """``text`` safe to show on a terminal: control and invisible characters (escape sequences,
    bidirectional overrides, non-UTF-8 bytes of a folder name) written as escapes instead."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def notes(model: LocalModel) -> list[str]:
    """What a user must know before relying on ``model``: copyleft weights, no Upper Sorbian."""
    found = []
    if model.untrained_default:
        found.append(UNTRAINED_NOTE)
    copyleft = model.info.copyleft_licence if model.info else None
    if copyleft:
        found.append(f"copyleft: {copyleft}")
    return found


def _list(args: argparse.Namespace) -> int:
    store = ModelStore()
    rows = [("NAME", "LANGUAGE", "BASE", "WEIGHTS", "SIZE", "CREATED")]
    broken = []
    remarks: dict[int, list[str]] = {}
    entries = store.models()
    default = store.default_name
    for entry in entries:
        if isinstance(entry, ModelError):
            broken.append(str(entry))
            continue
        info = entry.info
        name = _clean(entry.name) + (" (default)" if entry.name == default else "")
        rows.append(
            (
                name,
                info.language or "auto",
                _clean(info.base),
                info.quantization,
                _size_mb(entry),
                _clean(info.created[:10]),
            )
        )
        remarks[len(rows) - 1] = notes(entry)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        line = "  ".join(cell.ljust(w) for cell, w in zip(row, widths))
        if remarks.get(i):
            line += "  " + " ".join(f"({_clean(note)})" for note in remarks[i])
        print(line.rstrip())
    print(f"\nstore: {_clean(store.root)}")
    embedded = store.folder(EMBEDDED_NAME)
    if embedded.parent != store.root:
        print(f"{EMBEDDED_NAME}: {_clean(embedded)} (read-only, part of this installation)")
    for problem in broken:  # listed, not raised: one damaged model never hides the others
        print(f"damaged: {_clean(problem)}")
    return 1 if broken else 0


def _info(args: argparse.Namespace) -> int:
    model = ModelStore().resolve(args.model)
    data = model.info.describe() if model.info else {"name": model.name, "metadata": None}
    data["path"] = str(model.path)
    if model.info and notes(model):
        data["notes"] = notes(model)
    for line in json.dumps(data, indent=2, ensure_ascii=False).splitlines():
        print(_clean(line))
    return 0


def _verify(args: argparse.Namespace) -> int:
    store = ModelStore()
    store.names()  # assembles the default model if needed
    problems = store.verify(args.model)
    for problem in problems:
        print(_clean(f"{args.model}: {problem}"))
    if not problems:
        print(_clean(f"{args.model}: all files intact"))
    return 1 if problems else 0


def _install(args: argparse.Namespace) -> int:
    model = ModelStore().install(args.source, replace=args.replace)
    info = model.info
    print(
        _clean(
            f"installed {model.name} (language {info.language or 'auto'}, {info.quantization}, "
            f"{_size_mb(model)}) in {model.path}"
        )
    )
    return 0


def _import(args: argparse.Namespace) -> int:
    from hsb_whisper.cli.terminal import quiet_libraries, require_training_libraries
    from hsb_whisper.finetune import import_model

    require_training_libraries("importing a Hugging Face Whisper")  # the converter needs them
    quiet_libraries()
    started = time.monotonic()
    folder, info = import_model(
        args.source,
        name=args.name,
        language=args.language,
        quantization=args.quantization,
        progress=lambda message: print(_clean(message), file=sys.stderr),
    )
    model = ModelStore().resolve(args.name)
    print(
        _clean(
            f"imported {info.name} (language token {info.language}, {info.quantization}, "
            f"{_size_mb(model)}, licence {info.license}) in {folder}"
        )
    )
    for note in notes(model):
        print(_clean(f"note: {note}"))
    print(f"import took {time.monotonic() - started:.1f} s")
    return 0


def _remove(args: argparse.Namespace) -> int:
    store = ModelStore()
    store.remove(args.model)
    print(_clean(f"removed {args.model}; the default model is {store.default_name}"))
    return 0


def _default(args: argparse.Namespace) -> int:
    store = ModelStore()
    if args.model is None:
        print(_clean(store.default_name))
        return 0
    store.set_default(args.model)
    print(_clean(f"default model: {args.model}"))
    return 0


def _pack(args: argparse.Namespace) -> int:
    model = ModelStore().resolve(args.model)
    zip_path = make_pack(model.path, args.output or Path(f"{model.name}.zip"))
    print(_clean(f"pack: {zip_path} ({zip_path.stat().st_size / 1e6:.0f} MB)"))
    return 0
