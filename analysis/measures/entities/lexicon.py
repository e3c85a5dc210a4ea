"""Column contracts, kinds and the general-English lexicons used to read entity spans."""

from __future__ import annotations

from pathlib import Path

from analysis import config

#: The package alias table (editable CSV shipped with the code).
ALIASES_PATH: Path = config.DATA_DIR / "aliases.csv"
#: EntityRuler patterns added before spaCy's ``ner`` by :mod:`analysis.annotate`.
PATTERNS_PATH: Path = config.DATA_DIR / "entity_patterns.jsonl"

MENTION_COLUMNS: tuple[str, ...] = (
    "article_id", "field", "sentence_id", "start_char", "end_char", "text", "label",
    "canonical", "kind", "via", "country", "ner_label",
)  # fmt: skip
ALIAS_COLUMNS: tuple[str, ...] = ("alias", "canonical", "kind", "country", "category", "label")
KWIC_COLUMNS: tuple[str, ...] = ("article_id", "field", "start_char", "end_char", "left", "match", "right")

#: spaCy labels kept, and the kind each one maps to.
KIND_OF_LABEL: dict[str, str] = {
    "PERSON": "person",
    "NORP": "group",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}
#: Label given to a span whose kind was corrected by the alias table or a person match.
LABEL_OF_KIND: dict[str, str] = {"person": "PERSON", "organisation": "ORG", "place": "GPE", "group": "NORP"}
KINDS: tuple[str, ...] = ("person", "organisation", "place", "group")
VIAS: tuple[str, ...] = ("ner", "ruler", "alias", "role", "context")

# --------------------------------------------------------------------------- lexicons (general English)

#: Honorifics stripped from the front of a person's name.
HONORIFICS = frozenset(
    "mr mr. mrs mrs. ms ms. miss dr dr. sir dame lord lady madame mme monsieur m. herr frau prof prof. "
    "sen sen. rep rep. gov gov. gen gen. col col. capt capt. lt lt. sgt sgt. hon hon. rev rev. st "
    "sheikh ayatollah imam pope cardinal archbishop bishop rabbi father comrade".split()
)
#: Role nouns (folded, possibly multi-word) -> normalised title.
ROLE_TITLES: dict[str, str] = {
    "president": "president",
    "vice president": "vice president",
    "vice-president": "vice president",
    "prime minister": "prime minister",
    "premier": "prime minister",
    "pm": "prime minister",
    "chancellor": "chancellor",
    "king": "king",
    "queen": "queen",
    "emir": "emir",
    "crown prince": "crown prince",
    "monarch": "king",
    "supreme leader": "supreme leader",
    "leader": "leader",
    "head of state": "leader",
    "head of government": "leader",
    "head": "head",
    "counterpart": "counterpart",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "spokesperson": "spokesperson",
    "press secretary": "spokesperson",
    "press officer": "spokesperson",
    "foreign minister": "foreign minister",
    "foreign secretary": "foreign minister",
    "minister of foreign affairs": "foreign minister",
    "secretary of state": "foreign minister",
    "defence minister": "defence minister",
    "defense minister": "defence minister",
    "defence secretary": "defence minister",
    "defense secretary": "defence minister",
    "secretary of defense": "defence minister",
    "minister of defence": "defence minister",
    "minister of defense": "defence minister",
    "finance minister": "finance minister",
    "minister of finance": "finance minister",
    "treasury secretary": "finance minister",
    "interior minister": "interior minister",
    "home secretary": "interior minister",
    "justice minister": "justice minister",
    "attorney general": "justice minister",
    "national security adviser": "national security adviser",
    "national security advisor": "national security adviser",
    "ambassador": "ambassador",
    "envoy": "envoy",
    "special envoy": "envoy",
    "governor": "governor",
    "mayor": "mayor",
    "foreign ministry spokesman": "foreign ministry spokesperson",
    "foreign ministry spokeswoman": "foreign ministry spokesperson",
    "foreign ministry spokesperson": "foreign ministry spokesperson",
}
#: Titles that all denote the top leader of a country (matched by "leader", "head", "counterpart").
HEAD_TITLES = frozenset(
    {"president", "prime minister", "chancellor", "king", "queen", "emir", "supreme leader"}
)
#: Titles that need a country or institution to mean anything ("the head", "the leader" alone are vague).
VAGUE_TITLES = frozenset({"head", "leader", "counterpart"})
#: Adjectives allowed inside a role phrase that do not change the role.
ROLE_MODIFIERS = frozenset(
    {"presidential", "top", "chief", "then", "current", "incumbent", "newly", "elected"}
)
#: Adjectives that change the role (a former president is not the president).
ROLE_CHANGERS = frozenset(
    {"former", "ex", "ex-", "deputy", "acting", "late", "future", "outgoing", "interim"}
)
#: Trailing words that name the building of an institution ("Élysée Palace" -> "Élysée").
FACILITY_WORDS = frozenset({"palace", "building", "headquarters", "hq", "compound", "residence"})
HEADLINE_PREPOSITIONS = frozenset(
    "for to toward towards in on with from against over into after before about behind at by".split()
)
DETERMINERS = frozenset({"the", "a", "an", "his", "her", "their", "its", "our", "whose", "this", "that"})
POSSESSIVE_TOKENS = frozenset({"'s", "’s", "‘s", "ʼs", "'", "’", "‘", "ʼ", "s"})
#: Honorifics that say a person is a man or a woman (they pick between two people with one surname).
MALE_HONORIFICS = frozenset({"mr", "sir", "lord", "monsieur", "herr", "m"})
FEMALE_HONORIFICS = frozenset({"mrs", "ms", "miss", "dame", "lady", "madame", "mme", "frau"})
#: Words that open a photo or video credit ("Photo: AP", "(Photo by ...)").
CREDIT_WORDS = (
    "photo", "photos", "photograph", "photographer", "image", "images", "picture", "credit", "video",
)  # fmt: skip
#: Words that make a span an organisation name even when they are common words ("Bank of France").
ORG_DESIGNATORS = frozenset(
    "bank university college party ministry department corporation corp inc ltd company co group council "
    "committee agency office institute foundation association union federation league court army navy "
    "force forces service parliament assembly senate congress commission authority fund school hospital "
    "church club airlines airways times post news press journal tribune herald guardian network "
    "television radio palace house street square".split()
)
#: Last words that make a capitalised name an organisation ("Pirelli SpA", "Sheffield United",
#: "Central Narcotics Bureau"). Not "city", "county" or "union": "Mexico City", "Orange County" and
#: "Soviet Union" are places.
ORG_HEADS = frozenset(
    "inc ltd corp corporation co plc spa sa ag nv bv gmbh llc lp bhd pty company companies holdings group "
    "party club fc afc united university college school institute academy ministry department court "
    "tribunal bank council agency committee commission association federation authority exchange fund "
    "board bureau office police army navy airlines airways trust foundation organisation organization "
    "assembly parliament senate congress times journal".split()
)
#: Lower-case words that may end a name ("Ludwig van", "Abu Bakr al"): not cut off a span's end.
SURNAME_PARTICLES = frozenset("de da di du van von der den la le al el bin ibn dos das del y".split())
