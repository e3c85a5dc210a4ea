"""One stage called on a DataFrame with its inputs computed by the plan: the ``analysis.<stage>`` facade.

Stage functions are pure functions of their declared inputs: ``quotes`` needs the
token table and the mentions, it never parses the text itself. ``analysis.quotes(df)``
is the convenience: :func:`call_stage` takes the inputs the caller gave, computes the
inputs the function cannot do without (parameters without a default) by running the
stages they come from, in plan order, in this process, on the same articles, and
calls the function. A function that takes ``annotations`` gets, when not given, the
articles' annotations parsed on first use (through the on-disk parse cache), so an
optional input the function derives from the token table (``keyness``'s
``term_counts``) is derived there, as a direct call with ``annotations=`` would.
"""

from __future__ import annotations

import inspect
from collections import ChainMap
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from analysis.annotate import annotate
from analysis.core.stage import BUILTIN_INPUTS, Stage
from analysis.pipeline.plan import call, collect, order_stages, providers


class LazyAnnotations:
    """The annotations of ``articles``, parsed (through the on-disk cache) when first read.

    Has the ``tokens``, ``sentences`` and ``entities`` of :class:`analysis.annotate.Annotations`.
    """

    def __init__(self, articles: pd.DataFrame, cache_dir: Any = None) -> None:
        self._articles = articles
        self._options = {} if cache_dir is None else {"cache_dir": cache_dir}
        self._parsed: Any = None

    def parsed(self) -> Any:
        """Return the :class:`~analysis.annotate.Annotations` (parsing once)."""
        if self._parsed is None:
            self._parsed = annotate(self._articles, **self._options)
        return self._parsed

    @property
    def tokens(self) -> pd.DataFrame:
        """The token table."""
        return self.parsed().tokens

    @property
    def sentences(self) -> pd.DataFrame:
        """The sentence table."""
        return self.parsed().sentences

    @property
    def entities(self) -> pd.DataFrame:
        """The raw entity table."""
        return self.parsed().entities


def stage_inputs(declared: Stage, given: Mapping[str, Any], needed: set[str]) -> dict[str, Any]:
    """Return the inputs of ``declared`` to pass, by parameter: the given ones, plus ``needed`` ones computed.

    Parameters
    ----------
    declared : Stage
        The stage (``fn.__stage__``).
    given : Mapping[str, Any]
        What the caller passed, by parameter name (``articles`` is required; ``annotations``,
        ``codebook``, ``people`` and ``cache_dir`` serve the stages upstream too). None counts as
        not given.
    needed : set of str
        Parameters to compute when not given (the function's inputs without a default).

    Returns
    -------
    dict
        Parameter -> value for the given and the needed inputs (``annotations`` always, lazily
        parsed when not given).

    Raises
    ------
    ValueError
        When ``articles`` is not given.
    """
    if given.get("articles") is None:
        raise ValueError(f"{declared.name}() needs the articles table")
    param_of = {table: param for param, table in declared.parameters}
    # settings (codebook, people, cache_dir) not given: None, the stage's own default
    tables: dict[str, Any] = {t: None for t in BUILTIN_INPUTS if t not in ("articles", "annotations")}
    for table in BUILTIN_INPUTS:
        if given.get(param_of.get(table, table)) is not None:
            tables[table] = given[param_of.get(table, table)]
    for param, table in declared.parameters:
        if given.get(param) is not None:
            tables[table] = given[param]
    tables.setdefault("annotations", LazyAnnotations(tables["articles"], tables["cache_dir"]))
    missing = [t for p, t in declared.parameters if p in needed and t not in tables]
    if missing:
        stages = collect()
        provider = providers(stages)
        computed: dict[str, Any] = {}
        inputs = ChainMap(computed, tables)
        for upstream in order_stages(stages, include=sorted({provider[t] for t in missing})):
            if not all(t in inputs for t in upstream.provides):
                computed.update(call(upstream, inputs))
        tables.update(computed)
    out = {param: tables[table] for param, table in declared.parameters if table in tables}
    out.setdefault("annotations", tables["annotations"])
    return out


def call_stage(
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    *,
    requires: tuple[str, ...] | None = None,
) -> Any:
    """Call stage function ``fn`` with the arguments given and the inputs it needs computed.

    Parameters
    ----------
    fn : Callable
        A ``@stage`` function, or (with ``requires``) a function that reads tables stages provide.
    args, kwargs : tuple, dict
        The caller's arguments, bound to ``fn``'s signature as in a direct call; the built-in
        inputs (``annotations``, ``codebook``, ``cache_dir``) may be given even when ``fn``
        takes no such parameter: they then serve the stages upstream only.
    requires : tuple of str, optional
        The inputs of a function that is not a stage (as ``@stage(requires=...)`` declares them).

    Returns
    -------
    Any
        What ``fn`` returns.
    """
    declared = fn.__stage__ if requires is None else Stage(fn.__name__, fn, requires)  # type: ignore[attr-defined]
    signature = inspect.signature(fn)
    params = signature.parameters
    kwargs = dict(kwargs)
    upstream_only = {k: kwargs.pop(k) for k in list(kwargs) if k in BUILTIN_INPUTS and k not in params}
    arguments = dict(signature.bind_partial(*args, **kwargs).arguments)
    for name, p in params.items():
        if p.kind is inspect.Parameter.VAR_KEYWORD and name in arguments:
            arguments.update(arguments.pop(name))
    needed = {p for p, _ in declared.parameters if p in params and params[p].default is params[p].empty}
    inputs = stage_inputs(declared, {**upstream_only, **arguments}, needed)
    filled = {k: v for k, v in inputs.items() if k in params and arguments.get(k) is None}
    return fn(**{**arguments, **filled})
