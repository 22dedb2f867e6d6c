"""``assistant eval run``: one report over the dev and test sets, side by side, with plots.

Dev sets (thresholds, prompts and rules were chosen on them): eval/gold.jsonl, eval/triage.jsonl and the
dev half of eval/claims.jsonl. Test sets (written before the changes they measure, never tuned on):
eval/answers_test.jsonl, eval/triage_test.jsonl and the test half of eval/claims.jsonl; and a second answer test
set, eval/answers_test2.jsonl (answers and retrieval only, under ``test2`` in report.json); and four more triage
test sets, eval/triage_test3/4/5/6.jsonl, in aggregate only (matrices and latency, never the missed messages, under
``triage_held_out``).

Writes ``eval/reports/<timestamp>/report.json``, ``report.md`` and PNG plots (metric bars, latency
histogram, triage confusion matrices). ``--limit N`` uses the first N questions of each gold set;
``--fast`` swaps in a deterministic generator that quotes the first passage and a word-overlap judge
(for CI); ``--compare OLD/report.json`` prints the change of every metric. The dev figures sit at the
top level of report.json (as in older reports, so they compare), the test figures under ``test``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from assistant.answer.components import Components
from assistant.answer.pipeline import Assistant
from assistant.core.settings import PROJECT_ROOT, Settings
from assistant.evaluation.answers_eval import evaluate_answers
from assistant.evaluation.answers_eval import markdown as answers_markdown
from assistant.evaluation.claims_eval import DEFAULT_SET as CLAIMS_SET
from assistant.evaluation.claims_eval import evaluate_claims, load_claims
from assistant.evaluation.claims_eval import markdown as claims_markdown
from assistant.evaluation.metrics import measuring
from assistant.evaluation.paraphrase_eval import DEFAULT_SET as PARAPHRASES
from assistant.evaluation.paraphrase_eval import evaluate as evaluate_paraphrases
from assistant.evaluation.paraphrase_eval import load_pairs, score_pairs
from assistant.evaluation.paraphrase_eval import markdown as paraphrase_markdown
from assistant.evaluation.retrieval_eval import (
    DEFAULT_GOLD,
    TEST2_GOLD,
    TEST_GOLD,
    evaluate_retriever,
    load_gold,
    markdown_table,
)
from assistant.evaluation.triage_eval import (
    DEFAULT_SET,
    TEST_SET,
    TRIAGE_HELD_OUT,
    aggregate,
    evaluate_triage,
    load_labelled,
)
from assistant.evaluation.triage_eval import markdown_report as triage_markdown
from assistant.testing import OverlapJudge, QuotingGenerator

REPORTS = PROJECT_ROOT / "eval" / "reports"


def run_report(settings: Settings, limit: int | None, fast: bool, out_dir: Path) -> dict:
    settings = measuring(settings)
    parts = Components(settings, progress=False)
    assistant = (Assistant(settings, parts, QuotingGenerator(), OverlapJudge()) if fast
                 else Assistant(settings, parts))
    assistant.warm_up()
    claims = evaluate_claims(assistant.make_verifier(), load_claims(CLAIMS_SET))
    paraphrases = _paraphrases(assistant, settings)
    sets = {}
    for split, gold_path, triage_path in (("dev", DEFAULT_GOLD, DEFAULT_SET), ("test", TEST_GOLD, TEST_SET)):
        sets[split] = {**_answer_set(assistant, gold_path, limit, out_dir / f"answers-{split}.jsonl"),
                       "triage": evaluate_triage(parts, load_labelled(triage_path)),
                       "claims": claims.get(split),
                       "approved_matching": paraphrases.get(split)}
    second = _answer_set(assistant, TEST2_GOLD, limit, out_dir / "answers-test2.jsonl")
    held_out = {path.stem: aggregate(evaluate_triage(parts, load_labelled(path))) for path in TRIAGE_HELD_OUT}
    return {"created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "fast": fast,
            "generator": "quoting-fake" if fast else settings.generation.model,
            "match_similarity": settings.moderation.match_similarity, "match_same": settings.moderation.match_same,
            **sets["dev"], "test": sets["test"], "test2": second, "triage_held_out": held_out}


def _answer_set(assistant: Assistant, gold_path: Path, limit: int | None, out: Path) -> dict:
    """Retrieval and answers on one gold set (its first ``limit`` questions), each answer written to ``out``."""
    gold = load_gold(gold_path)
    gold = gold[:limit] if limit else gold
    return {"questions": len(gold),
            "retrieval": evaluate_retriever(assistant.components.retriever(), gold, assistant.settings.retrieval.mode,
                                            lambda item: assistant.standalone_question(item.question, item.history)),
            "answers": evaluate_answers(assistant, gold, out)}


def _paraphrases(assistant: Assistant, settings: Settings) -> dict:
    """Approved-answer matching on eval/paraphrases.jsonl: the matcher's rates per split (no sweep)."""
    ask = assistant.judge.yes_probability if assistant.judge.answers_yes_no else None
    scored = score_pairs(load_pairs(PARAPHRASES), assistant.components.embedder.embed, ask,
                         assistant.standalone_question)
    m = settings.moderation
    return {split: {"embedding_only": r["embedding_only"], "matcher": r["matcher"]}
            for split, r in evaluate_paraphrases(scored, m.match_similarity, m.match_same).items()}


