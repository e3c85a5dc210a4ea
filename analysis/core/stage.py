"""Declared pipeline stages: what each stage requires and what it provides.

A stage module decorates its public function with :func:`stage`; the pipeline
collects the declarations (:func:`registered`) and builds its plan from them,
as spaCy builds a pipeline from ``Language.factory(requires=..., assigns=...)``.
Nothing is bound by parameter name: the pipeline passes the tables named in
``requires`` positionally, in order, and those in ``keywords`` by keyword. A
keyword entry ``"param=table"`` passes table ``table`` as ``param=`` (e.g.
``"term_counts=_terms"``); a plain ``"table"`` passes it under its own name.

Example
-------
>>> import pandas as pd
>>> @stage(provides="word_counts", requires=("articles",), registry={})
... def word_counts(articles: pd.DataFrame) -> pd.DataFrame:
...     return articles.assign(n=articles["text"].str.split().str.len())[["article_id", "n"]]
>>> word_counts.__stage__.provides
('word_counts',)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

#: Names the pipeline itself supplies to any stage (not provided by a stage).
BUILTIN_INPUTS: tuple[str, ...] = ("articles", "annotations", "cache_dir", "codebook", "people")


@dataclass(frozen=True)
class Stage:
    """One declared stage of the pipeline.

    Attributes
    ----------
    name : str
        The stage's name (its first provided table).
    fn : Callable
        The function, called as ``fn(*[inputs[r] for r in requires], **{k: inputs[k] for k in keywords})``.
    requires : tuple of str
        Tables passed positionally, in order (``articles`` is the corpus table).
    keywords : tuple of str
        Inputs passed by keyword: ``"name"`` (table ``name`` as ``name=``) or
        ``"param=table"`` (table ``table`` as ``param=``), e.g. ``annotations``.
    provides : tuple of str
        Tables the function returns: one DataFrame, or a mapping with these keys.
    per_article : bool
        True when the stage's output for an article depends on that article alone
        (it then runs chunk by chunk); False for corpus-level stages.
    module : str
        Module that declared the stage (its code, and the package code it imports, key its cache).
    columns : Mapping of str to tuple of str
        The declared columns of each provided table, in order (with the default ``by``,
        the grouping column is named after it, e.g. ``outlet``); see :meth:`columns_of`.
    """

    name: str
    fn: Callable[..., Any]
    requires: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    provides: tuple[str, ...] = ()
    per_article: bool = True
    module: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

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
    def keyword_inputs(self) -> tuple[tuple[str, str], ...]:
        """Return ``(parameter, table)`` for each keyword input.

        Examples
        --------
        >>> Stage("k", len, ("articles",), keywords=("annotations", "term_counts=_terms")).keyword_inputs
        (('annotations', 'annotations'), ('term_counts', '_terms'))
        """
        pairs = []
        for entry in self.keywords:
            param, _, table = entry.partition("=")
            pairs.append((param.strip(), (table or param).strip()))
        return tuple(pairs)

    @property
    def inputs(self) -> tuple[str, ...]:
        """Return every input table name, positional then keyword."""
        return self.requires + tuple(table for _, table in self.keyword_inputs)


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
    keywords: tuple[str, ...] = (),
    per_article: bool = True,
    columns: Mapping[str, Sequence[str]] | Sequence[str] = (),
    registry: dict[str, Stage] | None = None,
) -> Callable[[F], F]:
    """Declare the decorated function as a pipeline stage and return it unchanged.

    Parameters
    ----------
    provides : str or tuple of str
        Table name(s) the function returns; the first is the stage's name.
    requires : tuple of str, default ('articles',)
        Tables passed positionally, in this order.
    keywords : tuple of str, default ()
        Inputs passed by keyword: ``"name"``, or ``"param=table"`` to pass table ``table`` as ``param=``.
    per_article : bool, default True
        Whether the stage runs per chunk of articles (else once on the corpus).
    columns : tuple of str or mapping of str to tuple of str, default ()
        The output columns, in order: a tuple for a one-table stage, else ``{table: columns}``.
    registry : dict, optional
        Where to record the declaration (default: the package registry).

    Returns
    -------
    Callable
        A decorator; the function gets a ``__stage__`` attribute.

    Raises
    ------
    ValueError
        When another function already declared a stage of the same name.
    """
    names = (provides,) if isinstance(provides, str) else tuple(provides)
    target = _REGISTRY if registry is None else registry

    def decorate(fn: F) -> F:
        declared = Stage(
            name=names[0],
            fn=fn,
            requires=tuple(requires),
            keywords=tuple(keywords),
            provides=names,
            per_article=per_article,
            module=fn.__module__,
            columns=columns,
        )
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
