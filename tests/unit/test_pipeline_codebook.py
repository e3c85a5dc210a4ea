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


def test_one_rule_finds_every_file_kept_beside_a_corpus(tmp_path):
    import pandas as pd

    from analysis.corpus.files import corpus_file

    (tmp_path / "people.csv").write_text("name,affiliation,kind\n")
    loaded = pd.DataFrame({"source_path": [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]})
    assert corpus_file(loaded, "people.csv") == tmp_path / "people.csv"  # a loaded table's one folder
    assert corpus_file(tmp_path / "a.txt", "people.csv") == tmp_path / "people.csv"
    assert corpus_file(tmp_path, "codebook.yaml", default="d") == "d"  # absent: the default
    assert corpus_file(tmp_path, "people.csv", explicit=tmp_path / "x.csv") == tmp_path / "x.csv"
    two = pd.DataFrame({"source_path": ["/a/1.txt", "/b/2.txt"]})
    assert corpus_file(two, "people.csv") is None  # articles from several folders: no corpus folder
    (tmp_path / "codebook.yaml").write_text("name: t\nversion: '1'\nframes: {}\n")
    assert resolve_codebook(loaded) == tmp_path / "codebook.yaml"  # the codebook follows the same rule


def test_the_people_table_keys_only_the_quotes_stage(tmp_path):
    from analysis.framing.quotes.people import people_digest, resolve_people

    table = tmp_path / "people.csv"
    table.write_text("name,affiliation,kind\nAnn Roe,Acme,person\n")
    assert resolve_people(tmp_path) == table and resolve_people(tmp_path / "a.txt") == table
    book = (DEFAULT_CODEBOOK, codebook_digest(DEFAULT_CODEBOOK))
    none = {p.name: p for p in plan(settings={"codebook": book, "people": (None, people_digest(None))})}
    some = {p.name: p for p in plan(settings={"codebook": book, "people": (table, people_digest(table))})}
    assert none["quotes"].digest != some["quotes"].digest
    assert some["quotes"].settings["people"] == table
    # stages that read the quotes table see new quotes through their input keys; their own code key stays
    assert none["frames"].digest == some["frames"].digest
    assert none["readability"].digest == some["readability"].digest
    before = people_digest(table)
    table.write_text("name,affiliation,kind\nAnn Roe,Other Company,person\n")  # an edit recomputes quotes
    assert people_digest(table) not in (before, people_digest(None))
