"""``hsb-whisper models …``: the model store from the command line."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from hsb_whisper.errors import ModelError
from hsb_whisper.export import (
    EMBEDDED_NAME,
    QUANTIZATIONS,
    LocalModel,
    ModelStore,
    import_model,
    make_pack,
)

log = logging.getLogger(__name__)
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

    p = sub.add_parser(
        "get",
        help="list the known Upper Sorbian models, or download and install one",
        description="Without NAME: the catalogue of known Upper Sorbian Whisper models, with what "
        "each costs on this computer (download, disk, expected speed from a short run of the "
        "default model). With NAME: download it once from the Hugging Face Hub (safetensors and "
        "JSON only, resumable: run the same command again after an interruption), convert it "
        "without torch, check it with faster-whisper on the bundled sample and install it. The "
        "only command besides 'models import OWNER/NAME' that uses the network.",
    )
    p.add_argument("model", metavar="NAME", nargs="?", help="a name from the catalogue")
    p.add_argument(
        "--quantization",
        default="int8",
        choices=QUANTIZATIONS,
        help="weight type (default int8: smallest and fastest on CPU)",
    )
    p.add_argument(
        "--default", action="store_true", help="make it the model used when none is named"
    )
    p.set_defaults(func=_get)

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
    from hsb_whisper.cli.terminal import quiet_libraries

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


def _gb(size: int) -> str:
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"


def _catalogue() -> int:
    from hsb_whisper.export.catalogue import expected_speed, load_catalogue, measure_default_speed

    entries = load_catalogue()
    try:
        default_rtf = measure_default_speed()
    except Exception as e:  # the listing never fails for want of a measurement
        log.debug("speed measurement failed", exc_info=True)
        print(_clean(f"(speed from the size alone: the default model could not run: {e})"))
        default_rtf = None
    rows = [("NAME", "BASE", "DOWNLOAD", "DISK", "SPEED HERE", "LICENCE", "TOKEN", "REPORTED WER")]
    for entry in entries:
        rtf, words = expected_speed(entry, default_rtf)
        speed = f"{words} (~{rtf:.1f}x)" if rtf is not None else words
        wer = f"{entry.reported_wer:g} %" if entry.reported_wer is not None else "none"
        rows.append(
            (
                entry.name,
                entry.base.removeprefix("openai/"),
                f"~{_gb(entry.download_bytes)}",
                f"~{_gb(entry.disk_bytes())}",
                speed,
                entry.license.upper() if entry.copyleft else entry.license,
                entry.language,
                wer,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(_clean("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()))
    print()
    for entry in entries:
        wer = f"; WER on {entry.test_set}" if entry.reported_wer is not None else ""
        print(_clean(f"{entry.name}: {entry.summary} ({entry.hub_id}{wer})"))
    print(
        "\nSpeed: seconds of work per second of audio (1x = real time), estimated from the "
        "default model's run here and the model's size.\nReported word error rates come from "
        "different test sets: they cannot be compared with each other.\nCopyleft licences "
        "(AGPL, …) bind what you distribute with the model.\n"
        "Install one: hsb-whisper models get NAME [--default]"
    )
    return 0


def _get(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from hsb_whisper.export.catalogue import find, get_model
    from hsb_whisper.export.hub import DownloadCancelled

    if args.model is None:
        return _catalogue()
    entry = find(args.model)
    print(
        _clean(
            f"{entry.name}: {entry.hub_id}, {entry.base.removeprefix('openai/')}, "
            f"~{_gb(entry.download_bytes)} to download, ~{_gb(entry.disk_bytes(args.quantization))}"
            f" installed, licence {entry.license}, language token {entry.language}"
        )
    )
    if entry.copyleft:
        print(
            _clean(
                f"note: copyleft licence {entry.license.upper()}: whoever distributes this model "
                "(or a service built on it, for AGPL) must share it under the same licence"
            )
        )
    if entry.task == "translate":
        print("note: this model writes German text for Upper Sorbian speech (a translation)")
    bar: tqdm | None = None

    def progress(phase: str, done: int, total: int) -> None:
        nonlocal bar
        if phase == "download":
            if bar is None:
                bar = tqdm(total=total, unit="B", unit_scale=True, desc="download", file=sys.stderr)
            bar.update(done - bar.n)
        elif phase == "convert" and done == 0:
            if bar is not None:
                bar.close()
                bar = None
            print("converting and checking with faster-whisper …", file=sys.stderr)

    started = time.monotonic()
    try:
        model = get_model(
            entry.name,
            quantization=args.quantization,
            make_default=args.default,
            progress=progress,
        )
    except (KeyboardInterrupt, DownloadCancelled):
        print(
            "hsb-whisper: interrupted; the download so far is kept: run the same command to "
            "continue it",
            file=sys.stderr,
        )
        return 130
    finally:
        if bar is not None:
            bar.close()
    info = model.info
    print(
        _clean(
            f"installed {model.name} (language token {info.language}, {info.quantization}, "
            f"{_size_mb(model)}, licence {info.license}) in {model.path}"
        )
    )
    if args.default:
        print(_clean(f"default model: {model.name}"))
    else:
        print(
            _clean(
                f"use it: hsb-whisper transcribe -m {model.name} FILE, or make it the "
                f"default: hsb-whisper models default {model.name}"
            )
        )
    print(f"took {time.monotonic() - started:.0f} s")
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
