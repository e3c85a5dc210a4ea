"""The per-article load cache: only unseen articles are cleaned, and the table equals an uncached load."""

from __future__ import annotations

import tempfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_load import ARTICLE, FRENCH, GERMAN, OTHER, THIRD

from analysis import config
from analysis.core import rowstore
from analysis.corpus import dedupe, features, language, load_corpus
from analysis.ingest import decode


def _paragraphs() -> list[str]:
    paras = []
    for path in sorted(config.SEEDS_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        paras += [p.strip() for p in text.split("\n") if len(p.split()) >= 25]
    return paras + [ARTICLE.split("\n")[1], OTHER.split("\n")[1], THIRD.strip()]


PARAGRAPHS = _paragraphs()


def _article(recipe: tuple, made: list[str]) -> str:
    kind = recipe[0]
    if kind == "fresh":
        return "\n\n".join(PARAGRAPHS[i % len(PARAGRAPHS)] for i in recipe[1])
    if kind == "copy" and made:
        return made[recipe[1] % len(made)]
    if kind == "near" and made:
        words = made[recipe[1] % len(made)].split(" ")
        i = recipe[2] % len(words)
        words[i] = words[i] + "s"
        return " ".join(words)
    if kind == "foreign":
        return FRENCH if recipe[1] % 2 else GERMAN
    if kind == "blank":
        return "   "
    return "\n\n".join(PARAGRAPHS[i % len(PARAGRAPHS)] for i in (recipe[1], recipe[1] + 1))


def _corpus(recipes: list[tuple]) -> pd.DataFrame:
    made: list[str] = []
    for recipe in recipes:
        made.append(_article(recipe, made))
    return pd.DataFrame(
        {
            "article_id": [f"a{i:02d}" for i in range(len(made))],
            "outlet": [f"outlet{i % 3}" for i in range(len(made))],
            "text": made,
        }
    )


recipe = st.one_of(
    st.tuples(st.just("fresh"), st.lists(st.integers(0, 500), min_size=1, max_size=4)),
    st.tuples(st.just("copy"), st.integers(0, 50)),
    st.tuples(st.just("near"), st.integers(0, 50), st.integers(0, 5000)),
    st.tuples(st.just("foreign"), st.integers(0, 1)),
    st.tuples(st.just("blank")),
)


@pytest.fixture
def count_cleaned(monkeypatch):
    """Record the article ids that go through the per-article work."""
    seen: list[list[str]] = []
    original = features.article_features

    def spy(raw, **kwargs):
        seen.append(sorted(raw["article_id"]))
        return original(raw, **kwargs)

    monkeypatch.setattr(features, "article_features", spy)
    return seen


def test_cached_load_equals_uncached_and_a_rerun_cleans_nothing(tmp_path, count_cleaned):
    corpus = _corpus([("fresh", [1, 2]), ("fresh", [3]), ("copy", 0), ("near", 1, 7), ("foreign", 0)])
    cold = load_corpus(corpus)
    count_cleaned.clear()
    first = load_corpus(corpus, cache_dir=tmp_path)
    second = load_corpus(corpus, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(first, cold)
    pd.testing.assert_frame_equal(second, cold)
    # an exact copy shares its cache row: five articles, four distinct texts cleaned once, then none
    assert count_cleaned == [["a00", "a01", "a03", "a04"]]
    assert set(cold["status"]) >= {"ok", "duplicate", "non_english"}


def test_changing_one_article_recleans_only_that_article(tmp_path, count_cleaned):
    corpus = _corpus([("fresh", [1, 2]), ("fresh", [3]), ("fresh", [5, 6]), ("fresh", [8])])
    load_corpus(corpus, cache_dir=tmp_path)
    changed = corpus.copy()
    changed.loc[2, "text"] = changed.loc[2, "text"] + "\n\nA new closing paragraph was added by the editors."
    count_cleaned.clear()
    got = load_corpus(changed, cache_dir=tmp_path)
    assert count_cleaned == [["a02"]]
    pd.testing.assert_frame_equal(got, load_corpus(changed))
    # a changed title (metadata the cleaner reads) is a new key too; the outlet is not
    retitled = changed.assign(title=["", "", "", "A given headline"], outlet="other")
    count_cleaned.clear()
    got = load_corpus(retitled, cache_dir=tmp_path)
    assert count_cleaned == [["a03"]]
    pd.testing.assert_frame_equal(got, load_corpus(retitled))


def test_a_change_in_the_cleaning_code_invalidates_every_row(tmp_path, count_cleaned, monkeypatch):
    corpus = _corpus([("fresh", [1]), ("fresh", [2])])
    load_corpus(corpus, cache_dir=tmp_path)
    original = features.loader_code_digest()
    monkeypatch.setattr(features, "loader_code_digest", lambda: original + "-edited")
    features.store_version.cache_clear()
    try:
        count_cleaned.clear()
        load_corpus(corpus, cache_dir=tmp_path)
        assert count_cleaned == [["a00", "a01"]]
    finally:
        features.store_version.cache_clear()


def test_the_loader_code_digest_covers_every_module_of_the_load():
    from pathlib import Path

    import analysis

    package = Path(analysis.__file__).parent
    covered = {
        str(p.relative_to(package))
        for name in features.LOADER_CODE
        for p in ([package / name] if name.endswith(".py") else (package / name).rglob("*.py"))
    }
    assert {"clean/classify.py", "corpus/features.py", "ingest/read.py", "schema.py"} <= covered


@pytest.mark.parametrize("damage", ["corrupt", "missing"])
def test_a_corrupt_or_missing_segment_is_recomputed(tmp_path, count_cleaned, damage):
    corpus = _corpus([("fresh", [1, 2]), ("fresh", [3]), ("near", 0, 3)])
    cold = load_corpus(corpus)
    load_corpus(corpus, cache_dir=tmp_path)
    segments = list((tmp_path / "load-articles").rglob("*.parquet"))
    assert len(segments) == 1
    if damage == "corrupt":
        segments[0].write_bytes(b"not parquet at all")
    else:
        segments[0].unlink()
    count_cleaned.clear()
    got = load_corpus(corpus, cache_dir=tmp_path)
    assert count_cleaned == [["a00", "a01", "a02"]]
    pd.testing.assert_frame_equal(got, cold)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    recipes=st.lists(recipe, min_size=2, max_size=10),
    order=st.randoms(use_true_random=False),
    n_new=st.integers(1, 4),
)
def test_adding_articles_gives_the_table_a_cold_load_gives(recipes, order, n_new):
    """Statuses and near-duplicate decisions after an incremental load equal a cold load's."""
    corpus = _corpus(recipes)
    rows = list(range(len(corpus)))
    order.shuffle(rows)
    full = corpus.iloc[rows].reset_index(drop=True)
    new = set(order.sample(range(len(full)), min(n_new, len(full) - 1)))
    old = full.drop(index=sorted(new)).reset_index(drop=True)
    cold = load_corpus(full)
    with tempfile.TemporaryDirectory() as cache:
        load_corpus(old, cache_dir=cache)
        incremental = load_corpus(full, cache_dir=cache)
    pd.testing.assert_frame_equal(incremental, cold)


def test_a_new_article_that_copies_an_old_one_is_marked_as_a_cold_load_marks_it(tmp_path):
    old = _corpus([("fresh", [1, 2]), ("fresh", [4, 5]), ("fresh", [7])])
    near = " ".join(w + ("s" if i == 10 else "") for i, w in enumerate(old.loc[1, "text"].split(" ")))
    new = pd.DataFrame({"article_id": ["b1", "b2"], "outlet": ["x", "y"], "text": [old.loc[0, "text"], near]})
    full = pd.concat([old, new], ignore_index=True)
    load_corpus(old, cache_dir=tmp_path)
    got = load_corpus(full, cache_dir=tmp_path).set_index("article_id")
    assert got.loc["b1", "status"] == "duplicate" and got.loc["b1", "duplicate_of"] == "a00"
    assert got.loc["b2", "status"] == "duplicate" and got.loc["b2", "duplicate_of"] == "a01"
    pd.testing.assert_frame_equal(got.reset_index(), load_corpus(full))


# --------------------------------------------------------------------------- same results as the libraries


def test_vectorised_language_id_matches_langid():
    from langid.langid import LanguageIdentifier, model

    identifier = LanguageIdentifier.from_modelstring(model, norm_probs=True)
    texts = [ARTICLE, OTHER, THIRD, FRENCH, GERMAN, "", "ok", "Это короткий текст на русском языке."]
    texts.append("日本語の文章")
    texts += [p[: language.LANGUAGE_ID_CHARS] for p in PARAGRAPHS[:20]]
    langs, probs = language.classify_languages(texts)
    for text, lang, prob in zip(texts, langs, probs, strict=True):
        want_lang, want_prob = identifier.classify(text)
        assert lang == want_lang
        assert prob == pytest.approx(want_prob, rel=1e-9, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="abc xyz éü.,", max_size=60), min_size=1, max_size=6))
