"""Handing freed memory back to the operating system (glibc)."""

from __future__ import annotations

import platform

import numpy as np
import pytest

from hsb_whisper.transcription.memory import release_freed_memory

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        return int(next(line for line in f if line.startswith("VmRSS")).split()[1]) / 1024


def test_freed_heap_memory_goes_back_to_the_system():
    """128 MB in 64 KB blocks (below glibc's mmap threshold: on the heap), every other one
    freed: malloc keeps the holes, release_freed_memory returns them."""
    blocks = [np.ones(64 * 1024, np.uint8) for _ in range(2048)]
    del blocks[::2]
    before = rss_mb()
    release_freed_memory()
    assert before - rss_mb() > 40
