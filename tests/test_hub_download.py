"""Downloading a Hugging Face Whisper repository (hsb_whisper.export.hub) from a local fake Hub
(testsupport.fake_hub): only the files a conversion needs, from one commit, verified, resumed
after a cut connection or a cancel, and every way it can go wrong refused in one line."""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import huggingface_hub.constants
import pytest

from hsb_whisper.errors import ModelError
from hsb_whisper.export.hub import (
    PARTIAL_DIR,
    DownloadCancelled,
    OfflineError,
    download_whisper,
    remote_whisper_files,
)

from testsupport.fake_hub import FakeHub, git_blob_id
from testsupport.random_whisper import random_tensors, whisper_config, write_safetensors

HUB_ID = "sorbian/whisper-tiny-hsb"
WHISPER_NAMES = {
    "README.md",
    "config.json",
    "generation_config.json",
    "preprocessor_config.json",
    "tokenizer.json",
}
# What a real repository also holds, and no download of ours may fetch
NOT_FETCHED = {
    "pytorch_model.bin": b"\x80\x04pickle",
    "flax_model.msgpack": b"msgpack",
    "onnx/encoder_model.onnx": b"onnx",
    "runs/config.json": b"{}",
}


@pytest.fixture(autouse=True)
def online(monkeypatch):
    """The Hub reachable whatever earlier tests switched off: the environment (the transcriber
    sets HF_HUB_OFFLINE) and huggingface_hub's copy of it, read when it was first imported."""
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_ENDPOINT", "HF_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)


@pytest.fixture(scope="module")
def whisper(default_model, tmp_path_factory) -> dict[str, bytes]:
    """A tiny random Whisper's files (d_model 16, 2 + 2 layers, the real tokenizer): 3.3 MB of
    float32 safetensors, 2.5 MB of tokenizer."""
    config = whisper_config(16, 2, 2, 32)
    weights = tmp_path_factory.mktemp("tiny") / "model.safetensors"
    write_safetensors(weights, random_tensors(config, "F32"))
    return {
        "config.json": json.dumps(config).encode(),
        "generation_config.json": json.dumps({"max_length": 448}).encode(),
        "preprocessor_config.json": json.dumps({"feature_size": 80}).encode(),
        "tokenizer.json": (default_model.path / "tokenizer.json").read_bytes(),
        "README.md": b"---\nlicense: mit\nlanguage: hsb\n---\n# A tiny Whisper\n",
        "model.safetensors": weights.read_bytes(),
    }