def test_minhash_signatures_equal_datasketch(texts):
    from datasketch import MinHash

    digests, sigs = dedupe.signatures(texts)
    for text, sig in zip(texts, sigs, strict=True):
        norm = dedupe.normalise_for_hash(text)
        words = norm.split()
        shingles = {" ".join(words[i : i + 5]) for i in range(max(len(words) - 4, 1))}
        want = MinHash(num_perm=dedupe.MINHASH_PERMUTATIONS, seed=1)
        want.update_batch([s.encode() for s in shingles])
        assert np.array_equal(sig, want.hashvalues)
    assert len(digests) == len(texts)


def test_near_duplicates_equal_datasketch_lsh():
    from datasketch import LeanMinHash, MinHashLSH

    rng = np.random.default_rng(7)
    base = rng.integers(0, 2**32, size=(30, dedupe.MINHASH_PERMUTATIONS), dtype=np.uint64).astype(np.uint32)
    sigs = [base[i] for i in range(30)]
    for _ in range(60):  # copies with a few values changed: some above the threshold, some below
        sig = sigs[rng.integers(len(sigs))].copy()
        changed = rng.choice(dedupe.MINHASH_PERMUTATIONS, size=rng.integers(0, 16), replace=False)
        sig[changed] = rng.integers(0, 2**32)
        sigs.append(sig)
    order = rng.permutation(len(sigs))
    sigs = np.stack([sigs[i] for i in order])
    ids = [f"id{rng.integers(1000):03d}-{i}" for i in range(len(sigs))]
    lsh = MinHashLSH(threshold=dedupe.NEAR_DUPLICATE_THRESHOLD, num_perm=dedupe.MINHASH_PERMUTATIONS)
    want: list[str | None] = []
    kept = {}
    for key, sig in zip(ids, sigs, strict=True):
        m = LeanMinHash(seed=1, hashvalues=sig, scheme="affine32")
        matches = [k for k in lsh.query(m) if m.jaccard(kept[k]) >= dedupe.NEAR_DUPLICATE_THRESHOLD]
        if matches:
            want.append(sorted(matches)[0])
            continue
        want.append(None)
        lsh.insert(key, m)
        kept[key] = m
    assert dedupe.near_duplicates(ids, sigs) == want
    assert sum(w is not None for w in want) > 10


