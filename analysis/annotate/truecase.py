"""True-casing of upper-case lines (headlines, datelines) before parsing, offsets unchanged.

spaCy's small model was trained on mixed-case text: in a line written in
capitals ("SOCCER - JAPAN GET LUCKY WIN", "LONDON 1996-08-30") it misses
names or labels ordinary words as organisations. :func:`truecase` rewrites
only such lines, and only the case of their letters, so every character
offset stays the same and the token table keeps the original text.

Each word of an upper-case line gets the casing the same text gives it
elsewhere (in its mixed-case lines, not at the start of a sentence): "Japan"
if the body writes "Japan", "IRA" if it writes "IRA", "win" if it writes
"win". A word the text never writes otherwise is lower case when it is a
function word or a common English word (``wordfreq`` Zipf frequency at least
:data:`COMMON_ZIPF`: "defeats", "moves"), else title case ("Leicestershire");
the first word of the line starts with a capital.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

#: A line with no lower-case ASCII letter and two capitals in a row: the cheap test run on every text.
_CAPS_LINE = re.compile(r"^[^a-z\n]*[A-Z]{2}[^a-z\n]*$", re.MULTILINE)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
#: Zipf frequency from which a word the article never writes in mixed case is taken as a common word.
COMMON_ZIPF = 3.5
#: Words a headline writes in capitals that are lower case in running text, whatever the article says.
FUNCTION_WORDS = frozenset(
    "a an the of in on at to for and or but nor by with from as into onto over under after before "
    "about against between during without within than is are was were be been has have had will "
    "would can could may might must shall should not no its it this that these those v vs".split()
)


def is_caps_line(line: str) -> bool:
    """Tell whether a line is written in capitals (at least 4 letters, one word of 2+, no lower case).

    Examples
    --------
    >>> [is_caps_line(x) for x in ("LONDON 1996-08-30", "Paris 1996", "U.S.", "NATO: 2")]
    [True, False, False, True]
    """
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 4 or any(c.islower() for c in letters):
        return False
    return any(len(w) >= 2 for w in _WORD.findall(line))


def _casing_evidence(text: str) -> dict[str, Counter]:
    """Count, per lower-cased word, how the mixed-case lines write it (not at a sentence start)."""
    out: dict[str, Counter] = defaultdict(Counter)
    for line in text.split("\n"):
        if is_caps_line(line):
            continue
        for m in _WORD.finditer(line):
            before = line[: m.start()].rstrip()
            if not before or before[-1] in ".!?:\"'“‘(-–—":
                continue  # a sentence start says nothing about the word's case
            word = m.group(0)
            form = "upper" if len(word) > 1 and word.isupper() else "title" if word[0].isupper() else "lower"
            out[word.lower()][form] += 1
    return out


def _recase(word: str, form: str) -> str:
    if form == "upper":
        return word
    if form == "lower":
        return word.lower()
    return "".join(  # title case, each part of a hyphenated or apostrophe name ("Al-Ram", "O'Brien")
        part[:1].upper() + part[1:].lower() if part[:1].isalpha() else part
        for part in re.split(r"([-'’])", word)
    )


def truecase(text: str, context: str = "") -> str:
    r"""Return ``text`` with its upper-case lines in mixed case; same length, only letter case changes.

    ``context``: more text of the same article whose casing counts as evidence (the body, for a title).

    Examples
    --------
    >>> truecase("SOCCER - JAPAN BEAT SYRIA IN ASIAN CUP .\nHosts Japan beat Syria 2-1 in the Asian Cup .")
    'Soccer - Japan beat Syria in Asian Cup .\nHosts Japan beat Syria 2-1 in the Asian Cup .'
    >>> truecase("KLINSMANN DEFEATS MOLDOVA 1996-08-30")
    'Klinsmann defeats Moldova 1996-08-30'
    >>> truecase("No capitals here.") == "No capitals here."
    True
    """
    if not _CAPS_LINE.search(text):
        return text
    evidence: dict[str, Counter] | None = None
    out = []
    for line in text.split("\n"):
        if not is_caps_line(line):
            out.append(line)
            continue
        if evidence is None:
            evidence = _casing_evidence(text + "\n" + context if context else text)
        pieces, pos, first = [], 0, True
        for m in _WORD.finditer(line):
            word = m.group(0)
            seen = evidence.get(word.lower())
            if seen:
                form = seen.most_common(1)[0][0]
            elif len(word) == 1 and not first:
                form = "upper"  # initials and "U.S."
            else:
                from wordfreq import zipf_frequency  # ~0.5 s to import: only when a caps line needs it

                key = word.lower()
                common = key in FUNCTION_WORDS or zipf_frequency(key, "en") >= COMMON_ZIPF
                form = "lower" if common else "title"
            new = _recase(word, form)
            if first and form == "lower":
                new = new[:1].upper() + new[1:]
            if len(new) != len(word):  # a letter whose case change changes the length ("İ"): keep it
                new = word
            pieces.append(line[pos : m.start()] + new)
            pos, first = m.end(), False
        pieces.append(line[pos:])
        out.append("".join(pieces))
    return "\n".join(out)