def download(hub: FakeHub, target: Path, **kwargs) -> tuple[Path, str, list[tuple[int, int]]]:
    calls: list[tuple[int, int]] = []
    folder, sha = download_whisper(
        HUB_ID, target, endpoint=hub.url, progress=lambda *a: calls.append(a), **kwargs
    )
    return folder, sha, calls


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def one_line(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert "\n" not in message and HUB_ID in message, message
    return message


def resolve_gets(hub: FakeHub) -> list[str]:
    return [r.path for r in hub.log if r.method == "GET" and "/resolve/" in r.path]


def test_only_the_whisper_files_from_one_commit_byte_for_byte(whisper, tmp_path):
    with FakeHub({HUB_ID: whisper | NOT_FETCHED}) as hub:
        folder, sha, calls = download(hub, tmp_path / "model")
        assert folder == tmp_path / "model" and sha == hub.commits[HUB_ID]
        assert files_in(folder) == whisper and sorted(p.name for p in folder.iterdir()) == sorted(
            whisper
        )  # no .partial/ left
        gets = resolve_gets(hub)
        assert sorted(p.rsplit("/", 1)[1] for p in gets) == sorted(whisper)
        assert all(f"/resolve/{sha}/" in p for p in gets)  # pinned to the commit listed first
        total = sum(map(len, whisper.values()))
        assert calls[-1] == (total, total) and {t for _, t in calls} == {total}
        done = [d for d, _ in calls]
        assert done == sorted(done) and len(calls) >= total // (1 << 20)

        # Complete, verified files are not fetched again
        _, _, again = download(hub, folder)
        assert resolve_gets(hub) == gets and again[0] == (total, total)


def test_what_the_hub_lists(whisper):
    with FakeHub({HUB_ID: whisper | NOT_FETCHED}) as hub:
        sha, files = remote_whisper_files(HUB_ID, "main", endpoint=hub.url)
    assert sha == hub.commits[HUB_ID]
    listed = {f.name: f for f in files}
    assert set(listed) == set(whisper)
    weights = listed["model.safetensors"]
    assert weights.sha256 == hashlib.sha256(whisper["model.safetensors"]).hexdigest()
    assert weights.blob_id is None and weights.size == len(whisper["model.safetensors"])
    assert listed["config.json"].blob_id == git_blob_id(whisper["config.json"])
    assert listed["config.json"].sha256 is None


def test_sharded_weights_and_their_index(whisper, tmp_path):
    shards = {
        "model-00001-of-00002.safetensors": whisper["model.safetensors"][:1000],
        "model-00002-of-00002.safetensors": whisper["model.safetensors"][1000:],
        "model.safetensors.index.json": b'{"weight_map": {}}',
    }
    repo = {n: d for n, d in whisper.items() if n != "model.safetensors"} | shards
    with FakeHub({HUB_ID: repo | NOT_FETCHED}) as hub:
        folder, _, _ = download(hub, tmp_path / "model")
    assert files_in(folder) == repo


@pytest.mark.parametrize(
    ("drop", "add", "expected"),
    [
        ("config.json", {}, "no config.json"),
        ("model.safetensors", {"model-00001-of-00002.safetensors": b"x"}, "incomplete"),
        ("model.safetensors", {}, "no safetensors weights"),
    ],
)
def test_not_a_whisper_is_refused_before_any_download(whisper, tmp_path, drop, add, expected):
    repo = {n: d for n, d in whisper.items() if n != drop} | add
    with FakeHub({HUB_ID: repo}) as hub, pytest.raises(ModelError) as error:
        download(hub, tmp_path / "model")
    assert expected in one_line(error)
    assert not resolve_gets(hub) and not (tmp_path / "model").exists()


def test_pickle_only_weights_are_refused_and_never_fetched(whisper, tmp_path):
    repo = {n: d for n, d in whisper.items() if n != "model.safetensors"}
    repo |= {"pytorch_model.bin": b"\x80\x04pickle", "model.pt": b"pickle"}
    with FakeHub({HUB_ID: repo}) as hub, pytest.raises(ModelError) as error:
        download(hub, tmp_path / "model")
    message = one_line(error)
    assert "safetensors" in message and "pytorch_model.bin" in message
    assert not resolve_gets(hub) and not (tmp_path / "model").exists()


def test_a_cut_connection_is_resumed_with_a_range_request(whisper, tmp_path):
    cut = 700_000  # past the first 256 KiB chunks, so some bytes are kept
    with FakeHub({HUB_ID: whisper}, cut_after={"model.safetensors": cut}) as hub:
        folder, _, calls = download(hub, tmp_path / "model")
        ranges = [r.range for r in hub.gets("model.safetensors")]
    assert files_in(folder) == whisper
    assert ranges[0] is None and len(ranges) == 2
    start = int(ranges[1].removeprefix("bytes=").removesuffix("-"))
    assert 0 < start <= cut
    cdn = [r.range for r in hub.log if r.path.startswith("/lfs/")]  # where the Hub redirects
    assert cdn == [None, f"bytes={start}-"]
    done = [d for d, _ in calls]
    assert done == sorted(done) and done[-1] == sum(map(len, whisper.values()))


def test_cancelled_keeps_what_arrived_and_the_next_call_continues_it(whisper, tmp_path):
    target = tmp_path / "model"
    total = sum(map(len, whisper.values()))
    stop_at = total - len(whisper["model.safetensors"]) // 2  # halfway through the weights
    done = [0]
    with FakeHub({HUB_ID: whisper}) as hub:
        with pytest.raises(DownloadCancelled) as error:
            download_whisper(
                HUB_ID,
                target,
                endpoint=hub.url,
                progress=lambda d, _: done.append(d),
                cancelled=lambda: done[-1] >= stop_at,
            )
        one_line(error)
        partial = target / PARTIAL_DIR / "model.safetensors"
        assert 0 < partial.stat().st_size < len(whisper["model.safetensors"])
        assert not (target / "model.safetensors").exists()
        kept = partial.stat().st_size

        folder, _, calls = download(hub, target)
        assert files_in(folder) == whisper and not (target / PARTIAL_DIR).exists()
        assert [r.range for r in hub.gets("model.safetensors")] == [None, f"bytes={kept}-"]
        assert all(len(hub.gets(n)) == 1 for n in whisper if n != "model.safetensors")
        assert calls[0][0] == total - len(whisper["model.safetensors"]) + kept


@pytest.mark.parametrize("bad", ["model.safetensors", "config.json"])  # sha256, git blob sha1
def test_a_file_that_does_not_match_its_checksum_is_deleted(whisper, tmp_path, bad):
    target = tmp_path / "model"
    with FakeHub({HUB_ID: whisper}, corrupt={bad}) as hub, pytest.raises(ModelError) as error:
        download(hub, target)
    message = one_line(error)
    assert bad in message and "checksum" in message and hub.url in message
    assert not (target / bad).exists() and not (target / PARTIAL_DIR / bad).exists()


def test_a_closed_port_is_offline_in_one_line(tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(OfflineError) as error:
        download_whisper(HUB_ID, tmp_path / "model", endpoint=f"http://127.0.0.1:{port}")
    message = one_line(error)
    assert "network" in message and "models import" in message and f":{port}" in message


def test_without_a_tokenizer_the_weights_come_and_only_takes_just_those(whisper, tmp_path):
    """A fine-tuned model's repository often lacks the tokenizer (its base model's is used);
    ``only`` fetches just the named files, never weights."""
    repo = {n: d for n, d in whisper.items() if n != "tokenizer.json"}
    with FakeHub({HUB_ID: repo, "openai/whisper-tiny": whisper}) as hub:
        folder, _, _ = download(hub, tmp_path / "model")
        assert files_in(folder) == repo
        wanted = frozenset({"tokenizer.json", "preprocessor_config.json", "absent.json"})
        download_whisper("openai/whisper-tiny", folder, endpoint=hub.url, only=wanted)
    assert files_in(folder) == whisper  # the tokenizer added, nothing else
    assert not any("whisper-tiny/resolve" in r and "safetensors" in r for r in resolve_gets(hub))


def test_a_process_that_switched_the_hub_off_for_model_loading_can_still_download(
    whisper, tmp_path, monkeypatch
):
    """The app transcribes first (HF_HUB_OFFLINE set by us, read by huggingface_hub when it was
    imported), then the user asks for a model: the download goes ahead, and the switch is back
    on after it."""
    from hsb_whisper import offline

    monkeypatch.setattr(offline, "_USER_OFFLINE", False)
    monkeypatch.setattr(offline, "_set_here", False)
    offline.forbid_hub_downloads()
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    with FakeHub({HUB_ID: whisper}) as hub:
        folder, _, _ = download(hub, tmp_path / "model")
    assert files_in(folder) == whisper
    assert huggingface_hub.constants.HF_HUB_OFFLINE is True  # model loading stays local


def test_hf_hub_offline_refuses_at_once(whisper, tmp_path, monkeypatch):
    from hsb_whisper import offline

    monkeypatch.setattr(offline, "_USER_OFFLINE", True)  # the user's, set before we started
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with FakeHub({HUB_ID: whisper}) as hub, pytest.raises(OfflineError) as error:
        download(hub, tmp_path / "model")
    assert "network" in one_line(error) and hub.log == []


def test_the_endpoint_is_read_from_hf_endpoint_when_called(whisper, tmp_path, monkeypatch):
    with FakeHub({HUB_ID: whisper}) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)  # after huggingface_hub was imported
        folder, sha = download_whisper(HUB_ID, tmp_path / "model")
    assert sha == hub.commits[HUB_ID] and files_in(folder) == whisper


@pytest.mark.parametrize(("status", "expected"), [(404, "no such model"), (401, "gated")])
def test_a_missing_or_gated_repository_in_one_line(whisper, tmp_path, status, expected):
    hub = FakeHub({HUB_ID: whisper}, status={HUB_ID: status})
    with hub, pytest.raises(ModelError) as error:
        download(hub, tmp_path / "model")
    assert expected in one_line(error) and not isinstance(error.value, OfflineError)


def test_an_unknown_revision_in_one_line(whisper, tmp_path):
    with FakeHub({HUB_ID: whisper}) as hub, pytest.raises(ModelError) as error:
        download(hub, tmp_path / "model", revision="v9")
    assert "revision v9" in one_line(error)


def test_hostile_file_names_write_nothing_outside_the_target(whisper, tmp_path):
    hostile = {
        "../evil.json": b"evil",
        "a/../../x.safetensors": b"evil",
        "/etc/evil.json": b"evil",
        "..": b"evil",
        "model-00001-of-00001.safetensors/../../evil.safetensors": b"evil",
    }
    inner = tmp_path / "deep" / "er"
    with FakeHub({HUB_ID: whisper | hostile}) as hub:
        folder, _, _ = download(hub, inner / "model")
    assert files_in(folder) == whisper
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert written == ["deep", "deep/er", "deep/er/model"] + [
        f"deep/er/model/{n}" for n in sorted(whisper)
    ]
    assert not any(b"evil" in r.path.encode() for r in hub.log)
