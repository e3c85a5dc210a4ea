"""Decode raw bytes into text: BOMs, legacy encodings, binary detection, mojibake repair (ftfy)."""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

# --------------------------------------------------------------------------- decoding


def decode_bytes(data: bytes) -> tuple[str | None, str, str]:
    r"""Decode raw bytes into text, repairing mojibake.

    Parameters
    ----------
    data : bytes
        File content.

    Returns
    -------
    tuple of (str or None, str, str)
        ``(text, encoding, error)``. ``text`` is None when the bytes are not
        text (binary); ``encoding`` names the codec used; ``error`` is empty
        unless the content is unreadable.

    Examples
    --------
    >>> decode_bytes("The Élysée said “yes”".encode("cp1252"))[:2]
    ('The Élysée said “yes”', 'cp1252')
    >>> decode_bytes(b"\xef\xbb\xbfHello")[:2]
    ('Hello', 'utf-8-sig')
    """
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = data.decode("utf-16", errors="replace"), "utf-16"
    else:
        if b"\x00" in data[:8192]:
            return None, "binary", "binary content (NUL bytes): not a text file"
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _decode_legacy(data)
            if text is None:
                return None, "unknown", "could not detect a text encoding"
    if text and _control_share(text) > 0.05:
        return None, encoding, "mostly control characters: not a text file"
    # Repair mojibake (UTF-8 read as cp1252 etc.) but keep typography as printed.
    # Pure ASCII cannot hold mojibake: skip ftfy there (it is slow on big files).
    fixed = text if text.isascii() else fix_text(text)
    return fixed.replace("\r\n", "\n").replace("\r", "\n"), encoding, ""


#: ftfy options: repair mojibake, keep typography (curly quotes, ligatures, widths) as printed.
FTFY_OPTIONS: dict[str, object] = {
    "uncurl_quotes": False,
    "fix_character_width": False,
    "fix_latin_ligatures": False,
    "unescape_html": False,
    "normalization": "NFC",
}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=1)
def ftfy_shortcut() -> tuple[re.Pattern[str], re.Pattern[str], int] | None:
    """Return what proves cheaply that ftfy leaves a line unchanged, or None when it cannot be proven.

    With :data:`FTFY_OPTIONS`, ``ftfy.fix_text`` changes a line only when its badness regex matches
    (mojibake), when the line holds a character some fixer removes or replaces (control characters,
    C1 controls, CR / line and paragraph separators, terminal escapes, surrogates), or when it is
    not NFC-normalised. The badness regex is checked here to be a set of alternatives that each
    need a non-ASCII character and match at most ``width`` characters, with no look-around: then
    searching it only within ``width`` characters of each non-ASCII character finds every match.
    """
    try:
        from re import _parser as sre_parse  # type: ignore[attr-defined]

        from ftfy import badness, chardata
    except ImportError:  # pragma: no cover - ftfy is a pinned dependency
        return None
    pattern = badness.BADNESS_RE
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    width = parsed.getwidth()[1]
    if width > 64 or len(parsed.data) != 1 or str(parsed.data[0][0]) != "BRANCH":
        return None

    def non_ascii_only(op: object, av: object) -> bool:
        if str(op) == "LITERAL":
            return av >= 128  # type: ignore[operator]
        if str(op) == "IN":
            return all(
                (str(o) == "LITERAL" and a >= 128) or (str(o) == "RANGE" and a[0] >= 128) for o, a in av
            )
        return False

    def safe(items: object) -> bool:  # no look-around and no anchor other than the string start
        for op, av in items:
            name = str(op)
            if name in {"ASSERT", "ASSERT_NOT", "GROUPREF", "GROUPREF_EXISTS"}:
                return False
            if name == "AT" and str(av) not in {"AT_BEGINNING", "AT_BEGINNING_STRING"}:
                return False
            if name == "SUBPATTERN" and not safe(av[-1]):
                return False
            if name in {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"} and not safe(av[2]):
                return False
            if name == "BRANCH" and not all(safe(b) for b in av[1]):
                return False
        return True

    branches = parsed.data[0][1][1]
    if not safe(parsed.data) or not all(any(non_ascii_only(op, av) for op, av in b) for b in branches):
        return None
    removed = "".join(map(chr, chardata.CONTROL_CHARS))
    suspicious = re.compile("[" + re.escape(removed) + "\r\u2028\u2029\x1b\x80-\x9f" + "\ud800-\udfff" + "]")
    return pattern, suspicious, width


def _ftfy_unchanged(segment: str, shortcut: tuple[re.Pattern[str], re.Pattern[str], int]) -> bool:
    """Return True when ``ftfy.fix_text`` provably returns ``segment`` unchanged (:func:`ftfy_shortcut`)."""
    import unicodedata

    bad, suspicious, width = shortcut
    if suspicious.search(segment) or not unicodedata.is_normalized("NFC", segment):
        return False
    # A match needs a non-ASCII character and spans at most ``width`` characters, so it lies within
    # ``width`` of one; windows that overlap or touch are searched as one range (one search per run
    # of nearby non-ASCII characters, each character scanned once).
    end = len(segment)
    lo = hi = 0  # the current range (empty at first)
    for m in _NON_ASCII.finditer(segment):
        i = m.start()
        start = max(i - width + 1, 0)
        if start > hi:  # this character's window starts after the current range: search that one first
            if hi > lo and bad.search(segment, lo, hi):
                return False
            lo = start
        hi = min(i + width, end)
    return not (hi > lo and bad.search(segment, lo, hi))


def fix_text(text: str) -> str:
    """Return ``ftfy.fix_text(text, **FTFY_OPTIONS)``, calling ftfy only on lines it may change.

    ftfy fixes text line by line; a line it provably leaves alone (see :func:`ftfy_shortcut`) is
    kept as is, which skips ftfy's costly checks on almost every line of clean text.
    """
    import ftfy

    shortcut = ftfy_shortcut()
    parts = text.split("\n")
    if shortcut is None or max(map(len, parts)) >= 1_000_000:
        return ftfy.fix_text(text, **FTFY_OPTIONS)
    segments = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        segments.append(parts[-1])
    return "".join(
        seg if _ftfy_unchanged(seg, shortcut) else ftfy.fix_text(seg, **FTFY_OPTIONS) for seg in segments
    )


def _decode_legacy(data: bytes) -> tuple[str | None, str]:
    """Decode non-UTF-8 bytes: mostly-ASCII text is cp1252 (else latin-1), other text charset-normalizer's."""
    ascii_share = sum(b < 0x80 for b in data[:65536]) / max(min(len(data), 65536), 1)
    if ascii_share >= 0.6:
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return data.decode("latin-1"), "latin-1"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return (None, "unknown") if best is None else (str(best), best.encoding)


def _control_share(text: str) -> float:
    sample = text[:20000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t\f\v") or ch == "\ufffd")
    return bad / max(len(sample), 1)


def raw_row(article_id: str, source_path: str) -> dict:
    """Return a raw article row before reading: the loader's raw columns with status ``ok``.

    Examples
    --------
    >>> raw_row("a", "/x/a.txt")["status"]
    'ok'
    """
    return {
        "article_id": article_id,
        "source_path": source_path,
        "raw_text": "",
        "status": "ok",
        "error": "",
        "encoding": "",
    }
