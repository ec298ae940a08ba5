"""Write src/babybliss/data/corpus/everyday.json: the `everyday` evaluation set (English -> Conceptual Bliss).

Messages in the register of AAC boards (docs/conceptual-bliss.md §16-17): needs, feelings, requests, commands,
wishes, times and numbers, greetings, thanks, vocatives, questions, several sentences in a row; a share of them typed
the way people type (lowercase, no apostrophes, no final mark, an emoji). Built by scripts/everyday_messages.py
from this script's own lexicon, which shares no content word with the corpus's and the novel set's everyday
lexicons; the Bliss side comes from the same structure as the English, never from the rule converter. No English
or Bliss sentence is in the corpus, the novel set or (when it lies beside the checkout) the research data.
Seeded, standard library only:

    python scripts/write_everyday.py
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from everyday_messages import Lexicon, key, messages, typed  # noqa: E402

SEED = 1123
ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "src" / "babybliss" / "data" / "corpus"
OUT = CORPUS / "everyday.json"
OTHERS = [CORPUS / "pairs.json", CORPUS / "novel.json", ROOT.parent / "shared" / "bliss.json"]
QUOTA = {
    "need": 30, "feeling": 30, "request": 30, "command": 34, "wish": 26, "time": 34, "aspect": 20, "compare": 10,
    "quantity": 16, "phrase": 20, "social": 24, "vocative": 20, "question": 30, "several": 16,
}
TYPED_SHARE = 0.35
"""The share of messages written as typed fast (§17)."""

LEXICON = Lexicon(
    things=(("some water", "some water"), ("a blanket", "blanket"), ("my glasses", "my glasses"),
            ("my phone", "my phone"), ("a tissue", "tissue"), ("my medicine", "my medicine"),
            ("a pillow", "pillow"), ("my slippers", "my slippers"), ("a straw", "straw"),
            ("a warm jumper", "jumper warm"), ("my toothbrush", "my toothbrush"), ("the remote", "remote")),
    mass=("water", "juice", "soup", "tea", "toast", "rice", "yogurt"),
    counted=(("pill", "pills"), ("biscuit", "biscuits"), ("sandwich", "sandwiches"), ("minute", "minutes")),
    feelings=("tired", "hungry", "thirsty", "cold", "hot", "sad", "happy", "bored", "sick", "scared", "sleepy",
              "dizzy", "lonely"),
    body=("head", "stomach", "back", "leg", "throat", "ear", "foot", "tooth", "knee", "arm"),
    chores=(("open", "the window", "window", "opened", "opening"),
            ("close", "the door", "door", "closed", "closing"),
            ("turn on", "the light", "light", "turned on", "turning on"),
            ("turn off", "the radio", "radio", "turned off", "turning off"),
            ("call", "the nurse", "nurse", "called", "calling"),
            ("fix", "my chair", "my chair", "fixed", "fixing"),
            ("pass", "the salt", "salt", "passed", "passing"),
            ("comb", "my hair", "my hair", "combed", "combing")),
    activities=(("watch", "a film", "film", "watched", "watching"),
                ("play", "a game", "game", "played", "playing"),
                ("wash", "my hands", "my hands", "washed", "washing"),
                ("draw", "a picture", "picture", "drew", "drawing"),
                ("sing", "a song", "song", "sang", "singing"),
                ("bake", "a cake", "cake", "baked", "baking"),
                ("visit", "Grandma", "Grandma", "visited", "visiting"),
                ("listen to", "music", "music", "listened to", "listening to")),
    places=(("home", "home"), ("outside", "outside"), ("to the toilet", "to toilet"), ("to bed", "to bed"),
            ("to the garden", "to garden"), ("to the shop", "to shop"), ("to the park", "to park"),
            ("to the beach", "to beach")),
    kin=("Mom", "Dad", "Grandma", "Grandpa"),
    comparatives=(("bigger", "cup"), ("smaller", "plate"), ("softer", "pillow"), ("warmer", "blanket"), ("bigger", "towel"),
                  ("quieter", "room")),
    weather=("cold", "hot", "warm", "sunny", "windy", "late", "dark"),
    meals=("breakfast", "lunch", "dinner"),
    days=("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
    greetings=("hello", "hi", "good morning", "good night", "thank you", "thanks", "sorry", "bye", "see you later"),
    exclamations=("ouch", "oops", "yay", "stop", "wait", "help"),
)


def taken() -> set[str]:
    out = set()
    for path in OTHERS:
        if path.is_file():
            for pair in json.loads(path.read_text(encoding="utf-8")):
                out |= {key(pair["original"]), key(pair["bliss"])}
    return out


def main() -> None:
    rng = random.Random(SEED)
    seen = taken()
    made = messages(rng, LEXICON, QUOTA, seen)
    pairs = []
    for english, bliss, category in made:
        if rng.random() < TYPED_SHARE:
            fast = typed(rng, english)
            if key(fast) not in seen:
                seen.add(key(fast))
                english, category = fast, f"{category}, typed"
        pairs.append({"original": english, "bliss": bliss, "kind": category})
    OUT.write_text(json.dumps(pairs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    markers = Counter(p["bliss"].split(":")[0] for p in pairs)
    typed_count = sum(p["kind"].endswith("typed") for p in pairs)
    print(f"wrote {len(pairs)} pairs to {OUT.relative_to(ROOT)}: {typed_count} typed fast; {dict(markers)}")


if __name__ == "__main__":
    main()
