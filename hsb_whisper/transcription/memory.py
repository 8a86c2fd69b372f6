"""Giving memory the program has freed back to the operating system (no Qt).

glibc's ``malloc`` keeps freed memory in its heaps for reuse instead of returning it, so the
resident size of a process stays at its high-water mark long after the work is done. Loading a
model frees a lot at once (CTranslate2 reads the float16 ``model.bin`` whole and converts each
tensor to int8 through float32), and so does a transcription (the encoder's buffers):
``malloc_trim(0)`` hands the free pages of every heap back. Measured on whisper-base int8, 2
threads: 36 MB after loading, 30–70 MB after transcribing, nothing changed in the results.

Trimming costs a few milliseconds, and the next transcription faults the pages in again, so it
is done when work ends (a model loaded, a file done, a recording stopped), never per utterance.

Trimming returns only whole free pages, and glibc gives each thread that allocates its own heap
("arena", up to 8 per core): the app's threads (GUI, two workers, the recorder's writer,
CTranslate2's and onnxruntime's) each keep a fragmented heap of their own. The app limits them
to one (:func:`use_one_heap`, before its threads start). Measured, idle after recording and
transcribing: 312–320 MB with the default arenas, 302 MB with 2, 278 MB with 1; decoding speed
unchanged within the noise of this machine.

Elsewhere than on glibc (macOS, Windows, musl) all of this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import logging

log = logging.getLogger(__name__)


M_ARENA_MAX = -8  # glibc's mallopt() parameter number (malloc.h)


@functools.cache
def _libc_function(name: str):
    """A function of glibc's (``malloc_trim``, ``mallopt``), or ``None`` where there is none."""
    libc = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(libc), name) if libc else None
    except (OSError, AttributeError):
        return None


def use_one_heap() -> None:
    """Make threads started from now on share the heaps that exist (glibc only): call it
    before the program starts its threads."""
    mallopt = _libc_function("mallopt")
    if mallopt is not None:
        mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
        mallopt(M_ARENA_MAX, 1)


def release_freed_memory() -> None:
    """Collect Python's garbage cycles, then return the free pages of the C heap to the
    operating system (glibc only)."""
    gc.collect()  # arrays held in reference cycles would otherwise be freed after the trim
    trim = _libc_function("malloc_trim")
    if trim is not None:
        trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
        trim(0)
