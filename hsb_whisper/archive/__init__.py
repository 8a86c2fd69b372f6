"""Archives: thousands of hours transcribed on a Ray cluster (or a local Ray instance),
resumable, nothing lost — the engine of ``hsb-whisper archive`` (no Qt).

- :func:`run_archive` with :class:`ArchiveSettings`: walk the sources, write the work list
  (:mod:`.worklist`), transcribe every file on Ray actors (:mod:`.worker`: one loaded model each)
  into the output folder, recording each file in the ledger (:mod:`.ledger`), and return the
  :class:`Summary` (also written as ``summary.json``); :class:`Event` is what it reports as it
  goes;
- :func:`require_ray`: one line naming the extra to install when Ray is missing.

Ray is imported only when an archive runs (the ``cluster`` extra). May use
``hsb_whisper.transcription``, ``hsb_whisper.export`` and the shared modules only (import-linter
checks it).
"""

from hsb_whisper.archive.runner import (
    MAX_ATTEMPTS,
    ArchiveSettings,
    Event,
    Summary,
    require_ray,
    run_archive,
)

__all__ = ["MAX_ATTEMPTS", "ArchiveSettings", "Event", "Summary", "require_ray", "run_archive"]
