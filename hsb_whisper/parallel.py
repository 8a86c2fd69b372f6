"""Work spread over processes (one per available core), and the core count itself.

Decoding audio and extracting features are CPU-bound: the data checks, the statistics and the
feature cache run them in a process pool. The transcriber and the benchmarks take their default
thread count from :func:`available_cores` too, so every part of the program agrees on it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

_INLINE_BELOW = 64  # fewer items than this run in-process (a pool costs ~0.3 s to start)


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_parallel(
    function: Callable,
    items: list,
    progress: Callable[[int], None] | None,
    workers: int | None = None,
) -> list:
    """``[function(x) for x in items]`` over ``workers`` processes (default: one per core), in
    order, calling ``progress(1)`` as each item completes."""
    workers = workers or available_cores()
    if len(items) < _INLINE_BELOW or workers == 1:
        results = []
        for item in items:
            results.append(function(item))
            if progress:
                progress(1)
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = []
        for result in pool.map(function, items, chunksize=16):
            results.append(result)
            if progress:
                progress(1)
        return results
