"""Boilerplate pattern families (``data/boilerplate.yaml``); regexes of captions, credits, sign-offs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from analysis import config

# --------------------------------------------------------------------------- pattern data


@dataclass(frozen=True)
class Family:
    """A boilerplate pattern family read from ``data/boilerplate.yaml``."""

    name: str
    regex: re.Pattern[str]
    max_words: int
    tail: bool
    lists: bool
    keywords: re.Pattern[str] | None


@lru_cache(maxsize=1)
def families() -> tuple[Family, ...]:
    """Return the boilerplate families of ``data/boilerplate.yaml``, compiled (read once per process)."""
    import yaml

    with open(config.DATA_DIR / "boilerplate.yaml", encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    families = []
    for fam in spec["families"]:
        alternation = "|".join(f"(?:{p})" for p in fam["patterns"])
        families.append(
            Family(
                name=str(fam["name"]),
                regex=re.compile(rf"(?:{alternation})", re.IGNORECASE),
                max_words=int(fam.get("max_words", 40)),
                tail=bool(fam.get("tail", False)),
                lists=bool(fam.get("lists", False)),
                keywords=re.compile(fam["keywords"], re.IGNORECASE) if fam.get("keywords") else None,
            )
        )
    return tuple(families)


# --------------------------------------------------------------------------- regexes

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_PLACE = r"[A-Z][A-Z'.\-]+(?: [A-Z][A-Z'.\-]+){0,3}"
#: Stock-photo caption dateline: "CITY, COUNTRY - MONTH DD, YYYY :" (and close variants).
CAPTION_START = re.compile(
    rf"{_PLACE}(?:, ?{_PLACE}){{1,2}} ?[-–—] ?"
    rf"(?:(?i:{_MONTH}) \d{{1,2}},? \d{{4}}|\d{{1,2}} (?i:{_MONTH}),? \d{{4}}|"
    rf"\d{{4}}[/.-]\d{{1,2}}[/.-]\d{{1,2}}|"
    rf"\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}) ?:"
)
#: A dateline or date line on its own ("WASHINGTON, March 3, 2024", "OTTAWA — 3 March 2024 10:45"):
#: never a headline.
DATE_ONLY = re.compile(
    rf"(?:[A-Z][\w.'’ -]{{0,30}}?\s*[,—–-]\s*)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}})"
    rf"(?:[\s,/|•·]+\d{{1,2}}[:.]\d{{2}}\b.*)?",
    re.IGNORECASE,
)
#: Photo credits that may start in the middle of a line (after a caption).
CREDIT_INLINE = re.compile(
    r"(?:By (?:Shutterstock|Getty Images|Alamy|Depositphotos|iStock|Adobe Stock)\b"
    r"|\((?:[A-Z][\w.&-]* )?(?:Photo|Image|Picture|Foto|Video)s? ?(?:[/:]|by\b|credit\b)[^()\n]{0,150}\)"
    r"|\((?:Getty Images|Shutterstock|Alamy|iStock)[^()\n]{0,80}\)"
    r"|\((?:Reuters|AFP|AP|EPA|EPA-EFE|Anadolu|Xinhua|dpa|TASS|Sputnik)(?:/| Photo| via)[^()\n]{0,80}\)"
    r"|(?:Photo|Image|Picture|Photograph|Foto)s? ?(?:credit)? ?(?::|by\b)"
    r"|(?:Credit|Source|Courtesy)s? ?:(?= ?[A-Z(])"
    r"|Credit(?:s)? (?:to|by)\b)"
)
#: An author bio: a contact (e-mail address or social handle) and "is a(n) ... writer/reporter/...".
AUTHOR_BIO = re.compile(
    r"(?=.*(?:[\w.+-]+@[\w-]+\.[\w.]+|(?<![\w@])@\w{2,}))"
    r"(?=.*\b(?:is|was|has been) (?:a|an|the)\b[^.]{0,80}?\b(?:writer|reporter|editor|correspondent|"
    r"contributor|columnist|journalist|producer|author|host|critic|analyst|fellow)s?\b)",
    re.IGNORECASE | re.DOTALL,
)
#: Most words an author bio may have.
AUTHOR_BIO_MAX_WORDS = 90
CREDIT_BLOCK = re.compile(
    r"(?:\(?(?:Photo|Image|Picture|Photograph)s?\b.{0,100}"
    r"|.{0,60}(?:/ ?|\bvia |\bby |© ?)"
    r"(?:Shutterstock|Getty Images|Alamy|AP|AFP|Reuters|REUTERS|EPA-EFE|iStock)\b.{0,60})",
)
_NAME = r"(?:[A-Z][\w.'’-]+ ){0,3}[A-Z][\w.'’-]+"
#: Words that end the name of a news organisation or a staff role in a byline.
_ORG_END = (
    r"(?:Press|News|Times|Post|Reuters|AFP|Bloomberg|Agency|Service|Herald|Journal|Tribune|Gazette|"
    r"Telegraph|Guardian|Independent|Observer|Star|Sun|Globe|Mail|Wire|Network|Media|Radio|Television|"
    r"TV|Online|Digital|Magazine|Review|Staff|Desk|Reporter|Correspondent|Writer|Contributor|Editor|"
    r"Columnist|Producer|Bureau)"
)
#: A byline: "By <Name>", "<Name>, The Associated Press", "Reporting by ...", a contributor line.
BYLINE_BLOCK = re.compile(
    rf"(?:By (?:[A-Z][\w.'’-]+ ){{0,3}}[A-Z][\w.'’-]+(?:,? (?:and )?(?:[A-Z][\w.'’-]+ ?){{1,4}})*"
    rf"(?:[,|•·—–-]+ ?(?:The )?(?:[A-Z][\w.&'’-]* ){{0,4}}{_ORG_END}s?)?\.?"
    rf"|{_NAME}(?: and {_NAME})?\s?[,|•·—–-] ?(?:(?:The|the) )?(?:[A-Z][\w.&'’-]* ){{0,4}}{_ORG_END}s?\.?"
    r"|(?:Additional )?(?:Reporting|Writing|Editing|Compiled|Translated|Edited) by\b.*"
    r"|.{0,80}\b(?:contributed|contributing) (?:to )?(?:this|the) (?:report|story|article)\.?)"
)
#: A photo caption shown on its own: a gallery caption, or a caption that ends with the
#: photographer and agency in parentheses ("... on Monday. (Jane Roe/The Canadian Press)").
CAPTION_BLOCK = re.compile(
    r"(?:(?:Open|View|See|Expand|Enlarge|Show)(?: this| the)? (?:photo|image|picture|slide)s?"
    r"(?: in| in the) (?:gallery|full ?screen|slideshow)\b.*"
    r"|(?:Photo|Image|Picture|Slide)s? \d+ (?:of|/) \d+\b.*"
    r"|.{0,500}[.!?\s]\((?:"
    r"(?:[A-Z][\w.'’-]* ){1,3}[A-Z][\w.'’-]*\s?/\s?(?:[A-Z][\w.&'’-]* ?){1,5}"  # Jane Roe/Agency
    r"|(?:[A-Z][\w.&'’-]* ?){1,5}\s?/\s?(?:[A-Z][\w.'’-]* ){1,3}[A-Z][\w.'’-]*"  # AGENCY/Jane Roe
    r")\)\.?)",
    re.DOTALL,
)
#: Most words a stand-alone caption may have.
CAPTION_MAX_WORDS = 80
#: Agency sign-off at the very end of a line: "... talks continue. (AFP)".
SIGNOFF = re.compile(r"(?<=[.!?\"”’)])\s*\((?P<code>[A-Z][\w&.\- ]{0,28}[\w.])\)\s*$")
SIGNOFF_ALONE = re.compile(r"\((?P<code>[A-Z][\w&.\- ]{0,28}[\w.])\)")
#: Words before the agency name inside a sign-off: "(With inputs from PTI)".
SIGNOFF_PREFIX = re.compile(r"^(?:with (?:inputs?|reporting|files) from|source:?|via|from)\s+", re.IGNORECASE)
NOT_SIGNATURES = frozenset(
    "end ends more update updated corrected correction video photo photos audio live pdf en fr "
    "opinion analysis editorial file archive".split()
)
#: Agency dateline at the start of the body: "MOSCOW, Dec 21 (Reuters) -".
DATELINE = re.compile(
    r"^[A-Z][\w .'’-]{1,40}(?:,[\w .'’-]{1,25})?\s*\((?P<code>[A-Z][\w&.\- ]{0,28}[\w.])\)\s*[-–—:]"
)
#: Repost disclaimer that names the platform: "... endorsement of its views by <Platform>, nor ...".
REPOSTER = re.compile(
    r"endorsement of (?:its|their|the|any) (?:views|opinions|content) by "
    r"(?P<name>[A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*){0,3})"
)

_NON_WORD = re.compile(r"\W{2,}|[^\w ]")
SPACES = re.compile(r"\s{2,}|[^\S ]")
TERMINAL = re.compile(r"[.!?;:\"”’)\]…]$")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’]?\s+(?=[\"“‘(]?[A-Z0-9])")


def normalise_block(text: str) -> str:
    """Normalise a block for duplicate comparison (case, punctuation and spacing ignored)."""
    # same as re.sub(r"\W+", " ", ...) but leaves single spaces alone (fast on big texts)
    return _NON_WORD.sub(" ", text.casefold()).strip()


# --------------------------------------------------------------------------- classification


@lru_cache(maxsize=1)
def _any_keyword() -> re.Pattern[str] | None:
    """Return one regex matching wherever any family's keyword regex matches (None without keywords)."""
    keywords = [f.keywords.pattern for f in families() if f.keywords is not None]
    if not keywords:
        return None
    return re.compile("|".join(f"(?:{k})" for k in keywords), re.IGNORECASE)


@lru_cache(maxsize=1)
def _keyword_max_words() -> int:
    return max((f.max_words for f in families() if f.keywords is not None), default=0)


@lru_cache(maxsize=65536)
def boilerplate_family(text: str) -> Family | None:
    """Return the first boilerplate family whose pattern matches the whole block (memoised per text)."""
    n_words = text.count(" ") + 1
    any_keyword = _any_keyword()
    # one scan tells whether any keyword occurs at all (most blocks have none)
    no_keyword = any_keyword is None or n_words > _keyword_max_words() or any_keyword.search(text) is None
    for fam in families():
        if fam.keywords is not None and (no_keyword or n_words > fam.max_words):
            continue
        if n_words > fam.max_words or (fam.keywords is not None and not fam.keywords.search(text)):
            continue
        if fam.regex.fullmatch(text.strip()):
            return fam
    return None
