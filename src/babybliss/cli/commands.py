"""The `babybliss` command: a thin registry mapping each subcommand to a plain function of its stage."""

from __future__ import annotations

import argparse
import errno
import json
import os
import sys
from importlib import resources
from pathlib import Path

from babybliss.config import Config, load_config
from babybliss.errors import BlissError
from babybliss.cluster.slurm import VALID_STAGES as JOB_STAGES

USER_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS)
"""OSErrors the user fixes on the file system: told as one line naming the file."""

# Progress bars and logs stay readable; the hub is only contacted by `download`.
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")


def shipped_config(name: str) -> Path | None:
    """`default-cpu` or `llama2-7b-qlora.toml`: a config shipped with babybliss."""
    folder = resources.files("babybliss") / "configs"
    for candidate in (name, f"{name}.toml"):
        path = folder / candidate
        if path.is_file():
            return Path(str(path))
    return None


def shipped_config_names() -> list[str]:
    """The names `--config` finds in the package's configs folder, sorted."""
    folder = resources.files("babybliss") / "configs"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


GENERATE_DEFAULTS = {
    "e2b": "the rule converter; with --adapter or --model, the model alone",
    "b2e": "the hybrid: the model's English where it is acceptable, else the rule realiser's (the model: --adapter, "
           "else the default model with the shipped adapter; the rule realiser alone where the package ships none)",
}
"""What `generate` converts with when no --system is named, as cmd_generate decides it: its help and the README
say it in these words, so a new default is written here, beside that code."""


def config_from(args: argparse.Namespace) -> Config:
    """Defaults, the --config file, then --set and the command's own flags (--model, --data, --out)."""
    path = getattr(args, "config", None)
    if path and not Path(path).exists():
        path = shipped_config(path) or shipped_config(Path(path).name) or path
    overrides = list(getattr(args, "set", None) or [])
    for flag, key in (("model", "model.spec"), ("data", "data.path"), ("out", "out")):
        value = getattr(args, flag, None)
        if value:
            overrides.append(f"{key}={value}")
    return load_config(path, overrides)


def no_empty(texts: list[str]) -> list[str]:
    """`texts` (the sentences given on the command line), or a BlissError naming the first empty or blank one: it
    would convert to a blank line that looks like an answer."""
    for number, text in enumerate(texts, start=1):
        if not text.strip():
            raise BlissError(f"sentence {number} (1-based) is empty; give a sentence with words")
    return texts


# --- one function per command -------------------------------------------------------------------------------------


def cmd_data_check(args):
    from babybliss.data.pairs import check_lengths, load_pairs

    pairs, report = load_pairs(args.file)
    if args.model or args.config:
        from babybliss.training.models import load_tokenizer

        config = config_from(args)
        check_lengths(report, pairs, config, load_tokenizer(config.model.spec, config.model))
    print("\n".join(report.lines()))


def cmd_data_lint(args):
    from babybliss.data.lint import lint_file, lint_lines

    total, findings = lint_file(args.file)
    print("\n".join(lint_lines(args.file, total, findings)))


def cmd_data_from_english(args):
    from babybliss.grammar.rule_pairs import write_pairs_from_english

    written, skipped = write_pairs_from_english(args.file, args.out)
    for sentence, warnings in skipped:
        print(f"skipped: {sentence} ({'; '.join(warnings)})", file=sys.stderr)
    print(f"wrote {written} pairs to {args.out}; skipped {len(skipped)} sentences the rules are unsure of")


def cmd_rules(args):
    from babybliss.grammar.rule_pairs import read_sentences
    from babybliss.grammar.rules import convert

    texts = no_empty(list(args.sentences)) + (read_sentences(args.file) if args.file else [])
    if not texts:
        raise BlissError("give sentences or --file FILE")
    for conversion in convert(texts):
        if args.json:
            print(json.dumps(conversion.as_dict(), ensure_ascii=False))
            continue
        print(conversion.bliss)
        if args.explain:
            print(f"  {'sure' if conversion.confident else 'UNSURE'}: {conversion.english}")
            print("".join(f"  warning: {w}\n" for w in conversion.warnings), end="")
            print("".join(f"  changed: {c}\n" for c in conversion.corrections), end="")


