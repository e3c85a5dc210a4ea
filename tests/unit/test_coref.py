"""Unit tests of pronoun, role-phrase and namesake resolution (``analysis.framing.quotes.coref``).

Fields are built by hand from (word, pos, dep, head) rows, standing in for spaCy's parse, so each rule
is tested on its own; names and text are invented.
"""

from __future__ import annotations

from analysis.framing.quotes.coref import Coref, distinct_people
from analysis.framing.quotes.fields import Field, Mention

Row = tuple[str, str, str, int]  # word, pos, dep, head index (within the sentence)


def field(sentences: list[list[Row]], people: dict[str, str]) -> Field:
    """Build a one-paragraph-per-sentence field; ``people`` maps a surface name to its canonical name."""
    text, rows = "", []
    for sid, sent in enumerate(sentences):
        base = len(rows)
        for word, pos, dep, head in sent:
            if text and not text.endswith("\n"):
                text += " "
            rows.append((len(text), word, pos, dep, base + head, sid))
            text += word
        text += "\n\n"
    n = len(rows)
    f = Field(
        "a1", "text", text, list(range(n)), [r[0] for r in rows], [r[0] + len(r[1]) for r in rows],
        [r[1] for r in rows], [r[1].lower() if r[2] != "PROPN" else r[1] for r in rows],
        [r[2] for r in rows], ["" for _ in rows], [r[3] for r in rows], [r[4] for r in rows],
        [r[5] for r in rows], ["" for _ in rows], [],
    )  # fmt: skip
    for surface, canonical in people.items():
        start = 0
        while (i := text.find(surface, start)) >= 0:
            f.mentions.append(Mention(i, i + len(surface), surface, canonical, "person"))
            start = i + len(surface)
    f.mentions.sort(key=lambda m: m.start)
    f.__dict__["quoted"] = []
    return f


def coref(f: Field) -> Coref:
    return Coref([f], lambda name: name, lambda m: m.kind == "person", reporting={"say"})


def pronoun_at(f: Field, word: str, nth: int = 0) -> str | None:
    k = [i for i, w in enumerate(f.word) if w == word][nth]
    return coref(f).pronoun(f, k)


# "Quill Marsden opened her shop. Oren Vasko sold his farm. <pronoun> spoke."
OPENED = [("Quill", "PROPN", "compound", 1), ("Marsden", "PROPN", "nsubj", 2), ("opened", "VERB", "ROOT", 2),
          ("her", "PRON", "poss", 4), ("shop", "NOUN", "dobj", 2), (".", "PUNCT", "punct", 2)]  # fmt: skip
SOLD = [("Oren", "PROPN", "compound", 1), ("Vasko", "PROPN", "nsubj", 2), ("sold", "VERB", "ROOT", 2),
        ("his", "PRON", "poss", 4), ("farm", "NOUN", "dobj", 2), (".", "PUNCT", "punct", 2)]  # fmt: skip


def spoke(pronoun: str) -> list[Row]:
    return [(pronoun, "PRON", "nsubj", 1), ("spoke", "VERB", "ROOT", 1), (".", "PUNCT", "punct", 1)]


def test_gender_comes_from_the_articles_own_pronouns():
    # "Quill" is not in the first-name table: "her" and the "She" opening the next sentence tell
    names = {"Quill Marsden": "Quill Marsden", "Oren Vasko": "Oren Vasko"}
    f = field([OPENED, spoke("She"), SOLD, spoke("She")], names)
    assert coref(f).genders() == {"Quill Marsden": "female", "Oren Vasko": "male"}
    assert pronoun_at(f, "She", 1) == "Quill Marsden"  # Oren Vasko is nearer but male
    f = field([OPENED, spoke("She"), SOLD, spoke("He")], names)
    assert pronoun_at(f, "He") == "Oren Vasko"
    f = field([OPENED, SOLD, spoke("She")], names)
    assert "Quill Marsden" not in coref(f).genders()  # one "her" is not enough to say


def test_honorific_outweighs_the_first_name_table():
    # "Mr. Marion Brook": the first-name table says female, the article says male
    sent = [("Mr.", "PROPN", "compound", 2), ("Marion", "PROPN", "compound", 2),
            ("Brook", "PROPN", "nsubj", 3), ("left", "VERB", "ROOT", 3),
            (".", "PUNCT", "punct", 3)]  # fmt: skip
    f = field([sent], {"Marion Brook": "Marion Brook"})
    assert coref(f).genders()["Marion Brook"] == "male"
    plain = [("Marion", "PROPN", "compound", 1), ("Brook", "PROPN", "nsubj", 2), ("left", "VERB", "ROOT", 2),
             (".", "PUNCT", "punct", 2)]  # fmt: skip
    f = field([plain], {"Marion Brook": "Marion Brook"})
    assert coref(f).genders()["Marion Brook"] == "female"


