"""Bliss -> English answers that are English: the *acceptable* measure, and what differs from the reference, by kind.

Several English sentences are right for one Bliss sentence (Bliss has no articles, `will` and `going to` are one
marker), so exact match undercounts. An answer is **acceptable** when

* it converts back through the rule converter (grammar/rules.py) to the input Bliss sentence (exact match after
  spacing), or to the input with the *small words a composed row left out* put in (`same_but_left_out`: `be`, `to`
  before a place or before `want`'s verb that has its own object, the `?` of a row composed as a question, an
  adverb the row puts last where the rules put it after the verb; a Bliss user composing on the page leaves them out:
  `present:I tired.` is read by `I am tired.`, whose round trip is `present:I be tired.`); every other word, the
  marker and the order must match (a pronoun's and a parent word's case aside), and
* every word in it is a real English form: a form in lemminflect's lexicon (its inflection tables, so `hummed` is a
  form of `hum` and `hummeed` is nothing), or a word of the Hunspell en_GB word list ERRANT ships for its own
  spelling check (closed-class words, interjections, British spellings), or a number, or a word the input Bliss
  sentence has (a name the user typed); wordfreq is not the lexicon: its web counts hold half-words and
  wrong inflections (`weas`, `goed`); spaCy's small model has no vocabulary of its own (every word is out of it);
* no article stands where English puts none: before a pronoun, a possessive, a demonstrative standing alone, a
  modal, `used to`, `o'clock` (`The this is my brother.`, `I the used to ...`, `It is three the o'clock.`). The round
  trip cannot see these: the rules drop every article;
* no small word English needs is left out as the row left it (`words_left_out`: `I go bed.`, `I want drinking.`),
  and the verb agrees with a pronoun subject (`disagreements`: not `I are lonely.`): the round trip cannot see these
  either.

Beside it, `edit_kinds` classifies each difference from the reference with ERRANT (the grammatical-error annotation
toolkit, on the same spaCy pipeline): `R:DET` (`a`/`the`), `R:VERB` (`will`/`are going to`), `R:VERB:TENSE`,
`R:SPELL` (`hummeed`), `R:NOUN` (`baker` for `locksmith`)... In an acceptable answer they are variants English
allows; in an unacceptable one they are its errors (`kind_counts`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babybliss.convert.hybrid import combine_b2e
from babybliss.grammar.lexicon import PERSONAL_PRONOUNS
from babybliss.grammar.notation import END_MARKS, normalize_space
from babybliss.grammar.realise import FAMILY_NAMES

CONTRACTION_STEMS = frozenset({"ca", "wo", "sha"})
"""What spaCy leaves of `can't`, `won't`, `shan't` before `n't` (ERRANT's own list of them)."""
ARTICLES = frozenset({"a", "an", "the"})
NO_ARTICLE_BEFORE = frozenset(
    "i you he she it we they me him us them mine yours hers ours theirs my your his her its our their myself "
    "can could will would shall should must may might cannot not to o'clock a an the".split()
)
"""Words an article never comes right before. `this`/`that`/`these`/`those` and `used` are judged by what follows."""
DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})
FINITE = frozenset("is are was were be am does do did".split())
"""After a demonstrative: it stood alone, as a pronoun (`the that is`)."""
PRONOUNS = frozenset({"i"}) | PERSONAL_PRONOUNS
LEFT_OUT = frozenset({"be", "to"})
"""The small words a composed Bliss row may leave out and a right reading restores (docs/metrics.md): `be`, and `to`
only where the English has it as a preposition (`go to bed`), never an infinitive's (`want to drink`)."""


@lru_cache(maxsize=1)
def _hunspell_words() -> frozenset[str]:
    import errant

    path = Path(errant.__file__).parent / "en" / "resources" / "en_GB-large.txt"
    return frozenset(path.read_text(encoding="utf-8").split())


