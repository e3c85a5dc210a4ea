"""Detect direct, partial and indirect quotations in the parse and attribute each to a speaker."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis.annotate.tables import rows_where
from analysis.core.stage import need, stage
from analysis.framing.quotes.coref import GENDERED_NOUNS, MORE_PERSON_NOUNS, PERSON_NOUNS
from analysis.framing.quotes.fields import (
    Field,
    Span,
    field_groups,
    field_texts,
    para_id,
    paragraph_bounds,
    quote_spans,
)
from analysis.framing.quotes.lexicon import (
    ADJ_PREPS,
    AGENT_NOUNS,
    AS_CUES,
    ATTITUDE_ADJ,
    CLIMB_DEPS,
    DOBJ_SPEECH,
    DOCUMENT_NOUNS,
    GROUP_NOUNS,
    INSTITUTION_NOUNS,
    IT_VERBS,
    LIGHT_VERBS,
    MAKE_CLEAR,
    NEEDS_CLAUSE,
    NOT_AGENTS,
    NOT_CUES,
    NOUN_CUES,
    NOUN_PREPS,
    OBJECT_CUES,
    OBJECT_XCOMP,
    PREP_SPEECH,
    PRONOUNS_PERSON,
    PUBLISH_VERBS,
    QUOTE_COLUMNS,
    ROLE_NOUNS,
    SENT_END,
    SHARE_NOUNS,
    SPEAKER_NOUNS,
    SUBJECT_DEPS,
    UTTERANCE_NOUNS,
    VOICE_NOUNS,
    WORD,
    XCOMP_CUES,
    Lexicon,
    default_lexicon,
)
from analysis.framing.quotes.people import People, read_people
from analysis.framing.quotes.sources import (
    UNKNOWN,
    ArticleSources,
    SourceType,
    default_terms,
    evidence_strength,
    terms_for,
    with_parties,
)
from analysis.framing.quotes.speakers import Resolver, Speaker, article_mentions
from analysis.schema import ok_articles

if TYPE_CHECKING:  # pragma: no cover
    from analysis.annotate import Annotations

#: The typing of a quotation nobody is said to have spoken.
NO_SPEAKER = SourceType(UNKNOWN, "", "none", False, "no speaker")


# --------------------------------------------------------------------------- attribution in the parse


def is_reporting(f: Field, i: int, lex: Lexicon) -> bool:
    """Tell whether token ``i`` is a reporting verb (or noun) of the lexicon."""
    lemma = f.lem[i]
    if lemma not in lex.verbs or lemma == "according to":
        return False
    if f.pos[i] not in ("VERB", "AUX") and not (f.pos[i] == "NOUN" and f.dep[i] in ("ROOT", "conj")):
        return False
    if lemma == "quote":
        return any(f.dep[c] in ("nsubjpass", "auxpass") for c in f.kids(i))
    return True


def is_cue(f: Field, i: int, lex: Lexicon) -> bool:
    """Tell whether token ``i`` is a verb attributing a belief, intention or stance.

    The lexicon's ``cue`` rows, verbs of :data:`AS_CUES` and :data:`PREP_SPEECH`,
    and any other verb with a clausal complement after it (*X hinted that …*)
    except the verbs of :data:`NOT_CUES`.
    """
    if f.pos[i] == "ADJ" or f.pos[i] == "VERB" and f.dep[i] == "acomp":
        # "were optimistic that …", "is convinced that …", "is eager to …", "was critical of …"
        return f.dep[i] == "acomp" and _adj_content(f, i) is not None
    if f.pos[i] == "NOUN":  # "his call to ban …", "the campaign's claim that …", "a critic of …"
        if f.lem[i] in AGENT_NOUNS:
            return _agent_content(f, i) is not None
        return f.lem[i] in NOUN_CUES and _noun_content(f, i) is not None
    if f.pos[i] != "VERB":
        return False
    lemma = f.lem[i]
    if lemma in lex.cues or lemma in AS_CUES or lemma in PREP_SPEECH:
        return True
    if lemma in LIGHT_VERBS:
        return _light_content(f, i) is not None
    return lemma not in NOT_CUES and any(f.dep[c] == "ccomp" and c > i for c in f.kids(i))


def _according(f: Field, i: int) -> int | None:
    """Return the pobj of "according to X" when token ``i`` is "according"."""
    if f.low[i] != "according":
        return None
    for c in f.kids(i):
        if f.low[c] == "to":
            for d in f.kids(c):
                if f.dep[d] == "pobj":
                    return d
    if i + 2 < len(f.word) and f.low[i + 1] == "to":
        k = i + 2
        while k + 1 < len(f.word) and f.dep[k] in ("det", "compound", "amod", "poss", "case"):
            k += 1
        return k
    return None


def subject_of(f: Field, v: int) -> int | None:
    """Find the speaker token of reporting verb ``v``, climbing conj/advcl/xcomp chains ("…, adding that").

    A relative pronoun ("Peskov, who stated that …") resolves to the noun the
    clause modifies; a subject outside the verb's paragraph (a heading glued to
    the sentence by the parser) is replaced by the nearest name before the verb.
    """
    subj = _raw_subject(f, v)
    if subj is None:
        return None
    if f.lem[subj] in ("who", "that", "which"):
        cur = subj
        while cur is not None and f.dep[cur] != "relcl":
            cur = f.parent(cur)
        subj = f.parent(cur) if cur is not None else None
        if subj is None:
            return None
    if para_id(f, subj) != para_id(f, v):
        para = para_id(f, v)
        names = [k for k in range(subj, v) if para_id(f, k) == para and f.pos[k] == "PROPN"]
        if not names:
            return None
        k = names[0]
        while k + 1 < v and f.pos[k + 1] == "PROPN":
            k += 1
        return k
    return voice_of(f, subj)


def voice_of(f: Field, i: int, depth: int = 0) -> int:
    """Return who speaks through the subject token ``i``: the author of a text, the group of a share.

    ``his assumption was that …``, ``Trump's speech argued …``: the possessor of an utterance
    noun; ``X issued a statement saying …``, ``a fundraising email sent out by X warned …``: the
    one who put the text out; ``the share of Republicans saying …``: the group. Otherwise ``i``.
    """
    if f.pos[i] != "NOUN" or depth > 2:
        return i
    lemma = f.lem[i]
    kids = f.kids(i)
    if lemma in SHARE_NOUNS:
        for c in kids:
            if f.dep[c] == "prep" and f.low[c] == "of":
                obj = next((d for d in f.kids(c) if f.dep[d] == "pobj"), None)
                if obj is not None and can_be_source(f, obj) and f.pos[obj] != "NUM":
                    return obj
        return i
    if lemma not in UTTERANCE_NOUNS and can_be_source(f, i):
        return i
    poss = next((c for c in kids if f.dep[c] == "poss"), None)
    if poss is not None and (f.pos[poss] in ("PROPN", "PRON") or f.ent[poss] in ("PERSON", "ORG")):
        return poss
    if lemma not in UTTERANCE_NOUNS and lemma not in DOCUMENT_NOUNS:
        return i
    for c in kids:  # "an email sent out by X"
        if f.dep[c] == "acl" and f.tag[c] == "VBN":
            for d in f.kids(c):
                if f.dep[d] == "agent":
                    obj = next((e for e in f.kids(d) if f.dep[e] == "pobj"), None)
                    if obj is not None and can_be_source(f, obj):
                        return voice_of(f, obj, depth + 1)
    v = f.parent(i)
    if f.dep[i] == "dobj" and v is not None and f.lem[v] in PUBLISH_VERBS:
        author = _raw_subject(f, v)
        if author is not None and author != i and can_be_source(f, author):
            return voice_of(f, author, depth + 1)
    return i


def _raw_subject(f: Field, v: int) -> int | None:
    seen = set()
    cur: int | None = v
    while cur is not None and cur not in seen:
        seen.add(cur)
        kids = f.kids(cur)
        for c in kids:  # a passive's agent speaks ("was endorsed by the council"), not its subject
            if f.dep[c] == "agent":
                for d in f.kids(c):
                    if f.dep[d] == "pobj":
                        return d
        subjects = [
            c
            for c in kids
            if f.dep[c] in SUBJECT_DEPS
            and (f.lem[c] not in ("it", "there", "this", "what") or _it_speaks(f, c, cur))
        ]
        if subjects:  # two subjects is a parser slip ("news agency TASS reported"): prefer the name nearest
            names = [c for c in subjects if f.pos[c] == "PROPN"] or subjects
            return min(names, key=lambda c: abs(c - cur))
        if f.dep[cur] == "acl" and f.tag[cur] == "VBG":
            p = f.parent(cur)  # "super PACs backing Mr. Cruz", "a memo saying that …": the noun modified
            return p if p is not None and f.pos[p] in ("NOUN", "PROPN", "PRON") else None
        if f.dep[cur] in CLIMB_DEPS:
            cur = f.parent(cur)
            if cur is not None and f.pos[cur] not in ("VERB", "AUX", "ADP"):
                return None
        else:
            return None
    return None


def _it_speaks(f: Field, c: int, v: int) -> bool:
    """Tell whether "it" at ``c`` is the active subject of a verb of speech or text ``v`` ("It said …").

    Not an expletive ("it is said that …", "it seems") and not a quoted "it".
    """
    return (
        f.low[c] == "it"
        and f.dep[c] == "nsubj"
        and c < v
        and f.lem[v] in IT_VERBS
        and f.pos[v] == "VERB"
    )


# --------------------------------------------------------------------------- extraction


@dataclass
class _Quote:
    kind: str
    start: int
    end: int
    verb: int | None
    speaker: Speaker | None
    method: str
    balanced: bool = True


def _left_bound(text: str, para_start: int, pos: int, spans: list[Span]) -> int:
    bound = para_start
    for s in spans:
        if s.outer_end <= pos:
            bound = max(bound, s.outer_end)
    for m in SENT_END.finditer(text, bound, pos):
        if not any(s.outer_start <= m.start() < s.outer_end for s in spans):
            bound = max(bound, m.end())
    return bound


def _right_bound(text: str, para_end: int, pos: int, spans: list[Span]) -> int:
    bound = para_end
    for s in spans:
        if s.outer_start >= pos:
            bound = min(bound, s.outer_start)
            break
    m = SENT_END.search(text, pos, bound)
    return m.end() if m else bound


def _paragraph_of(paras: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    """Return the bounds of the paragraph holding character ``pos``."""
    for a, b in paras:
        if a <= pos < b or (pos == b):
            return a, b
    return (0, 0)


def _cut_unbalanced(f: Field, s: Span, lex: Lexicon) -> Span:
    """End an unclosed quote before an inner ", X said" (the closing mark was forgotten)."""
    toks = list(f.tokens_in(s.start, s.end))
    for n, i in enumerate(toks):
        if f.word[i] != "," or n < 3:
            continue
        for k in toks[n + 1 : n + 7]:
            if f.word[k] in ".!?;":
                break
            if is_reporting(f, k, lex):
                subj = subject_of(f, k)
                if subj is not None and f.start[i] < f.start[subj]:
                    return Span(s.start, f.end[i], False, s.outer_start, f.end[i])
    return s


def _extract_field(f: Field, res: Resolver, lex: Lexicon) -> list[_Quote]:
    text = f.text
    spans = [_cut_unbalanced(f, s, lex) if not s.balanced else s for s in quote_spans(text)]
    f.quoted = [(s.outer_start, s.outer_end) for s in spans]
    paras = paragraph_bounds(text)
    in_quote = [False] * len(f.ids)
    for s in spans:
        for k in f.tokens_in(s.start, s.end):
            in_quote[k] = True
    found: list[_Quote] = []
    direct_verbs: set[int] = set()
    last_attr: tuple[int, Speaker] | None = None
    events = _speech_events(f, in_quote, lex)
    for s in spans:
        pa, _ = _paragraph_of(paras, s.outer_start)
        _, pb = _paragraph_of(paras, max(s.outer_end - 1, s.outer_start))
        left = _left_bound(text, pa, s.outer_start, spans)
        prev = text[:left].rstrip()
        if not text[left : s.outer_start].strip() and prev.endswith(":"):
            # 'X added:' closing the previous paragraph introduces this one's quotation
            left = _left_bound(text, _paragraph_of(paras, len(prev) - 1)[0], len(prev), spans)
        right = _right_bound(text, max(pb, s.outer_end), s.outer_end, spans)
        before = text[left : s.outer_start]
        content = text[s.start : s.end]
        after = text[s.outer_end : right].lstrip()
        if re.search(r"[.!?]\W*$", content) and after[:1].isupper():
            right = s.outer_end  # “… end.” Next sentence: nothing after the quote attributes it
        starts_clause = not before.strip() or before.rstrip().endswith((":", ","))
        full = starts_clause and (content[:1].isupper() or not before.strip())
        kind = "direct" if full else "partial"
        # candidate attribution cues around the quote, nearest first
        right_toks = [k for k in f.tokens_in(s.outer_end, right) if not in_quote[k]]
        left_toks = [k for k in f.tokens_in(left, s.outer_start) if not in_quote[k]][::-1]
        verb = speaker_tok = None
        method = "subject"
        introduced = before.rstrip().endswith((",", ":")) and any(f.pos[k] == "VERB" for k in left_toks)
        adjacent = (
            _adjacent_attribution(f, s, in_quote, lex, loose=bool(re.search(r"[,?!—–-]\W*$", content)))
            if not introduced  # not “X told reporters, “…”
            and (kind == "direct" or re.search(r"[?!]\W*$", content))  # “…?” asked X after a clause
            else None
        )
        if adjacent is not None:
            verb, speaker_tok = adjacent  # “…,” she continued / “…?” Rubio said / “…,” said the senator
        order = (right_toks + left_toks) if kind == "direct" else (left_toks + right_toks)
        quote_toks = [k for k in f.tokens_in(s.start, s.end)]
        for k in order if adjacent is None else ():
            acc = _according(f, k)
            if acc is not None:
                verb, speaker_tok, method = k, acc, "according-to"
                break
            if is_reporting(f, k, lex):
                if kind == "partial" and (
                    (not _dominates(f, k, quote_toks) and len(WORD.findall(content)) < 3)
                    or (
                        f.lem[k] in NEEDS_CLAUSE and not any(f.dep[c] == "ccomp" for c in f.kids(k))
                    )
                ):
                    continue
                subj = subject_of(f, k)
                if subj is None:
                    subj = _name_before(f, k)  # "…, her adviser, Jake Sullivan, said:" parsed without subject
                if subj is not None and not in_quote[subj]:
                    verb, speaker_tok = k, subj
                    if kind == "partial":  # Israel said Clinton called on them to be “…”: Israel reports it
                        verb, speaker_tok = _outer_report(f, k, subj, in_quote, lex)
                    break
        speaker: Speaker | None = None
        if speaker_tok is None and re.match(r"\s*[—–-]", text[s.outer_end : s.outer_end + 3]):
            # “…” — Name.  (signature-style attribution after a dash)
            names = [k for k in right_toks if f.pos[k] == "PROPN"]
            if names and all(
                f.pos[k] in ("PROPN", "PUNCT", "ADJ", "NOUN", "DET", "SPACE") for k in right_toks
            ):
                speaker_tok, method = names[-1], "dash"
        if speaker_tok is None and before.rstrip().endswith(":"):
            # headline or transcript style "Putin: 'We are ready'": the name right before the colon speaks
            colon = [k for k in left_toks if f.word[k] == ":"]
            named = colon and colon[0] > 0 and f.pos[colon[0] - 1] == "PROPN" and not in_quote[colon[0] - 1]
            if named and not any(is_reporting(f, k, lex) for k in left_toks):
                speaker_tok, method = colon[0] - 1, "colon"
            elif colon and colon[0] > 0:
                # "X delivered a snappy retort:", "X released the following statement:": its subject
                subj = _clause_subject(f, colon[0] - 1)
                if subj is not None and not in_quote[subj] and _person_like(f, subj):
                    speaker_tok, method = subj, "colon"
        if speaker_tok is not None and not can_be_source(f, speaker_tok):
            speaker, method = None, "none"  # "the notion that …", "a campaign shakeup": a thing is no source
        elif speaker_tok is not None and _possessive(f, speaker_tok):
            speaker = _possessor(f, speaker_tok, res)  # "His assumption … was that “…”"
        elif speaker_tok is not None:
            speaker = res.speaker(f, speaker_tok, method)
            if kind == "direct" and verb is not None:
                direct_verbs.add(verb)
        else:
            n_words = len(WORD.findall(content))
            same_sentence = (
                last_attr is not None
                and not SENT_END.search(text, last_attr[0], s.outer_start)
                and "\n" not in text[last_attr[0] : s.outer_start]
            )
            own = _own_subject(f, quote_toks, in_quote, lex, res.known.surnames) if before.strip() else None
            if same_sentence:
                speaker, method = last_attr[1], "continuation"
            elif n_words < 4 and not (kind == "direct" and re.search(r"[.!?,]\s*$", content)):
                continue  # a scare-quoted term, not a quotation
            elif last_attr is not None and s.outer_start - last_attr[0] < 700:
                speaker, method = last_attr[1], "continuation"
                # another person reported in between ("Carter said that …" ¶ “…”) speaks now
                used = {q.verb for q in found}
                last = f.at(last_attr[0] - 1)
                between = [
                    (k, subj)
                    for pos, k, subj in events
                    if last_attr[0] <= pos < s.outer_start
                    and k not in used
                    and (last is None or f.sent[k] != f.sent[last])  # not the previous attribution's own
                ]
                if between:
                    other = res.speaker(f, between[-1][1], "subject")
                    if other.canonical and other.canonical != speaker.canonical:
                        speaker, verb = other, between[-1][0]
            elif kind == "partial":
                continue  # an embedded quoted phrase nobody is said to have spoken: a term, not a quote
            else:
                speaker, method = None, "none"
                # "The DNC issued a statement apologizing." ¶ “On behalf of …”: the one just reported
                prev_end = max((q.end for q in found), default=0)
                near = [
                    (k, subj)
                    for pos, k, subj in events
                    if max(prev_end, s.outer_start - 400) <= pos < s.outer_start
                ]
                if near:
                    verb, method = near[-1][0], "continuation"
                    speaker = res.speaker(f, near[-1][1], "subject")
            owner = own is not None and f.pos[own[0]] == "NOUN"  # the possessor of an utterance noun
            if speaker is not None and own is not None:
                # Skelly called Braynard “a real smart guy”: the sentence's own subject, not the last speaker
                tok = own[1]
                other = _possessor(f, tok, res) if _possessive(f, tok) else res.speaker(f, tok, "subject")
                if other.canonical and other.canonical != speaker.canonical:
                    verb, speaker, method = own[0], other, "subject"
            if speaker is not None and kind == "partial" and not owner:
                # X groused that CNN “doesn’t treat me properly”: the reporting verb the quotation depends on
                v = _governing_cue(f, quote_toks, in_quote, lex)
                subj = subject_of(f, v) if v is not None else None
                known = res.known.surnames
                if subj is not None and not in_quote[subj] and _plausible_speaker(f, subj, known):
                    other = res.speaker(f, subj, "subject")
                    if other.canonical != speaker.canonical:  # the same speaker stays one continued quotation
                        verb, speaker, method = v, other, "subject"
        q = _Quote(
            kind,
            s.start,
            s.end,
            verb,
            speaker,
            method if speaker is None else speaker.method if method == "subject" else method,
            s.balanced,
        )
        found.append(q)
        if speaker is not None and speaker.canonical:
            last_attr = (s.outer_end, speaker)
    _attributed_later(f, found)
    # indirect speech: only "according" and reporting-verb lemmas can start one (the two tests below)
    verbs = lex.verbs
    heads = {f.parent(c) for c, d in enumerate(f.dep) if d == "ccomp"}  # verbs with a clausal complement
    listed = (
        verbs.keys() | lex.cues.keys() | AS_CUES | PREP_SPEECH.keys() | NOUN_CUES | ATTITUDE_ADJ | AGENT_NOUNS
        | LIGHT_VERBS.keys()
    )
    candidates = sorted(
        k for k, (w, lem) in enumerate(zip(f.low, f.lem, strict=True))
        if (lem in listed or k in heads or w == "according")
        and (lem in verbs or w == "according" or is_cue(f, k, lex))
    )  # fmt: skip
    for k in candidates:
        if in_quote[k] or k in direct_verbs:
            continue
        acc = _according(f, k)
        if acc is not None:
            if any(f.sent[d] == f.sent[k] for d in direct_verbs):
                continue  # “…,” X said, according to TASS: the agency is the channel, not a speaker
            q = _according_clause(f, k, acc, res, spans)
            if q is not None:
                found.append(q)
            continue
        if not (is_reporting(f, k, lex) or is_cue(f, k, lex)) or f.lem[k] == "quote":
            continue
        if _denied(f, k):
            continue
        if f.pos[k] == "NOUN" and f.lem[k] in AGENT_NOUNS:
            content = _agent_content(f, k)
            subj = subject_of(f, f.parent(k)) if f.parent(k) is not None else None
        elif f.pos[k] == "NOUN":
            content = _noun_content(f, k) if f.lem[k] in NOUN_CUES else None
            subj = next((c for c in f.kids(k) if f.dep[c] == "poss"), None)
        elif f.dep[k] == "acomp":
            content = _adj_content(f, k)
            subj = subject_of(f, f.parent(k)) if f.parent(k) is not None else None
        else:
            content = _content_of(f, k, lex.cues.get(f.lem[k], ""))
            subj = subject_of(f, f.parent(k) if f.pos[k] == "ADJ" else k)
        if content is None:
            continue
        if subj is None or in_quote[subj]:
            continue
        possessor = _possessive(f, subj)
        plausible = possessor or _plausible_speaker(f, subj, res.known.surnames)
        # "This sequence shows that …", "talks aimed to …": the attribution stays, with no source
        inanimate = not plausible and f.pos[subj] == "NOUN"
        if not (plausible or inanimate):
            continue
        a, b = content
        cs, ce = f.start[a], f.end[b]
        covered = sum(max(0, min(ce, sp.end) - max(cs, sp.start)) for sp in spans)
        if covered > 0.85 * (ce - cs):
            continue
        if inanimate:
            found.append(_Quote("indirect", cs, ce, k, None, "none"))
            continue
        speaker = _possessor(f, subj, res) if possessor else res.speaker(f, subj, "subject")
        found.append(_Quote("indirect", cs, ce, k, speaker, speaker.method))
    return _combine(f, found)


def _attributed_later(f: Field, found: list[_Quote]) -> None:
    """Give a quotation without its own attribution the speaker named after the next one of its sentence.

    "“All that Glitters” was to be a “cautionary tale,” said Susan Crawford": the attribution that
    closes the sentence covers every quotation in it, so the first one does not take the speaker
    of an earlier paragraph. Only a quotation whose words do not end a sentence, followed in the
    same paragraph and sentence by a quotation attributed after its closing mark, is changed.
    """
    text = f.text
    quoted = [q for q in found if q.kind in ("direct", "partial")]
    for a, b in zip(quoted, quoted[1:], strict=False):
        if a.method not in ("continuation", "none") or b.speaker is None or b.verb is None:
            continue
        if b.method in ("continuation", "none") or f.start[b.verb] < b.end:
            continue
        gap = text[a.end : b.start]
        if re.search(r"[.!?]\W*$", text[a.start : a.end]) or "\n" in gap or len(gap) > 200:
            continue
        if SENT_END.search(gap):
            continue
        a.speaker, a.verb = b.speaker, b.verb


def _speech_events(f: Field, in_quote: list[bool], lex: Lexicon) -> list[tuple[int, int, int]]:
    """Return ``(char, verb, subject)`` of reporting or cue verbs outside quotes, subject one person."""
    out = []
    for k in range(len(f.word)):
        if in_quote[k] or f.pos[k] != "VERB" or not (is_reporting(f, k, lex) or is_cue(f, k, lex)):
            continue
        if _denied(f, k):
            continue
        subj = subject_of(f, k)
        if subj is not None and not in_quote[subj] and _person_like(f, subj):
            out.append((f.start[k], k, subj))
    return out


def _outer_report(f: Field, v: int, subj: int, in_quote: list[bool], lex: Lexicon) -> tuple[int, int]:
    """Return the outermost reporting verb of the sentence whose report holds verb ``v``, with its subject.

    "Rep. Steve Israel said Clinton called on members to be “closely coordinated”": the quoted
    words come through Israel's report, so Israel is their source. Only a verb whose clausal
    complement holds ``v`` (through clauses without a subject of their own) and whose subject
    names one speaker counts.
    """
    best = (v, subj)
    cur, child = f.parent(v), v
    while cur is not None and f.sent[cur] == f.sent[v]:
        if f.dep[child] not in ("ccomp", "xcomp", "conj", "advcl"):
            break
        if f.dep[child] in ("conj", "advcl") and any(f.dep[c] in SUBJECT_DEPS for c in f.kids(child)):
            break  # "Rubio suggested …, while Cruz said …": a report of its own
        if not in_quote[cur] and f.pos[cur] == "VERB" and is_reporting(f, cur, lex) and not _denied(f, cur):
            s2 = subject_of(f, cur)
            if s2 is not None and not in_quote[s2] and _person_like(f, s2):
                best = (cur, s2)
        cur, child = f.parent(cur), cur
    return best


def _name_before(f: Field, v: int) -> int | None:
    """Return the name right before a subjectless main reporting verb ("…, Jake Sullivan, said"), if any."""
    if f.dep[v] != "ROOT" or f.tag[v] not in ("VBD", "VBZ", "VBP"):
        return None
    j = v - 1
    if j >= 0 and f.word[j] == ",":
        j -= 1
    if j >= 0 and f.sent[j] == f.sent[v] and f.pos[j] == "PROPN" and f.ent[j] == "PERSON":
        return j
    return None


def _clause_subject(f: Field, k: int) -> int | None:
    """Return the subject of the main verb of the sentence holding token ``k`` (any verb)."""
    root = k
    while (
        f.parent(root) is not None
        and f.parent(root) != root
        and f.sent[f.parent(root)] == f.sent[k]
        and f.parent(root) <= k + 1  # not into the quotation after the colon
    ):
        root = f.parent(root)
    if f.pos[root] not in ("VERB", "AUX"):
        return None
    return subject_of(f, root)


def _person_like(f: Field, i: int) -> bool:
    """Tell whether a token can head a phrase naming one speaker: a name, he/she or a role noun."""
    low = f.lem[i]
    return f.pos[i] == "PROPN" or low in PRONOUNS_PERSON or low in ROLE_NOUNS or f.ent[i] == "PERSON"


@functools.lru_cache(maxsize=1)
def source_nouns() -> frozenset[str]:
    """Return the common nouns that can head a source: people, groups, organisations and documents.

    The quote lexicons (roles, institutions, groups of people, documents, speaker nouns), the
    person nouns of :mod:`~analysis.framing.quotes.coref` and the one-word terms of the packaged
    source-type table (roles, groups, organisations, documents).
    """
    terms = default_terms()
    table = {
        k[0]
        for kind in ("role", "weak", "generic", "anonymous", "group", "org", "document")
        for k in terms.by_kind.get(kind, {})
        if len(k) == 1
    }
    return frozenset(
        table | ROLE_NOUNS | INSTITUTION_NOUNS | GROUP_NOUNS | DOCUMENT_NOUNS | SPEAKER_NOUNS | VOICE_NOUNS
        | PERSON_NOUNS | MORE_PERSON_NOUNS | set(GENDERED_NOUNS)
    )  # fmt: skip


#: Words that count people ("another says", "some argue").
_COUNTED = frozenset("another one some many most others both all few several half each".split())

#: An age phrase ending at a token: "34-year-old", "the 34-year-olds".
_AGED = re.compile(r"\d{1,3}-year-olds?$")

#: Endings of agent nouns ("pianist", "physician", "volunteer", "employee", "backer", "forecaster"): people.
_AGENT_ENDINGS = ("ist", "ian", "eer", "ee", "er", "or")


def can_be_source(f: Field, i: int) -> bool:
    """Tell whether token ``i`` can head a source: a person, group, organisation or document.

    Names, entities and pronouns can; a common noun can when it names people, a body or a
    document (:func:`source_nouns`, agent-noun endings, an age: "the 34-year-old"), not a thing
    or an event ("This sequence", "talks", "the notion", "a campaign shakeup"). Other words
    (a preposition, an adjective the parser made a subject) cannot.
    """
    if f.pos[i] in ("PROPN", "PRON", "NUM") or f.ent[i] in ("PERSON", "ORG", "GPE", "NORP"):
        return True
    if f.lem[i] in _COUNTED:
        return True  # "Another notes …", "some say …"
    if f.word[i][:1].isupper() and f.pos[i] == "NOUN" and i > 0 and f.sent[i - 1] == f.sent[i]:
        return True  # a name the tagger missed ("D’Souza replied")
    if f.pos[i] in ("NOUN", "ADJ", "X"):
        lemma, word = f.lem[i], f.low[i]
        nouns = source_nouns()
        if lemma in nouns or word in nouns or word.rstrip("s") in nouns:
            return True
        if _AGED.search(f.text, max(0, f.start[i] - 12), f.end[i]):
            return True  # "the 34-year-old" (one token or five)
        agent = lemma.endswith(_AGENT_ENDINGS) and len(lemma) > 4 and lemma not in NOT_AGENTS
        if f.pos[i] == "NOUN" and agent:
            return True
    return any(m.start <= f.start[i] < m.end for m in f.mentions)  # a word of a named entity


def _own_subject(
    f: Field, quote_toks: list[int], in_quote: list[bool], lex: Lexicon, surnames: dict[str, str]
) -> tuple[int, int] | None:
    """Return ``(verb, subject)`` of the clause a quotation inside a sentence belongs to, if one can speak.

    From the quotation's head, climb to the first verb outside it that has a subject: "She signed
    an agreement barring her from publishing a “diary …”", "Skelly called Braynard “a real smart
    guy”". That subject must be outside the quotation and able to speak (a name, a pronoun, a role,
    an organisation); a thing as subject ("The wall would be “beautiful”") gives None. A clause
    inside someone's report belongs to the reporter ("Gorka said that Clinton faced a “slam-dunk”
    indictment": Gorka): the outermost reporting verb above it with a person as subject wins. An
    utterance noun on the way with a possessor gives the possessor ("Obama's “if you like your plan”
    promise", "her claim that she “never sent” …").
    """
    inside = set(quote_toks)
    heads = [k for k in quote_toks if f.parent(k) is None or f.parent(k) not in inside or f.parent(k) == k]
    if not heads:
        return None
    cur = f.parent(heads[0])
    seen: set[int] = set()
    while cur is not None and cur not in seen and f.sent[cur] == f.sent[heads[0]] and cur not in inside:
        seen.add(cur)
        if f.pos[cur] == "NOUN" and f.lem[cur] in UTTERANCE_NOUNS:
            near = [*f.kids(cur), *(c for k in heads for c in f.kids(k))]  # "X's “no new taxes” promise"
            poss = next((c for c in near if f.dep[c] == "poss" and not in_quote[c]), None)
            if poss is not None and (f.pos[poss] in ("PROPN", "PRON") or f.ent[poss] in ("PERSON", "ORG")):
                return cur, poss  # Obama's “if you like your plan …” promise: the promise's owner
        if f.pos[cur] in ("VERB", "AUX") and _raw_subject(f, cur) is not None:
            subj = subject_of(f, cur)
            if subj is None or in_quote[subj] or not _plausible_speaker(f, subj, surnames):
                return None
            if not can_be_source(f, subj):
                return None
            best = (cur, subj)
            up, climbed = f.parent(cur), {cur}
            while up is not None and up not in climbed and f.sent[up] == f.sent[cur]:
                climbed.add(up)
                report = f.pos[up] == "VERB" and is_reporting(f, up, lex)
                if report and not in_quote[up] and not _denied(f, up):
                    s2 = subject_of(f, up)
                    if s2 is not None and not in_quote[s2] and _person_like(f, s2):
                        best = (up, s2)
                up = f.parent(up)
            return best
        nxt = f.parent(cur)
        cur = None if nxt == cur else nxt
    return None


def _governing_cue(f: Field, quote_toks: list[int], in_quote: list[bool], lex: Lexicon) -> int | None:
    """Return the nearest reporting or cue verb outside the quotation that the quoted words depend on."""
    if not quote_toks:
        return None
    cur = f.parent(quote_toks[0])
    seen = set()
    while cur is not None and cur not in seen and f.sent[cur] == f.sent[quote_toks[0]]:
        seen.add(cur)
        if not in_quote[cur] and (is_reporting(f, cur, lex) or is_cue(f, cur, lex)) and f.pos[cur] == "VERB":
            return None if _denied(f, cur) else cur
        cur = f.parent(cur)
    return None


#: Tokens of a speaker phrase next to its verb ("the Florida senator", "Rep. Jim McDermott (D-Wash.)").
_NP_POS = frozenset({"DET", "ADJ", "PROPN", "NOUN", "NUM"})


def _mistagged_name(f: Field, k: int) -> bool:
    """Tell whether token ``k`` is a capitalised word inside a sentence that the tagger took for no noun.

    "“…,” said Skelly, explaining …" can be parsed with *Skelly* an adverb; a title-case word
    right after a verb or a name, inside its sentence, is a name there.
    """
    w = f.word[k]
    return (
        f.pos[k] in ("ADV", "VERB", "ADP", "X", "INTJ")
        and w[:1].isupper()
        and w[1:].islower()
        and w.isalpha()
        and k > 0
        and f.sent[k - 1] == f.sent[k]
        and f.pos[k - 1] in ("VERB", "PROPN")  # "said Skelly", "Bill Skelly"
    )


def _np_run(f: Field, toks: list[int], i: int) -> tuple[int, int | None]:
    """Walk a plain noun phrase from ``toks[i]``; return (index after it, its last noun or name).

    Determiners, adjectives, names, nouns, numbers, hyphens and possessives ("Bush's campaign")
    continue it; a parenthesis ("(D-Wash.)") is skipped; a comma or any other word ends it.
    """
    head = None
    n = i
    while n < len(toks) and n - i < 10:
        k = toks[n]
        if f.word[k] == "(":
            close = next((j for j in range(n, min(len(toks), n + 8)) if f.word[toks[j]] == ")"), None)
            if close is None:
                break
            n = close + 1
            continue
        name = _mistagged_name(f, k)
        if f.pos[k] in _NP_POS or f.word[k] in ("-", "–") or f.tag[k] == "POS" or name:
            if f.pos[k] in ("PROPN", "NOUN") or name:
                head = k
            n += 1
            continue
        break
    return n, head


def _adjacent_attribution(
    f: Field, s: Span, in_quote: list[bool], lex: Lexicon, loose: bool = True
) -> tuple[int, int] | None:
    """Find the short attribution clause right after a quotation closed by a comma, ? or !.

    ``“…,” she continued.``, ``“…?” Rubio said.``, ``“…,” said the senator.``: a speaker phrase and
    a verb, in either order, fill the clause that follows the closing mark. The verb after a
    subject may be any verb (*fumed*, *surmised*, *shot back*); an inverted verb must be a
    reporting verb. Found from the word order, so that a parse that attaches the name elsewhere
    ("… said David Brock, a confidant who heads the Correct the Record PAC") does not lose it.
    A speaker phrase with an appositive ("Brent Bozell III, founder of the Media Research Center,
    tells …") reaches its reporting verb within the same sentence. After a quotation not closed by
    a comma, ? or ! (``loose`` False: “… end.” or no punctuation) only a reporting verb that ends
    the clause counts (“… end.” Rubio said.).
    Returns ``(verb, speaker head)`` token indices, or None.
    """
    toks = []
    for k in f.tokens_in(s.outer_end, min(len(f.text), s.outer_end + 300)):
        if f.pos[k] == "SPACE" and not f.word[k].strip(" \u00a0\u2009\u202f"):
            continue  # a non-breaking or thin space inside the clause ("Sen.\u00a0Roe said")
        if in_quote[k] or f.pos[k] == "SPACE" or f.word[k] in ("“", '"', "”", "«", "»"):
            break
        toks.append(k)
    if not toks or f.pos[toks[0]] == "PUNCT":
        return None
    first = toks[0]
    if not loose:
        found = _adjacent_attribution(f, s, in_quote, lex)
        if found is None or not is_reporting(f, found[0], lex):
            return None
        after = [k for k in toks if k > found[0] and k > found[1]]
        stop = next((i for i, k in enumerate(after) if f.word[k] in (".", "!", "?", ";")), len(after))
        return found if stop <= 3 and not any(f.word[k] == "," for k in after[:stop]) else None
    inverted = len(toks) > 1 and (
        is_reporting(f, first, lex)
        or f.pos[first] == "VERB" and f.tag[first] in ("VBD", "VBZ") and f.ent[toks[1]] == "PERSON"
    )  # “…,” agrees Jane Roe
    if inverted:  # “…,” said the senator
        if f.pos[toks[1]] == "PRON":
            return (first, toks[1]) if f.lemma[toks[1]].lower() in PRONOUNS_PERSON else None
        end, head = _np_run(f, toks, 1)
        return (first, _parsed_head(f, first, toks[1:end], head)) if head is not None else None
    # subject then verb: a pronoun, a name, or a noun phrase ("the Florida senator")
    if f.pos[first] == "PRON":
        if f.lem[first] not in PRONOUNS_PERSON and f.low[first] not in ("i", "they", "we"):
            return None
        head, n = first, 1
    else:
        n, head = _np_run(f, toks, 0)
        if head is None:
            return None
        if n < len(toks) and f.pos[toks[n]] not in ("VERB", "AUX"):
            # an appositive or a relative clause: the sentence's next reporting verb, if soon
            for j in range(n, min(len(toks), n + 25)):
                k = toks[j]
                if f.word[k] in (".", "!", "?", ";", ":"):
                    return None
                finite = f.tag[k] in ("VBD", "VBZ", "VBP") or (  # ", Donald Trump, tweeted" parsed VBN
                    f.tag[k] == "VBN" and f.word[k - 1] == "," and f.word[min(k + 1, len(f.word) - 1)] != "by"
                )
                if (is_reporting(f, k, lex) or f.pos[k] == "VERB" and is_cue(f, k, lex)) and finite:
                    subj = next((c for c in f.kids(k) if f.dep[c] in SUBJECT_DEPS), None)
                    if subj is not None and toks[n] < subj < k and f.word[subj - 1] == ",":
                        return k, subj  # “…,” the dawn of the movement, Bozell says
                    return k, _parsed_head(f, k, toks[:n], head)
            return None
    if n >= len(toks):
        return None
    verb = toks[n]
    if f.pos[verb] not in ("VERB", "AUX") or f.tag[verb] not in ("VBD", "VBZ", "VBP"):
        return None
    if f.pos[verb] == "AUX" and n + 1 < len(toks) and f.pos[toks[n + 1]] == "VERB":
        n, verb = n + 1, toks[n + 1]  # "he has said"
    if not is_reporting(f, verb, lex):
        rest = toks[n + 1 :]  # any verb must close its clause soon ("she continued.", "Trump shot back.")
        stop = next((i for i, k in enumerate(rest) if f.word[k] in (".", ",", ";", "!", "?")), len(rest))
        if stop > 4 or any(
            f.dep[k] == "ccomp" or f.dep[k] == "dobj" and not _addressee(f, k) for k in rest[:stop]
        ):
            return None  # “…,” Trump assured Jones: a person addressed is no content
    return verb, _parsed_head(f, verb, toks[:n], head)


def _addressee(f: Field, k: int) -> bool:
    """Tell whether the object ``k`` is a person spoken to ("assured Jones", "reminded her")."""
    return f.ent[k] == "PERSON" or f.lem[k] in ("him", "her", "them", "me", "us", "you") or (
        f.low[k] in ("him", "her", "them", "me", "us", "you")
    )


def _parsed_head(f: Field, verb: int, phrase: list[int], head: int) -> int:
    """Prefer the verb's parsed subject when it lies in the phrase ("the 34-year-old"), else ``head``."""
    subj = next((c for c in f.kids(verb) if f.dep[c] in SUBJECT_DEPS and c in phrase), None)
    return subj if subj is not None else head


def _combine(f: Field, found: list[_Quote]) -> list[_Quote]:
    """Make one attribution of each reported event.

    An indirect attribution whose cue lies inside the content of another
    (*Trump said he wants …*) is part of that one and is not repeated. A
    reported clause holding a partial quotation (*X said that it was "a robust
    and lasting peace"*) is one ``partial`` row (the mixed attribution: the
    quoted words, with the clause's speaker when the quotation had none). A
    quotation interrupted by its attribution and continued in the same
    paragraph (*"…," X said. "…"*) is one row spanning both parts.
    """
    text = f.text
    found = [
        q for q in found
        if q.kind != "indirect" or q.verb is None
        or not any(p is not q and p.start <= f.start[q.verb] < p.end for p in found)
    ]  # fmt: skip
    hosts = [q for q in found if q.kind == "indirect"]
    out: list[_Quote] = []
    for q in found:
        if q.kind == "partial" and q.speaker is None:
            host = next((h for h in hosts if h.start <= q.start and q.end <= h.end + 2), None)
            if host is not None:  # quoted words in a reported clause: the clause's speaker
                q.speaker, q.method = host.speaker, host.method
        out.append(q)
    out.sort(key=lambda q: q.start)
    merged: list[_Quote] = []
    for q in out:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and q.method == "continuation"
            and q.kind in ("direct", "partial")
            and prev.kind in ("direct", "partial")
            and prev.speaker is q.speaker
            and 0 <= q.start - prev.end <= 150
            and "\n" not in text[prev.end : q.start]
            and len(SENT_END.findall(text, prev.end, q.start)) <= 1
        ):
            prev.end = max(prev.end, q.end)
            prev.balanced = prev.balanced and q.balanced
            continue
        merged.append(q)
    return merged


def _denied(f: Field, v: int) -> bool:
    """Tell whether the verb is negated, a bare passive participle or under refuse/decline/fail.

    "refused to acknowledge", "did not say" and "Asked whether …, X replied"
    (a question put to the speaker) report no speech of the subject.
    """
    if any(f.dep[c] == "neg" for c in f.kids(v)):
        return True
    if f.lem[v] in HEARSAY and v + 1 < len(f.word) and f.low[v + 1] == "to":
        return True  # "the tax said to be illegal", "is believed to be": nobody is said to say it
    if (
        f.tag[v] == "VBN"
        and f.dep[v] in ("advcl", "acl")
        and not any(f.dep[c] in SUBJECT_DEPS for c in f.kids(v))
    ):
        return True
    p = f.parent(v)
    return f.dep[v] == "xcomp" and p is not None and f.lem[p] in ("refuse", "decline", "fail")


#: Possessive pronouns that can hold a view ("his suggestion that …", "their criticism of …").
POSSESSIVES = frozenset("his her their its my our your".split())


#: Verbs that report hearsay when an infinitive follows ("said to be", "believed to have").
HEARSAY = frozenset("say report believe think know rumor rumour reckon consider".split())


def _possessive(f: Field, k: int) -> bool:
    """Tell whether token ``k`` is a possessive pronoun modifying a noun ("his suggestion")."""
    return f.dep[k] == "poss" and f.low[k] in POSSESSIVES


def _possessor(f: Field, k: int, res: Resolver) -> Speaker:
    """Return the speaker of a possessive pronoun ("his suggestion that …"): the person it refers to."""
    person = res.coref.pronoun(f, k)
    if person is None:
        return Speaker(f.word[k], None, UNKNOWN, f.start[k], f.end[k], "pronoun-unresolved")
    return Speaker(f.word[k], person, res.affiliation(person, ""), f.start[k], f.end[k], "pronoun")


def _plausible_speaker(f: Field, i: int, surnames: dict[str, str]) -> bool:
    """Check that a reported-speech subject can speak: a name, a pronoun, a role or an institution."""
    lemma = f.lem[i]
    if f.pos[i] == "PRON":
        return lemma in PRONOUNS_PERSON or lemma in (
            "they", "it", "i", "we", "you", "some", "many", "most", "none", "others", "both", "all", "one",
            "everyone", "everybody", "nobody", "someone", "somebody", "those", "these",
        )
    if f.pos[i] == "PROPN" or f.ent[i] in ("PERSON", "ORG", "GPE", "NORP"):
        return True
    if f.pos[i] == "NUM" or lemma in ("percent", "one", "another", "all", "half", "both", "few", "several"):
        return True  # "47 percent said …", "another says …": poll shares and counted people
    word = f.low[i]
    if {lemma, word} & (ROLE_NOUNS | INSTITUTION_NOUNS | GROUP_NOUNS | DOCUMENT_NOUNS | SPEAKER_NOUNS):
        return True
    if any(m.start <= f.start[i] < m.end for m in f.mentions):
        return True
    if f.pos[i] == "NOUN" and can_be_source(f, i):
        return True
    word = f.word[i]
    if word[:1].isupper() and f.pos[i] == "NOUN":  # a name the tagger missed ("Zelenskyy said")
        first = i == 0 or f.sent[i - 1] != f.sent[i]
        return (
            not first
            or word.lower() in surnames
            or any(m.canonical.split()[-1:] == [word] for m in f.mentions)
        )
    return False


def _dominates(f: Field, v: int, toks: list[int]) -> bool:
    under = set(f.subtree(v))
    return any(t in under for t in toks)


def _content_of(f: Field, v: int, cue: str = "") -> tuple[int, int] | None:
    """Token range of what a reporting verb reports: its clausal complement or, for some verbs, its object.

    ``cue`` is the class of an attribution cue (``belief``, ``intention``,
    ``stance``; empty for reporting verbs): an infinitive complement is the
    content of intentions ("vowed to repeal …"), the object and what follows it
    the content of stances ("criticized the pope as …").
    """
    lemma = f.lem[v]
    kids = f.kids(v)
    light = _light_content(f, v) if lemma in LIGHT_VERBS else None
    if light is not None:
        return light
    picked = [c for c in kids if f.dep[c] in ("ccomp",)]
    if not picked and lemma in XCOMP_CUES:
        picked = [c for c in kids if f.dep[c] == "xcomp" and c > v]
    if not picked and lemma in OBJECT_XCOMP:  # "told Bush to quiet down"
        objs = [c for c in kids if f.dep[c] == "dobj" and c > v]
        xcomp = [c for c in kids if f.dep[c] == "xcomp" and objs and c > objs[0]]
        picked = objs + xcomp if xcomp else []
    if not picked and lemma in AS_CUES:  # "sees the deal as a betrayal"
        objs = [c for c in kids if f.dep[c] == "dobj" and c > v]
        as_ = [c for c in kids if f.dep[c] == "prep" and f.low[c] == "as" and objs and c > objs[0]]
        picked = objs + as_ if as_ else []
    if not picked and (lemma in OBJECT_CUES or cue == "stance") and any(f.dep[c] == "agent" for c in kids):
        # "Cruz was endorsed by the governor": the passive subject is what the agent judges
        picked = [c for c in kids if f.dep[c] == "nsubjpass"]
        if picked and f.tag[picked[0]] in ("WDT", "WP"):
            picked = []
    if not picked and (lemma in OBJECT_CUES or cue == "stance"):
        objs = [c for c in kids if f.dep[c] == "dobj" and c > v] or [
            c for c in kids if f.dep[c] == "dobj" and f.tag[c] in ("WDT", "WP")
        ]  # "a plan which Trump denounced": the relative pronoun stands for what is judged
        if objs:
            follow = ("as", "for", "of", "over")
            picked = objs + [
                c for c in kids
                if c > objs[0] and (f.dep[c] in ("oprd", "xcomp", "ccomp")
                                    or f.dep[c] == "prep" and f.low[c] in follow)
            ]  # fmt: skip
    if not picked and lemma in DOBJ_SPEECH:
        picked = [c for c in kids if f.dep[c] == "dobj"]
    if not picked and lemma in PREP_SPEECH:
        picked = [c for c in kids if f.dep[c] == "prep" and f.low[c] in PREP_SPEECH[lemma]]
        if not picked:  # "called for the party to unite": the parser makes "for" the mark of a clause
            picked = [
                c for c in kids
                if f.dep[c] == "advcl" and c > v
                and any(f.dep[d] == "mark" and f.low[d] in PREP_SPEECH[lemma] for d in f.kids(c))
            ]  # fmt: skip
    if not picked and lemma in ("say", "tell", "claim", "warn", "state", "insist", "assert", "allege"):
        picked = [c for c in kids if f.dep[c] == "parataxis"]
    if not picked:
        picked = _that_clause(f, v)
    excluded: set[int] = set()
    parent = f.parent(v)
    if not picked and parent is not None and f.dep[v] in ("parataxis", "ccomp"):
        # "Talks were useful, said Peskov", "The risk, the experts said, is …": the verb is parenthetical
        subj = [c for c in f.kids(v) if f.dep[c] in SUBJECT_DEPS and c < v]
        first = f.subtree(subj[0])[0] if subj else v
        if first > 0 and f.word[first - 1] == ",":
            picked, excluded = [parent], set(f.subtree(v))
            if parent < v:  # the reported clause ends where the attribution starts
                excluded |= {t for t in f.subtree(parent) if t > v}
    if not picked and parent is not None and f.dep[v] == "advcl" and _as_clause(f, v):
        # "As X noted, the plan failed", "…, as critics point out": the main clause is what was said
        picked, excluded = [parent], set(f.subtree(v))
        if parent < v:
            excluded |= {t for t in f.subtree(parent) if t > v}
    if not picked:
        return None
    para = para_id(f, v)
    for c in picked:  # "said the party was not in a crisis, and urged …": a second predicate of the speaker
        for d in f.kids(c):
            if d > c and _own_predicate(f, d):
                excluded |= set(f.subtree(d))
    toks = sorted(t for c in picked for t in f.subtree(c) if para_id(f, t) == para and t not in excluded)
    if not toks:
        return None
    a, b = toks[0], toks[-1]
    while a < b and (f.pos[a] in ("PUNCT", "SPACE") or f.low[a] == "that" and f.dep[a] == "mark"):
        a += 1
    while b > a and f.pos[b] in ("PUNCT", "SPACE"):
        b -= 1
    if b - a < 1 and not (a == b and f.pos[a] in ("PROPN", "NOUN", "PRON") and _is_object(f, a, v)):
        return None  # one word is content only as the object of the cue ("endorsed Trump")
    return a, b


def _is_object(f: Field, t: int, v: int) -> bool:
    """Tell whether token ``t`` is the object (direct, prepositional, or passive subject) of cue ``v``."""
    p = f.parent(t)
    return (
        p == v and f.dep[t] in ("dobj", "nsubjpass")
        or f.dep[t] == "pobj" and p is not None and f.parent(p) == v
    )  # fmt: skip


def _noun_content(f: Field, n: int) -> tuple[int, int] | None:
    """Token range of the "that"-clause or "to"-infinitive of a cue noun with a possessor."""
    if not any(f.dep[c] == "poss" for c in f.kids(n)):
        return None
    for c in f.kids(n):
        if c > n and f.dep[c] in ("acl", "ccomp") and f.pos[c] in ("VERB", "AUX"):
            marks = {f.low[d] for d in f.kids(c) if f.dep[d] in ("mark", "aux")}
            own_subject = any(f.dep[d] in SUBJECT_DEPS for d in f.kids(c))
            if "that" in marks or "to" in marks and not own_subject:
                toks = f.subtree(c)
                a, b = toks[0], toks[-1]
                while a < b and f.low[a] in ("that", "to"):
                    a += 1
                while b > a and f.pos[b] in ("PUNCT", "SPACE"):
                    b -= 1
                return (a, b) if b > a else None
    for c in f.kids(n):  # "her criticism of Trump", "his positions on immigration": the object of the view
        if c > n and f.dep[c] == "prep" and f.low[c] in NOUN_PREPS:
            objs = [d for d in f.kids(c) if f.dep[d] in ("pobj", "pcomp")]
            if objs:
                toks = f.subtree(objs[0])
                a, b = toks[0], toks[-1]
                while b > a and f.pos[b] in ("PUNCT", "SPACE"):
                    b -= 1
                return a, b
    return None


def _span_of(f: Field, heads: list[int]) -> tuple[int, int] | None:
    """Token range of the subtrees of ``heads`` without a leading "that"/"to" or trailing punctuation."""
    toks = sorted(t for h in heads for t in f.subtree(h))
    a, b = toks[0], toks[-1]
    while a < b and (
        f.pos[a] in ("PUNCT", "SPACE") or f.low[a] in ("that", "to") and f.dep[a] in ("mark", "aux")
    ):
        a += 1
    while b > a and f.pos[b] in ("PUNCT", "SPACE"):
        b -= 1
    return a, b


def _as_clause(f: Field, v: int) -> bool:
    """Tell whether ``v`` heads a parenthetical "as X said" clause with nothing reported inside it."""
    kids = f.kids(v)
    if not any(f.dep[c] == "mark" and f.low[c] == "as" for c in kids):
        return False
    if any(f.dep[c] in ("dobj", "ccomp", "xcomp", "prep", "nsubjpass") and c > v for c in kids):
        return False
    return any(f.dep[c] in SUBJECT_DEPS for c in kids)


def _light_content(f: Field, v: int) -> tuple[int, int] | None:
    """Content of a light verb with a stance noun ("took issue with …", "made it clear that …")."""
    lemma = f.lem[v]
    kids = [c for c in f.kids(v) if c > v]
    if lemma == "make":  # "made it clear that …"
        for c in kids:
            if f.dep[c] in ("ccomp", "oprd") and f.low[c] in MAKE_CLEAR:
                clause = [
                    d for d in f.kids(c)
                    if f.dep[d] in ("advcl", "ccomp") and any(f.low[e] == "that" for e in f.kids(d))
                ]  # fmt: skip
                if clause:
                    return _span_of(f, clause[:1])
    objs = [c for c in kids if f.dep[c] == "dobj" and f.lem[c] in LIGHT_VERBS[lemma]]
    if not objs:
        return None
    for c in [d for d in kids if d > objs[0]] + [d for d in f.kids(objs[0]) if d > objs[0]]:
        if f.dep[c] == "prep" and f.low[c] in ADJ_PREPS:
            pobj = [d for d in f.kids(c) if f.dep[d] in ("pobj", "pcomp")]
            if pobj:
                return _span_of(f, pobj[:1])
        if f.dep[c] in ("acl", "ccomp") and any(f.low[e] == "that" for e in f.kids(c)):
            return _span_of(f, [c])
    return None


def _adj_content(f: Field, j: int) -> tuple[int, int] | None:
    """Token range of what a predicate adjective of attitude is about.

    A "that"-clause of any predicate adjective (*were optimistic that …*); for the
    adjectives of :data:`ATTITUDE_ADJ` also an infinitive (*is eager to …*) or the
    object of a preposition (*was critical of …*, *are tired of …*).
    """
    kids = [c for c in f.kids(j) if c > j]
    clause = [c for c in kids if f.dep[c] == "ccomp"]
    if clause:
        return _span_of(f, clause[:1])
    if f.lem[j] not in ATTITUDE_ADJ and f.low[j] not in ATTITUDE_ADJ:
        return None
    xcomp = [c for c in kids if f.dep[c] == "xcomp"]
    if xcomp:
        return _span_of(f, xcomp[:1])
    for c in kids:
        if f.dep[c] == "prep" and f.low[c] in ADJ_PREPS:
            objs = [d for d in f.kids(c) if f.dep[d] in ("pobj", "pcomp")]
            if objs:
                return _span_of(f, objs[:1])
    return None


def _agent_content(f: Field, n: int) -> tuple[int, int] | None:
    """Token range of what a stance agent noun predicated of someone supports ("is a critic of …")."""
    if f.dep[n] not in ("attr", "appos"):
        return None
    for c in f.kids(n):
        if c > n and f.dep[c] == "prep" and f.low[c] in ("of", "for"):
            objs = [d for d in f.kids(c) if f.dep[d] in ("pobj", "pcomp")]
            if objs:
                return _span_of(f, objs[:1])
    return None


def _own_predicate(f: Field, d: int) -> bool:
    """Tell whether ``d``, a dependent after a reported clause, is a new predicate of the speaker.

    A coordinated verb without its own subject (*…, and urged that …*) or a
    participle clause (*…, describing the team as …*) continues the sentence's
    subject, not the reported clause.
    """
    if f.pos[d] != "VERB" or any(f.dep[c] in SUBJECT_DEPS for c in f.kids(d)):
        return False
    if f.dep[d] == "conj":
        return True
    return f.dep[d] == "advcl" and f.tag[d] == "VBG" and d > 0 and f.word[d - 1] == ","


def _that_clause(f: Field, v: int) -> list[int]:
    """Find a "that"-clause below a prepositional phrase of ``v`` ("asserted without evidence that …")."""
    frontier = [c for c in f.kids(v) if f.dep[c] == "prep"]
    for _ in range(3):
        nxt = []
        for k in frontier:
            for c in f.kids(k):
                if f.dep[c] in ("acl", "ccomp", "advcl", "relcl") and any(
                    f.dep[d] == "mark" and f.low[d] == "that" for d in f.kids(c)
                ):
                    return [c]
                nxt.append(c)
        frontier = nxt
    return []


def _according_clause(f: Field, k: int, speaker_tok: int, res: Resolver, spans: list[Span]) -> _Quote | None:
    sent, para = f.sent[k], para_id(f, k)
    toks = [i for i in range(len(f.ids)) if f.sent[i] == sent and para_id(f, i) == para]
    phrase = set(f.subtree(k))
    rest = [i for i in toks if i not in phrase and f.pos[i] not in ("PUNCT", "SPACE")]
    if len(rest) < 3:
        return None
    cs, ce = f.start[rest[0]], f.end[rest[-1]]
    covered = sum(max(0, min(ce, sp.end) - max(cs, sp.start)) for sp in spans)
    if covered > 0.6 * (ce - cs):
        return None
    return _Quote("indirect", cs, ce, k, res.speaker(f, speaker_tok, "according-to"), "according-to")


def _empty_quotes() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype="object") for c in QUOTE_COLUMNS})
    for c in ("sentence_id", "start_char", "end_char"):
        out[c] = out[c].astype("int64")
    for c in ("verb_start_char", "verb_end_char", "speaker_start_char", "speaker_end_char"):
        out[c] = out[c].astype("Int64")
    out["balanced"] = out["balanced"].astype(bool)
    out["speaker_is_person"] = out["speaker_is_person"].astype(bool)
    return out