def flat_metrics(report: dict) -> dict[str, float]:
    """Scalar metrics by dotted name, for comparisons.

    >>> flat_metrics({"a": {"b": 0.5, "c": "x"}, "d": 2})
    {'a.b': 0.5, 'd': 2}
    """
    out: dict[str, float] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, int | float):
            out[prefix] = value
        elif isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else key, inner)

    walk("", {k: v for k, v in report.items() if k not in ("created",)})
    return out


def compare(new: dict, old: dict) -> str:
    before, after = flat_metrics(old), flat_metrics(new)
    lines = ["| metric | before | after | change |", "|---|---|---|---|"]
    for key in sorted(set(before) & set(after)):
        if "confusion" in key:
            continue
        lines.append(f"| {key} | {before[key]:.4g} | {after[key]:.4g} | {after[key] - before[key]:+.4g} |")
    return "\n".join(lines)


def write_report(report: dict, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    dev, test = report, report["test"]
    md = [f"# Evaluation report {report['created']}",
          f"Generator: {report['generator']}{' (fast mode)' if report['fast'] else ''}; "
          f"{dev['questions']} dev and {test['questions']} test questions. Dev sets were tuned on; "
          "test sets were written before the changes they measure and never tuned on.",
          "## Retrieval", markdown_table({"dev (gold.jsonl)": dev["retrieval"],
                                          "test (answers_test.jsonl)": test["retrieval"]}, "set"),
          "## Answers", side_by_side(answers_markdown(dev["answers"]), answers_markdown(test["answers"])),
          *(["## Answers: second test set (answers_test2.jsonl)",
             markdown_table({"test2": report["test2"]["retrieval"]}, "set"),
             answers_markdown(report["test2"]["answers"])]
            if "test2" in report else []),
          "## Verifier on labelled sentences (claims.jsonl)",
          claims_markdown({k: v for k, v in (("dev", dev["claims"]), ("test", test["claims"])) if v}),
          "## Approved-answer matching (paraphrases.jsonl)",
          paraphrase_markdown({k: v for k, v in (("dev", dev.get("approved_matching")),
                                                 ("test", test.get("approved_matching"))) if v},
                              *_thresholds(report)),
          "## Triage: dev (triage.jsonl)", triage_markdown(dev["triage"]),
          "## Triage: test (triage_test.jsonl)", triage_markdown(test["triage"]),
          *[part for name, result in report.get("triage_held_out", {}).items()
            for part in (f"## Triage: held out, aggregate only ({name}.jsonl)", triage_markdown(result))],
          "## Plots", "![metrics](metrics.png)", "![latency](latency.png)", "![triage](triage_confusion.png)"]
    (out_dir / "report.md").write_text("\n\n".join(md) + "\n", encoding="utf-8")
    _plots(report, out_dir)
    return out_dir / "report.md"


def _thresholds(report: dict) -> tuple[float, float]:
    return report.get("match_similarity", 0.0), report.get("match_same", 0.0)


def side_by_side(dev: str, test: str) -> str:
    r"""Two ``| metric | value |`` tables as one ``| metric | dev | test |`` table.

    >>> print(side_by_side("| metric | value |\n|---|---|\n| a | 1 |", "| metric | value |\n|---|---|\n| a | 2 |"))
    | metric | dev | test |
    |---|---|---|
    | a | 1 | 2 |
    """
    rows = []
    for left, right in zip(dev.splitlines()[2:], test.splitlines()[2:], strict=True):
        name, value = left.strip("|").split("|", 1)
        rows.append(f"|{name}| {value.strip(' |')} | {right.strip('|').split('|', 1)[1].strip(' |')} |")
    return "\n".join(["| metric | dev | test |", "|---|---|---|", *rows])


def _metric_bars(section: dict) -> dict[str, float | None]:
    answers, retrieval = section["answers"], section["retrieval"]
    claims = section.get("claims") or {}
    return {"hit@1": retrieval["hit@1"], "hit@5": retrieval["hit@5"], "MRR": retrieval["mrr"],
            "key facts": answers["fact_present"], "supported": answers["shown_sentences_supported"],
            "citations valid": answers["citation_validity"], "abstention acc.": answers["abstention_accuracy"],
            "false abst.": answers["false_abstentions"], "fabrications caught": claims.get("catch_rate"),
            "supported dropped": claims.get("false_drop_rate")}


def _plots(report: dict, out_dir: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sections = {"dev": report, "test": report["test"]}
    names = list(_metric_bars(report))
    fig, ax = plt.subplots(figsize=(10, 3.8))
    for offset, (split, section) in enumerate(sections.items()):
        values = [_metric_bars(section)[name] for name in names]
        xs = [i + (offset - 0.5) * 0.4 for i in range(len(names))]
        ax.bar(xs, [v or 0.0 for v in values], width=0.4, label=split, color=["#8fb3d9", "#3b6ea5"][offset])
        for x, v in zip(xs, values, strict=True):
            if v is not None:
                ax.text(x, v + 0.02, f"{v:.2f}", ha="center", fontsize=7)
    ax.set_xticks(range(len(names)), names, rotation=25, ha="right")
    ax.set_ylim(0, 1.1)
    ax.legend()
    ax.set_title("Retrieval, answer and verifier metrics: dev vs test")
    fig.tight_layout()
    fig.savefig(out_dir / "metrics.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6, 3.5))
    totals = {}
    for split in sections:
        path = out_dir / f"answers-{split}.jsonl"
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.is_file() else []
        totals[split] = [r["eval"]["total_ms"] / 1000 for r in rows if r["eval"]["first_token_ms"] is not None]
    if any(totals.values()):
        ax.hist(list(totals.values()), bins=15, label=[f"final answer, {s}" for s in totals],
                color=["#8fb3d9", "#3b6ea5"])
        ax.legend()
    ax.set_xlabel("seconds")
    ax.set_title("Time to the final answer per answered question")
    fig.tight_layout()
    fig.savefig(out_dir / "latency.png", dpi=110)
    plt.close(fig)

    fig, axes = plt.subplots(1, 2, figsize=(8.4, 3.6))
    for ax, (split, section) in zip(axes, sections.items(), strict=True):
        confusion = section["triage"]["confusion"]
        labels = list(confusion)
        grid = [[confusion[t][p] for p in labels] for t in labels]
        ax.imshow(grid, cmap="Blues")
        ax.set_xticks(range(len(labels)), labels)
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        for i, row in enumerate(grid):
            for j, value in enumerate(row):
                ax.text(j, i, str(value), ha="center", va="center", color="black")
        ax.set_title(f"Triage, {split}")
    fig.tight_layout()
    fig.savefig(out_dir / "triage_confusion.png", dpi=110)
    plt.close(fig)


def run_eval_run(args: argparse.Namespace, settings: Settings) -> int:
    out_dir = args.out_dir or REPORTS / time.strftime("%Y%m%d-%H%M%S")
    out_dir.mkdir(parents=True, exist_ok=True)
    report = run_report(settings, args.limit, args.fast, out_dir)
    path = write_report(report, out_dir)
    print(path.read_text(encoding="utf-8"))
    if args.compare:
        old = json.loads(Path(args.compare).read_text(encoding="utf-8"))
        print("\n## Compared with", args.compare, "\n\n" + compare(report, old))
    print(f"\nReport written to {out_dir}")
    return 0
