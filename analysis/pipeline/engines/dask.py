"""The Dask engine: per-article stages on a ``dask.distributed`` cluster (``run(source, engine="dask")``).

One task per chunk (partition) of a few hundred articles. Each worker loads
the spaCy model once (a worker plugin calls :func:`analysis.annotate.load_model`,
which is cached per process), reads or parses its partition's tokens through
the shared on-disk cache, runs every per-article stage, and writes each table
as one Parquet file of a partitioned dataset::

    <out_dir>/<table>/part-00000.parquet, part-00001.parquet, ...

The client reads the partitions back in order, so the tables are identical to
the pandas engine's, and computes the corpus-level tables itself. Dask is an
optional extra (``pip install outlet-framing[dask]``): this module imports
``dask`` and ``distributed`` only when it runs, so the default engine never loads them.

Point it at an existing cluster with ``run(source, engine="dask",
scheduler="tcp://scheduler-host:8786")``; the workers need this package, the
spaCy model and a ``cache_dir``/``out_dir`` on a filesystem they share with
the client.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.annotate import iter_tokens, load_model
from analysis.core import cache
from analysis.pipeline.chunks import process_chunk
from analysis.pipeline.plan import plan
from analysis.pipeline.store import ArrowError, read_chunk
from analysis.pipeline.timing import Timer


class DaskNotInstalled(RuntimeError):
    """The ``dask`` extra is missing (install with ``pip install 'outlet-framing[dask]'``)."""


def spacy_model_plugin() -> Any:
    """Return a worker plugin that loads the spaCy model once when a worker starts.

    Every task on the worker then reuses the same pipeline. The class is made here, not at
    import, so that importing this module never imports ``distributed`` (an optional extra).
    """
    from distributed.diagnostics.plugin import WorkerPlugin

    class SpacyModelPlugin(WorkerPlugin):
        name = "outlet-framing-spacy-model"

        def setup(self, worker: Any) -> None:
            """Load the model into the worker process (cached by ``load_model``)."""
            load_model()

    return SpacyModelPlugin()


def _client(scheduler: Any, n_workers: int | None):
    """Return (client, cluster-we-own-or-None) for an address, a Client, or a new LocalCluster."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise DaskNotInstalled(
            "engine='dask' needs the dask extra: pip install 'outlet-framing[dask]' "
            "(dask[dataframe] and distributed)"
        ) from exc
    if scheduler is None:
        import dask

        address = dask.config.get("scheduler-address", None)  # e.g. $DASK_SCHEDULER_ADDRESS
        if address:
            return Client(address), None
        cluster = LocalCluster(
            n_workers=n_workers or 2, threads_per_worker=1, processes=True, dashboard_address=None
        )
        return Client(cluster), cluster
    if isinstance(scheduler, Client):
        return scheduler, None
    return Client(scheduler), None


