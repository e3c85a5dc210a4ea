"""`python -m analysis summary`: one line per article and a total; bad sources are one-line errors."""

from __future__ import annotations

from analysis.__main__ import main


def test_summary_of_the_seeds_lists_every_article_and_dropped_roles(capsys, seeds_dir):
    assert main(["summary", str(seeds_dir)]) == 0
    out = capsys.readouterr().out
    ids = sorted(p.stem for p in seeds_dir.glob("*.txt"))
    assert all(i in out for i in ids)
    assert "5 articles (5 ok)" in out and "appended_item 3" in out and "duplicate 7" in out


def test_summary_of_a_missing_path_is_a_one_line_error(capsys, tmp_path):
    assert main(["summary", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "no such file or folder" in err and "Traceback" not in err


def test_summary_of_a_metadata_only_export(capsys, tmp_path):
    export = tmp_path / "stories.csv"
    export.write_text("stories_id,title,media_name,publish_date,url\n7,Talks,Example News,2025-12-21,http://x/a\n")
    assert main(["summary", str(export)]) == 0
    out = capsys.readouterr().out
    assert "no_text" in out and "Example News" in out and "0 blocks dropped" in out
