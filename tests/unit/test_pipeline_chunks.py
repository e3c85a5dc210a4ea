import pandas as pd
import pytest

from analysis.pipeline import chunk_articles


def _articles(n: int, start: int = 0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "article_id": [f"a{i:04d}" for i in range(start, start + n)],
            "title": [f"Title {i}" for i in range(start, start + n)],
            "text": [f"Body of article number {i}." for i in range(start, start + n)],
            "status": "ok",
        }
    )


def test_chunks_cover_every_ok_article_once_in_order():
    articles = _articles(500)
    articles.loc[[3, 77], "status"] = "duplicate"
    chunks = chunk_articles(articles, chunk_size=20)
    ids = [a for c in chunks for a in c["article_id"]]
    assert ids == list(articles.loc[articles["status"] == "ok", "article_id"])
    assert max(len(c) for c in chunks) <= 40  # capped at twice the chunk size
    assert 5 <= len(chunks) <= 100


def test_inserting_an_article_changes_only_its_own_chunk():
    base = _articles(400)
    new = _articles(1, start=10_000)
    grown = pd.concat([base.iloc[:200], new, base.iloc[200:]], ignore_index=True)
    before = {tuple(c["article_id"]) for c in chunk_articles(base, chunk_size=25)}
    after = {tuple(c["article_id"]) for c in chunk_articles(grown, chunk_size=25)}
    changed = after - before
    assert 1 <= len(changed) <= 2  # the chunk that received it (split in two at most)
    assert any(new["article_id"][0] in c for c in changed)
    assert len(before - after) == 1


def test_chunking_is_deterministic_and_rejects_bad_size():
    a = [list(c["article_id"]) for c in chunk_articles(_articles(300), chunk_size=16)]
    b = [list(c["article_id"]) for c in chunk_articles(_articles(300), chunk_size=16)]
    assert a == b
    assert chunk_articles(_articles(0), chunk_size=5) == []
    with pytest.raises(ValueError, match="chunk_size"):
        chunk_articles(_articles(3), chunk_size=0)



def test_appending_articles_changes_only_a_small_piece_of_the_open_tail():
    from analysis.pipeline.chunks import TAIL_SPLIT, _boundary_hash

    size = 40

    def ends(frame):  # per article: whether the full rule (content hash) ends a chunk after it
        rows = zip(frame["article_id"], frame["title"], frame["text"], strict=True)
        return [_boundary_hash(a, t, x) % size == 0 for a, t, x in rows]

    base = _articles(1000)
    before = chunk_articles(base, chunk_size=size)
    old = {tuple(c["article_id"]) for c in before}
    tail = len(base) - (max(i for i, e in enumerate(ends(base)) if e) + 1)  # articles after the last end
    assert tail > 2 * (size // TAIL_SPLIT)  # an open tail of several pieces (else the test says nothing)
    checked = 0
    for start in range(10_000, 10_100, 5):  # 20 different batches of 5 appended articles
        new = _articles(5, start=start)
        if any(ends(new)):
            continue  # an appended article ends a full chunk: the tail becomes one chunk again
        after = chunk_articles(pd.concat([base, new], ignore_index=True), chunk_size=size)
        changed = [c for c in after if tuple(c["article_id"]) not in old]
        again = sum(len(c) for c in changed) - len(new)  # old articles computed again
        assert again < size // TAIL_SPLIT * 3  # the tail's last piece, not the whole tail
        assert again < tail
        checked += 1
    assert checked >= 10
