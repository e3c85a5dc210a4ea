"""The stage registry and the plan: which declared stages run, in which order, on which inputs.

Stage functions declare themselves with :func:`analysis.core.stage.stage`. The
pipeline imports the modules listed in :data:`STAGE_MODULES` (importing
declares their stages) and keeps the declarations made by those modules.
:func:`plan` orders them topologically (per-article stages before corpus
stages) and checks them: an unknown stage in ``include``, an input that no
stage provides, a per-article stage that needs a corpus table, a corpus stage
that asks for the token table, or a cycle raises :class:`StageError` naming
the stage. Nothing is skipped silently; :func:`call` passes each input by keyword to the
parameter its declaration binds it to.
"""

from __future__ import annotations

import importlib
from collections import ChainMap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

import pandas as pd

from analysis.core.cache import content_key
from analysis.core.digest import code_digests
from analysis.core.stage import BUILTIN_INPUTS, Stage, check_columns, parameter_for, registered

#: Modules whose ``@stage`` declarations make up the pipeline, in data-flow order (ties in the plan's
#: order follow this list, then the order of the functions in their module).
STAGE_MODULES: tuple[str, ...] = (
    "analysis.annotate",
    "analysis.measures.entities",
    "analysis.measures.sentiment",
    "analysis.measures.readability",
    "analysis.framing.quotes",
    "analysis.framing.frames",
    "analysis.framing.salience",
    "analysis.framing.labels",
    "analysis.framing.keyness",
    "analysis.framing.claims",
    "analysis.framing.stories",
)
#: Tables whose name starts with this are pipeline intermediates: computed and cached like the others,
#: passed to the corpus stages that ask for them, but not returned by :func:`analysis.run`.
INTERNAL_PREFIX = "_"
#: The module whose token table the ``annotations`` input holds (its code keys stages that read it).
ANNOTATE_MODULE = "analysis.annotate"


class StageError(ValueError):
    """A stage declaration the pipeline cannot plan (unknown, missing input, cycle); names the stage."""


