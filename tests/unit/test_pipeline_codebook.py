from analysis.framing.codebook import DEFAULT_CODEBOOK, codebook_digest, resolve_codebook
from analysis.pipeline.chunks import stage_keys
from analysis.pipeline.plan import plan


def test_the_codebook_keys_only_the_stages_that_read_it(tmp_path):
    default = (DEFAULT_CODEBOOK, codebook_digest(DEFAULT_CODEBOOK))
    other = (
        {
            "name": "mine",
            "version": "1",
            "frames": {
                "x": {
                    "type": "story",
                    "label": "X",
                    "indicators": [{"id": "x1", "question": "Is x mentioned?", "any": ["x"]}],
                }
            },
        },
        "digest-of-mine",
    )
    a = {p.name: p for p in plan(settings={"codebook": default})}
    b = {p.name: p for p in plan(settings={"codebook": other})}
    assert a["frames"].digest != b["frames"].digest
    assert a["_frame_evidence"].digest != b["_frame_evidence"].digest
    # salience reads the rule hits (_frame_evidence): its chunk key follows theirs
    keys_a, keys_b = stage_keys(list(a.values()), "chunk"), stage_keys(list(b.values()), "chunk")
    assert keys_a["salience"] != keys_b["salience"] and keys_a["mentions"] == keys_b["mentions"]
    assert a["readability"].digest == b["readability"].digest
    assert b["frames"].settings["codebook"] is other[0]
    assert "codebook" not in a["readability"].settings


def test_a_codebook_beside_the_corpus_is_picked_up(tmp_path):
    (tmp_path / "codebook.yaml").write_text("name: t\nversion: '1'\nframes: {}\n")
    assert resolve_codebook(tmp_path) == tmp_path / "codebook.yaml"
    assert resolve_codebook(tmp_path / "articles.csv") == tmp_path / "codebook.yaml"
    assert resolve_codebook(tmp_path, "other.yaml").name == "other.yaml"
    assert resolve_codebook(None) == DEFAULT_CODEBOOK
