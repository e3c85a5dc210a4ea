"""spaCy tables for the seeds: offsets point at the right text, the cache is used, bad rows yield nothing."""

from __future__ import annotations

import importlib

import pandas as pd
import pytest

import analysis

ann_mod = importlib.import_module("analysis.annotate")  # the package attribute `annotate` is the function
parse_mod = importlib.import_module("analysis.annotate.parse")

pytestmark = pytest.mark.integration


def _field_text(articles: pd.DataFrame, article_id: str, field: str) -> str:
    return articles.set_index("article_id").at[article_id, field]


def test_tables_cover_every_ok_article(seed_articles, seed_annotations):
    ok = set(seed_articles.loc[seed_articles["status"] == "ok", "article_id"])
    assert set(seed_annotations.tokens["article_id"]) == ok
    assert set(seed_annotations.sentences["article_id"]) == ok
    assert tuple(seed_annotations.tokens.columns) == ann_mod.TOKEN_COLUMNS
    assert tuple(seed_annotations.entities.columns) == ann_mod.ENTITY_COLUMNS


def test_offsets_index_into_their_field(seed_articles, seed_annotations):
    for table in (seed_annotations.entities, seed_annotations.sentences):
        for row in table.itertuples():
            text = _field_text(seed_articles, row.article_id, row.field)
            assert text[row.start_char : row.end_char] == row.text
    toks = seed_annotations.tokens.sample(300, random_state=0)
    for row in toks.itertuples():
        assert (
            _field_text(seed_articles, row.article_id, row.field)[row.start_char : row.end_char] == row.text
        )


def test_heads_stay_inside_their_article_field(seed_annotations):
    toks = seed_annotations.tokens
    sizes = toks.groupby(["article_id", "field"])["token_id"].transform("max")
    assert (toks["head"] >= 0).all() and (toks["head"] <= sizes).all()


def test_second_run_reads_the_cache_without_spacy(seed_articles, tmp_path, monkeypatch):
    first = analysis.annotate(seed_articles, cache_dir=tmp_path)
    calls = []
    real = parse_mod._parse_missing

    def spy(todo, *args, **kwargs):
        calls.append(len(todo))
        yield from real(todo, *args, **kwargs)

    monkeypatch.setattr(parse_mod, "_parse_missing", spy)
    second = analysis.annotate(seed_articles, cache_dir=tmp_path)
    assert calls == []
    pd.testing.assert_frame_equal(first.tokens, second.tokens)
    # a changed text is a cache miss for that article only
    edited = seed_articles.copy()
    edited.loc[0, "text"] = edited.loc[0, "text"] + " Paris agreed."
    analysis.annotate(edited, cache_dir=tmp_path)
    assert calls == [1]


def test_non_ok_and_empty_articles_yield_no_rows(tmp_path):
    articles = pd.DataFrame(
        {
            "article_id": ["a", "b", "c"],
            "text": ["Emmanuel Macron spoke in Paris.", "", "Angela Merkel visited Berlin."],
            "status": ["ok", "ok", "non_english"],
        }
    )
    out = analysis.annotate(articles, cache_dir=tmp_path)
    assert set(out.tokens["article_id"]) == {"a"}
    assert {"Emmanuel Macron", "Paris"} <= set(out.entities["text"])


def test_long_text_is_parsed_in_chunks_with_global_offsets(tmp_path, monkeypatch):
    monkeypatch.setattr(parse_mod, "CHUNK_CHARS", 200)
    para = "Emmanuel Macron met Vladimir Putin in Moscow on Monday. The talks lasted five hours."
    text = "\n\n".join([para] * 8)
    out = analysis.annotate(pd.DataFrame({"article_id": ["x"], "text": [text]}), cache_dir=tmp_path)
    ents = out.entities[out.entities["text"] == "Vladimir Putin"]
    assert len(ents) == 8
    assert all(text[r.start_char : r.end_char] == "Vladimir Putin" for r in ents.itertuples())
    assert out.sentences["sentence_id"].is_unique
    assert out.tokens["token_id"].is_unique


def test_sentences_never_cross_a_block_boundary(tmp_path):
    # without the block rule the parser reads this as one sentence: no punctuation at the break
    text = (
        "Officials in Varnholm said the ferry schedule would change because the harbour authority\n\n"
        "said repairs to the northern pier would take most of the winter season. The mayor agreed."
    )
    out = analysis.annotate(pd.DataFrame({"article_id": ["p"], "text": [text]}), cache_dir=tmp_path)
    sents = out.sentences
    block_two = text.index("said repairs")
    assert block_two in set(sents["start_char"])
    assert not any("\n" in t for t in sents["text"])
    for row in sents.itertuples():
        assert text[row.start_char : row.end_char] == row.text
        assert row.start_char >= block_two or row.end_char <= block_two


def test_upper_case_lines_are_read_true_cased_with_the_original_text_kept(tmp_path):
    title = "KELMAR ASKS NATO FOR HELP"
    text = "WARSAW 1996-08-30\nThe Polish leader Jan Kelmar asked NATO for help on Friday .\nTalks go on ."
    arts = pd.DataFrame({"article_id": ["x"], "title": [title], "text": [text], "status": ["ok"]})
    ann = analysis.annotate(arts, cache_dir=tmp_path, n_process=1)
    for row in ann.tokens.itertuples():  # token texts are the article's, not the true-cased copy's
        assert (title if row.field == "title" else text)[row.start_char : row.end_char] == row.text
    ents = {(r.field, r.text): r.label for r in ann.entities.itertuples()}
    assert ents.get(("text", "WARSAW")) == "GPE"  # read as "Warsaw 1996-08-30"
    assert ents.get(("title", "NATO")) == "ORG"  # the body writes "NATO": kept in capitals