@dataclass(frozen=True)
class PlannedStage:
    """A declared stage with the digest of the code it runs (cache key part)."""

    stage: Stage
    digest: str
    settings: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The stage's name (its first table)."""
        return self.stage.name

    @property
    def per_article(self) -> bool:
        """Whether the stage runs chunk by chunk."""
        return self.stage.per_article

    @property
    def inputs(self) -> tuple[str, ...]:
        """Input table names."""
        return self.stage.inputs

    def run(self, inputs: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
        """Call the stage on ``inputs`` plus the run settings it declares (e.g. ``codebook``)."""
        return call(self.stage, ChainMap(dict(self.settings), inputs) if self.settings else inputs)


def collect(modules: Iterable[str] | None = None) -> dict[str, Stage]:
    """Import the stage modules (default :data:`STAGE_MODULES`) and return the stages they declare, by name.

    Raises
    ------
    StageError
        When a listed module cannot be imported.
    """
    modules = tuple(STAGE_MODULES if modules is None else modules)
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise StageError(f"stage module {module!r} cannot be imported: {exc}") from exc
    return {
        name: s
        for name, s in registered().items()
        if any(s.module == m or s.module.startswith(m + ".") for m in modules)
    }


def providers(stages: Mapping[str, Stage]) -> dict[str, str]:
    """Map every table to the stage that provides it."""
    out: dict[str, str] = {}
    for declared in stages.values():
        for table in declared.provides:
            if table in out and out[table] != declared.name:
                raise StageError(f"table {table!r} provided by both {out[table]!r} and {declared.name!r}")
            out[table] = declared.name
    return out


def order_stages(
    stages: Mapping[str, Stage],
    *,
    include: Iterable[str] | None = None,
    modules: Iterable[str] = STAGE_MODULES,
) -> list[Stage]:
    """Return the stages to run in dependency order (the stages named in ``include`` and their inputs').

    A pure function of the declarations: per-article stages come first, ties follow
    ``modules`` and then the order of the functions in their module.

    Parameters
    ----------
    stages : Mapping[str, Stage]
        Declarations by name (from :func:`collect`).
    include : iterable of str, optional
        Stage names wanted (default: all); their inputs' stages are added.
    modules : iterable of str
        Module order for ties.

    Returns
    -------
    list of Stage

    Raises
    ------
    StageError
        Unknown stage in ``include``; an input no stage provides; a per-article stage needing a
        corpus table; a corpus stage needing the token table (``annotations``); a cycle.

    Examples
    --------
    >>> a = Stage("a", len, ("articles",))
    >>> b = Stage("b", len, ("articles", "a"), per_article=False)
    >>> [s.name for s in order_stages({"b": b, "a": a}, modules=())]
    ['a', 'b']
    >>> order_stages({"b": b}, modules=())
    Traceback (most recent call last):
    ...
    analysis.pipeline.plan.StageError: stage 'b' requires table 'a', which no declared stage provides
    """
    provider = providers(stages)
    module_rank = {m: i for i, m in enumerate(modules)}

    def rank(s: Stage) -> tuple:
        line = getattr(getattr(s.fn, "__code__", None), "co_firstlineno", 0)
        return (not s.per_article, module_rank.get(s.module, len(module_rank)), s.module, line, s.name)

    wanted = list(stages) if include is None else list(include)
    for name in wanted:
        if name not in stages:
            known = ", ".join(sorted(stages))
            raise StageError(f"unknown stage {name!r} in include= (declared stages: {known})")
    for declared in stages.values():
        for table in declared.inputs:
            if table in BUILTIN_INPUTS:
                if table == "annotations" and not declared.per_article:
                    raise StageError(
                        f"corpus stage {declared.name!r} requires 'annotations' (the token table); corpus "
                        "stages read per-article tables only"
                    )
                continue
            if table not in provider:
                raise StageError(
                    f"stage {declared.name!r} requires table {table!r}, which no declared stage provides"
                )
            if declared.per_article and not stages[provider[table]].per_article:
                raise StageError(
                    f"per-article stage {declared.name!r} requires corpus table {table!r} "
                    f"(from stage {provider[table]!r})"
                )
    order: list[Stage] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = " -> ".join([*path[path.index(name) :], name])
            raise StageError(f"stage {name!r} is in a cycle: {cycle}")
        state[name] = 1
        declared = stages[name]
        deps = {provider[t] for t in declared.inputs if t not in BUILTIN_INPUTS}
        for dep in sorted(deps, key=lambda d: rank(stages[d])):
            visit(dep, [*path, name])
        state[name] = 2
        order.append(declared)

    for name in sorted(wanted, key=lambda n: rank(stages[n])):
        visit(name, [])
    # a stable order: dependencies first, otherwise by rank
    return _stable_topological(order, provider, rank)


def _stable_topological(chosen: list[Stage], provider: Mapping[str, str], rank: Callable) -> list[Stage]:
    """Kahn's algorithm over ``chosen`` (acyclic), always taking the ready stage of lowest rank."""
    by_name = {s.name: s for s in chosen}
    deps = {
        s.name: {provider[t] for t in s.inputs if t not in BUILTIN_INPUTS and provider[t] in by_name}
        for s in chosen
    }
    out: list[Stage] = []
    while deps:
        ready = [by_name[n] for n, d in deps.items() if not d]
        nxt = min(ready, key=rank)
        out.append(nxt)
        del deps[nxt.name]
        for d in deps.values():
            d.discard(nxt.name)
    return out


def plan(
    *,
    include: Iterable[str] | None = None,
    modules: Iterable[str] | None = None,
    settings: Mapping[str, tuple[Any, str]] | None = None,
) -> list[PlannedStage]:
    """Return the pipeline's stages in run order, each with its code digest.

    Parameters
    ----------
    include : iterable of str, optional
        Stage names wanted (default: every declared stage); the stages their inputs come
        from are added.
    modules : iterable of str, optional
        The stage modules (default :data:`STAGE_MODULES`, read when called).
    settings : mapping, optional
        Run settings a stage may declare as a keyword input (``codebook``, ``people``), each
        as ``(value, digest)``: the value is passed to the stages that declare it and the
        digest joins their cache key (so a changed codebook recomputes ``frames``, a changed
        people table ``quotes``).

    Returns
    -------
    list of PlannedStage

    Raises
    ------
    StageError
        See :func:`order_stages`.
    """
    modules = tuple(STAGE_MODULES if modules is None else modules)
    ordered = order_stages(collect(modules), include=include, modules=modules)
    settings = dict(settings or {})
    out = []
    digests = code_digests(s.module for s in ordered)
    for s in ordered:
        used = {name: settings[name] for name in s.inputs if name in settings}
        digest = digests[s.module]
        if used:
            digest = content_key(digest, sorted((name, d) for name, (_, d) in used.items()))
        out.append(PlannedStage(s, digest, {name: value for name, (value, _) in used.items()}))
    return out


def tables_of(stage: Stage, value: Any) -> dict[str, pd.DataFrame]:
    """Name the tables a stage returned.

    A DataFrame is its first declared table; a mapping or dataclass of frames gives its
    declared tables by key (other keys as ``<stage>_<key>``).

    Examples
    --------
    >>> s = Stage("t", len, ("articles",), provides=("t",))
    >>> list(tables_of(s, pd.DataFrame({"x": [1]})))
    ['t']
    >>> sorted(tables_of(s, {"a": pd.DataFrame(), "n": 3}))
    ['t_a']
    """
    provides = stage.provides or (stage.name,)
    if isinstance(value, pd.DataFrame):
        return {provides[0]: value}
    if isinstance(value, pd.Series):
        return {provides[0]: value.to_frame()}
    items: Iterable[tuple[str, Any]]
    if is_dataclass(value) and not isinstance(value, type):
        items = ((f.name, getattr(value, f.name)) for f in fields(value))
    elif hasattr(value, "_asdict"):
        items = value._asdict().items()
    elif isinstance(value, Mapping):
        items = value.items()
    else:
        raise TypeError(f"stage {stage.name!r} returned {type(value).__name__}, not a DataFrame")
    return {(k if k in provides else f"{stage.name}_{k}"): v for k, v in items if isinstance(v, pd.DataFrame)}


def call(stage: Stage, inputs: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Call a stage on its declared inputs, by keyword only, and return its tables by name.

    Each input table is passed to its parameter (:attr:`analysis.core.stage.Stage.parameters`);
    an input that is a callable producing the value (``annotations``, built only when asked
    for) is called first. Every returned table is checked against its declared columns.

    Raises
    ------
    StageError
        When an input is not in ``inputs`` (names the stage and the table).
    analysis.core.stage.StageDeclarationError
        When a returned table lacks a declared column.
    """

    def value(table: str) -> Any:
        try:
            got = inputs[table]
        except KeyError:
            raise StageError(f"stage {stage.name!r} needs table {table!r}, which this run lacks") from None
        return got() if table == "annotations" and callable(got) else got

    tables = tables_of(stage, stage.fn(**{param: value(table) for param, table in stage.parameters}))
    for name, frame in tables.items():
        check_columns(stage, name, frame)
    return tables


def describe(stages: Iterable[Stage | PlannedStage]) -> list[dict[str, str]]:
    """Return one row per stage: ``stage, runs`` (per article / corpus), ``inputs, outputs, columns``.

    An input passed to a parameter of another name shows it (``_terms (term_counts=)``);
    ``columns`` lists the declared columns (``table: ...`` per table for a stage providing
    several; empty when none are declared).

    Examples
    --------
    >>> s = Stage("k", len, ("articles", "_t"), bind={"terms": "_t"}, per_article=False,
    ...           columns={"k": ("a", "b")})
    >>> describe([s])[0]
    {'stage': 'k', 'runs': 'corpus', 'inputs': 'articles, _t (terms=)', 'outputs': 'k', 'columns': 'a, b'}
    """
    rows = []
    for item in stages:
        s = item.stage if isinstance(item, PlannedStage) else item
        inputs = [t if p == parameter_for(t) else f"{t} ({p}=)" for p, t in s.parameters]
        columns = [
            ", ".join(c) if len(s.provides) == 1 else f"{t}: {', '.join(c)}" for t, c in s.columns.items()
        ]
        rows.append(
            {
                "stage": s.name,
                "runs": "per article" if s.per_article else "corpus",
                "inputs": ", ".join(inputs),
                "outputs": ", ".join(s.provides),
                "columns": "; ".join(columns),
            }
        )
    return rows


def stage_table(stages: Iterable[Stage | PlannedStage] | None = None, *, markdown: bool = False) -> str:
    """Return the plan as a table: one line per stage in run order (default: every declared stage).

    ``markdown=True`` gives the Markdown table kept in ``docs/architecture.md`` between
    :data:`DOCS_BEGIN` and :data:`DOCS_END` (``python -m analysis stages --markdown``).
    """
    rows = describe(plan() if stages is None else stages)
    heads = ("stage", "runs", "inputs", "outputs", "columns")
    if markdown:
        lines = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        for row in rows:
            cells = [f"`{row[h]}`" if row[h] and h in ("stage", "outputs") else row[h] for h in heads]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        return "\n".join(lines) + "\n"
    widths = {h: max(len(h), *(len(r[h]) for r in rows)) for h in heads[:-1]}
    lines = ["  ".join(h.ljust(widths[h]) for h in heads[:-1]) + "  columns"]
    for row in rows:
        lines.append("  ".join(row[h].ljust(widths[h]) for h in heads[:-1]) + "  " + row["columns"])
    return "\n".join(line.rstrip() for line in lines) + "\n"


#: The markers around the generated stage table in ``docs/architecture.md``.
DOCS_BEGIN, DOCS_END = "<!-- stages:begin -->", "<!-- stages:end -->"


def replace_docs_block(text: str, table: str) -> str:
    """Return ``text`` with the part between :data:`DOCS_BEGIN` and :data:`DOCS_END` replaced by ``table``.

    Raises
    ------
    ValueError
        When the markers are missing or out of order.
    """
    start, end = text.find(DOCS_BEGIN), text.find(DOCS_END)
    if start < 0 or end < start:
        raise ValueError(f"the text has no {DOCS_BEGIN} ... {DOCS_END} block")
    return text[: start + len(DOCS_BEGIN)] + "\n" + table + text[end:]