@stage(
    provides="quotes",
    requires=("articles", "annotations", "mentions", "people", "source_types"),
    per_article=True,
    columns=QUOTE_COLUMNS,
)
def quotes(
    articles: pd.DataFrame,
    *,
    annotations: Annotations,
    mentions: pd.DataFrame,
    source_types: str | Path | None = None,
    people: str | PathLike | pd.DataFrame | People | None = None,
) -> pd.DataFrame:
    """Find direct, partial and indirect quotations and attribute each to a speaker.

    Parameters
    ----------
    articles : pandas.DataFrame
        Needs ``article_id`` and ``text``; ``title`` and ``status`` are used when
        present (only ``status == 'ok'`` rows are analysed; a title with
        ``title_derived`` True is a copy of the first sentence and is skipped).
    annotations : Annotations
        The spaCy tables of ``articles`` (:func:`analysis.annotate`). Only ``tokens``
        is read. Required (``analysis.quotes(articles)`` computes it and the mentions).
    mentions : pandas.DataFrame
        Entity mentions with ``article_id, field, start_char, end_char, text,
        canonical`` (``kind`` and ``country`` used when present), as returned by
        ``analysis.entity_mentions``. Required.
    people : str, path, DataFrame or People, optional
        The corpus's own people table (:mod:`analysis.framing.quotes.people`; pass
        ``resolve_people(source)`` to use a ``people.csv`` beside the corpus). Default none:
        speakers are resolved from the article alone.
    source_types : str or path, optional
        A corpus's own source-type table (``term, source_type, kind``), or the corpus folder
        holding ``source_types.csv``; its rows override the packaged table
        (:func:`analysis.framing.quotes.sources.terms_for`).

    Returns
    -------
    pandas.DataFrame
        One row per quotation, sorted by ``article_id, field, start_char``:
        ``article_id, field, sentence_id, kind`` (``direct``, ``partial``,
        ``indirect``), ``quote`` (the quoted words, or the reported clause),
        ``speaker`` (surface phrase), ``speaker_canonical``,
        ``speaker_affiliation`` (the party, country or organisation the article ties
        the speaker to, or ``unknown``; see :mod:`analysis.framing.quotes.sources`; the
        people table's affiliation when the text gives none),
        ``verb`` (reporting verb or
        "according to" as written), ``start_char, end_char`` (the quote inside its
        marks, or the reported clause), ``verb_start_char, verb_end_char,
        speaker_start_char, speaker_end_char`` (nullable), ``method`` (how the
        speaker was found: ``subject``, ``according-to``, ``pronoun``, ``role``,
        ``institution``, ``continuation``, ``none`` and ``…-unresolved``),
        ``balanced`` (False when a quotation mark was not closed), ``source_type``
        (government, politician, security_justice, expert, professional, business,
        civil_society, citizen, sport, arts_celebrity, media, anonymous, document, other,
        unknown), ``speaker_gender``
        (female, male, unknown; ``none`` when the speaker is not one person),
        ``speaker_is_person``.
    """
    rows = ok_articles(articles)
    if rows.empty:
        return _empty_quotes()
    ann = need(annotations, "annotations=", "quotes")
    mentions = need(mentions, "mentions=", "quotes")
    toks = ann.tokens
    toks = rows_where(toks, toks["article_id"].isin(set(rows["article_id"].astype(str))))
    lacking = {"article_id", "field", "start_char", "end_char", "text", "canonical"} - set(mentions.columns)
    if lacking:
        raise ValueError(f"mentions need columns {sorted(lacking)}; got {list(mentions.columns)}")
    by_field = article_mentions(mentions)
    texts = field_texts(rows)
    lex = default_lexicon()
    known = read_people(people)
    terms = with_parties(terms_for(source_types), known.parties)
    out = []
    for _, fields in field_groups(toks, texts, by_field):
        res = Resolver(fields, lex, known)
        typer = ArticleSources(fields, terms)
        for f in fields:
            if not f.text:
                continue
            for q in _extract_field(f, res, lex):
                first = f.at(q.start)
                sp = q.speaker
                st = typer.type_span(f, sp.start, sp.end, sp.canonical) if sp else NO_SPEAKER
                out.append(
                    {
                        "article_id": f.article_id,
                        "field": f.name,
                        "sentence_id": f.sent[first] if first is not None else 0,
                        "kind": q.kind,
                        "quote": f.text[q.start : q.end].strip(),
                        "speaker": sp.surface if sp else None,
                        "speaker_canonical": sp.canonical if sp else None,
                        "speaker_affiliation": st.affiliation
                        or (known.affiliation_of(sp.canonical) if sp and st.is_person else "")
                        or UNKNOWN,
                        "verb": (
                            "according to"
                            if q.verb is not None and f.low[q.verb] == "according"
                            else f.word[q.verb]
                            if q.verb is not None
                            else None
                        ),
                        "start_char": q.start,
                        "end_char": q.end,
                        "verb_start_char": f.start[q.verb] if q.verb is not None else None,
                        "verb_end_char": (f.end[q.verb] + (3 if f.low[q.verb] == "according" else 0))
                        if q.verb is not None
                        else None,
                        "speaker_start_char": sp.start if sp else None,
                        "speaker_end_char": sp.end if sp else None,
                        "method": q.method,
                        "balanced": q.balanced,
                        "source_type": st.source_type,
                        "type_evidence": evidence_strength(st),
                        "speaker_gender": st.gender,
                        "speaker_is_person": st.is_person,
                    }
                )
    if not out:
        return _empty_quotes()
    table = pd.DataFrame(out, columns=QUOTE_COLUMNS)
    table = table.drop_duplicates(["article_id", "field", "kind", "start_char", "end_char"])
    for c in ("verb_start_char", "verb_end_char", "speaker_start_char", "speaker_end_char"):
        table[c] = table[c].astype("Int64")
    table["balanced"] = table["balanced"].astype(bool)
    table["speaker_is_person"] = table["speaker_is_person"].astype(bool)
    return table.sort_values(["article_id", "field", "start_char", "kind"]).reset_index(drop=True)