mojibake = st.sampled_from(
    ["Ã©", "â€™", "â€œ", "Ã ", "Â ", "\x85", "\x93", "\r", "\x00", "\u2028", "é", "’", "—", "e\u0301"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=8), mojibake, st.just("\n")), max_size=30))
def test_the_ftfy_shortcut_gives_what_ftfy_gives(pieces):
    import ftfy

    text = "".join(pieces)
    assert decode.fix_text(text) == ftfy.fix_text(text, **decode.FTFY_OPTIONS)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet="ab .,", max_size=40), mojibake), max_size=40))
def test_the_ftfy_shortcut_searches_nearby_characters_windows_as_one_range_without_missing_a_match(pieces):
    import unicodedata

    segment = "".join(pieces).replace("\n", " ")
    shortcut = decode.ftfy_shortcut()
    bad, suspicious, width = shortcut
    # the definition: no badness match within ``width`` of any non-ASCII character
    end = len(segment)
    windows = [(max(i - width + 1, 0), min(i + width, end)) for i, c in enumerate(segment) if ord(c) > 127]
    want = (
        not suspicious.search(segment)
        and unicodedata.is_normalized("NFC", segment)
        and not any(bad.search(segment, lo, hi) for lo, hi in windows)
    )
    assert decode._ftfy_unchanged(segment, shortcut) == want


