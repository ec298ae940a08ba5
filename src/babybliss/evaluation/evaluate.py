"""Convert the held-out splits and the shipped evaluation sets (novel, everyday, rare) with the un-tuned model, each epoch's adapter and
the rules (the converter English -> Bliss, the realiser Bliss -> English); write predictions and metrics."""

from __future__ import annotations

import contextlib
import random
import re
import tempfile
import time
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from babybliss.grammar import rules
from babybliss.config import Config, ModelConfig
from babybliss.data.pairs import (EVALUATION_SETS, evaluation_set_path, load_pairs, novel_path, read_split, scored_in,
                                  shares_a_side, sides)
from babybliss.errors import BlissError
from babybliss.convert.adapters import adapter_slot
from babybliss.convert.generate import adapter_config, constraint, for_generation, generate_raw, load_for_generation
from babybliss.convert.shipped import shipped_for
from babybliss.io import atomic_dir, atomic_write_json, atomic_write_jsonl
from babybliss.evaluation.compose import COMPOSE, acceptable_rate, shipped_listed
from babybliss.evaluation import stats
from babybliss.evaluation.lane import beside_decoding, scoring_lane
from babybliss.evaluation.metrics import (INTERVALS, direction_metrics, exact_match, load_embedding_model,
                                         row_meaning_checks)
from babybliss.training.models import Loaded, load_model
from babybliss.grammar.nlp import NlpError
from babybliss.data.prompts import Example, build_prompt, few_shot_prompt, pair_examples
from babybliss.training.train import is_finished

BASE = "base"
RULES = "rules"
SHIPPED = "shipped"
"""The row of the adapter that ships with babybliss (on the default model)."""
NOVEL = "novel"
EVERYDAY = "everyday"
HYBRID = "hybrid"


class EvaluateError(BlissError):
    """The run cannot be evaluated (a user error, reported in one line)."""


def epoch_folders(run_dir: Path) -> list[Path]:
    """Finished adapters RUN/epoch-N, in epoch order."""
    found = [p for p in run_dir.glob("epoch-*") if re.fullmatch(r"epoch-\d+", p.name) and is_finished(p)]
    return sorted(found, key=lambda p: int(p.name.split("-")[1]))


def pick_shots(train: list[dict[str, str]], k: int, seed: int) -> list[dict[str, str]]:
    if k <= 0:
        return []
    if len(train) < k:
        raise EvaluateError(f"few-shot needs {k} training pairs, the train split has {len(train)}")
    return random.Random(f"shots:{seed}").sample(train, k)


def check_writable(run_dir: Path) -> None:
    """Fail before any work when evaluate could not write its results (probing, as permissions alone can lie)."""
    target = run_dir / "eval" if (run_dir / "eval").is_dir() else run_dir
    try:
        with tempfile.TemporaryFile(dir=target):
            pass
    except OSError as err:
        raise EvaluateError(f"{target}: cannot write the evaluation there ({err.strerror or err}); "
                            "evaluate a writable copy of the run") from None


def novel_pairs(data_dir: Path) -> list[dict[str, str]] | None:
    """The shipped novel set without any pair the run trained on; None (with a notice) when it is not shipped."""
    return shipped_pairs(NOVEL, novel_path(), data_dir)


def shipped_pairs(name: str, path: Path, data_dir: Path) -> list[dict[str, str]] | None:
    """A shipped evaluation set without any pair the run trained on; None (with a notice) when it is not shipped."""
    if not path.is_file():
        print(f"[babybliss] no {name} set at {path}: the {name} split is skipped", flush=True)
        return None
    pairs, _ = load_pairs(path)
    english, bliss = sides(read_split(data_dir, "train"))
    kept = [p for p in pairs if not shares_a_side(p, english, bliss)]
    if len(kept) < len(pairs):
        dropped = len(pairs) - len(kept)
        print(f"[babybliss] {dropped} {name} pair(s) are in the run's train split: not scored", flush=True)
    return kept