def test_subject_is_preferred_over_a_nearer_object():
    sent = [("Alan", "PROPN", "compound", 1), ("Reed", "PROPN", "nsubj", 2),
            ("criticised", "VERB", "ROOT", 2), ("Brian", "PROPN", "compound", 4),
            ("Stone", "PROPN", "dobj", 2), (".", "PUNCT", "punct", 2)]  # fmt: skip
    f = field([sent, spoke("He")], {"Alan Reed": "Alan Reed", "Brian Stone": "Brian Stone"})
    assert pronoun_at(f, "He") == "Alan Reed"


def test_recency_beats_an_old_subject():
    old = [("Alan", "PROPN", "compound", 1), ("Reed", "PROPN", "nsubj", 2), ("left", "VERB", "ROOT", 2),
           (".", "PUNCT", "punct", 2)]  # fmt: skip
    filler = [("Rain", "NOUN", "nsubj", 1), ("fell", "VERB", "ROOT", 1), (".", "PUNCT", "punct", 1)]
    new = [("Brian", "PROPN", "compound", 1), ("Stone", "PROPN", "nsubj", 2), ("arrived", "VERB", "ROOT", 2),
           (".", "PUNCT", "punct", 2)]  # fmt: skip
    f = field(
        [old, filler, filler, new, spoke("He")], {"Alan Reed": "Alan Reed", "Brian Stone": "Brian Stone"}
    )
    assert pronoun_at(f, "He") == "Brian Stone"


def test_role_phrase_goes_to_the_person_the_apposition_described():
    intro = [("Jane", "PROPN", "compound", 1), ("Roe", "PROPN", "nsubj", 6), (",", "PUNCT", "punct", 1),
             ("the", "DET", "det", 4), ("mayor", "NOUN", "appos", 1), (",", "PUNCT", "punct", 1),
             ("met", "VERB", "ROOT", 6), ("Tom", "PROPN", "compound", 8), ("Ashby", "PROPN", "dobj", 6),
             (".", "PUNCT", "punct", 6)]  # fmt: skip
    said = [("the", "DET", "det", 1), ("mayor", "NOUN", "nsubj", 2), ("said", "VERB", "ROOT", 2),
            (".", "PUNCT", "punct", 2)]  # fmt: skip
    f = field([intro, said], {"Jane Roe": "Jane Roe", "Tom Ashby": "Tom Ashby"})
    k = [i for i, w in enumerate(f.word) if w == "mayor"][1]
    assert coref(f).nominal(f, k, [k - 1, k]) == "Jane Roe"
    said[1] = ("builder", "NOUN", "nsubj", 2)
    f = field([intro, said], {"Jane Roe": "Jane Roe", "Tom Ashby": "Tom Ashby"})
    k = f.word.index("builder")
    assert coref(f).nominal(f, k, [k - 1, k]) is None  # nobody was described as a builder


def test_namesakes_are_kept_apart_unless_the_text_tells():
    two = [("Helen", "PROPN", "compound", 1), ("Walker", "PROPN", "nsubj", 5), ("and", "CCONJ", "cc", 1),
           ("Victor", "PROPN", "compound", 4), ("Walker", "PROPN", "conj", 1), ("met", "VERB", "ROOT", 5),
           (".", "PUNCT", "punct", 5)]  # fmt: skip
    filler = [("Rain", "NOUN", "nsubj", 1), ("fell", "VERB", "ROOT", 1), (".", "PUNCT", "punct", 1)]
    bare = [("Walker", "PROPN", "nsubj", 1), ("left", "VERB", "ROOT", 1), (".", "PUNCT", "punct", 1)]
    f = field([two, filler, filler, filler, filler, bare], {})
    for m_start, canon in ((0, "Helen Walker"), (f.text.index("Victor"), "Victor Walker")):
        f.mentions.append(Mention(m_start, m_start + len(canon), canon, canon, "person"))
    last = f.text.rindex("Walker")
    f.mentions.append(Mention(last, last + 6, "Walker", "Walker", "person"))
    f.mentions.sort(key=lambda m: m.start)
    c = coref(f)
    assert c.namesakes() == {"walker": ["Helen Walker", "Victor Walker"]}
    assert c.name_at(f, last, "Walker") == "Walker"  # two people, nothing tells: stays as written
    near = f.text.index("met")
    assert c.name_at(f, near, "Walker") == "Victor Walker"  # right after the full name


def test_distinct_people_drops_a_longer_variant_of_the_same_name():
    assert distinct_people({"CLEVELAND - Jane Roe", "Jane Roe", "John Roe"}) == ["Jane Roe", "John Roe"]


