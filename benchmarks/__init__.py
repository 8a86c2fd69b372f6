"""Speed and memory measurements, each against a baseline in the same run (docs/performance.md).

A package so that the benchmarks that use the tests' support code (``testsupport``) run from the
repository root as modules: ``python -m benchmarks.app_latency``. Those that need nothing of it
(``train_speed``, ``export_speed``, ``store_startup``, ``bundle_startup``) also run as
``python benchmarks/NAME.py``. Not shipped.
"""
