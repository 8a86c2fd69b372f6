"""Training data: manifests, Common Voice, folder and ELAN/TextGrid imports, the user's corrected
transcripts, clip checks, reports and statistics.

May use ``hsb_whisper.transcription`` (transcript files: our ELAN/Praat tier names, saved JSON
transcripts) and ``hsb_whisper.export`` (the default model's tokenizer counts transcript tokens).
Nothing here needs torch: the data commands work in the transcription-only install.
"""

from hsb_whisper.data.annotations import DEFAULT_SKIP_PATTERNS, AnnotationError, CutOptions
from hsb_whisper.data.checks import REASONS, check_clips
from hsb_whisper.data.corrections import CorrectionsError, confirmed_seconds, import_corrections
from hsb_whisper.data.folder import parse_fractions
from hsb_whisper.data.importing import (
    REPORT_FILE,
    Outcome,
    Progress,
    check_manifest,
    import_annotations,
    import_common_voice,
    import_folder,
)
from hsb_whisper.data.manifest import Clip, ManifestError, read_manifest, write_manifest
from hsb_whisper.data.report import render_report
from hsb_whisper.data.split import BLOCK_SECONDS
from hsb_whisper.data.stats import manifest_stats, render_stats, save_histogram_png

__all__ = [
    "BLOCK_SECONDS",
    "DEFAULT_SKIP_PATTERNS",
    "REASONS",
    "REPORT_FILE",
    "AnnotationError",
    "Clip",
    "CorrectionsError",
    "CutOptions",
    "ManifestError",
    "Outcome",
    "Progress",
    "check_clips",
    "check_manifest",
    "confirmed_seconds",
    "import_annotations",
    "import_common_voice",
    "import_corrections",
    "import_folder",
    "manifest_stats",
    "parse_fractions",
    "read_manifest",
    "render_report",
    "render_stats",
    "save_histogram_png",
    "write_manifest",
]
