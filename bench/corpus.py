"""Generate N realistic English news-like articles, reproducibly, from real text that ships with the project.

Nothing is downloaded. The material is:

* the seed articles (``seeds/*.txt``): their clean body sentences are the
  news prose. Sentences are recombined across articles and perturbed: every
  person and place that spaCy finds in the seeds is replaced, consistently
  within a generated article, by another real-looking name from a fixed
  list, and numbers are changed;
* English prose shipped inside installed packages (the dataset descriptions
  in ``sklearn/datasets/descr/*.rst``): a minority "background" paragraph
  in some articles, so the vocabulary is not only the seeds'.

Every article gets an outlet, a date, an event and a title. The same ``n``
and ``seed`` always give byte-identical output. Articles are 300-500 words,
distinct enough that the loader's near-duplicate detector (MinHash on
5-word shingles) keeps at least 95% of them ``ok``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import config

PEOPLE = [
    "Olaf Scholz", "Giorgia Meloni", "Keir Starmer", "Pedro Sánchez", "Donald Tusk", "Mark Rutte",
    "Ursula von der Leyen", "Antonio Costa", "Recep Tayyip Erdoğan", "Narendra Modi",
    "Luiz Inácio Lula da Silva",
    "Cyril Ramaphosa", "Anthony Albanese", "Justin Trudeau", "Mette Frederiksen", "Petteri Orpo",
    "Kaja Kallas", "Annalena Baerbock", "Antony Blinken", "Jens Stoltenberg", "Sergei Lavrov",
    "Dmytro Kuleba", "Andrzej Duda", "Viktor Orbán", "Robert Fico", "Alexander Stubb", "Ulf Kristersson",
    "Jonas Gahr Støre", "Leo Varadkar", "Kyriakos Mitsotakis", "Klaus Iohannis", "Maia Sandu",
    "Wang Yi", "Fumio Kishida", "Yoon Suk Yeol", "Javier Milei", "Claudia Sheinbaum", "Gustavo Petro",
    "Abdel Fattah el-Sisi", "Mohammed bin Salman", "Tamim bin Hamad Al Thani", "Bola Tinubu",
]  # fmt: skip
PLACES = [
    "Germany", "Italy", "Britain", "Spain", "Poland", "the Netherlands", "Belgium", "Turkey", "India",
    "Brazil", "South Africa", "Australia", "Canada", "Denmark", "Finland", "Estonia", "Sweden", "Norway",
    "Ireland", "Greece", "Romania", "Moldova", "China", "Japan", "South Korea", "Argentina", "Mexico",
    "Colombia", "Egypt", "Saudi Arabia", "Qatar", "Nigeria", "Berlin", "Rome", "London", "Madrid",
    "Warsaw", "Brussels", "Ankara", "New Delhi", "Brasília", "Pretoria", "Ottawa", "Copenhagen",
    "Helsinki", "Tallinn", "Stockholm", "Oslo", "Dublin", "Athens", "Bucharest", "Chișinău", "Beijing",
    "Tokyo", "Seoul", "Buenos Aires", "Geneva", "Vienna", "Istanbul", "Doha", "Riyadh", "Abuja",
]  # fmt: skip
OUTLETS = [
    ("The Daily Ledger", "national"), ("Morning Herald", "national"), ("Capital Observer", "national"),
    ("Continental Wire", "agency"), ("Global Dispatch", "agency"), ("Northern Chronicle", "regional"),
    ("Harbour Times", "regional"), ("The Evening Standard Review", "tabloid"),
    ("Policy Brief Online", "digital"),
    ("Eastern Courier", "state"), ("The Atlantic Monitor", "digital"), ("Weekly Forum", "magazine"),
]  # fmt: skip
EVENTS = ["ceasefire-talks", "summit-geneva", "sanctions-package", "energy-deal", "security-guarantees",
          "prisoner-exchange", "peace-plan", "eu-council"]  # fmt: skip
_SENT_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")
_NUMBER = re.compile(r"\b\d{1,3}(?:,\d{3})*(?:\.\d+)?\b")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENT_SPLIT.split(text) if len(s.split()) >= 6]


@lru_cache(maxsize=1)
def seed_material() -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Return the seed body sentences and the (surface, label) PERSON/GPE entities spaCy finds in them."""
    from analysis.annotate import load_model
    from analysis.load import load_corpus

    articles = load_corpus(config.SEEDS_DIR)
    articles = articles[articles["status"] == "ok"]
    sentences: list[str] = []
    for text in articles["text"]:
        for paragraph in str(text).split("\n"):
            sentences.extend(_sentences(paragraph))
    nlp = load_model()
    ents: dict[str, str] = {}
    for doc in nlp.pipe(sentences, batch_size=64):
        for ent in doc.ents:
            if ent.label_ in {"PERSON", "GPE"} and len(ent.text) > 3 and "\n" not in ent.text:
                ents.setdefault(ent.text, ent.label_)
    pairs = tuple(sorted(ents.items(), key=lambda kv: (-len(kv[0]), kv[0])))
    return tuple(dict.fromkeys(sentences)), pairs


