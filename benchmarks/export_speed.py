"""Export of a training run: wall time, and CPU speed of the exported int8 model vs. the merged
Hugging Face model on the same clips.

    python benchmarks/export_speed.py RUN [--clips 8]

RUN is a finished ``hsb-whisper finetune`` run (e.g. the classic recipe on whisper-base). The
export (merge, int8 conversion, faster-whisper check, dev WER next to float32) goes into a
temporary store. Then both engines transcribe the same dev clips greedily (same features, same
token limit), alternating, twice; the ratio of their total times is printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from hsb_whisper.audio import load_audio
from hsb_whisper.data import read_manifest
from hsb_whisper.evaluation import CT2Decoder, DecodingOptions, HFDecoder
from hsb_whisper.export import ModelStore
from hsb_whisper.finetune import export_run
from hsb_whisper.finetune.publish import find_source


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--clips", type=int, default=8)
    args = parser.parse_args()
    source = find_source(args.run, None)
    with tempfile.TemporaryDirectory() as tmp:
        store = ModelStore(Path(tmp) / "store")
        start = time.perf_counter()
        folder, info = export_run(
            args.run,
            name="bench-int8",
            quantization="int8",
            store=store,
            progress=lambda m: print(m, file=sys.stderr),
        )
        export_s = time.perf_counter() - start
        merged = args.run / "export" / "bench-int8-hf"
        clips = read_manifest(source.dev)[: args.clips]
        audio = [load_audio(c.audio) for c in clips]
        options = DecodingOptions(language="cs")
        seconds = sum(len(a) for a in audio) / 16000
        times: dict[str, list[float]] = {"faster-whisper int8": [], "transformers generate": []}
        for _ in range(2):
            for name, run in (
                ("faster-whisper int8", lambda: CT2Decoder(folder).decode(audio, options)),
                ("transformers generate", lambda: HFDecoder.load(merged).decode(audio, options)),
            ):
                t = time.perf_counter()
                run()
                times[name].append(time.perf_counter() - t)
    e = info.evaluation
    print(f"export (merge + int8 conversion + check + dev WER): {export_s:.1f} s")
    print(
        f"dev WER int8 {e['wer']:.3f}, float32 {e['wer_float32']:.3f}, "
        f"difference {e['wer_difference']:+.3f} ({e['clips']} clips)"
    )
    fw = statistics.median(times["faster-whisper int8"])
    hf = statistics.median(times["transformers generate"])
    print(f"{len(audio)} clips, {seconds:.1f} s of audio (model loading included in both):")
    print(f"  faster-whisper int8   {fw:.2f} s (RTF {fw / seconds:.2f})")
    print(f"  transformers generate {hf:.2f} s (RTF {hf / seconds:.2f})")
    print(f"  speed-up of the export: {hf / fw:.2f}×")


if __name__ == "__main__":
    main()
