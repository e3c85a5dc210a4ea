"""Code digests follow the import graph (read with ast): a changed helper invalidates what imports it."""

from __future__ import annotations

from analysis.core import digest


def _package(root):
    pkg = root / "fakepkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "helper.py").write_text("def scale(x):\n    return 2 * x\n")
    (pkg / "sub" / "middle.py").write_text(
        "def twice(x):\n    from fakepkg.helper import scale\n    return scale(x)\n"
    )
    (pkg / "stage_a.py").write_text(
        "from fakepkg.sub import middle\n\ndef a(x):\n    return middle.twice(x)\n"
    )
    (pkg / "stage_b.py").write_text("import os\n\ndef b(x):\n    return x\n")
    (pkg / "stage_c.py").write_text("from .sub.middle import twice\n")
    (root / "data").mkdir()
    return pkg


def test_a_changed_helper_changes_the_digest_of_stages_importing_it_transitively(tmp_path):
    pkg = _package(tmp_path)
    data = tmp_path / "data"

    def digests():
        return {
            m: digest.module_digest(f"fakepkg.{m}", root=pkg, data_dir=data)
            for m in ("stage_a", "stage_b", "stage_c")
        }

    assert digest.dependencies("fakepkg.stage_a", root=pkg) == [
        "fakepkg.helper",
        "fakepkg.stage_a",
        "fakepkg.sub",
        "fakepkg.sub.middle",
    ]
    before = digests()
    (pkg / "helper.py").write_text("def scale(x):\n    return 3 * x\n")
    after = digests()
    assert after["stage_a"] != before["stage_a"]  # stage_a -> sub.middle -> helper (inside a function)
    assert after["stage_c"] != before["stage_c"]  # a relative import
    assert after["stage_b"] == before["stage_b"]  # imports nothing of the package


def test_a_named_data_file_is_part_of_the_digest(tmp_path):
    pkg = _package(tmp_path)
    data = tmp_path / "data"
    (pkg / "helper.py").write_text('NAME = "lexicon.csv"\n')
    (data / "lexicon.csv").write_text("a\n")
    (data / "other.csv").write_text("b\n")
    first = digest.module_digest("fakepkg.stage_a", root=pkg, data_dir=data)
    (data / "other.csv").write_text("c\n")
    assert digest.module_digest("fakepkg.stage_a", root=pkg, data_dir=data) == first
    (data / "lexicon.csv").write_text("d\n")
    assert digest.module_digest("fakepkg.stage_a", root=pkg, data_dir=data) != first


def test_imports_are_parsed_not_matched_by_text():
    edges = digest.parse_imports(
        'import os\ntext = "from analysis import fake"\nfrom analysis.core import cache\n'
        "def f():\n    from analysis.core.stats import bootstrap_mean_ci\n",
        "analysis.measures.x",
    )
    assert [(e.target, e.name, e.toplevel) for e in edges] == [
        ("analysis.core.cache", None, True),
        ("analysis.core.stats", "bootstrap_mean_ci", False),
    ]


def test_package_digests_are_kept_on_disk_under_the_stamp_of_the_code_and_data(tmp_path, monkeypatch):
    import shutil

    from analysis import config
    from analysis.core import rowstore

    data = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, data)
    monkeypatch.setattr(config, "DATA_DIR", data)
    monkeypatch.setattr(rowstore, "MODEL_DIR", tmp_path / "models")
    module = "analysis.framing.labels"
    digest.code_digest.cache_clear()
    try:
        got = digest.code_digest(module)
        assert got == digest.module_digest(module)  # the stored value is the computed one
        stored = digest.digests_file()
        assert stored.parent == tmp_path / "models" and module in stored.read_text()
        parsed: list[str] = []
        monkeypatch.setattr(digest, "module_digest", lambda m, **kw: parsed.append(m) or "recomputed")
        digest.code_digest.cache_clear()
        assert digest.code_digest(module) == got and parsed == []  # read back, nothing parsed
        (data / "aliases.csv").write_text((data / "aliases.csv").read_text() + "\n")  # any data edit
        digest.code_digest.cache_clear()
        assert digest.code_digest(module) == "recomputed" and parsed == [module]  # new stamp: computed
    finally:
        digest.code_digest.cache_clear()
