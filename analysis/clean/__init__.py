"""Cleaning: block segmentation, classification, repair, titles, outlet detection.

Branch-local bridge (branch ``html`` only): until ``analysis/clean.py`` is split into this package,
the package would shadow that module, so this file runs the module's code in the package namespace.
The ``clean`` developer's ``__init__.py`` replaces this file at merge.
"""

from pathlib import Path as _Path

_LEGACY = _Path(__file__).resolve().parent.parent / "clean.py"
exec(compile(_LEGACY.read_text(encoding="utf-8"), str(_LEGACY), "exec"), globals())  # noqa: S102
