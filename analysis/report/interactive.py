"""Sortable, searchable tables in the reports, offline: DataTables from the ``itables`` package.

The DataTables bundle that ``itables`` ships (``dt_bundle.js``/``.css``, MIT) is written
once per build into ``<reports>/assets/`` — not embedded in every page. Browsers refuse
``<script type="module" src=...>`` on ``file://`` pages, so the bundle is wrapped in a
classic script that imports it from a ``blob:`` URL (as itables' own offline mode does),
then turns every ``table.of-interactive`` into a DataTable. A page opened without its
assets folder still shows the same rows as a plain table.
"""

from __future__ import annotations

import json
from pathlib import Path

#: Folder under the reports folder that holds the shared scripts and styles.
ASSETS_DIR = "assets"
#: File names written into :data:`ASSETS_DIR`.
SCRIPT_NAME = "datatables.js"
STYLE_NAME = "datatables.css"
#: CSS class of the tables the script enhances.
INTERACTIVE_CLASS = "of-interactive"

_LOADER = """
(function () {
  "use strict";
  var source = %(source)s;
  function enhance(mod) {
    var DataTable = mod.default || mod.DataTable;
    document.querySelectorAll("table.%(cls)s").forEach(function (table) {
      if (table.classList.contains("dataTable")) return;
      new DataTable(table, {pageLength: 25, lengthMenu: [10, 25, 100, 1000], order: [], autoWidth: false});
    });
    document.documentElement.setAttribute("data-of-tables", "ready");
  }
  var url = URL.createObjectURL(new Blob([source], {type: "text/javascript"}));
  import(url).then(function (mod) { URL.revokeObjectURL(url); enhance(mod); }, function (error) {
    document.documentElement.setAttribute("data-of-tables", "failed");
    console.warn("interactive tables unavailable: " + error);
  });
})();
"""


def _bundle_dir() -> Path:
    import itables

    return Path(itables.__file__).resolve().parent / "html"


def write_assets(dest: str | Path) -> list[Path]:
    """Write the interactive-table script and style into ``<dest>/assets`` and return their paths.

    Parameters
    ----------
    dest : str or path-like
        The reports folder.

    Returns
    -------
    list of pathlib.Path
        The script and the style sheet.
    """
    bundle = _bundle_dir()
    folder = Path(dest) / ASSETS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    source = (bundle / "dt_bundle.js").read_text(encoding="utf-8")
    script = folder / SCRIPT_NAME
    # json.dumps makes a JS string literal; "</" is escaped so the text can never close a script tag
    literal = json.dumps(source).replace("</", "<\\/")
    script.write_text(_LOADER % {"source": literal, "cls": INTERACTIVE_CLASS}, encoding="utf-8")
    style = folder / STYLE_NAME
    style.write_text((bundle / "dt_bundle.css").read_text(encoding="utf-8"), encoding="utf-8")
    return [script, style]


def assets_href(depth: int) -> str:
    """Return the relative link from a page ``depth`` folders below the reports folder to the assets.

    Examples
    --------
    >>> assets_href(0), assets_href(1)
    ('assets', '../assets')
    """
    return "../" * depth + ASSETS_DIR
