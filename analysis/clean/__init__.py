"""Split raw articles into blocks, give each block a role, and keep only body text.

Every article's ``raw_text`` is cut into *blocks*: spans ``(start_char,
end_char)`` of the raw text that together cover every non-whitespace
character of it, in order. Each block gets a role (``title``, ``heading``,
``body``, ``caption``, ``credit``, ``boilerplate``, ``appended_item``,
``duplicate``) and a reason; only ``body`` blocks are kept in ``text``.
Repairs (a hard line break rejoined, words glued by machine translation
split) only ever insert or replace whitespace, so nothing printed is lost
and every repair is recorded in ``paragraphs().repairs``.

Modules, in the order they run: :mod:`~analysis.clean.segment` (lines into
blocks, with :mod:`~analysis.clean.repair`), :mod:`~analysis.clean.classify`
(roles, from the families of :mod:`~analysis.clean.patterns`),
:mod:`~analysis.clean.titles`, :mod:`~analysis.clean.outlet`, and
:mod:`~analysis.clean.articles` (the public functions). The editable lists
live in ``analysis/data/boilerplate.yaml`` and
``analysis/data/outlet_signatures.csv``.
"""

from __future__ import annotations

from analysis.clean.articles import clean_articles, paragraphs
from analysis.clean.outlet import outlet_signatures
from analysis.clean.repair import repair_glued_words
from analysis.schema import BLOCK_COLUMNS

__all__ = ["BLOCK_COLUMNS", "clean_articles", "outlet_signatures", "paragraphs", "repair_glued_words"]