def test_the_ftfy_shortcut_is_available_for_the_pinned_ftfy():
    assert decode.ftfy_shortcut() is not None


# --------------------------------------------------------------------------- row store


def test_row_store_merges_small_segments_and_keeps_every_row(tmp_path, monkeypatch):
    monkeypatch.setattr(rowstore, "MAX_SMALL_SEGMENTS", 3)
    store = rowstore.RowStore(tmp_path, "rows", "v1")
    for i in range(5):
        store.put(pd.DataFrame({"key": [f"k{i}a", f"k{i}b"], "value": [i, -i]}))
    segments = list(store.folder.rglob("*.parquet"))
    assert len(segments) <= 3
    got = store.get([f"k{i}{s}" for i in range(5) for s in "ab"] + ["absent"])
    assert len(got) == 10 and got.loc["k4b", "value"] == -4
    assert "absent" not in got.index


def test_row_store_skips_an_unreadable_segment(tmp_path):
    store = rowstore.RowStore(tmp_path, "rows", "v1")
    store.put(pd.DataFrame({"key": ["a"], "value": [1]}))
    store.put(pd.DataFrame({"key": ["b"], "value": [2]}))
    first = sorted(store.folder.rglob("*.parquet"))[0]
    first.write_bytes(b"garbage")
    got = store.get(["a", "b"])
    assert len(got) == 1


def test_a_killed_load_resumes_without_recleaning(tmp_path, count_cleaned, monkeypatch):
    from analysis.core import cache

    corpus = _corpus([("fresh", [1, 2]), ("fresh", [3]), ("copy", 0)])
    monkeypatch.setattr(cache, "_writes", 0)
    monkeypatch.setenv("OUTLET_FRAMING_FAIL_AFTER_WRITES", "1")
    with pytest.raises(cache.InjectedFailure):
        load_corpus(corpus, cache_dir=tmp_path)
    monkeypatch.delenv("OUTLET_FRAMING_FAIL_AFTER_WRITES")
    count_cleaned.clear()
    got = load_corpus(corpus, cache_dir=tmp_path)
    assert count_cleaned == []
    pd.testing.assert_frame_equal(got, load_corpus(corpus))


def test_the_furniture_pass_hashes_only_new_texts_and_gives_the_uncached_table(tmp_path, monkeypatch):
    from test_clean_page import PROMO, _outlet_corpus

    corpus = _outlet_corpus()
    hashed: list[list[str]] = []
    original = features.line_hashes

    def spy(raw):
        hashed.append(sorted(raw["article_id"]))
        return original(raw)

    monkeypatch.setattr(features, "line_hashes", spy)
    first = corpus.iloc[:3]  # the outlet's furniture needs four articles: none yet
    load_corpus(first, cache_dir=tmp_path)
    assert hashed == [sorted(first["article_id"])]
    hashed.clear()
    got = load_corpus(corpus, cache_dir=tmp_path)  # now the outlet has five articles: furniture found
    assert hashed == [sorted(set(corpus["article_id"]) - set(first["article_id"]))]
    pd.testing.assert_frame_equal(got, load_corpus(corpus))
    assert not got["text"].str.contains(PROMO, regex=False).any()  # the furniture is dropped
