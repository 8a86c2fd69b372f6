"""``hsb-whisper models …``: look at the model store from the command line."""

from __future__ import annotations

import argparse
import json

from hsb_whisper.errors import ModelError
from hsb_whisper.export.store import LocalModel, ModelStore


def register(subparsers: argparse._SubParsersAction) -> None:
    models = subparsers.add_parser("models", help="list and inspect installed models")
    sub = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")

    p = sub.add_parser("list", help="installed models with their metadata")
    p.set_defaults(func=_list)

    p = sub.add_parser("info", help="all metadata of one model (JSON)")
    p.add_argument("model", help="a name from 'models list' or a model folder")
    p.set_defaults(func=_info)

    p = sub.add_parser("verify", help="check every file of a stored model against its SHA-256")
    p.add_argument("model", help="a name from 'models list'")
    p.set_defaults(func=_verify)


def _size_mb(model: LocalModel) -> float:
    return sum(f.stat().st_size for f in model.path.rglob("*") if f.is_file()) / 1e6


def _list(args: argparse.Namespace) -> int:
    store = ModelStore()
    rows = [("NAME", "LANGUAGE", "BASE", "WEIGHTS", "SIZE", "CREATED")]
    broken = []
    for entry in store.models():
        if isinstance(entry, ModelError):
            broken.append(str(entry))
            continue
        info = entry.info
        name = entry.name + (" (default)" if entry.name == store.default_name else "")
        rows.append(
            (
                name,
                info.language or "auto",
                info.base,
                info.quantization,
                f"{_size_mb(entry):.0f} MB",
                info.created[:10],
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    print(f"\nstore: {store.root}")
    for problem in broken:
        print(f"damaged: {problem}")
    return 1 if broken else 0


def _info(args: argparse.Namespace) -> int:
    model = ModelStore().resolve(args.model)
    data = model.info.describe() if model.info else {"name": model.name, "metadata": None}
    data["path"] = str(model.path)
    print(json.dumps(data, indent=2, ensure_ascii=False))
    return 0


def _verify(args: argparse.Namespace) -> int:
    store = ModelStore()
    store.names()  # assembles the default model if needed
    problems = store.verify(args.model)
    for problem in problems:
        print(f"{args.model}: {problem}")
    if not problems:
        print(f"{args.model}: all files intact")
    return 1 if problems else 0