def cmd_symbols(args):
    from babybliss.symbols.show import symbol_lines, write_drawing

    texts = no_empty(list(args.sentences))
    if args.english:
        from babybliss.grammar.rules import to_bliss

        texts = to_bliss(texts)
    if args.out and len(texts) != 1:
        raise BlissError(f"--out draws one sentence; {len(texts)} were given")
    lines, unknown = symbol_lines(texts)
    print("\n".join(lines))
    if unknown:
        print(f"not in the lexicon, spelled in letters: {', '.join(unknown)}", file=sys.stderr)
    if args.out:
        write_drawing(texts[0], args.out)
        print(f"wrote {args.out}")


def cmd_board(args):
    from babybliss.grammar.rule_pairs import read_sentences
    from babybliss.symbols.board import write_board

    lines = list(args.sentences) + (read_sentences(args.file) if args.file else [])
    if not lines:
        raise BlissError("give sentences or words, or --file FILE (one a line)")
    write_board(lines, args.out, args.name, args.columns)
    print(f"wrote {args.out}: {len(lines)} buttons")


def cmd_data_prepare(args):
    from babybliss.data.prepare import prepare

    summary = prepare(config_from(args), args.out_dir)
    print(json.dumps(summary, indent=2))


def cmd_download(args):
    from babybliss.training.models import download

    print(f"downloaded {args.model_id} to {download(args.model_id, args.dir)}")


def cmd_info(args):
    from babybliss.cli.info import info_lines

    print("\n".join(info_lines(config_from(args))))


def cmd_original_use(args):
    from babybliss.data.inputs import check_inputs
    from babybliss.evaluation.evaluate import evaluate_base
    from babybliss.training.original_use import original_use

    config = config_from(args)
    check_inputs(config)
    original_use(config)
    print(f"wrote {Path(config.out) / 'original-use' / 'result.md'}")
    if args.few_shot:
        from babybliss.data.prepare import prepare

        if not (Path(config.out) / "data" / "test.jsonl").is_file():
            prepare(config, Path(config.out) / "data")
        result = evaluate_base(config, Path(config.out), args.few_shot)
        print(json.dumps(result["splits"], indent=2))


def cmd_finetune(args):
    from babybliss.training.launch import use_gpus

    config = config_from(args)  # a bad config stops here, before any launch
    if args.seeds:
        from babybliss.training.seeds import first_seeds

        config.train.seeds = first_seeds(config, args.seeds)
    if args.seed_index is not None and not config.train.seeds:
        raise BlissError("--seed-index: the config has no train.seeds (set them, or give --seeds N)")
    from babybliss.training.process import is_main_process
    from babybliss.training.seeds import checked_runs

    if is_main_process():  # under a launcher the other ranks would find rank 0's lock taken
        checked_runs(config, args.resume, args.seed_index)  # before any launch or model load
    use_gpus(args.gpus, args.argv)  # several visible GPUs: re-executes under `accelerate launch` (never returns)

    if config.train.seeds:
        from babybliss.training.seeds import finetune_seeds

        result = finetune_seeds(config, resume=args.resume, index=args.seed_index)
    else:
        from babybliss.training.train import finetune

        result = finetune(config, resume=args.resume)
    if is_main_process():
        print(json.dumps(result, indent=2))


def cmd_export(args):
    from babybliss.convert.export import export

    print(f"exported to {export(args.adapter, args.out_dir, merge=args.merge)}")


