"""Bliss -> English answers that are English: the *acceptable* measure, and what differs from the reference, by kind.

Several English sentences are right for one Bliss sentence (Bliss has no articles, `will` and `going to` are one
marker), so exact match undercounts. An answer is **acceptable** when

* it converts back through the rule converter (grammar/rules.py) to the input Bliss sentence (exact match after
  spacing), or to it once the round trip's *small words the input left out* are taken away (`LEFT_OUT`: `be`, and
  `to` where the English has it as a preposition, never an infinitive's; a Bliss user composing on the page leaves
  them out: `present:I tired.` is read by `I am tired.`, whose round trip is `present:I be tired.`); only words the
  input lacks at that place go, every other word, the marker, the order and the end mark must match (a pronoun's
  case aside), and
* every word in it is a real English form: a form in lemminflect's lexicon (its inflection tables, so `hummed` is a
  form of `hum` and `hummeed` is nothing), or a word of the Hunspell en_GB word list ERRANT ships for its own
  spelling check (closed-class words, interjections, British spellings), or a number, or a word the input Bliss
  sentence has (a name the user typed); wordfreq is not the lexicon: its web counts hold half-words and
  wrong inflections (`weas`, `goed`); spaCy's small model has no vocabulary of its own (every word is out of it);
* no article stands where English puts none: before a pronoun, a possessive, a demonstrative standing alone, a
  modal, `used to`, `o'clock` (`The this is my brother.`, `I the used to ...`, `It is three the o'clock.`). The round
  trip cannot see these: the rules drop every article.

Beside it, `edit_kinds` classifies each difference from the reference with ERRANT (the grammatical-error annotation
toolkit, on the same spaCy pipeline): `R:DET` (`a`/`the`), `R:VERB` (`will`/`are going to`), `R:VERB:TENSE`,
`R:SPELL` (`hummeed`), `R:NOUN` (`baker` for `locksmith`)... In an acceptable answer they are variants English
allows; in an unacceptable one they are its errors (`kind_counts`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from babybliss.convert.hybrid import combine_b2e
from babybliss.grammar.notation import normalize_space

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
PRONOUNS = frozenset("i you he she it we they".split())
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
    # a pronoun's case aside (`we`, `We`); a name's case is kept (`caspian` is not the name `Caspian`)
    return [marker, *(w.lower() if w.lower() in PRONOUNS else w for w in words)]


def same_but_left_out(bliss: str, back: str, prepositions_to: int = 0) -> bool:
    """`back` (a round trip) is `bliss` once some of its `LEFT_OUT` words, absent from `bliss` at that place, are
    taken away: any `be`, and at most `prepositions_to` `to`s (the English's `to` before a place, never an
    infinitive's: `want to drink` is not `want drink`); everything else (marker, words, order, end mark) equal, a
    pronoun's case aside."""
    want, got = _tokens(bliss), _tokens(back)
    i = 0
    for token in got:
        if i < len(want) and token == want[i]:
            i += 1
        elif token == "to" and prepositions_to > 0:
            prepositions_to -= 1
        elif token not in LEFT_OUT - {"to"}:
            return False
    return i == len(want)


def _prepositions_to(english: str) -> int:
    from babybliss.grammar.nlp import load_nlp

    return sum(t.lower_ == "to" and t.pos_ == "ADP" for t in load_nlp()(normalize_space(english)))


def round_trips(blisses: Sequence[str], englishes: Sequence[str]) -> list[bool]:
    """Whether the rule converter turns each English answer back into its Bliss sentence, its left-out small words
    aside (`same_but_left_out`; one spaCy batch)."""
    from babybliss.grammar.rules import to_bliss

    back = to_bliss([e or "" for e in englishes])
    return [bool(e) and (normalize_space(b) == normalize_space(bliss) or same_but_left_out(
        bliss, b, _prepositions_to(e) if " to " in f" {e.lower()} " else 0))
            for bliss, e, b in zip(blisses, englishes, back, strict=True)]


def acceptable_many(blisses: Sequence[str], englishes: Sequence[str]) -> list[bool]:
    """`acceptable` of each (Bliss, English) pair, the round trips in one batch."""
    trips = round_trips(blisses, englishes)
    return [trip and not non_words(bliss, english) and not misplaced_articles(english)
            for bliss, english, trip in zip(blisses, englishes, trips)]


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
