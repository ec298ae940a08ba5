"""English -> Bliss systems: the rule converter, a fine-tuned model, or a hybrid of both.

`hybrid` answers with the rule converter wherever the rules are sure of their answer, and with the model only where
they are unsure (a construction they do not cover, a parse they had to doubt) or could not convert at all. Where the
two merely disagree (on word order, a dropped adjective, a word from the training set) the rules' answer stands: on the
sentences they are sure of the rules are right 99 % of the time (bench/RESULTS.md), so the hybrid is never worse
than the rules there. The model's answer is taken only when it is a Bliss sentence (it has a marker).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from babybliss.config import Config
from babybliss.grammar.notation import tense_marker
from babybliss.errors import BlissError

SYSTEMS = ("rules", "model", "hybrid")


def default_system(adapter: str | None = None) -> str:
    """The English -> Bliss system `generate` and the server use by default: with a fine-tuned adapter the hybrid,
    without one the rule converter (an un-tuned model cannot convert)."""
    return "hybrid" if adapter else "rules"


def combine(rules: Sequence[str], model: Sequence[str], confident: Sequence[bool]) -> list[str]:
    """The hybrid's answer for each sentence: the rules' where they are `confident` of it, else the model's (when it
    is a Bliss sentence), else the rules'. `confident` is required: without it the hybrid cannot tell where the rules
    are sure, and a hybrid that trusted the model everywhere would lose what the rules get right."""
    return [tidy(by_model) if takes_model(by_rules, by_model, sure) else by_rules
            for by_rules, by_model, sure in zip(rules, model, confident, strict=True)]


def takes_model(by_rules: str, by_model: str, sure: bool) -> bool:
    """Whether the hybrid's answer is the model's: a Bliss sentence, where the rules' answer does not stand."""
    return bool(by_model) and tense_marker(by_model) is not None and not rules_stand(by_rules, sure)


def rules_stand(by_rules: str, sure: bool) -> bool:
    """The rules' answer is the hybrid's whatever the model says: they are sure of it and it is a Bliss sentence."""
    return sure and bool(by_rules) and tense_marker(by_rules) is not None


def ask_where_needed(texts: Sequence[str], rules: Sequence[str], confident: Sequence[bool], ask: Callable) -> dict:
    """`ask` (a model) called once, on the texts whose rules' answer does not stand; its answers by the text's index.
    Where the rules stand `combine` never uses the model's answer, so it is not computed."""
    stand = [rules_stand(by_rules, sure) for by_rules, sure in zip(rules, confident, strict=True)]
    needed = [i for i, stands in enumerate(stand) if not stands]
    return dict(zip(needed, ask([texts[i] for i in needed]))) if needed else {}


def tidy(bliss: str) -> str:
    """`marker: words` as `marker:words` (no space after the colon, as the rules write it); other text unchanged."""
    marker, colon, body = bliss.partition(":")
    return f"{marker}:{body.strip()}" if colon and tense_marker(bliss) else bliss


def rule_conversions(texts: Sequence[str]) -> tuple[list[str], list[bool]]:
    """The rule converter's answers and whether it was sure of each one's words (`Conversion.words_sure`)."""
    from babybliss.grammar.rules import convert

    conversions = convert(list(texts))
    return [c.bliss for c in conversions], [c.words_sure for c in conversions]


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
    if system == "model":
        return model_answers(config, adapter, texts, loaded)
    by_rules, confident = rule_conversions(texts)
    asked = ask_where_needed(texts, by_rules, confident, partial(model_answers, config, adapter, loaded=loaded))
    return combine(by_rules, [asked.get(i, "") for i in range(len(texts))], confident)


def combine_b2e(model: Sequence[str], realised: Sequence[str], model_ok: Sequence[bool],
                realised_ok: Sequence[bool]) -> list[tuple[str, bool]]:
    """The Bliss -> English hybrid's (answer, confident) for each sentence: the model's English where it is
    acceptable (evaluation.acceptable: it converts back to the Bliss and every word is English), else the rule
    realiser's where that is, else the model's marked unsure (the realiser's when the model gave nothing). The
    realiser's acceptable answer always beats the model's unacceptable one, so the hybrid is never less acceptable
    than the realiser."""
    out = []
    for by_model, by_rules, model_good, rules_good in zip(model, realised, model_ok, realised_ok, strict=True):
        if model_good:
            out.append((by_model, True))
        elif rules_good:
            out.append((by_rules, True))
        else:
            out.append((by_model or by_rules, False))
    return out