@lru_cache(maxsize=65536)
def real_word(word: str) -> bool:
    """`word` is a real English form (see the module's docstring), whatever its case."""
    from lemminflect import getAllLemmas

    lower = word.lower()
    if not any(c.isalpha() for c in word) or lower.replace(",", "").replace(".", "").isdigit():
        return True
    if getAllLemmas(lower) or lower in _hunspell_words() or word in _hunspell_words():
        return True
    return lower.startswith("'") and lower in {"'s", "'re", "'ve", "'ll", "'m", "'d"} or lower == "n't"


def _bliss_words(bliss: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_][\w'-]*", bliss.partition(":")[2])}


def non_words(bliss: str, english: str) -> list[str]:
    """The words of `english` that are not real English forms (nor words of the input `bliss`)."""
    from babybliss.grammar.nlp import load_nlp

    tokens = [t.text for t in load_nlp().tokenizer(normalize_space(english))]
    given = _bliss_words(bliss)
    bad = []
    for i, word in enumerate(tokens):
        following = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
        if word.lower() in CONTRACTION_STEMS and following == "n't":
            continue
        for part in filter(None, word.split("-")):
            if not real_word(part) and part.lower() not in given:
                bad.append(part)
    return bad


def real_words(english: str, bliss: str = "") -> bool:
    """Every word of `english` is a real English form (or a word of `bliss`, such as a name)."""
    return not non_words(bliss, english)


def misplaced_articles(english: str) -> list[str]:
    """Each `article word` pair of `english` where English puts no article (see the module's docstring)."""
    words = re.findall(r"[\w'-]+|[^\w\s]", normalize_space(english).lower())
    bad = []
    for i, (article, word) in enumerate(zip(words, words[1:])):
        after = words[i + 2] if i + 2 < len(words) else ""
        alone = word in DEMONSTRATIVES and (not after[:1].isalpha() or after in NO_ARTICLE_BEFORE | FINITE)
        if article in ARTICLES and (word in NO_ARTICLE_BEFORE or alone or word == "used" and after == "to"):
            bad.append(f"{article} {word}")
    return bad


def _tokens(bliss: str) -> list[str]:
    marker, _, body = normalize_space(bliss).partition(":")
    words = re.findall(r"[\w'-]+|[^\w\s]", body)
    # a pronoun's case aside (`we`, `We`), and a parent's (`father`, `Father`: the same person); a name's case is
    # kept (`caspian` is not the name `Caspian`)
    return [marker, *(w.lower() if w.lower() in PRONOUNS | FAMILY_NAMES else w for w in words)]


@dataclass(frozen=True)
class Restored:
    """What an English answer may have put back into a composed row (`same_but_left_out`), read from its parse:
    `to_words`, how many of its `to`s a row may leave out (a preposition's, `go to bed`; an infinitive's after
    `want`/`need` where the verb has its own object or place, `want to go to church`, never a lone verb's: `want
    to drink` is not `want drink`, which reads `want a drink`); `adverbs`, its adverbs the rules move to the slot
    after the verb (docs/conceptual-bliss.md §7), whose place in a Bliss row says nothing."""

    to_words: int = 0
    adverbs: tuple[str, ...] = ()


CLAUSE_BREAKS = frozenset({",", ";", "and", "but", "or", "because", "when", "if", "while", "after", "before", "so"})


def _clause_of(tokens: list[str], i: int) -> int:
    return sum(t in CLAUSE_BREAKS for t in tokens[:i])


def _without_free_adverbs(want: list[str], got: list[str], adverbs: Sequence[str]) -> tuple[list[str], list[str]]:
    """`want` and `got` less each of `adverbs` that closes a clause of `want` (`I go kitchen now`) and stands in the
    same clause of `got`: the rules put an adverb in the slot after the verb wherever English has it (`I go now to
    kitchen`), so a row that puts it last, as a user composing does, says the same. An adverb anywhere else in the
    row keeps its place (it may belong to another verb)."""
    want, got = list(want), list(got)
    for adverb in adverbs:
        if adverb in want and adverb in got:
            i, j = want.index(adverb), got.index(adverb)
            closes = i + 1 < len(want) and (want[i + 1] in CLAUSE_BREAKS or want[i + 1] in END_MARKS)
            if closes and _clause_of(want, i) == _clause_of(got, j):
                del want[i], got[j]
    return want, got


def same_but_left_out(bliss: str, back: str, restored: Restored = Restored()) -> bool:
    """`back` (a round trip) is `bliss` once some of its `LEFT_OUT` words, absent from `bliss` at that place, are
    taken away: any `be`, and at most `restored.to_words` `to`s; once the English's movable adverbs are compared
    wherever they stand in their clause; and with `?` for the `.` of a row composed as a question (realise's
    `composed_question`: the page ends every row with a full stop). Everything else (marker, words, order, end mark)
    equal, a pronoun's case aside."""
    from babybliss.grammar.realise import composed_question

    want, got = _without_free_adverbs(_tokens(bliss), _tokens(back), restored.adverbs)
    if composed_question(bliss) and got[-1:] == ["?"] and want[-1:] == ["."]:
        got[-1] = "."
    to_words, i = restored.to_words, 0
    for token in got:
        if i < len(want) and token == want[i]:
            i += 1
        elif token == "to" and to_words > 0:
            to_words -= 1
        elif token not in LEFT_OUT - {"to"}:
            return False
    return i == len(want)


def _restored(doc) -> Restored:
    """`Restored` of one parsed English answer."""
    from babybliss.grammar.realise import INFINITIVE_HEADS
    from babybliss.grammar.rules import _movable_adverb  # one definition of the adverb slot's words

    to_words = 0
    for t in doc:
        if t.lower_ != "to":
            continue
        verb = t.head
        own = any(c.i > verb.i and c.dep_ not in ("punct", "cc", "conj") for c in verb.children)
        infinitive = t.dep_ == "aux" and verb.dep_ == "xcomp" and verb.head.lemma_ in INFINITIVE_HEADS and own
        after_want = t.i > 0 and doc[t.i - 1].lemma_ in INFINITIVE_HEADS  # `want to hug`: never a preposition
        to_words += t.pos_ == "ADP" and not after_want or infinitive
    verbs = ("VERB", "AUX")
    return Restored(to_words, tuple(t.lower_ for t in doc if _movable_adverb(t) and t.head.pos_ in verbs))


def round_trips(blisses: Sequence[str], englishes: Sequence[str]) -> list[bool]:
    """Whether the rule converter turns each English answer back into its Bliss sentence, its left-out small words
    aside (`same_but_left_out`; one spaCy batch, and one more for the answers that are not back exactly). A row
    composed as a question (`where doctor.`) is read only by a question (`Where is the doctor?`, not `Where the
    doctor is.` nor the row word for word)."""
    from babybliss.grammar.nlp import load_nlp
    from babybliss.grammar.realise import composed_question
    from babybliss.grammar.rules import to_bliss

    back = to_bliss([e or "" for e in englishes])
    exact = [bool(e) and normalize_space(b) == normalize_space(bliss) for bliss, e, b in zip(blisses, englishes, back,
                                                                                            strict=True)]
    rest = [i for i, (e, ok) in enumerate(zip(englishes, exact)) if e and not ok]
    docs = dict(zip(rest, load_nlp().pipe(normalize_space(englishes[i]) for i in rest)))
    asked = [not composed_question(bliss) or normalize_space(b).endswith("?") for bliss, b in zip(blisses, back)]
    return [asks and (ok or i in docs and same_but_left_out(blisses[i], back[i], _restored(docs[i])))
            for i, (ok, asks) in enumerate(zip(exact, asked))]


def words_left_out(doc) -> list[str]:
    """Where a parsed English answer leaves out a small word English needs, as a composed row does (the round trip
    cannot see these: the row left them out too): `go`/`come`/`listen` with a noun as its object (`I go bed`, `I go
    the kitchen`, `I listen music`; not `home` alone, a time, `way` or an activity: `go home`, `come last week`,
    `go swimming`), and `want`/`need` with an -ing form as its object (`I want drinking`: a noun or `to` and a
    verb)."""
    from babybliss.grammar.lexicon import TIME_NOUNS, TIME_WORDS
    from babybliss.grammar.realise import INFINITIVE_HEADS, TO_PLACE

    missing = []
    for t in doc:
        head = t.head.lemma_.lower()
        if t.i == t.head.i:
            continue
        bare_home = t.lower_ == "home" and not any(c.dep_ == "det" for c in t.children)
        if head in TO_PLACE and t.dep_ in ("dobj", "npadvmod") and t.pos_ in ("NOUN", "PROPN") \
                and t.lemma_.lower() not in TIME_NOUNS | TIME_WORDS | {"way"} and not bare_home \
                and not t.lower_.endswith("ing"):
            missing.append(f"{t.head.text} {t.text}")
        elif head in INFINITIVE_HEADS and t.dep_ in ("dobj", "xcomp") and t.tag_ == "VBG":
            missing.append(f"{t.head.text} {t.text}")
    return missing


THIRD_PERSON = frozenset({"he", "she", "it"})
WRONG_BE = {"i": {"are", "is"}, "you": {"am", "is", "was"}, "we": {"am", "is", "was"}, "they": {"am", "is", "was"},
            "he": {"am", "are"}, "she": {"am", "are"}, "it": {"am", "are"}}
"""Forms of `be` a personal pronoun subject never takes (`I are`, `you was`); `were` after `I` or `it` is a
subjunctive (`if I were`)."""


def disagreements(doc) -> list[str]:
    """Where a parsed English answer's verb disagrees with its pronoun subject (`I are lonely`, `he go`, `I goes`).
    The round trip cannot see these: the rules write every verb in its base form."""
    from lemminflect import getLemma

    bad = []
    for subject in doc:
        pronoun = subject.lower_
        if subject.dep_ != "nsubj" or pronoun not in WRONG_BE:
            continue
        verb = subject.head
        finite = [a for a in verb.children if a.dep_ in ("aux", "auxpass") and a.tag_ in ("VBZ", "VBP", "VBD")]
        word = finite[0] if finite else verb
        if word.tag_ not in ("VBZ", "VBP", "VBD"):
            continue
        third = pronoun in THIRD_PERSON
        base = word.lower_ in getLemma(word.lower_, "VERB")  # `he go`; not a past tagged as a present (`he swam`)
        wrong_person = word.tag_ == "VBZ" and not third or word.tag_ == "VBP" and third and base
        if word.lower_ in WRONG_BE[pronoun] or wrong_person:
            bad.append(f"{subject.text} {word.text}")
    return bad


def acceptable_many(blisses: Sequence[str], englishes: Sequence[str]) -> list[bool]:
    """`acceptable` of each (Bliss, English) pair, the round trips in one batch."""
    from babybliss.grammar.nlp import load_nlp

    trips = round_trips(blisses, englishes)
    docs = load_nlp().pipe(normalize_space(e) for e in englishes)
    return [trip and not non_words(bliss, english) and not misplaced_articles(english) and not words_left_out(doc)
            and not disagreements(doc) for bliss, english, trip, doc in zip(blisses, englishes, trips, docs)]


def acceptable(bliss: str, english: str) -> bool:
    """`english` is an acceptable answer for `bliss`: the rules convert it back to `bliss` and every word is a real
    English form."""
    return acceptable_many([bliss], [english])[0]


# --- what differs from the reference, by kind -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _annotator():
    import errant

    from babybliss.grammar.nlp import load_nlp

    return errant.load("en", nlp=load_nlp())


def edit_kinds(answers: Sequence[str], references: Sequence[str]) -> list[list[str]]:
    """ERRANT's edit types turning each answer into its reference (`R:DET`, `R:SPELL`, `M:PREP`...); [] where equal."""
    annotator = _annotator()
    out = []
    for answer, reference in zip(answers, references, strict=True):
        if normalize_space(answer) == normalize_space(reference):
            out.append([])
            continue
        original, corrected = annotator.parse(normalize_space(answer), True), annotator.parse(
            normalize_space(reference), True)
        out.append([edit.type for edit in annotator.annotate(original, corrected)])
    return out


def kind_counts(rows: Sequence[Mapping]) -> dict[str, dict[str, int]]:
    """Edit kinds summed over rows with `acceptable` and `edits`: {"errors": kinds in unacceptable answers,
    "variants": kinds in acceptable ones}, each most common first."""
    errors, variants = Counter(), Counter()
    for row in rows:
        (variants if row["acceptable"] else errors).update(row["edits"])
    return {"errors": dict(errors.most_common()), "variants": dict(variants.most_common())}


def judge(blisses: Sequence[str], answers: Sequence[str], references: Sequence[str]) -> list[dict]:
    """Per answer: `acceptable`, `non_words` and ERRANT's `edits` against the reference."""
    ok = acceptable_many(blisses, answers)
    kinds = edit_kinds(answers, references)
    return [{"acceptable": a, "non_words": non_words(b, e), "misplaced_articles": misplaced_articles(e), "edits": k}
            for b, e, a, k in zip(blisses, answers, ok, kinds, strict=True)]


# --- the Bliss -> English hybrid --------------------------------------------------------------------------------------


def hybrid_b2e(blisses: Sequence[str], model: Sequence[str]) -> list[tuple[str, bool]]:
    """The Bliss -> English hybrid (convert.hybrid.combine_b2e) of the model's answers and the rule realiser's:
    (English, confident) per Bliss sentence. The realiser is asked only where the model's answer is not acceptable.
    Where neither is, the model's answer stays (unsure) unless it has a non-word or a misplaced article: then the
    realiser's, which writes only the Bliss sentence's words."""
    from babybliss.grammar.realise import to_english

    model_ok = acceptable_many(blisses, model)
    todo = [i for i, ok in enumerate(model_ok) if not ok]
    realised = dict(zip(todo, to_english([blisses[i] for i in todo])))
    realised_ok = dict(zip(todo, acceptable_many([blisses[i] for i in todo], [realised[i] for i in todo])))
    kept = [m if ok or not (non_words(b, m) or misplaced_articles(m)) else ""
            for b, m, ok in zip(blisses, model, model_ok)]
    return combine_b2e(kept, [realised.get(i, "") for i in range(len(model))], model_ok,
                       [realised_ok.get(i, False) for i in range(len(model))])


# --- in evaluate and the report ---------------------------------------------------------------------------------------


def english_metrics(rows: list[dict]) -> dict:
    """Bliss -> English rows (`input` Bliss, `generated`, `expected`) judged: each row gets `acceptable`,
    `non_words`, `misplaced_articles` and `edits`; returns {"acceptable": share, "acceptable_interval": its 95 %
    bootstrap interval, "edit_kinds": `kind_counts`}."""
    from babybliss.evaluation import stats

    judged = judge([r["input"] for r in rows], [r["generated"] for r in rows], [r["expected"] for r in rows])
    for row, verdict in zip(rows, judged):
        row.update(verdict)
    flags = [r["acceptable"] for r in rows]
    found = stats.interval(flags) if flags else None
    return {"acceptable": sum(flags) / len(flags) if flags else None,
            "acceptable_interval": None if found is None else [round(found[0], 6), round(found[1], 6)],
            "edit_kinds": kind_counts(rows)}


def kinds_text(counts: Mapping[str, int], top: int = 4) -> str:
    """`SPELL 3, NOUN 2, …`: the commonest ERRANT kinds (operation prefix dropped, summed), for a table cell."""
    summed = Counter()
    for kind, count in counts.items():
        summed[kind.split(":", 1)[-1]] += count
    shown = ", ".join(f"{kind} {count}" for kind, count in summed.most_common(top))
    return (shown + (", …" if len(summed) > top else "")) or "–"
