"""Turn spaCy's raw entity spans into canonical entity mentions, counts and concordances.

spaCy runs only in :mod:`analysis.annotate`; this module reads its cached
token and entity tables and applies canonical names *on top*, so editing the
alias table never re-runs spaCy. The rules are general pattern families,
applied in this order:

1. **Labels kept**: ``PERSON`` (kind ``person``), ``NORP`` (``group``),
   ``ORG`` (``organisation``), ``GPE``, ``LOC``, ``FAC`` (``place``).
   Numeric and temporal labels and the rest (``DATE``, ``TIME``,
   ``CARDINAL``, ``ORDINAL``, ``MONEY``, ``PERCENT``, ``QUANTITY``,
   ``EVENT``, ``LAW``, ``LANGUAGE``, ``PRODUCT``, ``WORK_OF_ART``) are not
   entities in the person/organisation/place/group sense and are dropped.
2. **Span repair**: possessives (``’s``/``'s``) are cut off; a span that
   crosses a line break is cut at it; a span ending in common capitalised
   words after a known name or place (headline case: "Vladimir Putin
   Willing", "Macron’s Previous Statements", "The First Steps Toward
   Russia") is trimmed to the name; titles and honorifics in front of a
   person ("President", "Mr", "Kremlin spokesman") are stripped.
3. **Alias table** (``analysis/data/aliases.csv`` plus the user's own
   file): countries, capitals, regions, demonyms, international
   organisations, seats of power used as metonyms ("the Kremlin" ->
   "Russian presidency (Kremlin)", kind organisation, country Russia).
   Lookup keys are accent-, case-, punctuation- and plural-folded, so
   "Elysee", "Élysée" and "the Elysees" are one key. A match fixes spaCy's
   label (e.g. "Kyiv" PERSON -> GPE, "Slovakia" ORG -> GPE).
4. **People**: transliteration variants fold together (Zelensky /
   Zelenskyy / Zelenskiy); a surname resolves to the full name seen in the
   same article (or to a person row of the alias table); a non-person
   span equal to a person named in the article is relabelled ``PERSON``.
5. **Role phrases** ("the French president", "his Russian counterpart", "a
   Russian presidential spokesman", "the head of the Kremlin") resolve to
   the one person in the article who holds that role for that country,
   using role evidence next to names ("Russian President Vladimir Putin",
   "Dmitry Peskov, the Russian presidential press secretary") in the same
   article. They are marked ``via='role'``.

Everything is resolved **within each article**: a per-article stage must
give the same answer whichever articles share its chunk (docs/scale.md), so
evidence from other articles is never used. A person whose role or country
an article never states keeps an empty ``country`` there, and a role phrase
with no titled holder in the article stays unresolved; a person row in
your alias table (kind ``person``, with ``country``) gives that person's
country everywhere.

Modules: :mod:`~analysis.measures.entities.lexicon` (column contracts, kinds,
word lists), :mod:`~.names` (folding, alias table), :mod:`~.roles` (role
phrases), :mod:`~.spans` (span repair and evidence within an article),
:mod:`~.linking` (canonical mentions), :mod:`~.frequencies` (counts with
intervals), :mod:`~.kwic` (concordance lines), :mod:`~.crosslink` (people linked
across articles, one kind per entity: the corpus-level step of :func:`entity_frequencies`).
"""

from analysis.measures.entities.crosslink import link_across_articles
from analysis.measures.entities.frequencies import (
    CORPUS_ROWS,
    FREQUENCY_COLUMNS,
    FrequencyOptions,
    entity_frequencies,
)
from analysis.measures.entities.kwic import canonical_names, kwic
from analysis.measures.entities.lexicon import (
    ALIAS_COLUMNS,
    ALIASES_PATH,
    KIND_OF_LABEL,
    KINDS,
    KWIC_COLUMNS,
    LABEL_OF_KIND,
    MENTION_COLUMNS,
    PATTERNS_PATH,
    VIAS,
)
from analysis.measures.entities.linking import entity_mentions, mentions_from_tables
from analysis.measures.entities.names import Alias, AliasTable, fold, load_aliases, name_key, ruler_patterns
from analysis.measures.entities.roles import Role, parse_role

__all__ = [
    "ALIASES_PATH", "ALIAS_COLUMNS", "CORPUS_ROWS", "FREQUENCY_COLUMNS", "KINDS", "KIND_OF_LABEL",
    "KWIC_COLUMNS", "LABEL_OF_KIND", "MENTION_COLUMNS", "PATTERNS_PATH", "VIAS", "Alias", "AliasTable",
    "FrequencyOptions", "Role", "canonical_names", "entity_frequencies", "entity_mentions", "fold", "kwic",
    "link_across_articles", "load_aliases",
    "mentions_from_tables", "name_key", "parse_role", "ruler_patterns",
]  # fmt: skip
