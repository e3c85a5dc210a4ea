"""The Dask engine on a real corpus gives the pandas tables: ``python -m bench.dask_identity SOURCE``.

Runs ``analysis.run`` on SOURCE with ``engine="dask"`` on a local cluster of two worker processes
(empty cache), then with the pandas engine on a cache holding only the tokens the workers parsed (so
every stage is recomputed here, but spaCy is not run twice), and compares every table with
``pandas.testing.assert_frame_equal``. Prints one line per table and exits 1 on any difference.
The CI version of this check (the seeds plus generated articles) is
``tests/integration/test_dask_engine.py``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", help="corpus folder or file, as for `python -m analysis report`")
    ap.add_argument("--workers", type=int, default=2, help="local Dask worker processes (default 2)")
    args = ap.parse_args(argv)

    import distributed
    import pandas as pd

    from analysis import pipeline

    tmp = Path(tempfile.mkdtemp(prefix="dask-identity-"))
    try:
        cluster = distributed.LocalCluster(
            n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        with distributed.Client(cluster) as client:
            started = time.perf_counter()
            on_dask = pipeline.run(
                args.source,
                engine="dask",
                scheduler=client,
                cache_dir=tmp / "dask-cache",
                out_dir=tmp / "out",
                progress=True,
            )
            dask_seconds = time.perf_counter() - started
        cluster.close()
        shutil.copytree(tmp / "dask-cache" / "tokens", tmp / "pandas-cache" / "tokens")
        started = time.perf_counter()
        on_pandas = pipeline.run(args.source, cache_dir=tmp / "pandas-cache", progress=True)
        pandas_seconds = time.perf_counter() - started
        print(
            f"dask: {on_dask.info.n_chunks} chunks on {len(on_dask.info.workers)} workers, "
            f"{dask_seconds:.0f} s; pandas (tokens reused): {pandas_seconds:.0f} s"
        )
        failures = 0
        names = sorted(set(on_dask.tables) | set(on_pandas.tables))
        for name in names:
            if name not in on_dask.tables or name not in on_pandas.tables:
                print(f"{name:28s} MISSING on {'dask' if name not in on_dask.tables else 'pandas'}")
                failures += 1
                continue
            try:
                pd.testing.assert_frame_equal(on_dask[name], on_pandas[name], obj=name)
            except AssertionError as err:
                failures += 1
                print(f"{name:28s} DIFFERS: {str(err).splitlines()[0]}")
            else:
                print(f"{name:28s} identical ({len(on_dask[name]):,} rows)")
        print(f"{len(names) - failures} of {len(names)} tables identical")
        return 1 if failures else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
