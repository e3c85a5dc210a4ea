"""Bad and varied input through load_corpus: every case gives a status or a clear CorpusError."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.corpus import load_corpus
from analysis.ingest import CorpusError
from analysis.schema import CORPUS_COLUMNS

ARTICLE = (
    "Leaders meet in Geneva for ceasefire talks\n"
    "The foreign ministers of France and Germany met their Ukrainian counterpart in Geneva on Tuesday "
    "to discuss a ceasefire proposal. Officials said the talks lasted four hours and would resume next "
    "week, after both sides agreed to exchange prisoners and to open a humanitarian corridor near the "
    "front line.\n"
)
OTHER = (
    "Grain exports rise as Black Sea corridor holds\n"
    "Ukraine shipped more grain through its Black Sea ports in October than in any month since the "
    "start of the war, the agriculture ministry said, as naval drones pushed Russian warships away from "
    "the western coast and insurers lowered their premiums for cargo ships heading to Odesa.\n"
)
THIRD = (
    "Energy officials in Kyiv warned that the winter would be harder than the last one, because repeated "
    "missile and drone strikes had destroyed most of the country's thermal generation. Engineers have been "
    "repairing substations at night, and the grid operator asked households to limit the use of heaters, "
    "washing machines and kettles during the evening peak. European partners pledged transformers, mobile "
    "gas turbines and money for solar panels on hospitals and schools, but deliveries take months.\n"
)
FRENCH = (
    "Le président de la République a reçu mardi ses homologues européens au palais de l'Élysée pour "
    "discuter d'un cessez-le-feu en Ukraine. Les discussions ont duré plus de quatre heures et doivent "
    "reprendre la semaine prochaine, selon des responsables qui ont demandé à ne pas être nommés, car "
    "les négociations restent confidentielles et très fragiles.\n"
)
GERMAN = (
    "Die Außenminister Frankreichs und Deutschlands haben sich am Dienstag in Genf mit ihrem ukrainischen "
    "Amtskollegen getroffen, um über einen Waffenstillstand zu beraten. Die Gespräche dauerten vier "
    "Stunden und sollen in der kommenden Woche fortgesetzt werden, sagten Vertreter beider Regierungen "
    "nach dem Treffen in der Schweiz.\n"
)


def write(folder, name, content):
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def row(df, article_id):
    return df.loc[df["article_id"] == article_id].iloc[0]


# --------------------------------------------------------------------------- source errors


def test_missing_path_names_the_path(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(CorpusError, match="nowhere"):
        load_corpus(missing)


def test_empty_folder_is_an_error(tmp_path):
    with pytest.raises(CorpusError, match="no article files"):
        load_corpus(tmp_path)


def test_csv_without_text_column_lists_the_columns_it_saw(tmp_path):
    path = tmp_path / "table.csv"
    pd.DataFrame({"headline": ["a"], "author": ["b"]}).to_csv(path, index=False)
    with pytest.raises(CorpusError) as info:
        load_corpus(path)
    message = str(info.value)
    assert str(path) in message and "headline" in message and "author" in message


# --------------------------------------------------------------------------- per-file statuses


def test_empty_and_whitespace_files_get_status_empty(tmp_path):
    write(tmp_path, "a.txt", ARTICLE)
    write(tmp_path, "b.txt", "")
    write(tmp_path, "c.txt", "  \n\t\n   \n")
    df = load_corpus(tmp_path)
    assert row(df, "a")["status"] == "ok"
    assert row(df, "b")["status"] == "empty"
    assert row(df, "c")["status"] == "empty"
    assert row(df, "c")["text"] == ""
    assert "c.txt" in row(df, "c")["error"]


def test_binary_file_is_unreadable_not_a_crash(tmp_path):
    write(tmp_path, "a.txt", ARTICLE)
    write(tmp_path, "img.txt", bytes(range(256)) * 40)
    df = load_corpus(tmp_path)
    bad = row(df, "img")
    assert bad["status"] == "unreadable"
    assert "img.txt" in bad["error"]
    assert row(df, "a")["status"] == "ok"


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_encodings_decode_correctly(tmp_path, encoding):
    text = (
        "Macron reçoit à l’Élysée ses homologues européens\n"
        "The meeting at the Élysée Palace in Paris lasted four hours, officials said, and the leaders "
        "agreed to meet again in Genève next week to discuss the ceasefire proposal in more detail.\n"
    )
    if encoding == "latin-1":
        text = text.replace("’", "'")
    write(tmp_path, "a.txt", text.encode(encoding))
    df = load_corpus(tmp_path, detect_language=False)
    article = row(df, "a")
    assert article["status"] == "ok"
    assert "Élysée Palace" in article["text"]
    assert "Genève" in article["text"]
    assert article["title"].startswith("Macron reçoit à l")


def test_utf8_mojibake_is_repaired(tmp_path):
    text = "Talks at the Élysée Palace begin\nThe leaders met at the Élysée Palace on Monday, officials said."
    write(tmp_path, "a.txt", text.encode("utf-8").decode("cp1252").encode("utf-8"))
    df = load_corpus(tmp_path, detect_language=False)
    assert "Élysée Palace" in row(df, "a")["text"]


def test_utf8_bom_is_stripped(tmp_path):
    write(tmp_path, "a.txt", b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"))
    df = load_corpus(tmp_path)
    article = row(df, "a")
    assert not article["raw_text"].startswith("\ufeff")
    assert article["title"] == "Leaders meet in Geneva for ceasefire talks"
    assert article["encoding"] == "utf-8-sig"


def test_ten_megabyte_file_loads(tmp_path):
    paragraph = ARTICLE.split("\n")[1]
    parts = [f"Update {i}: {paragraph} Officials counted {i} convoys on day {i}." for i in range(40_000)]
    content = "Long running coverage of the ceasefire talks\n" + "\n".join(parts)
    content = content[: 10 * 1024 * 1024]
    assert len(content.encode()) >= 9.9 * 1024 * 1024
    write(tmp_path, "big.txt", content)
    df = load_corpus(tmp_path, detect_language=False, dedupe=False)
    article = row(df, "big")
    assert article["status"] == "ok"
    assert article["n_words"] > 1_000_000


# --------------------------------------------------------------------------- tables


@pytest.mark.parametrize("column", ["text", "body", "content", "story_text"])
@pytest.mark.parametrize("suffix", ["csv", "jsonl", "parquet"])
def test_tables_with_common_text_columns(tmp_path, column, suffix):
    table = pd.DataFrame(
        {
            "id": ["1", "2"],
            column: [ARTICLE, OTHER],
            "media_name": ["Daily A", "Daily B"],
            "publish_date": ["2025-12-21", "2025-12-22"],
        }
    )
    path = tmp_path / f"articles.{suffix}"
    if suffix == "csv":
        table.to_csv(path, index=False)
    elif suffix == "jsonl":
        path.write_text("\n".join(json.dumps(r) for r in table.to_dict("records")), encoding="utf-8")
    else:
        table.to_parquet(path)
    df = load_corpus(path)
    assert list(df.columns[: len(CORPUS_COLUMNS)]) == list(CORPUS_COLUMNS)
    assert df["status"].tolist() == ["ok", "ok"]
    assert df["outlet"].tolist() == ["Daily A", "Daily B"]
    assert df["date"].dt.strftime("%Y-%m-%d").tolist() == ["2025-12-21", "2025-12-22"]
    assert df.loc[0, "title"] == "Leaders meet in Geneva for ceasefire talks"
    assert df.loc[0, "text"].startswith("The foreign ministers of France")


def test_media_cloud_export_without_text_keeps_metadata(tmp_path):
    path = tmp_path / "mediacloud.csv"
    pd.DataFrame(
        {
            "stories_id": ["123", "456"],
            "title": ["Putin ready for talks", "Macron calls Kremlin"],
            "media_name": ["Outlet One", "Outlet Two"],
            "publish_date": ["2025-12-21 10:00:00", "2025-12-22 09:30:00"],
            "url": ["https://one.example/a", "https://two.example/b"],
        }
    ).to_csv(path, index=False)
    df = load_corpus(path)
    assert df["status"].tolist() == ["no_text", "no_text"]
    first = row(df, "123")
    assert first["outlet"] == "Outlet One"
    assert first["title"] == "Putin ready for talks"
    assert first["url"] == "https://one.example/a"
    assert first["date"] == pd.Timestamp("2025-12-21 10:00:00")
    assert first["text"] == ""


def test_dataframe_source_with_article_id_and_text():
    df = load_corpus(pd.DataFrame({"article_id": ["x"], "text": [ARTICLE]}))
    assert df.loc[0, "status"] == "ok"
    assert df.loc[0, "title"] == "Leaders meet in Geneva for ceasefire talks"


def test_list_of_paths(tmp_path):
    a = write(tmp_path, "a.txt", ARTICLE)
    b = write(tmp_path, "b.txt", OTHER)
    df = load_corpus([a, b])
    assert df["article_id"].tolist() == ["a", "b"]


# --------------------------------------------------------------------------- duplicates and language


def test_exact_and_near_duplicates_point_at_the_original(tmp_path):
    long_article = ARTICLE + OTHER.split("\n", 1)[1] + THIRD
    write(tmp_path, "a.txt", long_article)
    write(tmp_path, "b.txt", long_article)
    # one word changed and a byline appended: a near duplicate
    near = long_article.replace("Tuesday", "Wednesday", 1) + "Reporting by staff writers.\n"
    write(tmp_path, "c.txt", near)
    write(tmp_path, "d.txt", OTHER)
    df = load_corpus(tmp_path)
    assert row(df, "a")["status"] == "ok"
    assert row(df, "b")["status"] == "duplicate" and row(df, "b")["duplicate_of"] == "a"
    assert row(df, "c")["status"] == "duplicate" and row(df, "c")["duplicate_of"] == "a"
    assert row(df, "d")["status"] == "ok"


def test_same_story_copied_twice_inside_one_article_is_not_an_article_duplicate(tmp_path):
    first = ARTICLE.split("\n")[1]
    write(tmp_path, "a.txt", f"{first}\nView Original\nLeaders meet in Geneva for ceasefire talks\n{first}\n")
    df = load_corpus(tmp_path)
    article = row(df, "a")
    assert article["status"] == "ok"
    assert article["text"] == first
    assert article["title"] == "Leaders meet in Geneva for ceasefire talks"


def test_non_english_articles_are_marked(tmp_path):
    write(tmp_path, "en.txt", ARTICLE)
    write(tmp_path, "fr.txt", FRENCH)
    write(tmp_path, "de.txt", GERMAN)
    df = load_corpus(tmp_path)
    assert row(df, "en")["status"] == "ok" and row(df, "en")["language"] == "en"
    assert row(df, "fr")["status"] == "non_english" and row(df, "fr")["language"] == "fr"
    assert row(df, "de")["status"] == "non_english" and row(df, "de")["language"] == "de"


# --------------------------------------------------------------------------- metadata and outlet


def test_metadata_overrides_inferred_values(tmp_path):
    write(tmp_path, "a.txt", ARTICLE)
    write(tmp_path, "b.txt", OTHER + "(AFP)\n")
    meta = pd.DataFrame(
        {
            "article_id": ["a"],
            "outlet": ["Example Times"],
            "title": ["A title from the metadata"],
            "date": ["2025-12-21"],
            "event": ["talks"],
        }
    )
    with pytest.warns(UserWarning, match="1 of 2 articles got metadata"):  # b has no row
        df = load_corpus(tmp_path, metadata=meta)
    a, b = row(df, "a"), row(df, "b")
    assert a["outlet"] == "Example Times"
    assert a["title"] == "A title from the metadata" and not a["title_derived"]
    assert a["date"] == pd.Timestamp("2025-12-21")
    assert a["event"] == "talks"
    # b has no metadata row: the agency sign-off names the outlet
    assert b["outlet"] == "AFP" and b["outlet_type"] == "agency"
    assert "(AFP)" not in b["text"]


def test_metadata_csv_beside_the_folder_is_used(tmp_path):
    write(tmp_path, "a.txt", ARTICLE)
    pd.DataFrame({"article_id": ["a"], "outlet": ["Beside Daily"]}).to_csv(
        tmp_path / "metadata.csv", index=False
    )
    assert row(load_corpus(tmp_path), "a")["outlet"] == "Beside Daily"
    assert row(load_corpus(tmp_path, metadata=False), "a")["outlet"] == "unknown-a"


def test_unknown_outlets_get_labels_of_their_own(tmp_path):
    write(tmp_path, "a.txt", ARTICLE)
    write(tmp_path, "b.txt", OTHER)
    df = load_corpus(tmp_path)
    assert df["outlet"].tolist() == ["unknown-a", "unknown-b"]


def test_derived_title_is_flagged(tmp_path):
    write(tmp_path, "a.txt", ARTICLE.split("\n", 1)[1])
    article = row(load_corpus(tmp_path), "a")
    assert article["title_derived"]
    assert article["title"].startswith("The foreign ministers of France and Germany met")


def test_detected_outlet_type_never_overrides_an_outlet_given_by_metadata(tmp_path):
    write(tmp_path, "a.txt", OTHER + "(AFP)\n")
    df = load_corpus(tmp_path, metadata=pd.DataFrame({"article_id": ["a"], "outlet": ["Example Times"]}))
    assert row(df, "a")["outlet"] == "Example Times"
    assert row(df, "a")["outlet_type"] == "unknown"


# --------------------------------------------------------------------------- metadata join


def _two_files(tmp_path):
    (tmp_path / "alpha.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "beta.txt").write_text(OTHER, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("key", "values"),
    [
        ("id", ["alpha", "beta"]),
        ("file", ["alpha.txt", "beta.txt"]),
        ("Filename", ["alpha.txt", "beta"]),
        ("path", ["/somewhere/else/alpha.txt", "corpus\\beta.txt"]),
        ("article_id", ["alpha", "beta"]),
    ],
)
def test_metadata_joins_on_any_recognised_key_without_warning(tmp_path, key, values):
    import warnings

    folder = _two_files(tmp_path)
    meta = pd.DataFrame({key: values, "outlet": ["Joined Times", "Joined Post"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = load_corpus(folder, metadata=meta)
    assert df.set_index("article_id")["outlet"].to_dict() == {"alpha": "Joined Times", "beta": "Joined Post"}
    join = df.attrs["metadata_join"]
    assert join["articles_matched"] == 2 and join["metadata_rows_matched"] == 2 and join["message"] == ""
    assert key not in df.columns or key == "article_id"


def test_metadata_joins_on_url_ignoring_scheme_www_and_slash():
    table = pd.DataFrame(
        {"text": [ARTICLE, OTHER], "url": ["https://www.example.com/a/", "http://example.org/b"]}
    )
    meta = pd.DataFrame({"url": ["http://example.com/a", "example.org/b/"], "outlet": ["A", "B"]})
    df = load_corpus(table, metadata=meta)
    assert sorted(df["outlet"]) == ["A", "B"]


def test_metadata_that_matches_nothing_warns_with_counts_and_examples(tmp_path):
    from analysis.ingest.metadata import MetadataJoinWarning

    folder = _two_files(tmp_path)
    meta = pd.DataFrame({"filename": ["gamma.txt", "delta.txt", "epsilon.txt"], "outlet": ["X", "Y", "Z"]})
    with pytest.warns(
        MetadataJoinWarning, match=r"matched none.*0 of 3 metadata rows.*0 of 2 articles"
    ) as rec:
        df = load_corpus(folder, metadata=meta)
    message = str(rec[0].message)
    assert "gamma.txt" in message and "alpha" in message
    join = df.attrs["metadata_join"]
    assert join["key"] == "filename" and join["metadata_rows"] == 3 and join["articles_matched"] == 0
    assert join["unmatched_metadata_example"] == "gamma.txt" and join["unmatched_article_example"] == "alpha"
    assert not df["outlet"].isin(["X", "Y", "Z"]).any()


def test_metadata_that_matches_some_articles_warns_and_joins_those(tmp_path):
    from analysis.ingest.metadata import MetadataJoinWarning

    folder = _two_files(tmp_path)
    meta = pd.DataFrame({"id": ["alpha", "zeta"], "outlet": ["Joined Times", "Nobody"]})
    with pytest.warns(MetadataJoinWarning, match=r"only some.*1 of 2 metadata rows.*1 of 2 articles"):
        df = load_corpus(folder, metadata=meta)
    assert df.set_index("article_id").loc["alpha", "outlet"] == "Joined Times"
    assert df.attrs["metadata_join"]["unmatched_article_example"] == "beta"
    assert df.attrs["metadata_join"]["unmatched_metadata_example"] == "zeta"


def test_metadata_without_a_key_column_names_the_accepted_keys(tmp_path):
    folder = _two_files(tmp_path)
    with pytest.raises(
        CorpusError, match=r"no key column.*article_id, id, file, filename, path, url.*outlet"
    ):
        load_corpus(folder, metadata=pd.DataFrame({"outlet": ["A"]}))