# "Sen. Ada Pell (D-Ore.) spoke. Sen. Boyd Crane (R-Fla.) left."
PELL = [("Sen.", "PROPN", "compound", 2), ("Ada", "PROPN", "compound", 2), ("Pell", "PROPN", "nsubj", 8),
        ("(", "PUNCT", "punct", 2), ("D", "PROPN", "compound", 6), ("-", "PUNCT", "punct", 6),
        ("Ore.", "PROPN", "appos", 2), (")", "PUNCT", "punct", 2), ("spoke", "VERB", "ROOT", 8),
        (".", "PUNCT", "punct", 8)]  # fmt: skip
CRANE = [("Sen.", "PROPN", "compound", 2), ("Boyd", "PROPN", "compound", 2), ("Crane", "PROPN", "nsubj", 8),
         ("(", "PUNCT", "punct", 2), ("R", "PROPN", "compound", 6), ("-", "PUNCT", "punct", 6),
         ("Fla.", "PROPN", "appos", 2), (")", "PUNCT", "punct", 2), ("left", "VERB", "ROOT", 8),
         (".", "PUNCT", "punct", 8)]  # fmt: skip
SENATORS = {"Ada Pell": "Ada Pell", "Boyd Crane": "Boyd Crane"}


def the(*words: tuple[str, str]) -> list[Row]:
    """Rows of "the <modifiers> <head> said." (the last word is the head)."""
    n = len(words) + 1
    rows: list[Row] = [("the", "DET", "det", n - 1)]
    rows += [(w, pos, "amod" if pos == "ADJ" else "compound", n - 1) for w, pos in words[:-1]]
    rows.append((words[-1][0], words[-1][1], "nsubj", n))
    rows += [("said", "VERB", "ROOT", n), (".", "PUNCT", "punct", n)]
    return rows


def nominal_of(f: Field, head: str) -> str | None:
    k = max(i for i, w in enumerate(f.word) if w == head)
    a = max(i for i in range(k) if f.word[i] == "the")
    return coref(f).nominal(f, k, list(range(a, k + 1)))


def test_role_phrase_state_and_party_come_from_the_abbreviations_after_the_name():
    # "(D-Ore.)" makes Ada Pell "the Oregon senator" and "the Democratic senator", though Boyd Crane is nearer
    f = field([PELL, CRANE, the(("Oregon", "PROPN"), ("senator", "NOUN"))], SENATORS)
    assert nominal_of(f, "senator") == "Ada Pell"
    f = field([PELL, CRANE, the(("Democratic", "ADJ"), ("senator", "NOUN"))], SENATORS)
    assert nominal_of(f, "senator") == "Ada Pell"
    f = field([PELL, CRANE, the(("Florida", "PROPN"), ("senator", "NOUN"))], SENATORS)
    assert nominal_of(f, "senator") == "Boyd Crane"
    f = field([PELL, CRANE, the(("senator", "NOUN"))], SENATORS)
    assert nominal_of(f, "senator") == "Boyd Crane"  # no modifier: the most recent senator
    f = field([PELL, CRANE, the(("Ohio", "PROPN"), ("senator", "NOUN"))], SENATORS)
    assert nominal_of(f, "senator") is None  # neither is from Ohio: no guess


def test_role_phrase_needs_the_same_office_and_a_person_noun():
    vice = [("Vice", "PROPN", "compound", 2), ("President", "PROPN", "compound", 3),
            ("Cal", "PROPN", "compound", 3), ("Dorn", "PROPN", "nsubj", 4), ("spoke", "VERB", "ROOT", 4),
            (".", "PUNCT", "punct", 4)]  # fmt: skip
    f = field([vice, the(("president", "NOUN"))], {"Cal Dorn": "Cal Dorn"})
    assert nominal_of(f, "president") is None  # a vice president is not "the president"
    f = field([vice, the(("vice", "ADJ"), ("president", "NOUN"))], {"Cal Dorn": "Cal Dorn"})
    assert nominal_of(f, "president") == "Cal Dorn"
    # "Jane Roe, head of the campaign, spoke. The campaign said.": a campaign is not a person
    head = [("Jane", "PROPN", "compound", 1), ("Roe", "PROPN", "nsubj", 9), (",", "PUNCT", "punct", 1),
            ("head", "NOUN", "appos", 1), ("of", "ADP", "prep", 3), ("the", "DET", "det", 6),
            ("campaign", "NOUN", "pobj", 4), (",", "PUNCT", "punct", 1), ("then", "ADV", "advmod", 9),
            ("spoke", "VERB", "ROOT", 9), (".", "PUNCT", "punct", 9)]  # fmt: skip
    f = field([head, the(("campaign", "NOUN"))], {"Jane Roe": "Jane Roe"})
    assert nominal_of(f, "campaign") is None


