"""How the per-article stages of uncached chunks are computed: here (serial), in forked lanes, or on Dask.

Every engine implements :class:`~.base.Engine`: ``engine.run(work, options)`` takes a
:class:`~.base.ChunkWork` and the run's :class:`~analysis.pipeline.options.RunOptions` and
returns an :class:`~.base.EngineResult`. :func:`get_engine` returns the engine of a name in
:data:`analysis.config.ENGINES`. Engines import the pipeline's lower modules (plan, chunks,
store, timing) and never :mod:`analysis.pipeline.run`, which chooses one of them.
:mod:`.ahead` computes a slow corpus stage in a forked process while the others run.
"""

from __future__ import annotations

import importlib

from analysis.pipeline.engines.base import ChunkWork, Engine, EngineResult
from analysis.pipeline.options import check_engine

#: Engine name (the names of :data:`analysis.config.ENGINES`, in that order) -> (module, class).
#: A module is imported when its engine is asked for: the Dask one imports ``distributed``.
ENGINE_CLASSES: dict[str, tuple[str, str]] = {
    "pandas": ("analysis.pipeline.engines.lanes", "PandasEngine"),
    "serial": ("analysis.pipeline.engines.serial", "SerialEngine"),
    "lanes": ("analysis.pipeline.engines.lanes", "LanesEngine"),
    "dask": ("analysis.pipeline.engines.dask", "DaskEngine"),
}


def get_engine(name: str) -> Engine:
    """Return the engine called ``name``.

    Raises
    ------
    ValueError
        For a name not in :data:`analysis.config.ENGINES` (the message lists them).

    Examples
    --------
    >>> get_engine("serial").name
    'serial'
    """
    module, cls = ENGINE_CLASSES[check_engine(name)]
    return getattr(importlib.import_module(module), cls)()


__all__ = ["ENGINE_CLASSES", "ChunkWork", "Engine", "EngineResult", "get_engine"]
