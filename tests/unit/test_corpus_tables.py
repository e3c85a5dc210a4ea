"""Corpus stages computed from per-article tables give exactly what the token-table path gives.

The pipeline passes the corpus stages per-article tables (``sentences``, ``term_counts``,
``hedged_sentences``, ``label_occurrences``) instead of the corpus's token table; these tests
fail if the two paths disagree on an inline corpus (no spaCy model).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from test_keyness import make_annotations, w
from test_quotes import ann_of, article, mentions_of, parse
from test_quotes_labels import TEXT, TOKENS

from analysis import config
from analysis.annotate import TOKEN_COLUMNS, Annotations
from analysis.framing import claims as C
from analysis.framing.claims.vectors import BlockVectors
from analysis.framing.keyness import keyness, term_counts
from analysis.framing.labels import label_occurrences, labels
from analysis.framing.quotes import attribution
from analysis.framing.quotes.aggregate import _counts, attribution_events
from analysis.measures import entities as E

# --------------------------------------------------------------------------- keyness


ARTICLES = pd.DataFrame(
    {
        "article_id": ["a1", "a2", "a3", "a4"],
        "outlet": ["A", "B", "A", "B"],
        "text": ["x", "y", "z", "v"],
        "status": ["ok", "ok", "ok", "ok"],
    }
)
DOCS = {  # ties in corpus counts (war/peace/talk/truce) make the term order matter for the prior's sum
    "a3": [w("truce"), w("war"), w("Talks", lemma="talk"), w("the", "DET", stop=True), w("truce")],
    "a1": [w("war"), w("wars", lemma="war"), w("peace"), w(".", "PUNCT"), w("ceasefire")],
    "a2": [w("peace"), w("Peace", lemma="peace"), w("talks", lemma="talk"), w("and", "CCONJ", stop=True)],
    "a4": [w("ceasefire"), w("2024", "NUM"), w("talk"), w("truce"), w("summit")],
}


def test_keyness_from_term_counts_equals_keyness_from_tokens():
    ann = make_annotations(DOCS)
    for by, alpha0 in (("outlet", None), ("article_id", 3.0)):
        from_tokens = keyness(ARTICLES, by=by, annotations=ann, alpha0=alpha0)
        counts = term_counts(ARTICLES, annotations=ann)
        from_counts = keyness(ARTICLES, by=by, term_counts=counts, sentences=ann.sentences, alpha0=alpha0)
        pd.testing.assert_frame_equal(from_tokens, from_counts)
        assert len(from_tokens) > 4


def test_term_counts_count_content_lemmas_per_article():
    counts = term_counts(ARTICLES, annotations=make_annotations(DOCS)).set_index(["article_id", "term"])
    assert counts.loc[("a1", "war"), "count"] == 2
    assert counts.loc[("a3", "truce"), "count"] == 2
    assert ("a2", "and") not in counts.index and ("a4", "2024") not in counts.index  # stop word, number
    # first-use position orders terms as the token table does
    assert counts.loc[("a3", "truce"), "position"] < counts.loc[("a3", "talk"), "position"]


# --------------------------------------------------------------------------- claims


SENTS = [
    ("a1", "E1", "Russian President Vladimir Putin could meet French President Emmanuel Macron next week."),
    ("a1", "E1", "The talks are expected to take place with full transparency involving allies."),
    ("a2", "E1", "Putin is ready to hold talks with Macron next week, the Kremlin said on Sunday."),
    ("a2", "E1", "EU leaders agreed on Friday to provide Ukraine with a loan of 105 billion."),
    ("a3", "E2", "The European Union agreed to lend Ukraine 105 billion dollars for its budget."),
    ("a4", "E2", "EU leaders agreed on Friday to provide Ukraine with a loan of 105 billion euros."),
    ("a4", "E2", "Officials reportedly discussed frozen Russian assets to finance the aid package."),
    ("a5", "E3", "A lone article on another event has one sentence with enough words."),
]


def _claims_corpus():
    rows, sents, toks = [], [], []
    texts: dict[str, str] = {}
    for aid, _, s in SENTS:
        start = len(texts.get(aid, ""))
        texts[aid] = texts.get(aid, "") + s + " "
        sid = sum(1 for x in sents if x[0] == aid)
        sents.append([aid, "text", sid, start, start + len(s), s])
        for i, word in enumerate(s.rstrip(".").split()):
            lemma = word.lower()
            tag = "MD" if lemma in {"could", "may"} else "NN"
            toks.append([aid, "text", sid, i, 0, 0, word, True, lemma, "NOUN", tag, "", i, "O", "", False,
                         False, False])  # fmt: skip
    events = {aid: ev for aid, ev, _ in SENTS}
    outlets = {"a1": "X", "a2": "Y", "a3": "X", "a4": "Z", "a5": "Y"}
    for aid, text in texts.items():
        rows.append([aid, outlets[aid], text, events[aid], "ok"])
    arts = pd.DataFrame(rows, columns=["article_id", "outlet", "text", "event", "status"])
    sentences = pd.DataFrame(
        sents, columns=["article_id", "field", "sentence_id", "start_char", "end_char", "text"]
    )
    tokens = pd.DataFrame(toks, columns=TOKEN_COLUMNS)
    return arts, Annotations(tokens, sentences, pd.DataFrame())


def test_claims_from_sentences_and_hedges_equal_claims_from_annotations():
    arts, ann = _claims_corpus()
    from_ann = C.claims(arts, annotations=ann, options=C.ClaimOptions(threshold=0.2))
    hedges = C.hedged_sentences(arts, annotations=ann)
    from_tables = C.claims(
        arts, sentences=ann.sentences, hedges=hedges, options=C.ClaimOptions(threshold=0.2)
    )
    pd.testing.assert_frame_equal(from_ann, from_tables)
    assert from_tables["hedged"].sum() == 2  # "could" (tag MD) and "reportedly"
    assert set(hedges["article_id"]) == {"a1", "a4"}
    assert from_tables["n_articles"].max() >= 2  # something was linked


def test_block_vectors_equal_rows_of_one_corpus_wide_matrix():
    """Block-by-block TF-IDF (corpus IDF) gives bit-identical rows to sentence_vectors on all sentences."""
    texts = [s for _, _, s in SENTS] + ["Putin, Putin and Macron: talks!", "the and of"]
    blocks = [list(range(0, 4)), list(range(4, 7)), [7], [8, 9]]
    whole = C.sentence_vectors(texts, word_weight=0.4)
    vec = BlockVectors(word_weight=0.4)
    numbers = [vec.add([texts[i] for i in idx]) for idx in blocks]
    for number, idx in zip(numbers, blocks, strict=True):
        part = vec.block(number, [texts[i] for i in idx])
        assert part.shape[1] == whole.shape[1]
        for row, i in enumerate(idx):
            got = part.getrow(row)
            want = whole.getrow(i)
            assert np.array_equal(got.data, want.data)  # same values in the same order: exact, not approx
        sims = (part @ part.T).toarray()
        ref = (whole[idx] @ whole[idx].T).toarray()
        assert np.array_equal(sims, ref)


def test_block_vectors_drop_their_term_dictionaries_once_the_idf_is_fixed():
    """Pass 2 needs no term strings: the dictionaries are emptied (memory) and the sizes kept."""
    texts = [s for _, _, s in SENTS]
    vec = BlockVectors(word_weight=0.5)
    number = vec.add(texts)
    n_words, n_grams = len(vec.word_ids), len(vec.gram_ids)
    before = C.sentence_vectors(texts, word_weight=0.5)
    vec.ensure_idf()
    assert len(vec.word_ids) == len(vec.gram_ids) == 0
    assert (vec.n_word_terms, vec.n_gram_terms) == (n_words, n_grams)
    got = vec.block(number, texts)
    assert got.shape == before.shape  # columns numbered differently; rows and similarities the same
    assert np.array_equal((got @ got.T).toarray(), (before @ before.T).toarray())
    with pytest.raises(RuntimeError, match="pass 1"):
        vec.add(["An entirely new sentence about zebras and their xylophones."])


# --------------------------------------------------------------------------- labels


def test_labels_from_label_occurrences_equal_labels_from_tokens():
    ann = ann_of(parse(TEXT, TOKENS))
    m = mentions_of(
        TEXT,
        [("Vladimir Putin", "Vladimir Putin", "person"), ("Dmitry Peskov", "Dmitry Peskov", "person"),
         ("Kremlin", "Kremlin", "organisation")],
    )  # fmt: skip
    s = TEXT.index("the Kremlin spokesman")
    q = pd.DataFrame(
        {"article_id": ["a1"], "field": ["text"], "speaker_start_char": [s],
         "speaker_end_char": [s + len("the Kremlin spokesman")], "speaker_canonical": ["Dmitry Peskov"]}
    )  # fmt: skip
    arts = article(TEXT)
    old = labels(arts, m, annotations=ann, quotes=q)
    spans = label_occurrences(arts, m, annotations=ann, quotes=q)
    new = labels(arts, m, label_spans=spans)
    pd.testing.assert_frame_equal(old, new)
    assert {"title", "appositive"} <= set(new["form"])
    # the corpus fills the kind of a speaker phrase that no mention in its article covers
    m2 = mentions_of(TEXT, [("Vladimir Putin", "Vladimir Putin", "person")])
    spans2 = label_occurrences(arts, m2, annotations=ann, quotes=q)
    assert spans2.loc[spans2["form"] == "speaker", "kind"].isna().all()
    corpus_mentions = pd.concat([m2, m.assign(article_id="a2")], ignore_index=True)
    both = pd.concat([arts, arts.assign(article_id="a2")], ignore_index=True)
    out = labels(both, corpus_mentions, label_spans=spans2)
    assert out.loc[out["form"] == "speaker", "kind"].tolist() == ["person"]


# --------------------------------------------------------------------------- attribution


def _reference_summary(detail: pd.DataFrame) -> pd.DataFrame:
    """The per-speaker summary as a loop over groups (the implementation the vectorised one replaced)."""
    ev = detail.assign(
        speaker_canonical=detail["speaker_canonical"].fillna("(unattributed)"),
        speaker_affiliation=detail["speaker_affiliation"].fillna("other"),
    )
    out = []
    for (grp, spk, aff), g in ev.groupby(["outlet", "speaker_canonical", "speaker_affiliation"], sort=True):
        flagged = g[
            (g["verb_class"] != "neutral") & (g["verb_class"] != "none")
            | (g["qualifiers"] != "")
            | (g["content_hedges"] != "")
            | (g["frame_hedges"] != "")
        ]
        out.append(
            {
                "outlet": grp, "speaker_canonical": spk, "speaker_affiliation": aff, "n_attributions": len(g),
                "n_neutral": int((g["verb_class"] == "neutral").sum()),
                "n_emphatic": int((g["verb_class"] == "emphatic").sum()),
                "n_distancing": int((g["verb_class"] == "distancing").sum()),
                "n_qualified": int((g["qualifiers"] != "").sum()),
                "n_content_hedged": int((g["content_hedges"] != "").sum()),
                "n_frame_hedged": int((g["frame_hedges"] != "").sum()),
                "verbs": _counts(g["verb_lemma"].dropna()),
                "hedges": _counts(
                    t for s in pd.concat([g["content_hedges"], g["frame_hedges"]]) for t in s.split(";") if t
                ),
                "qualifiers": _counts(t for s in g["qualifiers"] for t in s.split(";") if t),
                "share_distancing": float((g["verb_class"] == "distancing").mean()),
                "evidence": ";".join(
                    f"{a}:{fl}:{s}-{e}"
                    for a, fl, s, e in zip(
                        flagged["article_id"], flagged["field"], flagged["start_char"], flagged["end_char"],
                        strict=True,
                    )
                ),
            }
        )  # fmt: skip
    return (
        pd.DataFrame(out)
        .sort_values(["outlet", "n_attributions", "speaker_canonical"], ascending=[True, False, True])
        .reset_index(drop=True)
    )


def test_attribution_summary_equals_the_per_group_loop():
    text = (
        "Putin said talks could resume. Putin claimed, without evidence, that Kyiv may attack. "
        "Peskov stressed the talks were likely. Macron said nothing new. Peskov said it reportedly failed."
    )
    specs = [  # speaker, affiliation, verb, quote text
        ("Putin", "Russia", "said", "talks could resume"),
        ("Putin", "Russia", "claimed", "that Kyiv may attack"),
        ("Peskov", "Russia", "stressed", "the talks were likely"),
        ("Macron", None, "said", "nothing new"),
        (None, None, None, "it reportedly failed"),
    ]
    rows = []
    for aid in ("a1", "a2", "a3"):
        for spk, aff, verb, quote in specs:
            qs = text.index(quote)
            vs = text.index(verb) if verb else None
            rows.append(
                {"article_id": aid, "field": "text", "kind": "indirect", "quote": quote,
                 "speaker_canonical": spk, "speaker_affiliation": aff, "verb": verb,
                 "start_char": qs, "end_char": qs + len(quote),
                 "verb_start_char": vs, "verb_end_char": None if vs is None else vs + len(verb)}
            )  # fmt: skip
    quotes = pd.DataFrame(rows)
    arts = pd.DataFrame(
        {"article_id": ["a1", "a2", "a3"], "text": [text] * 3, "outlet": ["X", "Y", "X"], "status": "ok"}
    )
    summary = attribution(arts, quotes)
    reference = _reference_summary(attribution(arts, quotes, detail=True))
    pd.testing.assert_frame_equal(summary, reference, check_dtype=False)
    assert summary["hedges"].str.contains("×2").any()
    # the pipeline's path: events computed article by article (one chunk each), through Arrow, then grouped
    per_chunk = []
    for aid in arts["article_id"]:
        ev = attribution_events(arts[arts["article_id"] == aid], quotes[quotes["article_id"] == aid])
        per_chunk.append(pa.Table.from_pandas(ev, preserve_index=False).to_pandas())
    events = pd.concat(per_chunk, ignore_index=True)
    pd.testing.assert_frame_equal(attribution(arts, events=events), summary)
    by_event = attribution(arts.assign(event=["e1", "e1", "e2"]), events=events, by="event")
    assert set(by_event["event"]) == {"e1", "e2"}


# --------------------------------------------------------------------------- entity frequencies


def _reference_frequencies(mentions, arts, sentences, n_boot, level=0.95):
    """Per-entity loop of the original bootstrap (same generator, same draws, same order)."""
    n_sent = sentences.groupby("article_id").size()
    rng = np.random.default_rng(config.RANDOM_SEED)
    alpha = (1 - level) / 2
    out = {}
    groups = [(g, arts[arts["outlet"] == g]) for g in sorted(arts["outlet"].unique())] + [("(corpus)", arts)]
    for name, part in groups:
        ids = part["article_id"].tolist()
        m = mentions[mentions["article_id"].isin(ids)]
        ents = sorted(m["canonical"].unique())
        if not ents:
            continue
        c = np.zeros((len(ids), len(ents)))
        s = np.zeros((len(ids), len(ents)))
        for (a, e), v in m.groupby(["article_id", "canonical"]).size().items():
            c[ids.index(a), ents.index(e)] = v
        hits = m.drop_duplicates(["article_id", "field", "sentence_id", "canonical"])
        for (a, e), v in hits.groupby(["article_id", "canonical"]).size().items():
            s[ids.index(a), ents.index(e)] = v
        words = part["n_words"].to_numpy(dtype=float)
        nsent = part["article_id"].map(n_sent).fillna(0).to_numpy(dtype=float)
        draws = rng.integers(0, len(ids), size=(n_boot, len(ids)))
        weights = np.zeros((n_boot, len(ids)))
        np.add.at(weights, (np.repeat(np.arange(n_boot), len(ids)), draws.ravel()), 1)
        bc, bw, bs, bn = weights @ c, weights @ words, weights @ s, weights @ nsent
        with np.errstate(divide="ignore", invalid="ignore"):
            per = bc / bw[:, None] * 1000
            share = bs / bn[:, None]
        for j, e in enumerate(ents):
            out[(name, e)] = [
                np.nanquantile(x[:, j], q) for x in (bc, per, share) for q in (alpha, 1 - alpha)
            ]
    return out


def test_entity_frequencies_vectorised_bootstrap_keeps_the_draws():
    rng = np.random.default_rng(3)
    ids = [f"a{i}" for i in range(12)]
    arts = pd.DataFrame(
        {"article_id": ids, "outlet": ["X", "Y", "Z"] * 4, "text": "w", "n_words": rng.integers(50, 400, 12)}
    )
    rows = []
    for aid in ids:
        for _ in range(int(rng.integers(0, 6))):
            rows.append([aid, "text", int(rng.integers(0, 5)), f"E{int(rng.integers(0, 7))}", "person"])
    mentions = pd.DataFrame(rows, columns=["article_id", "field", "sentence_id", "canonical", "kind"])
    sentences = pd.DataFrame(
        [[aid, "text", i] for aid in ids[:-1] for i in range(5)],
        columns=["article_id", "field", "sentence_id"],
    )  # the last article has no sentence: a zero denominator in some resamples (NaN draws)

    class Ann:
        pass

    Ann.sentences = sentences
    got = E.entity_frequencies(arts, mentions, sentences=sentences, n_boot=300)
    pd.testing.assert_frame_equal(got, E.entity_frequencies(arts, mentions, annotations=Ann(), n_boot=300))
    want = _reference_frequencies(mentions, arts, sentences, n_boot=300)
    cols = [
        "count_low",
        "count_high",
        "per_1000_words_low",
        "per_1000_words_high",
        "share_sentences_low",
        "share_sentences_high",
    ]
    assert len(got) == len(want)
    for r in got.itertuples(index=False):
        row = dict(zip(got.columns, r, strict=True))
        expected = want[(row["outlet"], row["canonical"])]
        assert [row[c] for c in cols] == pytest.approx(expected, nan_ok=True, rel=0, abs=0)