def eval_splits(config: Config, run_dir: Path) -> dict[str, list[dict[str, str]]]:
    """{split: pairs} for the configured splits, then each shipped evaluation set (novel, everyday, rare) when
    configured (`evaluate.novel`, …) and shipped; at most
    `evaluate.max_examples` pairs each (a shipped set, written rule by rule, by a seeded sample in file order)."""
    data_dir = run_dir / "data"
    limit = config.evaluate.max_examples
    splits = {split: read_split(data_dir, split)[: limit or None] for split in config.evaluate.splits}
    for name in EVALUATION_SETS:
        wanted = getattr(config.evaluate, name)
        shipped = shipped_pairs(name, evaluation_set_path(name), data_dir) if wanted and name not in splits else None
        if shipped is None:
            continue
        if limit and len(shipped) > limit:
            keep = sorted(random.Random(f"{name}:{config.data.seed}").sample(range(len(shipped)), limit))
            shipped = [shipped[i] for i in keep]
        splits[name] = shipped
    return splits


def _rows(split: str, direction: str, examples: list[Example], answers: list[str], clean: list[bool],
          raws: list[str]) -> list[dict]:
    return [
        {
            "split": split,
            "direction": direction,
            "input": e.input,
            "expected": e.answer,
            "generated": answer,
            "original": e.original,
            "clean_stop": stop,
            "exact": exact_match(answer, e.answer),
            "raw": raw,
        }
        for e, answer, stop, raw in zip(examples, answers, clean, raws)
    ]


_SAID: set[str] = set()


def _score(config: Config, rows: list[dict], direction: str) -> dict:
    """The direction's metrics; each row gets its meaning check (missing and invented content words, tense)."""
    try:
        checks = row_meaning_checks(rows, direction)
    except NlpError as err:
        notice = f"[babybliss] meaning-kept measures skipped: {err}"
        if notice not in _SAID:  # once a process, not once for every split, direction and model
            _SAID.add(notice)
            print(notice, flush=True)
        checks = []
    for row, check in zip(rows, checks):
        row.update(missing=check["missing"], invented=check["invented"], tense_agrees=check["tense_agrees"])
    metrics = direction_metrics(rows, direction, config.evaluate.embedding_model, checks=checks)
    if direction == "b2e" and checks:  # acceptable English and the kinds of difference (evaluation/acceptable.py)
        from babybliss.evaluation.acceptable import english_metrics

        english = english_metrics(rows)
        metrics[INTERVALS]["acceptable"] = english.pop("acceptable_interval")
        metrics.update(english)
        if rows[0]["split"] == COMPOSE:  # a row's listed English readings are acceptable too (evaluation.compose)
            metrics["acceptable"] = acceptable_rate(rows, shipped_listed())
            metrics[INTERVALS]["acceptable"] = stats.interval([float(row["acceptable"]) for row in rows])
    return metrics


def _write(run_dir: Path, name: str, rows: list[dict], result: dict) -> dict:
    with atomic_dir(run_dir / "eval" / name) as tmp:
        atomic_write_jsonl(tmp / "predictions.jsonl", rows)
        atomic_write_json(tmp / "metrics.json", result)
    return result


@dataclass
class Decoded:
    """A model's answers to every split and direction, before scoring."""

    name: str
    epochs: int
    few_shot: int
    device: str
    splits: list[str]
    answered: list[tuple[str, str, list[dict]]]
    """(split, direction, rows) in the order decoded."""
    decode_seconds: float
    generate_seconds: float


def evaluate_model(config: Config, run_dir: Path, name: str, loaded: Loaded, few_shot: int = 0, epochs: int = 0,
                   splits: dict[str, list[dict[str, str]]] | None = None) -> dict:
    """Convert each split (default: `eval_splits`) in each direction with `loaded`; write RUN/eval/<name>/
    atomically."""
    return score_model(config, run_dir, decode_model(config, run_dir, name, loaded, few_shot, epochs, splits))


