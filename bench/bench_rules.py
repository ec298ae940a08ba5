"""The rule converter's exact match (English -> Bliss): the everyday set, the novel set (and its two parts), the rare set,
the project corpus, the research data's unique pairs and its default test split, 40 held-out sentences written after the converter
and 30 held-out everyday messages written after the everyday rules (both never tuned on).

    PYTHONPATH=src python bench/bench_rules.py [--research ../shared/bliss.json] [--out rules.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from babybliss.config import Config  # noqa: E402
from babybliss.data.pairs import builtin_path, everyday_path, load_pairs, novel_path, rare_path, split_pairs  # noqa: E402
from babybliss.evaluation.metrics import exact_match_rate  # noqa: E402
from babybliss.grammar.rules import convert  # noqa: E402

# Written once the converter was done, by the rules of docs/conceptual-bliss.md; measured, not tuned on.
HELD_OUT = [
    ("The postman left a parcel at the door.", "past:postman leave parcel at door."),
    ("My aunt grows tomatoes in her greenhouse.", "present:my aunt grow tomatoes in her greenhouse."),
    ("We will fly to Lisbon next Tuesday.", "future:We fly to Lisbon Tuesday next."),
    ("Akira is cooking noodles for his sister.", "present progressive:Akira be cook noodles for his sister."),
    ("The little girl lost her red balloon.", "past:girl little lose her balloon red."),
    ("Are you going to buy the blue sofa?", "future:You buy sofa blue?"),
    ("Did the children enjoy the puppet show?", "past:children enjoy puppet show?"),
    ("I can't find my glasses.", "present:I not can find my glasses."),
    ("The river is very cold in March.", "present:river be very cold in March."),
    ("There were many people at the market.", "past:many people be at market."),
    ("Leila quickly closed the heavy door.", "past:Leila close quickly door heavy."),
    ("He always drinks tea after dinner.", "present:He drink always tea after dinner."),
    ("The bus didn't stop at our street.", "past:bus not stop at our street."),
    ("Where does your brother work?", "present:where your brother work?"),
    ("What are you reading right now?", "present progressive:what you be read now?"),
    ("Grandpa will tell us a funny story tonight.", "future:Grandpa tell us story funny tonight."),
    ("The baby slept all night.", "past:baby sleep night."),
    ("Kofi's daughter plays the violin.", "present:Kofi daughter play violin."),
    ("She has written three letters.", "past:She write three letters."),  # numbers kept since §10 changed
    ("They should wear warm coats.", "present:They should wear coats warm."),
    ("The old farmer sold his two cows last year.", "past:farmer old sell his two cows year last."),  # §10: kept
    ("Is the library open on Sundays?", "present:library be open on Sundays?"),
    ("My friends are not coming to the party.", "present progressive:my friends not be come to party."),
    ("When the rain stopped, we walked to the beach.", "past:when rain stop we walk to beach."),
    ("Marek will repair the roof before winter comes.", "future:Marek repair roof before winter come."),
    ("The students listened carefully to the teacher.", "past:students listen carefully to teacher."),
    ("I want to learn Spanish.", "present:I want to learn Spanish."),
    ("Who broke the kitchen window?", "past:who break kitchen window?"),
    ("The cat is sleeping on the warm blanket.", "present progressive:cat be sleep on blanket warm."),
    ("We never watch television in the morning.", "present:We never watch television in morning."),
    ("Julia picked up her keys and left the house.", "past:Julia pick up her keys and leave house."),
    ("The museum will be closed tomorrow.", "future:museum be closed tomorrow."),
    ("Our neighbours have bought a new car.", "past:our neighbours buy car new."),
    ("Why is the baby crying?", "present progressive:why baby be cry?"),
    ("He must finish his homework tonight.", "present:He must finish his homework tonight."),
    ("Nina and Paul cleaned the garage together.", "past:Nina and Paul clean together garage."),
    ("The soup tastes salty.", "present:soup taste salty."),
    ("I am going to visit my grandmother this weekend.", "future:I visit my grandmother weekend."),
    ("The dog won't eat the dry food.", "future:dog not eat food dry."),
    ("Tomas usually takes the train to work.", "present:Tomas take usually train to work."),
]

# Written once the everyday rules were done, by docs/conceptual-bliss.md §16-17; measured once, not tuned on.
HELD_OUT_EVERYDAY = [
    ("Pass me the sugar, please.", "imperative:pass me sugar please."),
    ("Please don't shout.", "imperative:please not shout."),
    ("Let's watch the news.", "imperative:let us watch news."),
    ("Hurry up!", "imperative:hurry up!"),
    ("I would like a glass of milk.", "conditional:I like glass of milk."),
    ("Could you turn the music down?", "conditional:You can turn down music?"),
    ("It might snow tomorrow.", "future conditional:It may snow tomorrow."),
    ("I would have called you.", "past conditional:I call you."),
    ("She was cooking when I came home.", "past progressive:She be cook when I come home."),
    ("We will be sleeping at midnight.", "future progressive:We be sleep at midnight."),
    ("I used to live in Cork.", "past:I used to live in Cork."),
    ("The car was stolen.", "past:car be stolen."),
    ("My coffee is colder than yours.", "present:my coffee be colder than yours."),
    ("I want those apples.", "present:I want those apples."),
    ("There are no chairs.", "present:no chairs be."),
    ("I need three stamps.", "present:I need three stamps."),
    ("The train leaves at 7:45.", "present:train leave at 7:45."),
    ("On Friday, we visited Grandpa.", "past:We visit Grandpa on Friday."),
    ("Water, please.", "phrase:water please."),
    ("Good afternoon.", "phrase:good afternoon."),
    ("Thanks for the lovely flowers.", "phrase:thanks for flowers lovely."),
    ("Dad, I can't sleep.", "phrase:Dad. present:I not can sleep."),
    ("It's raining, isn't it?", "present progressive:It be rain?"),
    ("Don't you like the soup?", "present:You not like soup?"),
    ("im so tired", "present:I be so tired."),
    ("can you help me", "present:You can help me?"),
    ("i dont want to go", "present:I not want to go."),
    ("where are my shoes", "present:where my shoes be?"),
    ("We missed the bus. We walked home.", "past:We miss bus. past:We walk home."),
    ("thank you so much!!", "phrase:thank you so much!"),
]


def unique(pairs):
    seen, out = set(), []
    for pair in pairs:
        key = (pair["original"], " ".join(pair["bliss"].split()))
        if key not in seen:
            seen.add(key)
            out.append(pair)
    return out


def score(name, pairs, misses=0):
    start = time.perf_counter()
    conversions = convert([p["original"] for p in pairs])
    seconds = time.perf_counter() - start
    ours = [c.bliss for c in conversions]
    rate = exact_match_rate(ours, [p["bliss"] for p in pairs])
    confident = [i for i, c in enumerate(conversions) if c.confident]
    rate_confident = exact_match_rate([ours[i] for i in confident], [pairs[i]["bliss"] for i in confident]) if confident else None
    result = {"set": name, "pairs": len(pairs), "exact": rate, "confident": len(confident),
              "exact_when_confident": rate_confident, "seconds": round(seconds, 2)}
    wrong = [(p["original"], p["bliss"], o) for p, o in zip(pairs, ours) if " ".join(o.split()) != " ".join(p["bliss"].split())]
    for english, expected, got in wrong[:misses]:
        print(f"  miss: {english}\n    expected {expected}\n    rules    {got}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--research", default=str(ROOT.parent / "shared" / "bliss.json"), help="the research data")
    parser.add_argument("--out", help="write the results as JSON here")
    parser.add_argument("--misses", type=int, default=0, help="print up to this many misses per set")
    args = parser.parse_args()
    convert(["Warm up."])  # load spaCy before timing
    novel = load_pairs(novel_path())[0]
    sets = [("everyday", load_pairs(everyday_path())[0]), ("novel", novel), ("novel: the 402 sentence pairs", novel[:402]),
            ("novel: the everyday messages", novel[402:]), ("rare", load_pairs(rare_path())[0]), ("pairs.json", load_pairs(builtin_path())[0]),
            ("held-out sentences", [{"original": e, "bliss": b} for e, b in HELD_OUT]),
            ("held-out everyday messages", [{"original": e, "bliss": b} for e, b in HELD_OUT_EVERYDAY])]
    research = Path(args.research)
    if research.is_file():
        pairs = unique(json.loads(research.read_text(encoding="utf-8")))
        data = Config().data
        test = split_pairs(load_pairs(research)[0], data.seed, data.validation_fraction, data.test_fraction)["test"]
        sets += [("bliss.json unique pairs", pairs), ("bliss.json test split", test)]
    results = []
    for name, pairs in sets:
        results.append(score(name, pairs, args.misses))
        r = results[-1]
        confident = f"{r['exact_when_confident']:.1%}" if r["exact_when_confident"] is not None else "-"
        print(f"{name}: {r['exact']:.1%} exact of {r['pairs']} ({r['confident']} confident, {confident} exact of those; {r['seconds']} s)")
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
