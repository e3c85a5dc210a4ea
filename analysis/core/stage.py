"""Declared pipeline stages: the tables each stage reads, the tables it provides and their columns.

A stage module decorates its public function with :func:`stage`; the pipeline
collects the declarations (:func:`registered`) and builds its plan from them,
as spaCy builds a pipeline from factories checked against their signatures.

Inputs are bound by name. Every table in ``requires`` is passed by keyword to the
parameter named as the table, a leading underscore aside (table ``_hedges`` to
parameter ``hedges``), unless ``bind`` maps a parameter to it explicitly
(``bind={"frames": "_frame_evidence"}``). The declaration is checked against the
function's signature when the stage is declared: an input without a parameter, or
a required parameter without an input, raises :class:`StageDeclarationError`
naming the stage and the parameter. ``columns`` declares the columns of the
tables a stage provides; :func:`check_columns` checks a produced table against it.

Example
-------
>>> import pandas as pd
>>> @stage(provides="word_counts", requires=("articles",), columns=("article_id", "n"), registry={})
... def word_counts(articles: pd.DataFrame) -> pd.DataFrame:
...     return articles.assign(n=articles["text"].str.split().str.len())[["article_id", "n"]]
>>> word_counts.__stage__.parameters
(('articles', 'articles'),)
>>> word_counts.__stage__.columns
{'word_counts': ('article_id', 'n')}
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

#: Names the pipeline itself supplies to any stage (not provided by a stage).
BUILTIN_INPUTS: tuple[str, ...] = (
    "articles", "annotations", "cache_dir", "codebook", "people", "source_types",
)


@dataclass(frozen=True)
class Incremental:
    """How a corpus stage updates its previous result with new articles instead of recomputing it.

    Both functions take the stage's inputs by the same keywords as the stage function and
    stay pure: the pipeline (:mod:`analysis.pipeline.incremental`) keeps the index between
    runs in its cache.

    Attributes
    ----------
    build : Callable
        ``build(**inputs) -> (value, index)``: the stage function's value (the same tables)
        plus an index of what it computed (vectors, links, frozen corpus statistics).
    update : Callable
        ``update(index, **inputs) -> (value, index)`` for the inputs plus some new articles, or
        None when the index cannot serve them (the stage's rebuild rule: then ``build`` runs).
    """

    build: Callable[..., Any]
    update: Callable[..., Any]


@dataclass(frozen=True)
class Partial:
    """How a corpus stage is computed from per-chunk parts, so an unchanged chunk's part is reused.

    The pipeline (:mod:`analysis.pipeline.partials`) caches each chunk's part under the keys of
    the chunk's per-article inputs, so a run with a few new articles computes the parts of the
    changed chunks only and combines them with the cached ones; ``combine`` must give exactly the
    tables the stage function gives on the whole corpus.

    Attributes
    ----------
    part : Callable
        ``part(**inputs) -> object`` (picklable) for one chunk: ``articles`` are the chunk's articles
        and every per-article input table holds the chunk's rows only, passed by the stage's own
        parameter names.
    combine : Callable
        ``combine(parts, **inputs) -> value``: the stage function's value from the parts of every
        chunk in corpus order; ``inputs`` are the stage's other inputs (``articles``, the whole
        corpus, and any corpus table), by the same parameter names.
    """

    part: Callable[..., Any]
    combine: Callable[..., Any]


class StageDeclarationError(ValueError):
    """A ``@stage`` declaration that does not match its function, or a table that lacks declared columns."""


def parameter_for(table: str) -> str:
    """Return the parameter a table is passed to by default: its name without one leading underscore.

    Examples
    --------
    >>> parameter_for("_hedges"), parameter_for("mentions")
    ('hedges', 'mentions')
    """
    return table[1:] if table.startswith("_") else table


@dataclass(frozen=True)
class Stage:
    """One declared stage of the pipeline.

    Attributes
    ----------
    name : str
        The stage's name (its first provided table).
    fn : Callable
        The function, called by keyword only: ``fn(**{param: inputs[table] for param, table in parameters})``.
    requires : tuple of str
        Input tables (``articles`` is the corpus table; see :data:`BUILTIN_INPUTS`).
    provides : tuple of str
        Tables the function returns: one DataFrame, or a mapping with these keys.
    per_article : bool
        True when the stage's output for an article depends on that article alone
        (it then runs chunk by chunk); False for corpus-level stages.
    module : str
        Module that declared the stage (its code, and the package code it imports, key its cache).
    bind : Mapping[str, str]
        Parameter -> input table, for the inputs not passed to the parameter named as the table.
    columns : Mapping[str, tuple of str]
        The declared columns of each provided table, in order (with the default ``by``, the
        grouping column is named after it, e.g. ``outlet``); see :meth:`columns_of`. Given
        as a tuple, they belong to a one-table stage's table.
    incremental : Incremental, optional
        A corpus stage's update with new articles (:class:`Incremental`); None: always recomputed.
    partial : Partial, optional
        A corpus stage computed from cached per-chunk parts (:class:`Partial`).
    """

    name: str
    fn: Callable[..., Any]
    requires: tuple[str, ...]
    provides: tuple[str, ...] = ()
    per_article: bool = True
    module: str = ""
    bind: Mapping[str, str] = field(default_factory=dict)
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    incremental: Incremental | None = None
    partial: Partial | None = None

    def __post_init__(self) -> None:
        if not self.provides:  # a stage provides at least the table named after it
            object.__setattr__(self, "provides", (self.name,))
        declared = _column_mapping(self.columns, self.provides)
        unknown = sorted(set(declared) - set(self.provides))
        if unknown:
            raise ValueError(f"stage {self.name!r} declares columns of tables it does not provide: {unknown}")
        object.__setattr__(self, "columns", declared)

    def columns_of(self, table: str) -> tuple[str, ...]:
        """Return the declared columns of ``table`` (one of :attr:`provides`).

        Examples
        --------
        >>> Stage("n", len, ("articles",), columns=("article_id", "n_words")).columns_of("n")
        ('article_id', 'n_words')
        """
        if table not in self.columns:
            raise KeyError(f"stage {self.name!r} declares no columns for table {table!r}")
        return self.columns[table]

    @property
    def inputs(self) -> tuple[str, ...]:
        """Return every input table name (``requires``)."""
        return self.requires

    @property
    def parameters(self) -> tuple[tuple[str, str], ...]:
        """Return ``(parameter, table)`` for each input, in ``requires`` order.

        Examples
        --------
        >>> Stage("k", len, ("articles", "_terms"), bind={"term_counts": "_terms"}).parameters
        (('articles', 'articles'), ('term_counts', '_terms'))
        >>> Stage("c", len, ("articles", "_hedges")).parameters
        (('articles', 'articles'), ('hedges', '_hedges'))
        """
        param_of = {table: param for param, table in self.bind.items()}
        return tuple((param_of.get(table, parameter_for(table)), table) for table in self.requires)


def check_signature(declared: Stage) -> None:
    """Check that ``declared.fn`` takes every declared input by keyword and needs nothing else.

    Raises
    ------
    StageDeclarationError
        When ``bind`` names a table not in ``requires`` or binds two tables to one parameter;
        when an input has no parameter of its name (a ``**kwargs`` catch-all does not count);
        when a parameter without a default is not a declared input.
    """
    where = f"stage {declared.name!r} ({declared.module}.{getattr(declared.fn, '__qualname__', declared.fn)})"
    for param, table in declared.bind.items():
        if table not in declared.requires:
            raise StageDeclarationError(
                f"{where}: bind maps parameter {param!r} to table {table!r}, which is not in requires"
            )
    params = inspect.signature(declared.fn).parameters
    bound: set[str] = set()
    keyword_kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    for param, table in declared.parameters:
        if param in bound:
            raise StageDeclarationError(f"{where}: two inputs are bound to parameter {param!r}")
        bound.add(param)
        if param not in params or params[param].kind not in keyword_kinds:
            via = "" if param == table else f" (table {table!r})"
            raise StageDeclarationError(
                f"{where}: declared input {param!r}{via} has no parameter {param!r}; name the parameter "
                f"after the table or map it with bind={{'<parameter>': {table!r}}}"
            )
    for p in params.values():
        if p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            continue
        if p.default is inspect.Parameter.empty and p.name not in bound:
            raise StageDeclarationError(
                f"{where}: parameter {p.name!r} is required but is not a declared input; add it to "
                "requires (or bind) or give it a default"
            )


def need(value: Any, what: str, function: str) -> Any:
    """Return ``value``, an input a stage function needs; raise a clear error when it is None.

    Stage functions never compute their inputs (they do not parse the text): the facade
    ``analysis.<function>(articles)`` does (:mod:`analysis.pipeline.direct`).

    Raises
    ------
    ValueError
        When ``value`` is None, naming the function, ``what`` it needs and the facade call.

    Examples
    --------
    >>> need(None, "annotations=", "quotes")
    Traceback (most recent call last):
    ...
    ValueError: quotes() needs annotations=: pass it, or call analysis.quotes(articles, ...) to compute it
    """
    if value is None:
        raise ValueError(
            f"{function}() needs {what}: pass it, or call analysis.{function}(articles, ...) to compute it"
        )
    return value


def check_columns(declared: Stage, table: str, frame: Any) -> None:
    """Check that a table the stage produced has the columns it declares (extra columns are allowed).

    Raises
    ------
    StageDeclarationError
        Naming the stage, the table and the missing columns.

    Examples
    --------
    >>> import pandas as pd
    >>> s = Stage("t", len, ("articles",), columns={"t": ("a", "b")})
    >>> check_columns(s, "t", pd.DataFrame(columns=["a", "b", "c"]))
    >>> check_columns(s, "t", pd.DataFrame(columns=["a"]))
    Traceback (most recent call last):
    ...
    analysis.core.stage.StageDeclarationError: stage 't' produced table 't' without its declared columns ['b']
    """
    wanted = declared.columns.get(table)
    if not wanted:
        return
    have = set(getattr(frame, "columns", ()))
    missing = [c for c in wanted if c not in have]
    if missing:
        raise StageDeclarationError(
            f"stage {declared.name!r} produced table {table!r} without its declared columns {missing}"
        )


def _column_mapping(
    columns: Mapping[str, Sequence[str]] | Sequence[str], provides: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    """Return ``columns`` as ``{table: tuple of columns}``; a plain sequence belongs to a one-table stage."""
    if isinstance(columns, Mapping):
        return {str(t): tuple(c) for t, c in columns.items()}
    if isinstance(columns, str):
        raise TypeError("columns must be a tuple of column names or a mapping {table: columns}, not a string")
    if not columns:
        return {}
    if len(provides) != 1:
        raise ValueError(f"a stage providing {provides} declares columns as a mapping {{table: columns}}")
    return {provides[0]: tuple(columns)}


_REGISTRY: dict[str, Stage] = {}


def stage(
    *,
    provides: str | tuple[str, ...],
    requires: tuple[str, ...] = ("articles",),
    bind: Mapping[str, str] | None = None,
    per_article: bool = True,
    columns: Mapping[str, Sequence[str]] | Sequence[str] = (),
    registry: dict[str, Stage] | None = None,
    incremental: Incremental | None = None,
    partial: Partial | None = None,
) -> Callable[[F], F]:
    """Declare the decorated function as a pipeline stage, checked against its signature; return it unchanged.

    Parameters
    ----------
    provides : str or tuple of str
        Table name(s) the function returns; the first is the stage's name.
    requires : tuple of str, default ('articles',)
        Input tables, each passed by keyword to the parameter named as the table (a
        leading underscore aside).
    bind : Mapping[str, str], optional
        ``{parameter: table}`` for an input whose parameter has another name.
    per_article : bool, default True
        Whether the stage runs per chunk of articles (else once on the corpus).
    columns : tuple of str or Mapping[str, tuple of str], default ()
        The output columns, in order: a tuple for a one-table stage, else ``{table: columns}``;
        every table the stage produces is checked against them (:func:`check_columns`).
    registry : dict, optional
        Where to record the declaration (default: the package registry).
    incremental : Incremental, optional
        For a corpus stage: how it updates its previous result with new articles.
    partial : Partial, optional
        For a corpus stage: how it is computed from per-chunk parts (:class:`Partial`).

    Returns
    -------
    Callable
        A decorator; the function gets a ``__stage__`` attribute.

    Raises
    ------
    StageDeclarationError
        When the declaration does not match the function's signature (see :func:`check_signature`).
    ValueError
        When another function already declared a stage of the same name, or the columns are
        declared for a table the stage does not provide.
    """
    names = (provides,) if isinstance(provides, str) else tuple(provides)
    target = _REGISTRY if registry is None else registry

    def decorate(fn: F) -> F:
        declared = Stage(
            name=names[0],
            fn=fn,
            requires=tuple(requires),
            provides=names,
            per_article=per_article,
            module=fn.__module__,
            bind=dict(bind or {}),
            columns=columns,  # type: ignore[arg-type]  # normalised by Stage
            incremental=incremental,
            partial=partial,
        )
        check_signature(declared)
        old = target.get(declared.name)
        if old is not None and (old.module, old.fn.__qualname__) != (declared.module, fn.__qualname__):
            raise ValueError(
                f"stage {declared.name!r} declared twice: by {old.module}.{old.fn.__qualname__} "
                f"and {declared.module}.{fn.__qualname__}"
            )
        target[declared.name] = declared
        fn.__stage__ = declared  # type: ignore[attr-defined]
        return fn

    return decorate


def registered() -> dict[str, Stage]:
    """Return the stages declared so far, by name (import the stage modules first)."""
    return dict(_REGISTRY)
