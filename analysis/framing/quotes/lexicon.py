"""Word lists of quote detection: reporting verbs, hedges, qualifiers, role and institution nouns.

The editable table lives in package data: ``analysis/data/reporting_verbs.csv``
(term, type verb/hedge/qualifier, class). Nothing here names a person: what one
story knows about its people lives beside its corpus (:mod:`.people`).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import config

#: Editable table of reporting verbs, hedges and qualifiers.
REPORTING_TERMS = config.DATA_DIR / "reporting_verbs.csv"
#: Affiliation given when nothing in the text (or the corpus's people table) says otherwise.
OTHER = "other"

QUOTE_COLUMNS: tuple[str, ...] = (
    "article_id", "field", "sentence_id", "kind", "quote", "speaker", "speaker_canonical",
    "speaker_affiliation", "verb", "start_char", "end_char", "verb_start_char", "verb_end_char",
    "speaker_start_char", "speaker_end_char", "method", "balanced",
    "source_type", "type_evidence", "speaker_gender", "speaker_is_person",
)  # fmt: skip

#: Nouns that name a role; a speaker phrase headed by one is resolved to a named person nearby.
ROLE_NOUNS = frozenset(
    """spokesman spokeswoman spokesperson president minister leader chancellor secretary official
    ambassador envoy aide adviser advisor premier head chief counterpart diplomat commander general
    governor mayor negotiator representative prosecutor king queen prince monarch pope senator
    lawmaker deputy director chairman chairwoman chair""".split()
)
#: Nouns that name an institution; a speaker phrase headed by one is matched to an organisation nearby.
INSTITUTION_NOUNS = frozenset(
    """ministry office government army military embassy agency department palace presidency cabinet
    administration council commission parliament committee service police court bank company force forces
    military navy command staff guard headquarters
    spokesperson's""".split()
)
#: Common nouns for groups of people who can be sources ("officials said", "analysts warned").
GROUP_NOUNS = frozenset(
    """officials authorities analysts experts observers sources source people critics residents witnesses
    diplomats lawmakers leaders negotiators investigators researchers report reports statement media
    newspaper agency""".split()
)
PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
#: Verbs of speech and text whose subject "it" is a body or a text of the article ("It said …", "it read").
IT_VERBS = frozenset("say add read state write note declare warn tell argue claim conclude find".split())
#: Nouns of bodies and texts that "it" may stand for as a source ("the company … It added").
IT_NOUNS = frozenset(
    """company firm group organization organisation campaign committee party agency department ministry
    office government administration council commission court board union association network newspaper
    paper magazine station website site email letter statement report study survey poll memo release ad
    video document book article editorial post tweet message note filing complaint lawsuit ruling
    passage""".split()
)
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
NAME_DEPS = frozenset({"compound", "amod", "det", "poss", "case", "flat", "nmod", "nummod", "punct"})
CLIMB_DEPS = frozenset({"conj", "advcl", "xcomp", "pcomp", "ccomp", "prep", "acl"})
DOBJ_SPEECH = frozenset(
    """acknowledge announce confirm deny emphasize emphasise express reiterate stress underline
    underscore propose voice demand recall say repeat""".split()
)
#: Verbs that report speech only with a clausal complement ("maintained that …", not "maintaining peace").
NEEDS_CLAUSE = frozenset(
    """maintain add note report post answer observe recall predict suggest indicate express
    voice""".split()
)
#: Verbs whose reported content can be an infinitive complement ("vowed to repeal", "wants to build").
XCOMP_CUES = frozenset(
    """promise vow pledge threaten urge ask agree offer hope expect decide plan want intend aim seek prefer
    refuse decline wish hesitate propose suggest recommend consider favor favour support oppose
    like love hate report recall admit deny acknowledge mention""".split()
)
#: Verbs whose person object and infinitive are the content ("told Bush to quiet down").
OBJECT_XCOMP = frozenset(
    """tell ask order advise encourage invite instruct challenge beg implore press push persuade convince
    remind dare""".split()
)
#: Verbs whose object plus its complements is the attributed content ("criticized the pope as …").
OBJECT_CUES = frozenset(
    """accuse blast slam dismiss condemn denounce criticize criticise praise hail call label brand describe
    urge warn show find reveal offer fear doubt want prefer""".split()
)
#: Verbs with a clausal complement that attribute nothing ("made sure that", "it seems that").
NOT_CUES = frozenset(
    """be have do get go come make let help seem appear mean ensure matter happen need require cause keep
    leave become remain turn prove take give put use look sound feel try start begin stop continue
    include allow expect win try""".split()
)
#: Nouns that attribute a view to their possessor ("his call to ban …", "the campaign's claim that …").
NOUN_CUES = frozenset(
    """claim claims call assertion argument belief view statement warning promise pledge suggestion
    accusation allegation insistence demand criticism proposal plan decision hope fear concern
    contention charge vow threat insinuation prediction admission denial assurance conviction
    position suspicion recommendation request complaint comment remark attack view opinion stance
    support opposition praise endorsement response reply answer defense defence objection doubt
    skepticism scepticism attitude thought feeling criticism take""".split()
)
#: Predicate adjectives of attitude whose complement is the attributed content ("is eager to …",
#: "was critical of …", "are tired of …").
ATTITUDE_ADJ = frozenset(
    """eager willing unwilling reluctant ready determined keen happy unhappy hesitant afraid anxious
    confident sure certain unsure uncertain optimistic pessimistic skeptical sceptical worried concerned
    critical supportive opposed proud angry upset frustrated disappointed pleased satisfied dissatisfied
    furious nervous excited enthusiastic open committed convinced aware appreciative tired weary fond
    impressed unimpressed delighted enamored enamoured sympathetic passionate interested uninterested
    ambivalent adamant insistent outspoken vocal right wrong correct quick grateful thankful wary
    suspicious fearful hopeful alarmed troubled dismissive scornful contemptuous mad bent
    comfortable uncomfortable glad sorry""".split()
)
#: Prepositions that introduce the content of an attitude adjective.
ADJ_PREPS = frozenset("of about with by at on to toward towards over in for against".split())
#: Agent nouns of a stance: "is a vocal supporter of …", "a longtime critic of …".
AGENT_NOUNS = frozenset(
    """supporter advocate defender critic opponent champion fan proponent backer admirer foe
    detractor skeptic sceptic booster endorser""".split()
)
#: Light verbs whose object noun makes a stance or a statement, and the object nouns that do
#: ("made the case for …", "took issue with …", "took aim at …"); the content follows a preposition.
LIGHT_VERBS = {
    "make": frozenset(
        "case argument point claim comment comments remark remarks pitch plea appeal promise pledge vow "
        "accusation accusations prediction threat joke jokes reference references apology".split()
    ),
    "take": frozenset(
        "issue aim credit swipe swipes shot shots stand position stance line jab jabs dig".split()
    ),
    "raise": frozenset("concern concerns question questions doubt doubts alarm objection objections".split()),
    "have": frozenset("doubt doubts concern concerns confidence faith".split()),
}
#: Adjectives of "make it clear that …".
MAKE_CLEAR = frozenset("clear plain known obvious".split())
#: Prepositions after a cue noun whose object is what the view is about ("his attacks on Clinton").
NOUN_PREPS = frozenset("of on about for to against toward towards over".split())
#: Verbs whose object "as" something is a view ("sees the deal as a betrayal").
AS_CUES = frozenset("see view regard portray paint cast characterize characterise treat".split())
#: Nouns of documents and studies that can be the source of an attribution ("a new poll shows that …").
DOCUMENT_NOUNS = frozenset(
    """poll polls survey surveys study studies analysis review data report reports memo letter email emails
    records documents document filing research figures numbers statistics results ad ads video book article
    tweet post website statement statements release complaint lawsuit indictment ruling transcript""".split()
)
#: Nouns of what someone said or wrote, and of bodies and collectives, that can be a source
#: ("his speech argued that …", "the panel found …", "the community fears …").
VOICE_NOUNS = frozenset(
    """speech speeches remarks remark comment comments story stories opinion opinions interview testimony
    message messages editorial op-ed address announcement response letter column piece essay tweet tweets
    post posts affidavit disclosure disclosures publication database timeline platform manifesto
    pledge proposal plan campaign panel board jury community class nation state states country countries
    side sides base leadership public electorate crowd audience establishment elite elites world
    movement coalition union industry team party network outlet press opposition constituency circle
    guy guys dozens hundreds thousands millions child children kid kids family petition account""".split()
)
#: Nouns of what someone said, wrote or thinks: their possessor speaks ("his assumption was that …",
#: "Trump's speech argued …").
UTTERANCE_NOUNS = frozenset(
    """speech speeches remarks remark comment comments opinion opinions interview testimony message messages
    address announcement response letter column essay tweet tweets post posts statement statements memo
    email emails video ad ads assumption argument view views position claim claims belief hope fear
    promise pledge proposal plan suggestion prediction warning criticism complaint answer reply account
    book article op-ed editorial website""".split()
)
#: Nouns of a share of a group: the group speaks ("the share of Republicans saying …").
SHARE_NOUNS = frozenset(
    "share percent percentage proportion portion majority minority plurality half number".split()
)
#: Verbs that put out a text: their subject is the author ("X issued a statement saying …").
PUBLISH_VERBS = frozenset(
    """issue release send put publish post blast write sign file air run launch unveil circulate
    distribute deliver read give tweet""".split()
)
#: Nouns ending like agent nouns that name things ("number", "paper", "border"): not people.
NOT_AGENTS = frozenset(
    """number paper order border power water matter center centre corner letter chapter quarter
    register member minister monitor error factor sector mirror motor other answer banner charter
    cancer manner character computer weather layer wonder offer pressure measure figure lawyer""".split()
)
#: Common nouns for people who can hold or voice a view ("the candidate believes", "voters want").
SPEAKER_NOUNS = frozenset(
    """candidate candidates nominee nominees businessman businesswoman voter voters supporter supporters
    opponent opponents campaign campaigns aide aides ally allies adviser advisers advisor advisors donor
    donors member members delegate delegates activist activists advocate advocates economist economists
    scientist scientists historian historians expert pollster pollsters strategist strategists consultant
    consultants lawyer lawyers attorney attorneys republicans democrats conservatives liberals progressives
    americans citizens americans wife husband father mother son daughter friend friends man woman men women
    team group groups party organization administration caucus majority minority most many some others
    everyone nobody anyone someone person writer author editor reporter reporters columnist host critic
    chairman chairwoman""".split()
)
PREP_SPEECH = {
    "warn": ("of", "about", "against"),
    "caution": ("against", "about"),
    "complain": ("about", "of"),
    "ask": ("about", "for"),
    "call": ("for",),
    "talk": ("about",),
    "speak": ("about", "of", "out"),
    "point": ("to",),
    "apologize": ("for",),
    "apologise": ("for",),
    "vote": ("for", "against"),
    "agree": ("with", "on"),
    # stances and intentions whose object follows a preposition ("pushed for a ban", "referring to Curiel")
    "refer": ("to",),
    "joke": ("about",),
    "push": ("for",),
    "press": ("for",),
    "hope": ("for",),
    "worry": ("about",),
    "argue": ("for", "against"),
    "advocate": ("for",),
    "campaign": ("for", "against"),
    "lobby": ("for", "against"),
    "comment": ("on",),
    "testify": ("about", "on"),
    "brag": ("about",),
    "boast": ("about", "of"),
    "rail": ("against",),
    "insist": ("on",),
    "reflect": ("on",),
    "elaborate": ("on",),
    "care": ("about",),
    "dream": ("of", "about"),
    "object": ("to",),
    "side": ("with",),
    "appeal": ("to", "for"),
    "plead": ("for",),
    "pray": ("for",),
    "criticize": ("for",),
    "criticise": ("for",),
    "blame": ("for",),
    "praise": ("for",),
    "thank": ("for",),
    "credit": ("with", "for"),
    "accuse": ("of",),
    "demand": ("of",),
}
OPEN_CLOSE = {"“": "”", "‘": "’", "«": "»", "„": "“"}
OPENERS = '“"«„'
SENT_END = re.compile(r"(?<![A-Z])(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bMrs)[.!?](?=[\s\"”’]|$)")
WORD = re.compile(r"\w+(?:[’'-]\w+)*")


