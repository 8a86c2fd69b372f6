"""Developer scripts (icons, translations, installers, screenshots); not shipped.

A package so that the scripts that use the tests' support code (``testsupport``: the screenshot
scripts) run from the repository root as modules: ``python -m scripts.screenshots``. The others
also run as ``python scripts/NAME.py``.
"""