def cmd_generate(args):
    from babybliss.convert.generate import read_inputs, run_generate

    config = config_from(args)
    if args.sample:
        config.generate.do_sample = True
        config.generate.temperature = args.temperature
        config.generate.top_p = args.top_p
    texts = no_empty(list(args.sentences)) + (read_inputs(args.file) if args.file else [])
    if args.prompt is not None and not args.prompt.strip():
        raise BlissError("--prompt is empty; give the text to send")
    if args.prompt is None and not texts:
        raise BlissError(f"{args.file}: no inputs in the file" if args.file else "give sentences, --file FILE, or --prompt TEXT")
    from babybliss.convert.shipped import NO_ADAPTER, resolve_adapter

    named = None if args.adapter == NO_ADAPTER else args.adapter
    adapter = resolve_adapter(args.adapter, config.model.spec, model_given=bool(args.model))
    if args.direction == "e2b" and args.prompt is None and (args.system or not (args.adapter or args.model)):
        from babybliss.convert.hybrid import convert_e2b, default_system

        print("\n".join(convert_e2b(config, args.system or default_system(named), texts, adapter)))
        return
    if args.direction == "b2e" and args.prompt is None and (args.system == "rules" or not (args.system or args.adapter
                                                                                            or args.model or adapter)):
        from babybliss.grammar.realise import to_english

        print("\n".join(to_english(texts)))
        return
    outputs = run_generate(config, adapter, args.direction, texts, args.prompt)
    if args.direction == "b2e" and args.prompt is None and args.system != "model":
        from babybliss.evaluation.acceptable import hybrid_b2e

        for n, (english, sure) in enumerate(hybrid_b2e(texts, [o.answer for o in outputs]), 1):
            if not sure:
                print(f"[babybliss] input {n}: unsure (neither the model's nor the rules' English converts back)",
                      file=sys.stderr)
            print(english)
        return
    for output in outputs:
        print(output.raw.strip() if args.prompt is not None else output.answer)


def cmd_score(args):
    from babybliss.evaluation.metrics import score_one

    scores = score_one(args.original, args.expected, args.generated)
    if args.json:
        print(json.dumps(scores))
    else:
        for key, value in scores.items():
            print(f"{key}: {value:.4f}")


def cmd_evaluate(args):
    from babybliss.evaluation.evaluate import evaluate

    from babybliss.training.seeds import seed_folders

    given = getattr(args, "config", None)
    for run in seed_folders(args.run) or [Path(args.run)]:  # a run of several seeds: each seed's folder
        if not given and (run / "config.resolved.toml").is_file():
            args.config = str(run / "config.resolved.toml")
        config = config_from(args)
        for result in evaluate(config, run):
            from babybliss.data.pairs import EVALUATION_SETS

            shown = {split: result["splits"][split] for split in ("test", *EVALUATION_SETS) if split in result["splits"]}
            print(json.dumps({"model": result["model"], "run": str(run), **shown}, indent=2))


def cmd_report(args):
    from babybliss.evaluation.report import NO_BEST, write_report

    result = write_report(args.run)
    print(f"report: {result['report_html']}\nbest: {result['best'] or NO_BEST}")


def cmd_slurm(args):
    from babybliss.cluster import slurm

    if args.submit and not args.out_file:
        raise BlissError("--submit needs --out FILE: the script is submitted from a file")
    if args.submit:  # the job will read its data on this file system: check it as the stage would
        check_job_inputs(slurm.job_command(args.stage, args.stage_args, args.config, list(args.set or [])))
    text = slurm.render_script(
        args.stage,
        config_from(args),
        args.stage_args,
        config_path=args.config,
        overrides=list(args.set or []),
        nodes=args.nodes,
        gpus_per_node=args.gpus_per_node,
        parser=build_parser(),
    )
    if not args.out_file:
        print(text, end="")
        return
    slurm.write_script(text, args.out_file)
    print(f"wrote {args.out_file}")
    if args.submit:
        print(slurm.submit(args.out_file))


def check_job_inputs(words: list[str]) -> None:
    """The input check of the command `babybliss WORDS` (a job's): its pairs file and extra training data."""
    try:
        job = build_parser().parse_args(words)
    except SystemExit:
        return  # render_script names what is wrong with the command line
    if hasattr(job, "file") and job.func is cmd_data_check:
        from babybliss.data.pairs import load_pairs

        load_pairs(job.file)
    elif hasattr(job, "data"):
        from babybliss.data.inputs import check_inputs

        if job.func is cmd_demo and not job.config:
            job.config = "demo"
        check_inputs(config_from(job))


def cmd_demo(args):
    if not args.config:
        args.config = "demo"
    cmd_experiment(args)


def cmd_experiment(args):
    from babybliss.training.seeds import checked_runs

    config = config_from(args)
    checked_runs(config)  # refused in a second, before torch is imported and the model loads
    from babybliss.experiment.demo import demo

    demo(config, skip_original_use=args.skip_original_use)