def test_doc_tokens_equal_a_table_built_token_by_token():
    """The array-built token table (with its ``field`` column) equals one read from each ``Token``."""
    nlp = ann_mod.load_model()
    text = "Lagarde told reporters in Frankfurt on Monday that rates would stay high.\n\nThe euro rose 0.3%."
    doc = nlp(text)
    got = parse_mod._doc_tokens(doc, 7, 3, 2, field="text")
    iob = {"B": "B", "I": "I", "O": "O", "": ""}
    rows = []
    sentence = 2
    for t in doc:
        if t.i > 0 and t.is_sent_start:
            sentence += 1
        rows.append({
            "field": "text", "sentence_id": sentence, "token_id": t.i + 3, "start_char": t.idx + 7,
            "end_char": t.idx + len(t.text) + 7, "text": t.text, "whitespace": bool(t.whitespace_),
            "lemma": t.lemma_, "pos": t.pos_, "tag": t.tag_, "dep": t.dep_, "head": t.head.i + 3,
            "ent_iob": iob[t.ent_iob_], "ent_type": t.ent_type_, "is_stop": t.is_stop,
            "is_punct": t.is_punct, "like_num": t.like_num,
        })  # fmt: skip
    want = pd.DataFrame(rows)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    assert list(got.columns) == ["field", *ann_mod.TOKEN_COLUMNS[2:]]
    assert got["field"].dtype == object and got["token_id"].dtype == "int64"
    without = parse_mod._doc_tokens(doc, 7, 3, 2)
    pd.testing.assert_frame_equal(got.drop(columns="field"), without)


def _spy_parses(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = parse_mod._parse_missing

    def spy(todo, *args, **kwargs):
        calls.append(len(todo))
        yield from real(todo, *args, **kwargs)

    monkeypatch.setattr(parse_mod, "_parse_missing", spy)
    return calls


_TWO = pd.DataFrame(
    {
        "article_id": ["a", "b"],
        "title": ["Macron in Berlin", ""],
        "text": ["Emmanuel Macron spoke in Berlin.\n\nHe left.", "Angela Merkel visited Paris on Monday."],
    }
)


def test_a_damaged_token_entry_is_parsed_again(tmp_path, monkeypatch):
    first = analysis.annotate(_TWO, cache_dir=tmp_path)
    entries = sorted((tmp_path / "tokens").rglob(f"*{parse_mod.cache.COLUMNS_SUFFIX}"))
    assert len(entries) == 2
    entries[0].write_bytes(entries[0].read_bytes()[:40])
    calls = _spy_parses(monkeypatch)
    again = analysis.annotate(_TWO, cache_dir=tmp_path)
    assert calls == [1]  # the damaged article only, then written back whole
    pd.testing.assert_frame_equal(again.tokens, first.tokens)
    assert analysis.annotate(_TWO, cache_dir=tmp_path).tokens.equals(first.tokens) and calls == [1]


def test_token_entries_of_the_parquet_layout_are_read_and_checked(tmp_path, monkeypatch):
    """An entry an earlier version wrote as Parquet under the same key is the same table: read, not parsed."""
    first = analysis.annotate(_TWO, cache_dir=tmp_path)
    for path in sorted((tmp_path / "tokens").rglob(f"*{parse_mod.cache.COLUMNS_SUFFIX}")):
        key = path.stem
        columns = parse_mod.cache.read_columns("tokens", key, tmp_path, schema=parse_mod._ENTRY_SCHEMA)
        parse_mod.cache.write("tokens", key, pd.DataFrame(columns), tmp_path)
        path.unlink()
    calls = _spy_parses(monkeypatch)
    legacy = analysis.annotate(_TWO, cache_dir=tmp_path)
    assert calls == []
    pd.testing.assert_frame_equal(legacy.tokens, first.tokens)
    # a Parquet entry with other columns is a miss: parsed again, never misread
    path = sorted((tmp_path / "tokens").rglob("*.parquet"))[0]
    parse_mod.cache.write("tokens", path.stem, pd.read_parquet(path).drop(columns="lemma"), tmp_path)
    again = analysis.annotate(_TWO, cache_dir=tmp_path)
    assert calls == [1]
    pd.testing.assert_frame_equal(again.tokens, first.tokens)


def test_chunk_table_is_the_concatenation_of_the_articles_tables():
    """One DataFrame per chunk from per-article columns equals concatenating per-article frames."""
    nlp = ann_mod.load_model()
    parts = []
    texts = ["Lagarde spoke.", "The euro rose 0.3% in Frankfurt.\n\nIt fell.", "Lagarde spoke."]
    for i, text in enumerate(texts):
        parts.append((f"id{i}", parse_mod._doc_columns(nlp(text), 4, 0, 0, field="text")))
    got = parse_mod._chunk_table(parts)
    frames = [pd.DataFrame(cols).assign(article_id=aid) for aid, cols in parts]
    want = pd.concat(frames, ignore_index=True)[list(ann_mod.TOKEN_COLUMNS)]
    pd.testing.assert_frame_equal(got, want)
    empty = parse_mod._chunk_table([])
    assert list(empty.columns) == list(ann_mod.TOKEN_COLUMNS) and len(empty) == 0
    assert empty["token_id"].dtype == "int64" and empty["is_stop"].dtype == bool