def decode_model(config: Config, run_dir: Path, name: str, loaded: Loaded, few_shot: int = 0, epochs: int = 0,
                 splits: dict[str, list[dict[str, str]]] | None = None) -> Decoded:
    """`loaded`'s answers to each split in each direction (the model's part of `evaluate_model`)."""
    splits = eval_splits(config, run_dir) if splits is None else splits
    shots = pick_shots(read_split(run_dir / "data", "train"), few_shot, config.data.seed)
    answered, start, generate_s = [], time.perf_counter(), 0.0
    for direction in config.data.directions:
        # every split's prompts in one call: fuller, length-sorted batches and one prefix cache
        todo = [(split, [e for p in pairs for e in pair_examples(p, [direction])]) for split, pairs in splits.items()
                if scored_in(split, direction)]
        examples = [e for _, split_examples in todo for e in split_examples]
        if not examples:
            continue
        shot_examples: list[Example] = [e for s in shots for e in pair_examples(s, [direction])]
        prompts = [
            few_shot_prompt(config.prompts, direction, e.input, shot_examples)
            if shot_examples
            else build_prompt(config.prompts, direction, e.input)
            for e in examples
        ]
        inputs = constraint(config.generate, direction, [e.input for e in examples])
        decoding = time.perf_counter()
        outputs = generate_raw(loaded, prompts, config.generate, show_progress=True, **inputs)
        generate_s += time.perf_counter() - decoding
        done = 0
        for split, split_examples in todo:
            answers, done = outputs[done : done + len(split_examples)], done + len(split_examples)
            if split_examples:
                answered.append((split, direction, _rows(split, direction, split_examples, [o.answer for o in answers],
                                                         [o.clean_stop for o in answers], [o.raw for o in answers])))
    return Decoded(name, epochs, few_shot, str(next(loaded.model.parameters()).device), list(splits), answered,
                   time.perf_counter() - start, generate_s)


def score_model(config: Config, run_dir: Path, decoded: Decoded) -> dict:
    """Score a model's answers and write RUN/eval/<name>/ atomically (the scoring part of `evaluate_model`)."""
    start = time.perf_counter()
    rows, metrics = [], {split: {} for split in decoded.splits}
    for split, direction, split_rows in decoded.answered:
        metrics[split][direction] = _score(config, split_rows, direction)
        rows.extend(split_rows)
    rows.sort(key=lambda row: decoded.splits.index(row["split"]))  # rows.jsonl by split, then direction, as before
    result = {
        "model": decoded.name,
        "epochs": decoded.epochs,
        "few_shot": decoded.few_shot,
        "seconds": round(decoded.decode_seconds + time.perf_counter() - start, 2),
        "generate_seconds": round(decoded.generate_seconds, 2),
        "device": decoded.device,
        "splits": metrics,
    }
    return _write(run_dir, decoded.name, rows, result)


def evaluate_rules(config: Config, run_dir: Path, splits: dict[str, list[dict[str, str]]]) -> dict | None:
    """The rules on each split: the rule converter English -> Bliss, the rule realiser (babybliss.grammar.realise)
    Bliss -> English; None (with a notice) when they are not available."""
    from babybliss.grammar.realise import to_english

    systems = {"e2b": rules.to_bliss, "b2e": to_english}
    directions = [d for d in config.data.directions if d in systems]
    if not directions:
        return None
    rows, metrics, start = [], {}, time.perf_counter()
    for split, pairs in splits.items():
        metrics[split] = {}
        for direction in directions:
            if not scored_in(split, direction):
                continue
            examples = [e for p in pairs for e in pair_examples(p, [direction])]
            try:
                answers = systems[direction]([e.input for e in examples])
            except (NotImplementedError, NlpError) as err:
                print(f"[babybliss] the rules are not available ({err}): the rules row is skipped", flush=True)
                return None
            split_rows = _rows(split, direction, examples, answers, [True] * len(answers), answers)
            metrics[split][direction] = _score(config, split_rows, direction)
            rows.extend(split_rows)
    result = {"model": RULES, "epochs": None, "few_shot": 0, "seconds": round(time.perf_counter() - start, 2),
              "device": "cpu", "splits": metrics}
    return _write(run_dir, RULES, rows, result)


