"""`babybliss data lint`: the pairs of a file whose Bliss side disagrees with the rule converter, grouped by kind."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from babybliss.data.pairs import entry_name, read_entries
from babybliss.grammar.notation import END_MARKS, split_sentences, tense_marker
from babybliss.grammar.notation import normalize_space as normalize
from babybliss.grammar.lexicon import known_verb

KINDS = ("marker differs", "verb not in base form", "word repeated", "word dropped", "preposition moved", "other")
"""Each disagreeing pair gets the first kind that applies, in this order."""
PREPOSITIONS = frozenset(
    "about above across after against along around at before behind below beside between by down during for from "
    "in inside into near of off on onto out outside over past through to toward towards under until up with without".split()
)


@dataclass
class Finding:
    """One pair whose Bliss side differs from the rules' Bliss."""

    where: str
    english: str
    bliss: str
    rules: str
    kind: str


def _words(bliss: str) -> list[str]:
    words = []
    for sentence in split_sentences(bliss):
        body = sentence.split(":", 1)[-1].strip().rstrip("".join(END_MARKS)).strip()
        words += [w.lower() for w in body.split()]
    return words


def _is_inflection(word: str, base: str, past_forms: dict) -> bool:
    """`went` of `go` (irregular), `bakes`/`baked`/`baking` of `bake`, `studies`/`studied` of `study`."""
    if word in past_forms.get(base, ()):
        return True
    stems = {base, base + base[-1:]}  # `hopped`
    stems.add(base[:-1] if base.endswith("e") else base)  # `baked`
    stems.add(base[:-1] + "i" if base.endswith("y") else base)  # `studied`
    return word != base and any(
        word.startswith(stem) and word[len(stem):] in ("s", "es", "ed", "d", "ing") for stem in stems
    )


def classify(bliss: str, rules: str, past_forms: dict | None = None) -> str:
    """The kind of disagreement between a file's Bliss and the rules' Bliss (one of KINDS)."""
    if past_forms is None:
        from babybliss.grammar.lexicon import past_forms as irregular_forms

        past_forms = irregular_forms()
    if tense_marker(bliss) != tense_marker(rules):
        return "marker differs"
    theirs, ours = _words(bliss), _words(rules)
    extra, missing = Counter(theirs) - Counter(ours), Counter(ours) - Counter(theirs)
    if any(_is_inflection(word, base, past_forms) for word in extra for base in missing if known_verb(base)):
        return "verb not in base form"
    if any(Counter(theirs)[w] > 1 and Counter(ours)[w] < Counter(theirs)[w] for w in extra):
        return "word repeated"
    if missing and not extra or missing and set(missing) - PREPOSITIONS and len(theirs) < len(ours):
        return "word dropped"
    if not extra and not missing:
        if [w for w in theirs if w not in PREPOSITIONS] == [w for w in ours if w not in PREPOSITIONS]:
            return "preposition moved"
    return "other"


def lint_pairs(pairs: Sequence[dict[str, str]], wheres: Sequence[str] | None = None) -> list[Finding]:
    """The pairs (in order) whose Bliss side is not the rules' Bliss, each with its kind; `wheres` name them."""
    from babybliss.grammar.rules import to_bliss
    from babybliss.grammar.lexicon import past_forms

    forms = past_forms()
    ours = to_bliss([p["original"] for p in pairs])
    return [
        Finding(where, pair["original"], normalize(pair["bliss"]), rule, classify(pair["bliss"], rule, forms))
        for where, pair, rule in zip(wheres or [entry_name(i) for i in range(1, len(pairs) + 1)], pairs, ours)
        if normalize(pair["bliss"]) != normalize(rule)
    ]


def lint_file(path: str) -> tuple[int, list[Finding]]:
    """(number of entries, findings) for a pairs file; entries are named as in the file (`entry 0`, `line 1`)."""
    entries = read_entries(path)
    return len(entries), lint_pairs([pair for _, pair in entries], [where for where, _ in entries])


def lint_lines(path: str, total: int, findings: Sequence[Finding]) -> list[str]:
    """What `babybliss data lint` prints: a summary, then each kind with its count and entries."""
    lines = [f"{path}: {total} entries, {len(findings)} disagree with the rule converter"]
    by_kind = {kind: [f for f in findings if f.kind == kind] for kind in KINDS}
    lines += [f"  {kind}: {len(group)}" for kind, group in by_kind.items()]
    for kind, group in by_kind.items():
        if not group:
            continue
        lines.append(f"\n{kind} ({len(group)}):")
        for f in group:
            lines += [f"  {f.where}: {f.english}", f"    file:  {f.bliss}", f"    rules: {f.rules}"]
    return lines
