"""A real-speech set for measuring training accuracy: the voice actors of Fish Fillets NG
(Debian's ``fillets-ng-data``: the English clips; ``fillets-ng-data-nl``: the Dutch ones), their
lines as the game's scripts give them, split by level (no level in two splits).

    python -m benchmarks.fillets_dataset --out data/fillets            # downloads the two .debs
    python -m benchmarks.fillets_dataset --out data/fillets --root /usr/share/games/fillets-ng

Writes ``OUT/<language>/{train,dev,test}.jsonl`` (nl and en; the audio stays where the packages
put it, under ``--root`` or ``OUT/debs/x/...``: nothing is copied), each checked by the data
package's ``check_manifest`` (clips that cannot be decoded or are out of range are set aside in
``*.rejects.jsonl`` with the reason), and ``OUT/levels.json`` (which level went where).

The sound files are ``sound/<level>/<language>/<dialog id>.ogg``; the text of a Dutch clip is the
``dialogStr("…")`` after ``dialogId("<id>", "<font>", "<English>")`` in
``script/<level>/dialogs_nl.lua``, of an English one the English text of its ``dialogId`` in
``dialogs_en.lua`` (or ``dialogs.lua``). The font names the character who speaks (``font_big``
the big fish, ``font_small`` the small one, others the level's creatures): the speaker. Levels
are dealt into train/dev/test in a fixed seeded order until each split has about its share of
the clips (70/10/20 by default). The Czech package (``fillets-ng-data-cs``) is never read: it is
the team's independent check.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

PACKAGES = ("fillets-ng-data", "fillets-ng-data-nl")
GAME = Path("usr/share/games/fillets-ng")
LANGUAGES = ("nl", "en")
SPLITS = ("train", "dev", "test")
_LUA_STRING = r'"((?:[^"\\]|\\.)*)"'
_DIALOG_ID = re.compile(rf"dialogId\(\s*{_LUA_STRING}\s*,\s*{_LUA_STRING}\s*,\s*{_LUA_STRING}\s*\)")
_DIALOG_STR = re.compile(rf"dialogStr\(\s*{_LUA_STRING}\s*\)")


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def dialog_texts(script: Path, language: str) -> dict[str, tuple[str, str]]:
    """``{dialog id: (font, text)}`` of one level's script for ``language``."""
    names = [f"dialogs_{language}.lua"] + (["dialogs.lua"] if language == "en" else [])
    texts: dict[str, tuple[str, str]] = {}
    for name in names:
        path = script / name
        if not path.is_file():
            continue
        source = path.read_text(encoding="utf-8", errors="replace")
        calls = sorted(
            [(m.start(), "id", m.groups()) for m in _DIALOG_ID.finditer(source)]
            + [(m.start(), "str", m.groups()) for m in _DIALOG_STR.finditer(source)]
        )
        current = None
        for _, kind, groups in calls:
            if kind == "id":
                ident, font, english = (unescape(g) for g in groups)
                current = (ident, font)
                if language == "en":
                    texts.setdefault(ident, (font, english))
            elif current is not None and language != "en":
                texts.setdefault(current[0], (current[1], unescape(groups[0])))
                current = None
    return texts


def collect(root: Path, language: str) -> dict[str, list[dict]]:
    """Every clip of ``language`` with a text: ``{level: [clip, …]}`` (manifest dicts)."""
    levels: dict[str, list[dict]] = defaultdict(list)
    for level_sounds in sorted((root / "sound").iterdir()):
        folder = level_sounds / language
        if not folder.is_dir():
            continue
        texts = dialog_texts(root / "script" / level_sounds.name, language)
        for audio in sorted(folder.glob("*.ogg")):
            found = texts.get(audio.stem)
            if found is None or not found[1].strip():
                continue
            font, text = found
            levels[level_sounds.name].append(
                {
                    "audio": str(audio.resolve()),
                    "text": " ".join(text.split()),
                    "speaker": font,
                    "id": f"{level_sounds.name}/{audio.stem}",
                }
            )
    return levels


def split_levels(
    levels: dict[str, list[dict]], shares: tuple[float, float, float], seed: int
) -> dict[str, list[str]]:
    """Levels dealt into the splits in a seeded order: each level goes to the split furthest
    below its share of the clips so far (the first levels fill test and dev first)."""
    order = sorted(levels)
    random.Random(seed).shuffle(order)
    total = sum(len(c) for c in levels.values())
    taken = dict.fromkeys(SPLITS, 0)
    chosen: dict[str, list[str]] = {s: [] for s in SPLITS}
    for level in order:
        split = min(SPLITS, key=lambda s: taken[s] / total - shares[SPLITS.index(s)])
        chosen[split].append(level)
        taken[split] += len(levels[level])
    return chosen


def download(out: Path) -> Path:
    """The two packages, fetched with apt-get and unpacked with dpkg-deb into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["apt-get", "download", *PACKAGES], cwd=out, check=True)
    for deb in sorted(out.glob("*.deb")):
        subprocess.run(["dpkg-deb", "-x", str(deb), str(out / "x")], check=True)
    return out / "x" / GAME


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--root", type=Path, help="the game's data folder (default: download)")
    parser.add_argument("--shares", default="0.7,0.1,0.2", help="train,dev,test (of the clips)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    shares = tuple(float(x) for x in args.shares.split(","))
    if len(shares) != 3 or abs(sum(shares) - 1) > 1e-6:
        parser.error("--shares: three fractions that add up to 1")
    root = args.root or download(args.out / "debs")
    if not (root / "sound").is_dir() or not (root / "script").is_dir():
        parser.error(f"{root}: not the game's data folder (no sound/ and script/)")

    from hsb_whisper.data import check_manifest

    summary = {}
    for language in LANGUAGES:
        levels = collect(root, language)
        chosen = split_levels(levels, shares, args.seed)
        folder = args.out / language
        folder.mkdir(parents=True, exist_ok=True)
        summary[language] = {}
        for split in SPLITS:
            raw = folder / f"{split}.all.jsonl"
            with open(raw, "w", encoding="utf-8") as f:
                for level in sorted(chosen[split]):
                    for clip in levels[level]:
                        f.write(json.dumps(clip, ensure_ascii=False) + "\n")
            outcome = check_manifest(raw, clean=folder / f"{split}.jsonl")
            kept = outcome.report["splits"][raw.stem]
            summary[language][split] = {"levels": sorted(chosen[split]), **kept}
            print(
                f"{language} {split}: {kept['clips']} clips, {kept['hours'] * 60:.1f} min, "
                f"{len(chosen[split])} levels"
            )
    (args.out / "levels.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
