"""``python -m analysis stages`` prints the plan, and ``docs/architecture.md`` holds the same table."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.__main__ import main
from analysis.pipeline.plan import DOCS_BEGIN, DOCS_END, plan, replace_docs_block, stage_table

DOCS = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


def test_the_docs_stage_table_is_the_generated_one():
    text = DOCS.read_text("utf-8")
    assert replace_docs_block(text, stage_table(markdown=True)) == text, (
        "docs/architecture.md's stage table differs from the plan: paste `python -m analysis stages "
        f"--markdown` between {DOCS_BEGIN} and {DOCS_END}"
    )


def test_the_command_prints_every_stage_in_run_order(capsys):
    assert main(["stages"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["stage", "runs", "inputs", "outputs"]
    assert [line.split()[0] for line in lines[1:]] == [s.name for s in plan()]
    keyness = next(line for line in lines if line.startswith("keyness "))
    assert "corpus" in keyness and "_terms (term_counts=)" in keyness


def test_replacing_the_docs_block_needs_both_markers():
    text = f"a\n{DOCS_BEGIN}\nold\n{DOCS_END}\nb"
    assert replace_docs_block(text, "new\n") == f"a\n{DOCS_BEGIN}\nnew\n{DOCS_END}\nb"
    with pytest.raises(ValueError, match="no"):
        replace_docs_block("no markers", "new\n")
