"""Building blocks every stage may use: the stage declaration, caching, statistics, parallelism.

Nothing in :mod:`analysis.core` imports a stage module; stages import from here.
"""
