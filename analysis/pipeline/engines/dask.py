"""The Dask engine: per-article stages on a ``dask.distributed`` cluster (``run(source, engine="dask")``).

One task per chunk (partition) of a few hundred articles. Each worker loads
the spaCy model once (a worker plugin calls :func:`analysis.annotate.load_model`,
which is cached per process), reads or parses its partition's tokens through
the shared on-disk cache, runs every per-article stage, and writes each table
as one Parquet file of a partitioned dataset::

    <out_dir>/<table>/part-00000.parquet, part-00001.parquet, ...

The client reads the partitions back in order, so the tables are identical to
the pandas engine's, and computes the corpus-level tables itself. Dask is an
optional extra (``pip install outlet-framing[dask]``); nothing here is
imported by the default engine.

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
from analysis.pipeline.engines.base import ChunkWork, EngineResult
from analysis.pipeline.options import RunOptions
from analysis.pipeline.plan import plan
from analysis.pipeline.store import ArrowError, LazyTables, concat, read_chunk
from analysis.pipeline.timing import Timer

try:  # the plugin base class exists only when distributed is installed
    from distributed.diagnostics.plugin import WorkerPlugin as _PluginBase
except ImportError:  # pragma: no cover - dask extra not installed
    _PluginBase = object


class DaskNotInstalled(RuntimeError):
    """The ``dask`` extra is missing (install with ``pip install 'outlet-framing[dask]'``)."""


class SpacyModelPlugin(_PluginBase):  # type: ignore[misc, valid-type]
    """Load the spaCy model once when a worker starts, so every task on it reuses the same pipeline."""

    name = "outlet-framing-spacy-model"

    def setup(self, worker: Any) -> None:
        """Load the model into the worker process (cached by ``load_model``)."""
        load_model()


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
        ``timings`` (stage -> seconds), ``writes`` (cache entries written).
    """
    try:
        from distributed import get_worker

        worker = get_worker().address
    except (ImportError, ValueError):
        worker = f"pid-{os.getpid()}"
    stages = plan(include=include, settings=settings)
    timer, writes = Timer(), cache.write_count()
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
    return {
        "worker": worker,
        "cached": cached,
        "tables": list(tables),
        "timings": timer.seconds,
        "writes": cache.write_count() - writes,
    }


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


class DaskEngine:
    """Run every chunk as one Dask task; the workers write Parquet partitions the client reads back in order.

    ``options.scheduler`` names the cluster (default a LocalCluster of ``options.n_process``
    workers, 2 if None); ``options.out_dir`` the partitioned output (default under the cache).
    """

    name = "dask"

    def run(self, work: ChunkWork, options: RunOptions) -> EngineResult:
        """Compute every chunk of ``work`` on the cluster (see :class:`~.base.Engine`)."""
        if not work.chunks:
            return EngineResult(self.name, LazyTables([], work.root))
        include = list(options.include) if options.include is not None else None
        stage_names = [s.name for s in work.stages]
        run_key = cache.content_key("dask-run", *[k.get("sentences", "") for k in work.keys], *stage_names)
        out = (
            Path(options.out_dir) if options.out_dir is not None else work.root / "dask-output" / run_key[:16]
        )
        out.mkdir(parents=True, exist_ok=True)
        client, cluster = _client(options.scheduler, options.n_process)
        try:
            client.register_plugin(SpacyModelPlugin())
            futures = [
                client.submit(
                    run_partition,
                    i,
                    chunk,
                    dict(k),
                    include=include,
                    settings=work.settings,
                    cache_dir=str(work.root),
                    out_dir=str(out),
                    batch_size=options.batch_size,
                    key=f"outlet-framing-partition-{run_key[:8]}-{i:05d}",
                    pure=False,
                )
                for i, (chunk, k) in enumerate(zip(work.chunks, work.keys, strict=True))
            ]
            results = client.gather(futures)
        finally:
            if cluster is not None:
                client.close()
                cluster.close()
        timer = Timer()
        names: list[str] = []
        for result in results:
            timer.merge(result["timings"])
            names.extend(n for n in result["tables"] if n not in names)
        workers = sorted({r["worker"] for r in results})
        if options.progress:
            print(
                f"  dask: {len(work.chunks)} partitions on {len(workers)} workers",
                file=sys.stderr,
                flush=True,
            )
        parts = read_partitions(out, names, len(work.chunks))
        return EngineResult(
            self.name,
            LazyTables([], work.root, extra=concat(parts)),
            timer.seconds,
            chunks_cached=sum(bool(r["cached"]) for r in results),
            cache_writes=sum(r["writes"] for r in results),
            workers=tuple(workers),
        )
