"""Role phrases ("the Russian president", "Kremlin spokesman") parsed from folded words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from analysis.measures.entities.lexicon import (
    DETERMINERS,
    HEAD_TITLES,
    ROLE_CHANGERS,
    ROLE_MODIFIERS,
    ROLE_TITLES,
    VAGUE_TITLES,
)
from analysis.measures.entities.names import Alias, AliasTable, name_key

# --------------------------------------------------------------------------- role phrases


@dataclass(frozen=True)
class Role:
    """A parsed role phrase: where it ends, the normalised title and the country."""

    end: int
    title: str
    country: str
    institution: str = ""
    plural: bool = False


def _match_alias_at(
    words: list[str], i: int, aliases: AliasTable, categories: set[str]
) -> tuple[int, Alias] | None:
    if i >= len(words) or not words[i] or words[i] in DETERMINERS or not aliases.starts_here(words[i]):
        return None
    for n in range(min(aliases.max_tokens, len(words) - i), 0, -1):
        if not all(words[i : i + n]) or not words[i + n - 1][-1:].isalnum():
            continue
        if not aliases.can_end_with(words[i + n - 1]):
            continue
        chunk = " ".join(words[i : i + n])
        hit = aliases.entries.get(name_key(chunk))
        if hit is not None and hit.category in categories:
            return i + n, hit
    return None


TITLE_FIRST = frozenset(t.split()[0] for t in ROLE_TITLES)


def match_title_at(words: list[str], i: int) -> tuple[int, str, bool] | None:
    """Match a role title (possibly plural) at ``words[i]``: (end, title, plural) or None."""
    if i >= len(words):
        return None
    w = words[i]
    if w not in TITLE_FIRST and w[:-1] not in TITLE_FIRST and w[:-3] + "man" not in TITLE_FIRST:
        return None
    for n in (4, 3, 2, 1):
        chunk = words[i : i + n]
        if len(chunk) < n:
            continue
        text = " ".join(chunk)
        if text in ROLE_TITLES:
            return i + n, ROLE_TITLES[text], False
        # plural of the last word ("leaders", "presidents")
        if chunk[-1].endswith("s") and " ".join([*chunk[:-1], chunk[-1][:-1]]) in ROLE_TITLES:
            return i + n, ROLE_TITLES[" ".join([*chunk[:-1], chunk[-1][:-1]])], True
        if chunk[-1].endswith("men") and " ".join([*chunk[:-1], chunk[-1][:-3] + "man"]) in ROLE_TITLES:
            return i + n, ROLE_TITLES[" ".join([*chunk[:-1], chunk[-1][:-3] + "man"])], True
    return None


PLACEISH = {"country", "demonym", "institution", "capital"}


def _institution_title(alias: Alias) -> str:
    name = alias.canonical.lower()
    if "presidency" in name:
        return "president"
    if "prime minister" in name:
        return "prime minister"
    if "chancellery" in name:
        return "chancellor"
    if "foreign" in name or "state" in name:
        return "foreign minister"
    return "leader"


def _may_open_role(word: str, aliases: AliasTable) -> bool:
    """Tell whether a role phrase can go on at ``word`` (a place, institution, modifier, changer or title)."""
    return (
        word in ROLE_MODIFIERS
        or word in ROLE_CHANGERS
        or word.rstrip("-") in ROLE_CHANGERS
        or word in TITLE_FIRST
        or word[:-1] in TITLE_FIRST
        or word[:-3] + "man" in TITLE_FIRST
        or aliases.starts_here(word)
    )


def title_starts(words: Sequence[str], memo: dict[str, bool]) -> list[int]:
    """Positions of ``words`` where :func:`match_title_at` may find a title (its first test passes).

    ``memo`` keeps the test's answer per distinct word (one dict for many fields).

    >>> title_starts(["the", "president", "said"], {})
    [1]
    """
    out = []
    for i, w in enumerate(words):
        hit = memo.get(w)
        if hit is None:
            hit = memo[w] = w in TITLE_FIRST or w[:-1] in TITLE_FIRST or w[:-3] + "man" in TITLE_FIRST
        if hit:
            out.append(i)
    return out


def role_starts(words: Sequence[str], aliases: AliasTable, memo: dict[str, bool]) -> list[int]:
    """Positions of ``words`` where :func:`parse_role` may find a role phrase; it finds none elsewhere.

    A phrase opens with a word that may open a role (:func:`_may_open_role`), or with a
    determiner right before one. ``memo`` keeps that test's answer per distinct word (one
    dict for many fields of one alias table).
    """
    opens = []
    for w in words:
        hit = memo.get(w)
        if hit is None:
            hit = memo[w] = _may_open_role(w, aliases)
        opens.append(hit)
    n = len(words)
    return [i for i in range(n) if opens[i] or (i + 1 < n and opens[i + 1] and words[i] in DETERMINERS)]


def parse_role(
    words: Sequence[str], start: int, aliases: AliasTable, *, allow_det: bool = True
) -> Role | None:
    """Parse a role phrase beginning at ``words[start]``.

    Grammar: ``[determiner] (country | demonym | institution | modifier)*
    title [of [the] (country | institution)]``, e.g. "the Russian
    presidential press secretary", "Kremlin spokesman", "his Russian
    counterpart", "the head of the Kremlin", "President of Russian
    Federation". Words must already be folded (:func:`fold`).

    Parameters
    ----------
    words : sequence of str
        Folded tokens.
    start : int
        Index of the first token.
    aliases : AliasTable
        Gives countries, demonyms and institutions.
    allow_det : bool, default True
        Accept a leading determiner or possessive pronoun.

    Returns
    -------
    Role or None
        ``end`` is exclusive; ``title`` normalised (``'president'``,
        ``'spokesperson'``, ...); ``country`` empty when the phrase names none.
    """
    if not isinstance(words, list):
        words = list(words)
    i = start
    if i >= len(words) or not words[i]:
        return None
    if allow_det and i < len(words) and words[i] in DETERMINERS:
        i += 1
    if i < len(words) and not _may_open_role(words[i], aliases):
        return None  # what the loop and match_title_at below would conclude, without the calls
    country, institution, changer = "", "", ""
    while i < len(words):
        hit = _match_alias_at(words, i, aliases, PLACEISH)
        if hit is not None:
            i, alias = hit
            country = country or alias.country
            if alias.category == "institution":
                institution = alias.canonical
            continue
        if words[i] in ROLE_MODIFIERS:
            i += 1
            continue
        if words[i] in ROLE_CHANGERS or words[i].rstrip("-") in ROLE_CHANGERS:
            changer = words[i].rstrip("-")
            i += 1
            continue
        break
    title_hit = match_title_at(words, i)
    if title_hit is None:
        return None
    i, title, plural = title_hit
    # complement: "of [the] Russia / of the Kremlin / of Russian Federation"
    if i + 1 < len(words) and words[i] == "of":
        j = i + 1
        if j < len(words) and words[j] == "the":
            j += 1
        hit = _match_alias_at(words, j, aliases, PLACEISH)
        if hit is not None:
            i, alias = hit
            country = country or alias.country
            if alias.category == "institution":
                institution = alias.canonical
    if title == "head" and institution:
        title = _institution_title(aliases.lookup(institution) or Alias(institution, "", "", "", ""))
    elif title == "head" and not country:
        return None
    if institution and title in {"spokesperson"}:
        title = "spokesperson"
    if changer:
        title = f"{changer} {title}"
    return Role(i, title, country, institution, plural)


def role_matches(query: Role, held: tuple[str, str]) -> bool:
    """Tell whether a held (title, country) role answers a role phrase."""
    title, country = held
    if query.country and country != query.country:
        return False
    if query.title in VAGUE_TITLES or query.title == "leader":
        return title in HEAD_TITLES or title == "leader"
    if query.title == "spokesperson":
        return title in {"spokesperson"}
    return title == query.title
