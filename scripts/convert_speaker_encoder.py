"""Convert Resemblyzer's voice encoder to the ONNX file hsb-whisper ships for speaker labels.

    pip install --no-deps resemblyzer==0.1.4 && pip install onnx   # plus torch
    python scripts/convert_speaker_encoder.py [--weights pretrained.pt] [--out FOLDER]

Reads the weights the Resemblyzer wheel ships (``resemblyzer/pretrained.pt``: a GE2E speaker
encoder, Apache-2.0; found through the installed distribution without importing it, since its
import needs librosa and webrtcvad), builds the same network in torch, exports it to ONNX and
checks that onnxruntime gives the same embeddings as torch. Writes into ``--out`` (default
``hsb_whisper/assets/speaker``), each file under a temporary name then renamed:

- ``voice-encoder.onnx``: input ``mels`` (batch × frames × 40), output ``embeddings``
  (batch × 256, L2-normalised);
- ``voice-encoder.json``: where it came from, the SHA-256 of the weights and of the ONNX file
  (the app checks the latter when it loads the model), and the input's parameters;
- ``LICENSE``: Resemblyzer's licence, from the wheel.

Prints the largest difference between torch and onnxruntime; exit status 1 (one line on stderr)
when the weights cannot be found or the two disagree by more than 1e-5.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from importlib import metadata
from pathlib import Path

import numpy as np

from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.export import speaker_encoder
from hsb_whisper.files import atomic_open

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "Resemblyzer"
TOLERANCE = 1e-5
OPSET = 17


def find_weights() -> tuple[Path, Path | None, str]:
    """The installed Resemblyzer's ``pretrained.pt``, its licence file and its version."""
    try:
        dist = metadata.distribution(SOURCE)
    except metadata.PackageNotFoundError as e:
        raise HsbWhisperError(
            "Resemblyzer is not installed: 'pip install --no-deps resemblyzer==0.1.4', "
            "or give --weights pretrained.pt"
        ) from e
    weights = Path(str(dist.locate_file("resemblyzer/pretrained.pt")))
    licence = next(
        (Path(str(dist.locate_file(f))) for f in dist.files or () if f.name == "LICENSE"), None
    )
    return weights, licence, dist.version


def build_torch_encoder(weights: Path):
    """Resemblyzer's ``VoiceEncoder`` network with its weights, in evaluation mode."""
    import torch
    from torch import nn

    class VoiceEncoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            n = speaker_encoder.EMBEDDING_SIZE
            self.lstm = nn.LSTM(speaker_encoder.N_MELS, n, 3, batch_first=True)
            self.linear = nn.Linear(n, n)
            self.relu = nn.ReLU()

        def forward(self, mels):
            _, (hidden, _) = self.lstm(mels)
            embeds = self.relu(self.linear(hidden[-1]))
            return embeds / torch.norm(embeds, dim=1, keepdim=True)

    checkpoint = torch.load(weights, map_location="cpu", weights_only=True)
    state = {k: v for k, v in checkpoint["model_state"].items() if not k.startswith("similarity")}
    model = VoiceEncoder()
    model.load_state_dict(state)  # strict: every weight of the network, nothing else
    return model.eval()


def convert(weights: Path, licence: Path | None, version: str, out: Path) -> float:
    import torch

    model = build_torch_encoder(weights)
    example = torch.rand(1, 150, speaker_encoder.N_MELS)
    tmp = out / f".{speaker_encoder.MODEL_FILE}.tmp"
    out.mkdir(parents=True, exist_ok=True)
    try:
        torch.onnx.export(
            model,
            (example,),
            str(tmp),
            input_names=["mels"],
            output_names=["embeddings"],
            dynamic_axes={"mels": {0: "batch", 1: "frames"}, "embeddings": {0: "batch"}},
            opset_version=OPSET,
            dynamo=False,  # the TorchScript exporter: one LSTM node, no onnxscript needed
        )
        data = tmp.read_bytes()
    finally:
        tmp.unlink(missing_ok=True)
    difference = _check(model, data)
    with atomic_open(out / speaker_encoder.MODEL_FILE, "wb") as f:
        f.write(data)
    info = {
        "source": f"{SOURCE} {version} (resemblyzer/pretrained.pt), GE2E voice encoder",
        "licence": "Apache-2.0 (see LICENSE)",
        "weights_sha256": hashlib.sha256(weights.read_bytes()).hexdigest(),
        "onnx_sha256": hashlib.sha256(data).hexdigest(),
        "onnx_opset": OPSET,
        "input": "mels: batch × frames × 40 power mel frames (16 kHz, n_fft 400, hop 160)",
        "output": "embeddings: batch × 256, L2-normalised",
        "max_difference_to_torch": difference,
    }
    with atomic_open(out / speaker_encoder.INFO_FILE, "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    if licence is not None:
        with atomic_open(out / "LICENSE", "w") as f:
            f.write(licence.read_text(encoding="utf-8"))
    return difference


def _check(model, data: bytes) -> float:
    """The largest difference between torch and onnxruntime on windows of several lengths and
    batch sizes (the exported LSTM must not depend on the example's shape)."""
    import onnxruntime
    import torch

    session = onnxruntime.InferenceSession(data, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    worst = 0.0
    for batch, frames in ((1, 150), (7, 150), (3, 60), (2, 400)):
        mels = rng.gamma(0.5, 2.0, (batch, frames, speaker_encoder.N_MELS)).astype(np.float32)
        with torch.no_grad():
            expected = model(torch.from_numpy(mels)).numpy()
        got = session.run(None, {"mels": mels})[0]
        worst = max(worst, float(np.abs(expected - got).max()))
    if worst > TOLERANCE:
        raise HsbWhisperError(f"onnxruntime and torch differ by {worst:.2g} (> {TOLERANCE})")
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weights", type=Path, help="a pretrained.pt (default: Resemblyzer's)")
    parser.add_argument("--out", type=Path, default=ROOT / "hsb_whisper" / "assets" / "speaker")
    args = parser.parse_args(argv)
    try:
        if args.weights:
            weights, licence, version = args.weights, None, "(given weights)"
        else:
            weights, licence, version = find_weights()
        if not weights.is_file():
            raise HsbWhisperError(f"{weights}: no such file")
        difference = convert(weights, licence, version, args.out)
    except HsbWhisperError as e:
        print(f"convert_speaker_encoder: error: {e}", file=sys.stderr)
        return 1
    size = (args.out / speaker_encoder.MODEL_FILE).stat().st_size
    print(
        f"wrote {args.out / speaker_encoder.MODEL_FILE} ({size / 1e6:.1f} MB); "
        f"largest difference to torch {difference:.2g}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