def evaluate_hybrid(config: Config, run_dir: Path, epoch_name: str, epochs: int) -> dict | None:
    """The hybrids of `epoch_name`'s answers, read from its predictions, and the rules', on the same items:
    English -> Bliss (convert.hybrid.combine: the rule converter where it is sure, else the model) and Bliss ->
    English (evaluation.acceptable.hybrid_b2e: the model's English where it is acceptable, else the rule realiser's
    where that is); RUN/eval/hybrid-epoch-N/. None (with a notice) where either is missing."""
    from babybliss.convert.hybrid import combine, rule_conversions, takes_model
    from babybliss.evaluation.acceptable import hybrid_b2e
    from babybliss.io import read_jsonl

    predictions = read_jsonl(run_dir / "eval" / epoch_name / "predictions.jsonl")
    by_direction = {d: [r for r in predictions if r["direction"] == d] for d in ("e2b", "b2e")}
    if not by_direction["e2b"]:
        return None
    try:
        by_rules, confident = rule_conversions([r["input"] for r in by_direction["e2b"]])
        answers = {"e2b": combine(by_rules, [r["generated"] for r in by_direction["e2b"]], confident)}
        if by_direction["b2e"]:
            answers["b2e"] = [english for english, _ in hybrid_b2e([r["input"] for r in by_direction["b2e"]],
                                                                  [r["generated"] for r in by_direction["b2e"]])]
    except (NotImplementedError, NlpError) as err:
        print(f"[babybliss] the rules are not available ({err}): the hybrid row is skipped", flush=True)
        return None
    by_model = {"e2b": [takes_model(b, r["generated"], sure) for b, r, sure in zip(by_rules, by_direction["e2b"],
                                                                                   confident)]}
    if "b2e" in answers:
        by_model["b2e"] = [a == r["generated"] for a, r in zip(answers["b2e"], by_direction["b2e"])]
    rows, metrics, start = [], {}, time.perf_counter()
    for direction, chosen in answers.items():
        model_rows = by_direction[direction]
        for split in dict.fromkeys(r["split"] for r in model_rows):
            picked = [(r, a, m) for r, a, m in zip(model_rows, chosen, by_model[direction]) if r["split"] == split]
            # how the answer ended is the answering system's: the model's row where it answered, else the rules' (clean)
            split_rows = [{key: r[key] for key in ("split", "direction", "input", "expected", "original")}
                          | {"generated": a, "exact": exact_match(a, r["expected"]), "clean_stop": r["clean_stop"] if m
                             else True, "raw": r.get("raw", a) if m else a} for r, a, m in picked]
            metrics.setdefault(split, {})[direction] = _score(config, split_rows, direction)
            rows.extend(split_rows)
    name = f"{HYBRID}-{epoch_name}"
    result = {"model": name, "epochs": epochs, "few_shot": 0, "seconds": round(time.perf_counter() - start, 2),
              "device": "cpu", "splits": metrics}
    return _write(run_dir, name, rows, result)


def evaluate_base(config: Config, run_dir: Path, few_shot: int, base: Loaded | None = None) -> dict:
    check_writable(run_dir)
    loaded = base or for_generation(load_model(config.model), config.model.dtype)
    return evaluate_model(config, run_dir, BASE, loaded, few_shot=few_shot)