def _package_prose() -> list[str]:
    """Return plain prose sentences from text files that installed packages ship (sklearn dataset notes)."""
    try:
        import sklearn.datasets
    except ImportError:  # pragma: no cover - scikit-learn is a pinned dependency
        return []
    folder = Path(sklearn.datasets.__file__).parent / "descr"
    out: list[str] = []
    for path in sorted(folder.glob("*.rst")):
        text = path.read_text("utf-8", errors="replace")
        for block in re.split(r"\n\s*\n", text):
            block = " ".join(line.strip() for line in block.splitlines())
            if any(mark in block for mark in ("::", "|", "==", "--", "http", ":ref:", "..", "`", "*", ">>>")):
                continue
            out.extend(s for s in _sentences(block) if s[0].isupper() and s.endswith(".") and len(s) < 300)
    return out


def _entity_pattern(entities) -> re.Pattern[str]:
    return re.compile("|".join(rf"(?<![\w’'-]){re.escape(surface)}(?![\w’'-])" for surface, _ in entities))


def _usable(surface: str) -> bool:
    """Keep clean names (Title Case words, no possessive, not all capitals, not glued to another word)."""
    words = surface.split()
    return (
        all(w[:1].isupper() and w[1:].islower() for w in words if w.lower() not in {"the", "of"})
        and surface[:1].isupper()
        and "’" not in surface
        and "'" not in surface
        and len(words) <= 3
    )


def _perturb(
    sentence: str, mapping: dict[str, str], pattern: re.Pattern[str], rng: np.random.Generator
) -> str:
    sentence = pattern.sub(lambda m: mapping[m.group()], sentence)
    return _NUMBER.sub(
        lambda m: str(int(rng.integers(2, 400))) if "," not in m.group() else m.group(), sentence
    )


def generate(
    n: int, *, seed: int = config.RANDOM_SEED, min_words: int = 300, max_words: int = 500
) -> pd.DataFrame:
    """Generate ``n`` news-like articles.

    Parameters
    ----------
    n : int
        Number of articles.
    seed : int
        Random seed; the same seed gives the same corpus.
    min_words, max_words : int
        Body length range in words.

    Returns
    -------
    pandas.DataFrame
        ``article_id, outlet, outlet_type, title, date, event, url, text``.
    """
    sentences, entities = seed_material()
    prose = _package_prose()
    rng = np.random.default_rng(seed)
    entities = tuple((s, label) for s, label in entities if _usable(s))
    pattern = _entity_pattern(entities)
    people = [s for s, label in entities if label == "PERSON"]
    places = [s for s, label in entities if label == "GPE"]
    rows = []
    width = max(len(str(n)), 5)
    for i in range(n):
        mapping = {}
        for group, pool in ((people, PEOPLE), (places, PLACES)):
            picks = rng.choice(len(pool), size=len(group), replace=len(group) > len(pool))
            mapping.update({s: pool[int(j)] for s, j in zip(group, picks, strict=True)})
        target = int(rng.integers(min_words, max_words + 1))
        paragraphs, words = [], 0
        while words < target:
            if prose and rng.random() < 0.12:
                k = int(rng.integers(2, 4))
                start = int(rng.integers(0, max(len(prose) - k, 1)))
                para = prose[start : start + k]
            else:
                k = int(rng.integers(1, 4))
                para = [
                    _perturb(sentences[int(j)], mapping, pattern, rng)
                    for j in rng.choice(len(sentences), size=k, replace=False)
                ]
            text = " ".join(para)
            paragraphs.append(text)
            words += len(text.split())
        title_words = _perturb(sentences[int(rng.integers(len(sentences)))], mapping, pattern, rng).split()
        title = " ".join(title_words[: int(rng.integers(7, 13))]).rstrip(",;:") or "Untitled"
        outlet, outlet_type = OUTLETS[int(rng.integers(len(OUTLETS)))]
        date = pd.Timestamp("2025-01-01") + pd.Timedelta(days=int(rng.integers(0, 600)))
        article_id = f"gen{i:0{width}d}"
        rows.append(
            {
                "article_id": article_id,
                "outlet": outlet,
                "outlet_type": outlet_type,
                "title": title,
                "date": date.strftime("%Y-%m-%d"),
                "event": EVENTS[int(rng.integers(len(EVENTS)))],
                "url": f"https://{outlet.lower().replace(' ', '')}.example/{article_id}",
                "text": "\n\n".join(paragraphs),
            }
        )
    return pd.DataFrame(rows)


def write(n: int, path: str | Path, *, seed: int = config.RANDOM_SEED) -> Path:
    """Generate ``n`` articles and write them as JSONL (what :func:`analysis.load_corpus` reads)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    generate(n, seed=seed).to_json(path, orient="records", lines=True, force_ascii=False)
    return path
