"""The benchmark's ceiling: the mean of its runs, so one fast or slow run does not set every ratio."""

from bench.run import CEILING_AGAIN, _results, _table, ceiling_seconds


def test_the_ratios_use_the_mean_of_both_ceiling_runs():
    class Args:
        n, n_process, batch_size, chunk_size = 10, 2, 64, 25

    class Config:
        SPACY_BATCH_SIZE = 64

    got = {
        "ceiling": {"seconds": 80.0, "words": 1000},
        "cold": {"seconds": 120.0, "ok": 10, "articles": 10},
        CEILING_AGAIN: {"seconds": 120.0},
    }
    results = _results(Args(), got, added=1, gen_s=0.0, config=Config())
    assert results["ceiling_s"] == 100.0
    assert results["ceiling_runs_s"] == [80.0, 120.0]
    assert results["cold_ratio"] == 1.2
    assert "mean of 2: 80.0, 120.0 s" in _table(results)


def test_one_ceiling_run_is_the_ceiling():
    assert ceiling_seconds({"ceiling": {"seconds": 90.0}}) == (90.0, [90.0])
    assert ceiling_seconds({}) == (None, [])
