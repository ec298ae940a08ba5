"""Messages as people type them, tidied before parsing (docs/conceptual-bliss.md §17).

`tidy` turns one typed input into the tidy sentences it stands for: lowercase `i` and apostrophe-less contractions
(`im`, `dont`) spelled out, markup and emoji left out (the conversion is then unsure), quotation marks made `"`, `!!`/`??` and spaces made single, several sentences split, a tag
question folded into its question, a greeting or a vocative made a sentence of its own, and the missing final mark
added (`?` for a question). The converter then reads each tidy sentence as if it had been typed that way.
"""

from __future__ import annotations

import re
import unicodedata

from babybliss.grammar.lexicon import (
    CONTRACTIONS,
    CONTRACTIONS_AT_CLAUSE_START,
    DISCOURSE_OPENERS,
    FUTURE_TIME_WORDS,
    ITS_IS_IT_IS_BEFORE,
    KIN_NAMES,
    KIN_WORDS,
    POSSESSIVES,
    QUESTION_AUXILIARIES,
    QUESTION_SUBJECTS,
    SOCIAL_PHRASES,
    TIME_NOUNS,
    TIME_WORDS,
    WH_WORDS,
    known_word,
)

ABBREVIATIONS = frozenset({"mr.", "mrs.", "ms.", "dr.", "st."})
"""Words whose period does not end a sentence."""
NAME_DETERMINERS = POSSESSIVES | {"the", "a", "an", "this", "that", "new", "old", "good"}
"""Words before a family word that make it a common noun (`my mom`), not a name (`call Mom`)."""
CLAUSE_OPENERS = frozenset({"and", "but", "so", "because", "when", "if", "then", "or"})
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
MARKUP_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")
"""An HTML or XML tag: `<` and a name right after it (so `3 < 5 > 2` is not one)."""
CODE_ELEMENT = re.compile(r"<(script|style)\b[^<>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
"""A script or style element, its code included: no part of it is shown as text."""
QUOTE_MARKS = frozenset("«»‹›“”„‟〝〞＂「」『』《》〈〉⟨⟩≪≫")
"""Double quotation marks of several scripts and the signs typed for them (`≪` is much-less-than); not `‘’`, which
are apostrophes too."""
WORD = re.compile(r"^(\W*)([\w']+)(\W*)$")


def tidy(text: str) -> tuple[list[str], list[str], list[str]]:
    """(tidy sentences, what was changed, what was left out that may matter) for one typed input, the last two one
    short phrase each; no sentences if it is empty. What was left out (markup, emoji) makes the conversion unsure:
    the message may have said more than its words."""
    changes: list[str] = []
    left_out: list[str] = []
    text = _drop_markup(str(text), left_out)
    text = _drop_emoji(text, left_out)
    text = _quote_marks(text, changes)
    text = _single_marks(" ".join(text.split()))
    sentences = []
    for part in filter(None, _split(text)):
        sentences += _tidy_sentence(part, changes)
    return [s for s in sentences if s.strip(".?!")], list(dict.fromkeys(changes)), left_out


def _drop_markup(text: str, left_out: list[str]) -> str:
    """HTML or XML tags (`<b>`, `</p>`) are not words of a message, nor is a script or style element's code: left
    out, and named."""
    tags = [f"<{m.group(1)}>…</{m.group(1)}>" for m in CODE_ELEMENT.finditer(text)]
    text = CODE_ELEMENT.sub(" ", text)
    tags += [m.group(0) for m in MARKUP_TAG.finditer(text)]
    if tags:
        left_out.append(f"markup left out, the message read as plain text: {', '.join(dict.fromkeys(tags))}")
    return MARKUP_TAG.sub(" ", text)


def _drop_emoji(text: str, left_out: list[str]) -> str:
    """Emoji and other pictographs have no Bliss symbol: left out, and named; invisible joiners and variation
    selectors go with them."""
    dropped = [c for c in text if unicodedata.category(c) in ("So", "Sk", "Co")]
    if dropped:
        left_out.append(f"emoji left out, no Bliss symbol: {''.join(dict.fromkeys(dropped))}")
    return "".join(c for c in text if unicodedata.category(c) not in ("So", "Sk", "Cs", "Co", "Cf", "Mn"))


def _quote_marks(text: str, changes: list[str]) -> str:
    """Quotation marks of any script, and the signs typed as them (`≪x≫`), read as `"`, so that they are taken as
    quotation marks (which the rules do not cover, §15) and never as part of a word."""
    found = [c for c in text if c in QUOTE_MARKS]
    if found:
        changes.append(f"{''.join(dict.fromkeys(found))} read as '\"'")
    return "".join('"' if c in QUOTE_MARKS else c for c in text)


def _single_marks(text: str) -> str:
    """`!!` -> `!`, `??`/`?!` -> `?`, `...` -> `.`, no space before a mark."""
    text = re.sub(r"\s+([,.!?])", r"\1", text)
    text = re.sub(r"[!?]*\?[!?]*", "?", text)
    text = re.sub(r"!+", "!", text)
    text = re.sub(r"(\.\s*){2,}|…", ". ", text).strip()
    return re.sub(r",+", ",", text)


def _split(text: str) -> list[str]:
    """Sentences: a new one after `.`, `!` or `?` and a space (not after `Mr.`, `Dr.` ...)."""
    parts, current = [], ""
    for piece in SENTENCE_END.split(text):
        current = f"{current} {piece}".strip()
        last = current.split()[-1].lower() if current else ""
        if last not in ABBREVIATIONS:
            parts.append(current)
            current = ""
    return parts + ([current] if current else [])


def _tidy_sentence(sentence: str, changes: list[str]) -> list[str]:
    mark = sentence[-1] if sentence[-1:] in ".!?" else ""
    words = _spell_out(sentence.rstrip(".!?").strip(" ,").split(), changes)
    if not words:
        return []
    words, tagged = _drop_tag(words)
    if tagged:
        mark = "?"
        changes.append("tag question read as a question")
    before, words, after = _split_social_and_vocatives(words, changes)
    out = [_finish(part, "!" if mark == "!" else ".") for part in before]
    if words:
        if not mark:
            mark = "?" if _is_question(words) else "."
            if mark == "?":
                changes.append("'?' added: the message reads as a question")
        out.append(_finish(words, mark))
    out += [_finish(part, "!" if mark == "!" else ".") for part in after]
    return out


def _finish(words: list[str], mark: str) -> str:
    text = " ".join(words).strip(" ,")
    return text[:1].upper() + text[1:] + mark


def _spell_out(words: list[str], changes: list[str]) -> list[str]:
    """Lowercase `i` and contractions typed without their apostrophe, spelled as a tidy writer would."""
    out = []
    for n, raw in enumerate(words):
        match = WORD.match(raw)
        if not match:
            out.append(raw)
            continue
        lead, word, trail = match.groups()
        lower = word.lower().replace("’", "'")
        previous = out[-1].lower() if out else ""
        at_clause_start = not out or previous.endswith(",") or previous in CLAUSE_OPENERS
        following = WORD.match(words[n + 1]).group(2).lower() if n + 1 < len(words) and WORD.match(words[n + 1]) else ""
        fixed = None
        if lower == "i" or lower.startswith("i'"):
            fixed = "I" + word[1:]
        elif lower in CONTRACTIONS:
            fixed = CONTRACTIONS[lower]
        elif lower in CONTRACTIONS_AT_CLAUSE_START and at_clause_start and following:
            fixed = CONTRACTIONS_AT_CLAUSE_START[lower]
        elif lower in KIN_NAMES and word.islower() and previous.strip(",") not in NAME_DETERMINERS:
            fixed = word.capitalize()
        elif lower == "its" and (trail or not following or following in ITS_IS_IT_IS_BEFORE or following.endswith(("ing", "ed"))):
            fixed = "it's"
        if fixed is not None and fixed != word:
            if word[:1].isupper() and not fixed[:1].isupper():
                fixed = fixed[:1].upper() + fixed[1:]
            changes.append(f"read {word!r} as {fixed!r}")
            word = fixed
        out.append(lead + word + trail)
    return out


def _drop_tag(words: list[str]) -> tuple[list[str], bool]:
    """`It's cold, isn't it` -> `It's cold` (and a question); `..., right` / `..., okay` the same."""
    text = " ".join(words)
    match = re.search(r",\s*(?:(?:\w+n't|" + "|".join(QUESTION_AUXILIARIES) + r")(?:\s+not)?\s+(?:i|you|he|she|it|we|they|there)|right|okay|ok)$", text, re.I)
    if not match:
        return words, False
    return text[: match.start()].split(), True


def _split_social_and_vocatives(words: list[str], changes: list[str]):
    """(sentences before, the message, sentences after): a leading greeting or thanks, a leading or trailing
    vocative, each its own sentence."""
    before, after = [], []
    while True:
        social = _leading_social(words)
        if social and len(social) < len(words) and words[len(social) - 1].endswith(","):
            before.append([w.rstrip(",") for w in social])
            words = words[len(social):]
            changes.append("greeting or thanks made a sentence of its own")
            continue
        vocative = _leading_vocative(words)
        if vocative:
            before.append([vocative])
            words = words[1:]
            changes.append("vocative made a sentence of its own")
            continue
        break
    social = _leading_social(words)
    if social and len(words) == len(social) + 1 and words[-1].lower() in KIN_WORDS:  # `thanks mom`
        return before + [[w.rstrip(",") for w in social]], [], [[_vocative_spelling(words[-1])]]
    if len(words) > 1 and words[-2].endswith(",") and _vocative_word(words[-1]):
        after.append([_vocative_spelling(words[-1])])
        words = words[:-1]
        changes.append("vocative made a sentence of its own")
    return before, words, after


def _leading_social(words: list[str]) -> list[str] | None:
    lowered = [w.lower().strip(",") for w in words]
    for phrase in SOCIAL_PHRASES:
        n = len(phrase.split())
        if lowered[:n] == phrase.split():
            return words[:n]
    return None


def _leading_vocative(words: list[str]) -> str | None:
    """`Mom, ...`, `Anna, ...` (a name or a kinship word before a comma); `dad when ...` (a kinship word before a
    wh-word, a subject pronoun, `please` or `let's`)."""
    if len(words) < 2:
        return None
    first = words[0]
    if first.endswith(",") and (_vocative_word(first.rstrip(",")) or _name_addressed(first.rstrip(","), words[1:])):
        return _vocative_spelling(first.rstrip(","))
    following = words[1].lower().strip(",")
    if first.lower() in KIN_WORDS and (following in WH_WORDS or following in {"i", "you", "we", "please", "let's"}
                                       or following.startswith(("i'", "you'", "we'"))):
        return _vocative_spelling(first)
    return None


def _vocative_word(word: str) -> bool:
    clean = word.strip(",.!?")
    if clean.lower() in KIN_WORDS:
        return True
    return _capitalised_word(clean) and not known_word(clean.lower())


def _capitalised_word(word: str) -> bool:
    return word[:1].isupper() and word.isalpha() and word != "I"


NEVER_CALLED = TIME_WORDS | TIME_NOUNS | FUTURE_TIME_WORDS | WH_WORDS | DISCOURSE_OPENERS
"""Words before a comma that open a message without calling anyone (`Yesterday, did you ...`, `Well, can you ...`)."""


def _name_addressed(word: str, rest: list[str]) -> bool:
    """A capitalised word that is also an English word (`Tom`, `Anna`, `Mara`) is a name called when the message then
    asks `you` (`can you`, `will you`, `did you`) or says `please` and more: `Tom, can you help me?`; not a time word, a
    discourse word or an -ly adverb (`Yesterday, did you ...`, `Well, can you ...`, `Honestly, will you ...`)."""
    lowered = word.lower()
    if not _capitalised_word(word) or lowered.endswith("ly") or lowered in NEVER_CALLED:
        return False
    after = [w.lower().strip(",.!?") for w in rest[:2]]
    if len(after) < 2:
        return False  # `Water, please.`: a thing asked for, not a name
    return after[0] == "please" or after[0] in QUESTION_AUXILIARIES and after[1] == "you"


def _vocative_spelling(word: str) -> str:
    clean = word.strip(",.!?")
    return clean[:1].upper() + clean[1:]


def _is_question(words: list[str]) -> bool:
    """A message without its final mark is a question when it opens with a wh-word (and has no comma: `When I grow
    up, ...` is a statement) or with an auxiliary before a subject (`are you ...`, `can I ...`)."""
    lowered = [w.lower().strip(",") for w in words]
    first = lowered[0]
    if first in WH_WORDS:
        return not any(w.endswith(",") for w in words) and lowered[1:2] != ["a"]
    if len(lowered) < 2:
        return False
    aux = first.replace("'", "")
    subject = lowered[1]
    if aux not in QUESTION_AUXILIARIES and not (aux.endswith("nt") and aux[:-2] in QUESTION_AUXILIARIES | {"do", "ca", "wo"}):
        return False
    if aux in ("do", "dont") and subject in ("it", "this", "that"):
        return False  # `do it now`: a command
    return subject in QUESTION_SUBJECTS or words[1][:1].isupper() and words[1] != "I'm"
