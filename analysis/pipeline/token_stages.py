"""The two per-article stages read straight off the token table: ``sentences`` and ``entities``.

Each chunk's ``annotations`` (tokens, sentences, raw spaCy entities) are built
once by the pipeline from the chunk's token table; these stages store two of
its tables so that the corpus stages, which never see the tokens, can read them.
"""

from __future__ import annotations

import pandas as pd

from analysis.annotate import Annotations
from analysis.core.stage import stage


@stage(provides="sentences", requires=("articles",), keywords=("annotations",), per_article=True)
def sentence_table(articles: pd.DataFrame, *, annotations: Annotations) -> pd.DataFrame:
    """Return the chunk's sentence table (``article_id, field, sentence_id, start_char, end_char, text``)."""
    return annotations.sentences


@stage(provides="entities", requires=("articles",), keywords=("annotations",), per_article=True)
def entity_table(articles: pd.DataFrame, *, annotations: Annotations) -> pd.DataFrame:
    """Return the chunk's raw spaCy entity table (before aliasing and filtering: see ``mentions``)."""
    return annotations.entities