def run_partition(
    index: int,
    chunk: pd.DataFrame,
    keys: Mapping[str, str],
    *,
    include: Iterable[str] | None,
    cache_dir: str,
    out_dir: str,
    batch_size: int | None,
    settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Compute one partition's per-article tables on a worker and write them as Parquet.

    Parameters
    ----------
    index : int
        Partition number (names the output files).
    chunk : pandas.DataFrame
        The partition's ``ok`` articles.
    keys : Mapping[str, str]
        Cache key of each per-article stage for this chunk.

    Returns
    -------
    dict
        ``worker`` (address), ``cached`` (bool), ``tables`` (names written),
        ``timings`` (stage -> seconds).
    """
    try:
        from distributed import get_worker

        worker = get_worker().address
    except (ImportError, ValueError):
        worker = f"pid-{os.getpid()}"
    stages = plan(include=include, settings=settings)
    timer = Timer()
    tables = read_chunk(keys, cache_dir)
    cached = tables is not None
    if tables is None:
        started = time.perf_counter()
        (tokens,) = iter_tokens(
            [chunk], cache_dir=cache_dir, n_process=1, batch_size=batch_size, progress=False
        )
        timer.add("annotate", time.perf_counter() - started)
        tables = process_chunk(chunk, tokens, stages, keys, cache_dir=cache_dir, timer=timer)
    for name, table in tables.items():
        folder = Path(out_dir) / name
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".part-{index:05d}.{os.getpid()}.tmp"
        try:
            table.to_parquet(tmp, index=False)
            path = folder / f"part-{index:05d}.parquet"
        except (ArrowError, TypeError, ValueError):  # nested Python objects: Parquet cannot hold them
            table.to_pickle(tmp)
            path = folder / f"part-{index:05d}.pkl"
        os.replace(tmp, path)
    return {"worker": worker, "cached": cached, "tables": list(tables), "timings": timer.seconds}


def read_partitions(out_dir: str | os.PathLike, names: list[str], n: int) -> list[dict[str, pd.DataFrame]]:
    """Read back the partitioned Parquet output, one dict of tables per partition, in order."""
    parts = []
    for index in range(n):
        part = {}
        for name in names:
            path = Path(out_dir) / name / f"part-{index:05d}.parquet"
            if path.exists():
                part[name] = pd.read_parquet(path)
            elif path.with_suffix(".pkl").exists():
                part[name] = pd.read_pickle(path.with_suffix(".pkl"))
        parts.append(part)
    return parts


def run_chunks(
    chunks: list[pd.DataFrame],
    keys: list[Mapping[str, str]],
    stage_names: list[str],
    *,
    include: Iterable[str] | None,
    cache_dir: str | os.PathLike,
    settings: Mapping[str, Any] | None = None,
    scheduler: Any = None,
    n_workers: int | None = None,
    batch_size: int | None = None,
    out_dir: str | os.PathLike | None = None,
    progress: bool = True,
) -> tuple[list[dict[str, pd.DataFrame]], list[str], dict[str, float]]:
    """Run every chunk as one Dask task and return (per-chunk tables, worker per chunk, summed timings).

    Parameters
    ----------
    chunks : list of pandas.DataFrame
        From :func:`analysis.pipeline.chunks.chunk_articles`.
    keys : list of Mapping[str, str]
        Per-chunk stage cache keys.
    stage_names : list of str
        Stages the client planned (workers plan the same from the same code).

    Returns
    -------
    tuple
        Per-chunk tables read back from ``out_dir``, the worker address that
        computed each chunk, and stage -> seconds summed over workers.
    """
    if not chunks:
        return [], [], {}
    include = list(include) if include is not None else None
    run_key = cache.content_key("dask-run", *[k.get("sentences", "") for k in keys], *stage_names)
    out = Path(out_dir) if out_dir is not None else Path(cache_dir) / "dask-output" / run_key[:16]
    out.mkdir(parents=True, exist_ok=True)
    client, cluster = _client(scheduler, n_workers)
    try:
        client.register_plugin(spacy_model_plugin())
        futures = [
            client.submit(
                run_partition,
                i,
                chunk,
                dict(k),
                include=include,
                settings=settings,
                cache_dir=str(cache_dir),
                out_dir=str(out),
                batch_size=batch_size,
                key=f"outlet-framing-partition-{run_key[:8]}-{i:05d}",
                pure=False,
            )
            for i, (chunk, k) in enumerate(zip(chunks, keys, strict=True))
        ]
        results = client.gather(futures)
    finally:
        if cluster is not None:
            client.close()
            cluster.close()
    timings: dict[str, float] = {}
    names: list[str] = []
    for result in results:
        for stage, seconds in result["timings"].items():
            timings[stage] = timings.get(stage, 0.0) + seconds
        names.extend(n for n in result["tables"] if n not in names)
    if progress:
        print(
            f"  dask: {len(chunks)} partitions on {len({r['worker'] for r in results})} workers",
            file=sys.stderr,
            flush=True,
        )
    workers = [r["worker"] for r in results]
    timings["__cached__"] = float(sum(r["cached"] for r in results))
    return read_partitions(out, names, len(chunks)), workers, timings