# --------------------------------------------------------------------------- tables


@functools.lru_cache(maxsize=4)
def _reporting_table(path: str) -> pd.DataFrame:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"term", "type", "class"} - set(table.columns)
    if missing:
        raise ValueError(f"{path}: reporting-terms table needs columns {sorted(missing)}")
    table["term"] = table["term"].str.strip().str.lower()
    return table


def reporting_terms(path: str | Path | None = None) -> pd.DataFrame:
    """Return the editable table of reporting verbs, hedges and qualifiers.

    Parameters
    ----------
    path : str or Path, optional
        A CSV with columns ``term, type, class``; default :data:`REPORTING_TERMS`.

    Returns
    -------
    pandas.DataFrame
        ``term`` (lower case; verbs as lemmas), ``type`` (``verb``: reporting
        verbs that introduce quotations and reported speech; ``cue``: verbs that
        attribute a belief, an intention or a stance outside quotations; ``hedge``,
        ``qualifier``), ``class`` (``neutral``, ``emphatic``, ``distancing`` for
        verbs; ``belief``, ``intention``, ``stance`` for cues; ``hedge``).
    """
    return _reporting_table(str(path or REPORTING_TERMS)).copy()


@dataclass(frozen=True)
class Lexicon:
    """Word lists read from the editable reporting-terms table."""

    verbs: dict[str, str]
    hedges: tuple[str, ...]
    qualifiers: tuple[str, ...]
    cues: dict[str, str] = dataclasses.field(default_factory=dict)  # attribution cue lemma -> class


@functools.lru_cache(maxsize=4)
def load_lexicon(terms_path: str) -> Lexicon:
    """Build the lexicon from the reporting-terms table (cached per path)."""
    terms = _reporting_table(terms_path)
    verbs = dict(
        zip(
            terms.loc[terms["type"] == "verb", "term"],
            terms.loc[terms["type"] == "verb", "class"],
            strict=True,
        )
    )
    hedges = tuple(terms.loc[terms["type"] == "hedge", "term"])
    qualifiers = tuple(sorted(terms.loc[terms["type"] == "qualifier", "term"], key=len, reverse=True))
    is_cue = terms["type"] == "cue"
    cues = dict(zip(terms.loc[is_cue, "term"], terms.loc[is_cue, "class"], strict=True))
    return Lexicon(verbs, hedges, qualifiers, cues)


def default_lexicon() -> Lexicon:
    """Return the lexicon of the packaged table."""
    return load_lexicon(str(REPORTING_TERMS))
