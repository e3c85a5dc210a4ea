"""Preloaded data kept once per machine (gender-guesser names, GloVe word hashes) equals a fresh build."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.core import rowstore


def test_stored_array_is_built_once_then_read_and_rebuilt_when_invalid(monkeypatch, tmp_path):
    monkeypatch.setattr(rowstore, "MODEL_DIR", tmp_path)
    builds = []

    def build():
        builds.append(1)
        return np.arange(5, dtype=np.uint64)

    first = rowstore.stored_array("t-1", build, valid=lambda a: len(a) == 5)
    again = rowstore.stored_array("t-1", build, valid=lambda a: len(a) == 5)
    assert len(builds) == 1 and (first == again).all() and (tmp_path / "t-1.npy").exists()
    rowstore.stored_array("t-1", build, valid=lambda a: len(a) == 6)  # the stored copy does not fit: rebuilt
    assert len(builds) == 2
    (tmp_path / "t-1.npy").write_bytes(b"not an array")
    assert (rowstore.stored_array("t-1", build, valid=lambda a: True) == first).all() and len(builds) == 3


def test_gender_detector_from_the_stored_table_answers_as_a_parsed_one(monkeypatch, tmp_path):
    import gender_guesser.detector

    from analysis.measures.entities import names

    monkeypatch.setattr(rowstore, "MODEL_DIR", tmp_path)
    fresh = gender_guesser.detector.Detector(case_sensitive=False)
    names.gender_detector.cache_clear()
    try:
        names.gender_detector()  # parses and stores
        assert list(tmp_path.glob("gender-guesser-names-*.marshal"))
        names.gender_detector.cache_clear()
        stored = names.gender_detector()  # reads the stored table
        assert stored.names == fresh.names
        # the order of each name's genders decides ties, so it must survive too
        assert all(list(stored.names[n]) == list(fresh.names[n]) for n in fresh.names)
        sample = [*list(fresh.names)[::97], "Bernie", "Kathleen", "zzqxw"]
        assert [stored.get_gender(n.capitalize()) for n in sample] == [
            fresh.get_gender(n.capitalize()) for n in sample
        ]
    finally:
        names.gender_detector.cache_clear()


def test_glove_hashes_from_the_stored_table_equal_a_fresh_hash_and_a_wrong_file_is_rebuilt(
    monkeypatch, tmp_path
):
    from analysis.measures.sentiment import vectors

    monkeypatch.setattr(rowstore, "MODEL_DIR", tmp_path)
    _, words = vectors.glove()
    expected = pd.util.hash_array(words.to_numpy(zero_copy_only=False))
    order = np.argsort(expected, kind="stable")
    vectors._hashes.cache_clear()
    try:
        vectors._hashes()  # hashes and stores
        (path,) = tmp_path.glob("glove-6b-hashes-*.npy")
        vectors._hashes.cache_clear()
        hashes, rows = vectors._hashes()  # reads the stored table
        assert (hashes == expected[order]).all() and (rows == order).all() and rows.dtype == np.int64
        assert vectors.word_ids(["The", "zzqxw"]).tolist() == [0, -1]
        stale = np.load(path)
        stale[0] += np.uint64(1)  # e.g. another hash function: the sample no longer matches
        np.save(path, stale)
        vectors._hashes.cache_clear()
        hashes, rows = vectors._hashes()
        assert (hashes == expected[order]).all() and (np.load(path) == np.stack([hashes, order])).all()
    finally:
        vectors._hashes.cache_clear()
