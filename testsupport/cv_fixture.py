"""A miniature Common Voice release in the real layout, with deliberately bad rows.

``cv-corpus-<version>/<locale>/{train,dev,test,validated,invalidated,other}.tsv`` and
``clips/*.mp3`` (48 kHz mono MP3 of espeak-ng speech), packed as ``.tar.gz``. Upper Sorbian
sentences are read by the Czech and Polish voices (espeak-ng has no Sorbian one); Czech sentences
by the Czech voice. The bad rows, all in train: a clip missing from ``clips/``, a zero-byte MP3, a
truncated MP3, an empty sentence and a 40 s clip.

Used by the data tests and the fine-tuning tests; building one takes a few seconds.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from pathlib import Path

from testsupport.speech import encode, speak, speak_sentences

HSB_SENTENCES = [
    "Dobry dźeń, mje rěka Jan.",
    "Bydlu w Budyšinje.",
    "Dźensa je rjane wjedro.",
    "Dźěći hraja so na dworje.",
    "Wječor čitam knihu.",
    "Moja mać rěči serbsce.",
    "Jutře pojědźemy do Choćebuza.",
    "Kak so maš?",
    "Dźakuju so za pomoc.",
    "To je moja nowa chěža.",
    "Wučer pisa na tafli.",
    "Słónco swěći a ptački spěwaja.",
    'Wón praji: "Witajće k nam!"',  # quotes inside a sentence, as in real releases
    "Mój bratr dźěła w Drježdźanach.",
    "Hdźe je dwórnišćo?",
    "Přińdźće jutře k nam na kofej.",
]
CS_SENTENCES = [
    "Dobrý den, jak se máte?",
    "Dnes je krásné počasí.",
    "Bydlím v Praze.",
    "Děti si hrají na zahradě.",
    "Večer čtu knihu.",
    "Moje matka mluví česky.",
    "Zítra pojedeme do Brna.",
    "Děkuji za pomoc.",
    "Kde je nádraží?",
    "Učitel píše na tabuli.",
    "Slunce svítí a ptáci zpívají.",
    "Můj bratr pracuje v Ostravě.",
]
# Four speakers: (client_id, espeak voice)
SPEAKERS = {
    "hsb": [("spk-a", "cs"), ("spk-b", "pl"), ("spk-c", "cs+f3"), ("spk-d", "pl+m3")],
    "cs": [("spk-a", "cs"), ("spk-b", "cs+f2"), ("spk-c", "cs+m3"), ("spk-d", "cs+f4")],
}
NEW_COLUMNS = [
    "client_id",
    "path",
    "sentence_id",
    "sentence",
    "sentence_domain",
    "up_votes",
    "down_votes",
    "age",
    "gender",
    "accents",
    "variant",
    "locale",
    "segment",
]
OLD_COLUMNS = ["client_id", "path", "sentence", "up_votes", "down_votes", "age", "gender", "accent"]
# Which sentence indices go where: dev and test speakers do not occur in train.
SPLIT_PLAN = {"train": (0, 1), "dev": (2,), "test": (3,)}  # indices into SPEAKERS
LOOKALIKE_SENTENCE = "Dobr\u0443 we\u030cčor."  # Cyrillic u; e + combining caron
BAD_ROWS = {
    "missing": "missing_audio",
    "zero": "empty_audio",
    "truncated": "truncated_audio",
    "empty_sentence": "empty_text",
    "long": "too_long_audio",
}


def _row(columns, client, path, sentence, locale):
    values = {
        "client_id": client,
        "path": path,
        "sentence": sentence,
        "sentence_id": hashlib.sha1(sentence.encode()).hexdigest()[:16],
        "sentence_domain": "",
        "up_votes": "2",
        "down_votes": "0",
        "age": "",
        "gender": "",
        "accents": "",
        "accent": "",
        "variant": "",
        "locale": locale,
        "segment": "",
    }
    return [values[c] for c in columns]


def build_release(folder: Path, locale: str = "hsb", layout: str = "new") -> Path:
    """Write an extracted release under ``folder``; returns the ``cv-corpus-…`` folder."""
    sentences = HSB_SENTENCES if locale == "hsb" else CS_SENTENCES
    speakers = SPEAKERS[locale]
    root = folder / ("cv-corpus-20.0-2024-12-06" if layout == "new" else "cv-corpus-5.1-2020-06-22")
    clips = root / locale / "clips"
    clips.mkdir(parents=True)
    columns = NEW_COLUMNS if layout == "new" else OLD_COLUMNS
    tables: dict[str, list[list[str]]] = {n: [] for n in ("train", "dev", "test", "other")}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        number = 0
        for i, sentence in enumerate(sentences):
            # sentences round-robin over the splits' speakers; 2/4 train, 1/4 dev, 1/4 test
            split = ("train", "train", "dev", "test")[i % 4]
            plan = SPLIT_PLAN[split]
            client, voice = speakers[plan[i % len(plan)]]
            number += 1
            name = f"common_voice_{locale}_{number}.mp3"
            wav = speak(sentence, voice, tmp_path / f"{number}.wav")
            encode(wav, clips / name, "libmp3lame", 48000)
            tables[split].append(_row(columns, client, name, sentence, locale))
        # other.tsv: two clips not yet validated, from a train speaker
        for sentence in sentences[:2]:
            number += 1
            name = f"common_voice_{locale}_{number}.mp3"
            client, voice = speakers[0]
            encode(
                speak(sentence + " Hišće raz.", voice, tmp_path / "o.wav"),
                clips / name,
                "libmp3lame",
                48000,
            )
            tables["other"].append(_row(columns, client, name, sentence + " Hišće raz.", locale))
        # the bad rows, all in train
        client = speakers[0][0]
        tables["train"].append(
            _row(
                columns, client, f"common_voice_{locale}_900.mp3", "Tutón klip pobrachuje.", locale
            )
        )  # missing clip
        (clips / f"common_voice_{locale}_901.mp3").write_bytes(b"")
        tables["train"].append(
            _row(columns, client, f"common_voice_{locale}_901.mp3", "Prózdna dataja.", locale)
        )
        good = (clips / f"common_voice_{locale}_1.mp3").read_bytes()
        (clips / f"common_voice_{locale}_902.mp3").write_bytes(good[: len(good) // 2 + 37])
        tables["train"].append(
            _row(columns, client, f"common_voice_{locale}_902.mp3", "Dataja je překrótka.", locale)
        )
        encode(
            speak(sentences[4], speakers[0][1], tmp_path / "e.wav", speed=120),
            clips / f"common_voice_{locale}_903.mp3",
            "libmp3lame",
            48000,
        )
        tables["train"].append(_row(columns, client, f"common_voice_{locale}_903.mp3", "", locale))
        # a Cyrillic look-alike "у" (kept, but flagged) and a decomposed "ě" (e + combining caron)
        encode(
            speak("Dobry wječor.", speakers[1][1], tmp_path / "y.wav"),
            clips / f"common_voice_{locale}_905.mp3",
            "libmp3lame",
            48000,
        )
        tables["train"].append(
            _row(
                columns,
                speakers[1][0],
                f"common_voice_{locale}_905.mp3",
                LOOKALIKE_SENTENCE,
                locale,
            )
        )
        long_wav = speak_sentences(sentences, speakers[0][1], tmp_path / "long.wav", 1.2)
        encode(long_wav, clips / f"common_voice_{locale}_904.mp3", "libmp3lame", 48000)
        tables["train"].append(
            _row(columns, client, f"common_voice_{locale}_904.mp3", " ".join(sentences), locale)
        )
    validated = tables["train"] + tables["dev"] + tables["test"]
    all_tables = {**tables, "validated": validated, "invalidated": []}
    for name, rows in all_tables.items():
        out = io.StringIO()
        writer = csv.writer(
            out,
            delimiter="\t",
            quoting=csv.QUOTE_NONE,
            escapechar=None,
            quotechar=None,
            lineterminator="\n",
        )
        writer.writerow(columns)
        writer.writerows(rows)
        (root / locale / f"{name}.tsv").write_text(out.getvalue(), encoding="utf-8")
    return root


def pack(release: Path, archive: Path) -> Path:
    """The release as ``.tar.gz``, TSVs after the clips (so a reader cannot rely on order)."""
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(release, arcname=release.name)
    return archive


BAD_IDS = {  # clip id → reason, as build_release writes them
    "common_voice_hsb_900": BAD_ROWS["missing"],
    "common_voice_hsb_901": BAD_ROWS["zero"],
    "common_voice_hsb_902": BAD_ROWS["truncated"],
    "common_voice_hsb_903": BAD_ROWS["empty_sentence"],
    "common_voice_hsb_904": BAD_ROWS["long"],
}


def read_jsonl(path: Path) -> list[dict]:
    """The records of a JSON Lines file (a manifest, rejects.jsonl)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def copy_release(cv_release: Path, folder: Path) -> Path:
    """A private copy of the fixture release; returns its locale folder (…/hsb)."""
    root = folder / cv_release.name
    shutil.copytree(cv_release, root, symlinks=True)
    return root / "hsb"


def add_rows(locale_dir: Path, table: str, paths: list[str]) -> None:
    """Append rows with these ``path`` values (and a sentence each) to ``table``.tsv."""
    tsv = locale_dir / f"{table}.tsv"
    lines = tsv.read_text(encoding="utf-8").splitlines()
    columns = lines[0].split("\t")
    for i, path in enumerate(paths):
        values = {"client_id": "spk-a", "path": path, "sentence": f"Sada {i}.", "locale": "hsb"}
        lines.append("\t".join(values.get(c, "") for c in columns))
    tsv.write_text("\n".join(lines) + "\n", encoding="utf-8")
