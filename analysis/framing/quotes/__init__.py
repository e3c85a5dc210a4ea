"""Find who is quoted, how, and with which reporting verbs and hedges.

Three public functions:

* :func:`quotes` finds direct quotations (curly, straight and single quotation
  marks, quotes split around "X said", multi-sentence and multi-paragraph
  quotes, unbalanced marks), partial quotations embedded in a sentence and
  indirect (reported) speech ("X said that ...", "X warned ...", "according to
  X"), and attributes each to a speaker using the dependency parse from
  :func:`analysis.annotate.annotate` (never re-parsing) and nearby context.
* :func:`source_balance` counts quotes and quoted words per speaker and per
  affiliation within each outlet (or other grouping column).
* :func:`sources` types each person of the corpus from the articles that describe them, and
  :func:`corpus_typed` fills the quotes whose own article typed the speaker only weakly.
* :func:`attribution` classifies the reporting verbs (neutral, emphatic,
  distancing), "without evidence"-style qualifiers and hedges per speaker.

Modules: :mod:`.lexicon` (word lists and editable tables), :mod:`.people` (a corpus's own
``people.csv``, read when it lies beside the corpus or is passed), :mod:`.fields`
(token lists of one field, quotation marks, paragraphs), :mod:`.speakers`
(speaker resolution), :mod:`.detect` (direct/partial/indirect speech and the
``quotes`` table), :mod:`.corpus` (corpus-level source typing), :mod:`.aggregate` (source
balance and attribution).
"""

from analysis.framing.quotes.aggregate import attribution, source_balance
from analysis.framing.quotes.corpus import corpus_typed, sources
from analysis.framing.quotes.detect import quotes
from analysis.framing.quotes.fields import field_texts
from analysis.framing.quotes.lexicon import (
    OTHER,
    QUOTE_COLUMNS,
    REPORTING_TERMS,
    reporting_terms,
)
from analysis.framing.quotes.people import (
    CORPUS_PEOPLE_NAME,
    People,
    PeopleError,
    read_people,
    resolve_people,
)

__all__ = [
    "CORPUS_PEOPLE_NAME",
    "OTHER",
    "QUOTE_COLUMNS",
    "REPORTING_TERMS",
    "People",
    "PeopleError",
    "attribution",
    "corpus_typed",
    "field_texts",
    "quotes",
    "read_people",
    "reporting_terms",
    "resolve_people",
    "source_balance",
    "sources",
]