def test_role_phrase_head_may_be_another_word_for_the_title():
    # "Dr. Ida Wren spoke. The retired surgeon said.": a surgeon is a doctor
    wren = [("Dr.", "PROPN", "compound", 2), ("Ida", "PROPN", "compound", 2), ("Wren", "PROPN", "nsubj", 3),
            ("spoke", "VERB", "ROOT", 3), (".", "PUNCT", "punct", 3)]  # fmt: skip
    f = field([wren, the(("retired", "ADJ"), ("surgeon", "NOUN"))], {"Ida Wren": "Ida Wren"})
    assert nominal_of(f, "surgeon") == "Ida Wren"


def test_abbreviated_title_split_off_by_the_parser_still_describes_the_name():
    # "Pres. Orla Venn spoke.": the parser ends a sentence after "Pres."
    pres = [("Pres", "PROPN", "ROOT", 0), (".", "PUNCT", "punct", 0)]
    venn = [("Orla", "PROPN", "compound", 1), ("Venn", "PROPN", "nsubj", 2), ("spoke", "VERB", "ROOT", 2),
            (".", "PUNCT", "punct", 2)]  # fmt: skip
    f = field([pres, venn, the(("president", "NOUN"))], {"Orla Venn": "Orla Venn"})
    assert nominal_of(f, "president") == "Orla Venn"


def _subject(first: str, last: str, verb: str) -> list[Row]:
    """Rows of "<first> <last> <verb>." (the name is the verb's subject)."""
    return [(first, "PROPN", "compound", 1), (last, "PROPN", "nsubj", 2), (verb, "VERB", "ROOT", 2),
            (".", "PUNCT", "punct", 2)]  # fmt: skip


RAIN = [("Rain", "NOUN", "nsubj", 1), ("fell", "VERB", "ROOT", 1), (".", "PUNCT", "punct", 1)]
ADA_OREN = {"Ada Pell": "Ada Pell", "Oren Vasko": "Oren Vasko"}


def test_role_phrase_used_for_nobody_goes_to_the_salient_recent_person():
    # "Ada Pell spoke. Ada Pell left. Oren Vasko arrived. The retired teacher said.": nobody was called a
    # teacher; as a pronoun would, the phrase takes the subject of the sentence before it, not the person
    # named most often
    ada = [_subject("Ada", "Pell", "spoke"), _subject("Ada", "Pell", "left")]
    before = [*ada, _subject("Oren", "Vasko", "came")]
    f = field([*before, the(("retired", "ADJ"), ("teacher", "NOUN"))], ADA_OREN)
    assert nominal_of(f, "teacher") == "Oren Vasko"
    # a gendered noun skips the nearer person of the other gender ("Oren" is male, "Ada" female)
    f = field([*before, the(("actress", "NOUN"))], ADA_OREN)
    assert nominal_of(f, "actress") == "Ada Pell"
    # a state the phrase names must be one the article gave the person: no guess
    f = field([*before, the(("Ohio", "PROPN"), ("teacher", "NOUN"))], ADA_OREN)
    assert nominal_of(f, "teacher") is None
    # beyond two sentences back, the main person (named most often before the phrase) is taken
    f = field([*before, RAIN, RAIN, RAIN, the(("teacher", "NOUN"))], ADA_OREN)
    assert nominal_of(f, "teacher") == "Ada Pell"


def test_a_name_tagged_as_an_organisation_is_a_person_by_its_apposition():
    # "Mira Holt, a local journalist, arrived. She spoke.": the tagger called the name an organisation
    holt = [("Mira", "PROPN", "compound", 1), ("Holt", "PROPN", "nsubj", 7), (",", "PUNCT", "punct", 1),
            ("a", "DET", "det", 5), ("local", "ADJ", "amod", 5), ("journalist", "NOUN", "appos", 1),
            (",", "PUNCT", "punct", 1), ("arrived", "VERB", "ROOT", 7),
            (".", "PUNCT", "punct", 7)]  # fmt: skip
    f = field([holt, spoke("She")], {})
    f.mentions.append(Mention(0, len("Mira Holt"), "Mira Holt", "Mira Holt", "organisation"))
    assert pronoun_at(f, "She") == "Mira Holt"
    holt[5] = ("newspaper", "NOUN", "appos", 1)  # "Mira Holt, a local newspaper,": an organisation indeed
    f = field([holt, spoke("She")], {})
    f.mentions.append(Mention(0, len("Mira Holt"), "Mira Holt", "Mira Holt", "organisation"))
    assert pronoun_at(f, "She") is None
