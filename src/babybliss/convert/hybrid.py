"""English -> Bliss systems: the rule converter, a fine-tuned model, or a hybrid of both.

`hybrid` keeps the model's answer where the rules vouch for its words (the same tense marker and the same words,
order aside, lowercase) and where the rules are unsure of their own answer (a construction they do not cover).
Otherwise (a dropped adjective, a word swapped for one from the training set, a misread progressive) the rule
converter's answer is used. Where the two differ only in word order, the model's order wins: it has learnt the order
conventions of its training data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from babybliss.config import Config
from babybliss.grammar.notation import split_sentences, tense_marker
from babybliss.errors import BlissError

SYSTEMS = ("rules", "model", "hybrid")


def default_system(adapter: str | None = None) -> str:
    """The English -> Bliss system `generate` and the server use by default: with a fine-tuned adapter the hybrid,
    without one the rule converter (an un-tuned model cannot convert)."""
    return "hybrid" if adapter else "rules"


def words_of(bliss: str) -> tuple[tuple[str | None, ...], Counter]:
    """The markers (one per sentence, in order) and the lowercase words of a Bliss text, word order aside."""
    sentences = split_sentences(bliss)
    bodies = [s.partition(":")[2].rstrip(" .?!") for s in sentences]
    return tuple(tense_marker(s) for s in sentences), Counter(w.lower() for body in bodies for w in body.split())


def combine(rules: Sequence[str], model: Sequence[str], confident: Sequence[bool] | None = None) -> list[str]:
    """The hybrid's answer for each sentence from the two systems' answers (and whether the rules were confident)."""
    confident = [True] * len(rules) if confident is None else confident
    out = []
    for by_rules, by_model, sure in zip(rules, model, confident, strict=True):
        agree = by_model and words_of(by_model) == words_of(by_rules)
        out.append(tidy(by_model) if agree or not by_rules or (by_model and not sure) else by_rules)
    return out


def tidy(bliss: str) -> str:
    """`marker: words` as `marker:words` (no space after the colon, as the rules write it); other text unchanged."""
    marker, colon, body = bliss.partition(":")
    return f"{marker}:{body.strip()}" if colon and tense_marker(bliss) else bliss


def rule_conversions(texts: Sequence[str]) -> tuple[list[str], list[bool]]:
    """The rule converter's answers and whether it was confident of each."""
    from babybliss.grammar.rules import convert

    conversions = convert(list(texts))
    return [c.bliss for c in conversions], [c.confident for c in conversions]


def rules_answers(texts: Sequence[str]) -> list[str]:
    return rule_conversions(texts)[0]


def model_answers(config: Config, adapter: str | None, texts: Sequence[str], loaded=None) -> list[str]:
    from babybliss.convert.generate import adapter_config, convert, load_for_generation

    prompts = adapter_config(adapter).prompts if adapter else config.prompts
    loaded = loaded or load_for_generation(config, adapter)
    return [o.answer for o in convert(loaded, prompts, "e2b", list(texts), config.generate)]


def convert_e2b(config: Config, system: str, texts: Sequence[str], adapter: str | None = None, loaded=None) -> list[str]:
    """English -> Bliss with `system` (rules, model or hybrid); the model is `adapter`'s, or `config.model`."""
    if system not in SYSTEMS:
        raise BlissError(f"unknown system {system!r}; expected one of {', '.join(SYSTEMS)}")
    if system == "rules":
        return rules_answers(texts)
    answers = model_answers(config, adapter, texts, loaded)
    if system == "model":
        return answers
    by_rules, confident = rule_conversions(texts)
    return combine(by_rules, answers, confident)