def evaluate(config: Config, run_dir: str | Path, skip_done: bool = False, base: Loaded | None = None) -> list[dict]:
    """The `evaluate` command: the few-shot base row, the rules row, then every finished epoch adapter of the run.

    Each base model is loaded once (`base`: the run's own, already in memory and ready for generation) and every
    epoch's adapter is put on it and taken off again (convert.adapters)."""
    run_dir = Path(run_dir)
    if not (run_dir / "data" / "test.jsonl").is_file():
        raise FileNotFoundError(f"{run_dir}: no data splits; run `babybliss finetune --out {run_dir}` first")
    check_writable(run_dir)

    def todo(name: str) -> bool:
        return not (skip_done and (run_dir / "eval" / name / "metrics.json").is_file())

    loaded_bases = {config.model.spec: base} if base is not None else {}

    def base_of(model: ModelConfig) -> Loaded:
        if model.spec not in loaded_bases:
            loaded_bases.clear()  # free the previous base before loading another
            loaded_bases[model.spec] = for_generation(load_model(model), model.dtype)
        return loaded_bases[model.spec]

    splits = eval_splits(config, run_dir)
    scored: list[Future] = []
    beside = beside_decoding(config.generate)
    with scoring_lane(beside) as submit, contextlib.ExitStack() as slot:
        if beside:  # the coherence model loads while the first model decodes
            submit(load_embedding_model, config.evaluate.embedding_model)
        if config.evaluate.base_model and todo(BASE):
            print(f"[babybliss] evaluating the un-tuned model ({config.evaluate.few_shot}-shot)", flush=True)
            decoded = decode_model(config, run_dir, BASE, base_of(config.model), few_shot=config.evaluate.few_shot,
                                   splits=splits)
            scored.append(submit(score_model, config, run_dir, decoded))
        if config.evaluate.rules and todo(RULES):
            print("[babybliss] evaluating the rule converter", flush=True)
            scored.append(submit(evaluate_rules, config, run_dir, splits))
        shipped = shipped_for(config.model.spec) if config.evaluate.shipped_adapter else None
        folders = epoch_folders(run_dir)
        if not folders:
            print(f"[babybliss] {run_dir}: no finished epoch-N adapter to evaluate", flush=True)
        worn: dict = {"spec": None, "wear": None}

        def evaluate_trained(name: str, folder: Path) -> Future:
            """Decode with the folder's model: its adapter put on its base (loaded once, the adapter worn before
            taken off), or the whole model a full fine-tuning saved there; then score it in the lane."""
            trained = adapter_config(folder)
            if not (folder / "adapter_config.json").is_file():
                loaded = for_generation(load_for_generation(config, folder), trained.model.dtype)
            else:
                if worn["spec"] != trained.model.spec:
                    slot.close()  # the previous base without adapters, before another is loaded
                    worn.update(spec=trained.model.spec, wear=slot.enter_context(adapter_slot(base_of(trained.model))))
                loaded = worn["wear"](folder)
            decoded = decode_model(config, run_dir, name, loaded, epochs=trained.train.epochs[0], splits=splits)
            return submit(score_model, config, run_dir, decoded)

        if shipped is not None and todo(SHIPPED):
            print("[babybliss] evaluating the shipped adapter", flush=True)
            scored.append(evaluate_trained(SHIPPED, shipped))
        for folder in folders:
            if todo(folder.name):
                print(f"[babybliss] evaluating {folder.name}", flush=True)
                scored.append(evaluate_trained(folder.name, folder))
    results = [result for result in (future.result() for future in scored) if result is not None]
    for folder in folders if config.evaluate.hybrid and "e2b" in config.data.directions else []:
        if todo(f"{HYBRID}-{folder.name}") and (run_dir / "eval" / folder.name / "predictions.jsonl").is_file():
            print(f"[babybliss] evaluating the hybrid of {folder.name} and the rules", flush=True)
            hybrid = evaluate_hybrid(config, run_dir, folder.name, adapter_config(folder).train.epochs[0])
            if hybrid is not None:
                results.append(hybrid)
    return results