def cmd_serve(args):
    from babybliss.serve.app import run_serve

    config = config_from(args)
    for flag in ("host", "port"):
        if getattr(args, flag) is not None:
            setattr(config.serve, flag, getattr(args, flag))
    config.serve.allowed_hosts += [h for h in args.allow_host or [] if h not in config.serve.allowed_hosts]
    run_serve(config, args.adapter, model_given=bool(args.model))


def cmd_compare(args):
    from babybliss.evaluation.compare import compare

    result = compare(config_from(args), [m.strip() for m in args.models.split(",") if m.strip()])
    print(f"report: {result['report_html']}  (and {result['report_md']}), {result['minutes']} min")


# --- the registry ---------------------------------------------------------------------------------------------------


def _common(parser, *, config=True, out=False, model=False, data=False):
    if config:
        parser.add_argument("--config", help="a TOML/YAML config file, or a shipped one: "
                            + ", ".join(shipped_config_names()))
        parser.add_argument("--set", action="append", metavar="SECTION.KEY=VALUE", help="override one config value (repeatable)")
    if out:
        parser.add_argument("--out", help="run folder (config key `out`)")
    if model:
        parser.add_argument("--model", help="model spec: smollm2-135m (default), tiny, a local folder, or a downloaded hub id")
    if data:
        parser.add_argument("--data", help="pairs file (JSON list or JSONL of {original, bliss}); default: the shipped corpus")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="babybliss",
        description="Teach a causal language model to convert English <-> Conceptual Bliss, and measure it.",
    )
    parser.add_argument("--debug", action="store_true", help="show the traceback of user errors too")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    data = sub.add_parser("data", help="check or prepare a pairs file").add_subparsers(dest="data_command", required=True)
    p = data.add_parser("check", help="validate a pairs file; print pairs, duplicates, conflicts and tense markers")
    p.add_argument("file", help="JSON list or JSONL of {original, bliss}")
    _common(p, model=True)  # with a model or config: also list the pairs longer than train.max_seq_length
    p.set_defaults(func=cmd_data_check)
    p = data.add_parser("lint", help="list the pairs whose Bliss side disagrees with the rule converter, by kind")
    p.add_argument("file", help="JSON list or JSONL of {original, bliss}")
    p.set_defaults(func=cmd_data_lint)
    p = data.add_parser("from-english", help="training pairs from English sentences (one a line) by the rule converter")
    p.add_argument("file", help="plain text, one English sentence a line")
    p.add_argument("--out", required=True, help="pairs file to write (JSON list of {original, bliss})")
    p.set_defaults(func=cmd_data_from_english)
    p = data.add_parser("prepare", help="de-duplicate, split and write the two-direction instruction sets as JSONL")
    _common(p, data=True)
    p.add_argument("--out", dest="out_dir", required=True, help="folder for {train,validation,test}.jsonl and sft/")
    p.set_defaults(func=cmd_data_prepare)

    p = sub.add_parser("download", help="fetch a hub model (safetensors) with HF_TOKEN or your hf login")
    p.add_argument("model_id", help="e.g. meta-llama/Llama-2-7b-hf")
    p.add_argument("--dir", help="download into this folder instead of the Hugging Face cache (HF_HOME)")
    p.set_defaults(func=cmd_download)

    p = sub.add_parser("info", help="torch, CUDA and device, model specs, cache folder")
    _common(p, model=True)
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("original-use", help="the un-tuned model: text generation, word prediction, inference")
    _common(p, out=True, model=True, data=True)
    p.add_argument("--few-shot", type=int, default=0, metavar="K", help="also convert the test split with K examples in the prompt")
    p.set_defaults(func=cmd_original_use)

    p = sub.add_parser("finetune", help="LoRA/QLoRA fine-tuning for each epoch count of the config")
    _common(p, out=True, model=True, data=True)
    p.add_argument("--resume", action="store_true", help="continue an interrupted run from its last checkpoint")
    p.add_argument("--gpus", type=int, metavar="N", help="use the first N visible GPUs (default: all; several train "
                   "under `accelerate launch`, one process each; 1: this process on the first GPU)")
    p.add_argument("--seeds", type=int, metavar="N", help="run the sweep with N training seeds (train.seed and the "
                   "N - 1 after it), each in OUT/seed-S; sets train.seeds")
    p.add_argument("--seed-index", type=int, metavar="I", help="train only the I-th seed of train.seeds (0-based; "
                   "what a SLURM array task passes as $SLURM_ARRAY_TASK_ID)")
    p.set_defaults(func=cmd_finetune)

    p = sub.add_parser("export", help="copy an adapter, or merge it into its base model as a plain HF folder")
    p.add_argument("adapter", help="RUN/epoch-N")
    p.add_argument("--out", dest="out_dir", required=True, help="destination folder")
    p.add_argument("--merge", action="store_true", help="merge into the base model (loads with transformers alone)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("generate", help="convert sentences with an adapter or a base model")
    _common(p, model=True)
    p.add_argument("sentences", nargs="*", help="sentences to convert")
    p.add_argument("--adapter", help="RUN/epoch-N (its base model and prompt template are used); default: the "
                   "shipped adapter on the default model; `none`: the base model un-tuned")
    p.add_argument("--direction", choices=["e2b", "b2e"], help="e2b: English to Bliss; b2e: Bliss to English")
    p.add_argument("--prompt", help="free text sent as is (no template)")
    p.add_argument("--file", help="one input per line (or JSONL rows with original/bliss/input)")
    p.add_argument("--system", choices=["rules", "model", "hybrid"], help="e2b: rule converter, model, or both; "
                   "b2e: rules is the rule realiser. Default: e2b " + GENERATE_DEFAULTS["e2b"] + "; b2e "
                   + GENERATE_DEFAULTS["b2e"])
    p.add_argument("--sample", action="store_true", help="sample instead of greedy decoding")
    p.add_argument("--temperature", type=float, default=0.7, help="sampling temperature (with --sample)")
    p.add_argument("--top-p", type=float, default=0.9, help="nucleus mass (with --sample)")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("rules", help="convert English messages to Bliss with the rule converter (one line each)")
    p.add_argument("sentences", nargs="*", help="messages to convert (one may hold several sentences)")
    p.add_argument("--file", help="one English message a line")
    p.add_argument("--explain", action="store_true", help="after each line: sure or UNSURE, the warnings and what "
                   "tidying the typed message and correcting the parse changed")
    p.add_argument("--json", action="store_true", help="one JSON object a line: english, bliss, sentences, "
                   "confident, warnings, corrections")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("symbols", help="a Bliss sentence as Blissymbols: one line per word (word, BCI-AV ID, gloss, "
                       "code), and the drawing as SVG with --out")
    p.add_argument("sentences", nargs="+", help="Conceptual Bliss sentences (English ones with --english)")
    p.add_argument("--english", action="store_true", help="convert English sentences with the rule converter first")
    p.add_argument("--out", help="write the sentence's drawing here (SVG)")
    p.set_defaults(func=cmd_symbols)

    p = sub.add_parser("board", help="a communication board for AAC apps (Open Board Format: .obf, or .obz with the "
                       "Bliss drawings inside): one button per sentence or word, with its Bliss symbols")
    p.add_argument("sentences", nargs="*", help="sentences or words, English (converted by the rules) or Bliss "
                   "(`present:I want drink.`)")
    p.add_argument("--file", help="one sentence or word a line")
    p.add_argument("--out", required=True, help="the board file: NAME.obf or NAME.obz")
    p.add_argument("--name", default="babybliss board", help="the board's name in the AAC app")
    p.add_argument("--columns", type=int, default=None, help="buttons a row (default: as square as they fit)")
    p.set_defaults(func=cmd_board)

    p = sub.add_parser("score", help="the research team's measures for one generated sentence")
    p.add_argument("--original", required=True, help="the input sentence")
    p.add_argument("--expected", required=True, help="the reference answer")
    p.add_argument("--generated", required=True, help="the model's answer")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("evaluate", help="convert the held-out splits and the novel set with the base model, "
                       "the rule converter and every epoch adapter")
    _common(p)
    p.add_argument("run", help="run folder written by finetune")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("report", help="write RUN/report.md and RUN/report.html from the stages' files")
    p.add_argument("run", help="run folder")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "slurm",
        help="render (and submit) a SLURM job script for a stage",
        usage="babybliss slurm STAGE [slurm options] [stage arguments] [-- stage arguments]",
        epilog="slurm's options above may come before or after STAGE; --config and --set also go to the job's "
        "command. Every other word is passed on to the job's `babybliss STAGE ...`: the stage's own flags and "
        "arguments (finetune --resume, evaluate RUN, data check FILE). Stage arguments that slurm would take as "
        "its own (the stage's --out) go after --. The job's command is checked before the script is written.",
        allow_abbrev=False,
    )
    _common(p)
    p.add_argument("stage", choices=JOB_STAGES, metavar="STAGE", help=", ".join(JOB_STAGES))
    p.add_argument("--nodes", type=int, help="nodes (default: slurm.nodes)")
    p.add_argument("--gpus-per-node", help="e.g. v100l:4 or 4 (default: slurm.gpus_per_node)")
    p.add_argument("--out", dest="out_file", help="write the script here instead of printing it")
    p.add_argument("--submit", action="store_true", help="submit with sbatch (needs --out)")
    p.set_defaults(func=cmd_slurm)

    p = sub.add_parser("serve", help="the converter as a web page and an HTTP API (loads once, serves until stopped)")
    _common(p, model=True)
    p.add_argument("--adapter", help="RUN/epoch-N to serve; default: the project's best system (the shipped "
                   "adapter for Bliss -> English); `none`: the base model un-tuned")
    p.add_argument("--host", help="address to bind (default: serve.host, 127.0.0.1)")
    p.add_argument("--port", type=int, help="TCP port (default: serve.port, 8000)")
    p.add_argument("--allow-host", action="append", metavar="NAME",
                   help="also answer requests addressed to this host name (repeatable; default: localhost names)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("compare", help="fine-tune and evaluate several models on one split; one report")
    _common(p, out=True, data=True)
    p.add_argument("--models", required=True, help="comma-separated model specs, e.g. smollm2-135m,gemma3-270m")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("demo", help="the main job: data, baseline, fine-tuning, evaluation and report on the defaults")
    _common(p, out=True, model=True, data=True)
    p.add_argument("--skip-original-use", action="store_true", help="skip the three original uses")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("experiment", help="the whole experiment in one process on any config: data, fine-tuning "
                       "sweep, baseline, evaluation of every epoch and report, each stage timed (RUN/stages.json)")
    _common(p, out=True, model=True, data=True)
    p.add_argument("--skip-original-use", action="store_true", help="skip the three original uses")
    p.set_defaults(func=cmd_experiment)
    return parser


def parse_args(argv: list[str]) -> argparse.Namespace:
    """argparse, except that `slurm` keeps the words it does not know, and all after `--`, for the job's stage."""
    parser = build_parser()
    tail: list[str] = []
    if argv[:1] == ["slurm"] and "--" in argv:
        cut = argv.index("--")
        argv, tail = argv[:cut], argv[cut + 1 :]
    args, unknown = parser.parse_known_args(argv)
    if args.command == "slurm":
        args.stage_args = unknown + tail
    elif unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run one command. A user error (BlissError, a missing file, a folder that cannot be written) is one line and
    exit 2; SIGTERM exits 143 and Ctrl-C 130 with one line; anything else is a bug and shows its traceback."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    args.argv = argv  # a command may start itself again (launch.py)
    from babybliss.training.process import SIGTERM_EXIT, Terminated, is_main_process

    try:
        args.func(args)
    except (BlissError, FileNotFoundError) as err:
        if args.debug:
            raise
        print(f"babybliss: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # not through babybliss.io's writers: say which file and why
        if err.errno not in USER_ERRNOS or args.debug:
            raise
        print(f"babybliss: error: {err.filename or 'a file'}: {os.strerror(err.errno).lower()}", file=sys.stderr)
        return 2
    except Terminated as err:
        if is_main_process():  # every rank stops at the same step; one says so
            print(f"babybliss: {err}", file=sys.stderr)
        return SIGTERM_EXIT
    except KeyboardInterrupt:
        print("babybliss: interrupted", file=sys.stderr)
        return 130
    return 0
