"""How the per-article stages of uncached chunks are computed: here (serial), in forked lanes, or on Dask.

Engines import the pipeline's lower modules (plan, chunks, store, timing) and
never :mod:`analysis.pipeline.run`, which chooses one of them. :mod:`.ahead`
computes a slow corpus stage in a forked process while the others run.
"""
