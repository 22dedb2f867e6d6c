"""``assistant eval run``: one report over the gold and triage sets, with plots.

Writes ``eval/reports/<timestamp>/report.json``, ``report.md`` and PNG plots (metric bars, latency
histogram, triage confusion matrix). ``--limit N`` uses the first N gold questions; ``--fast`` swaps in
a deterministic generator that quotes the first passage and a word-overlap judge (for CI);
``--compare OLD/report.json`` prints the change of every metric.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

from ..components import Components
from ..judges import OverlapJudge
from ..pipeline import Assistant
from ..settings import PROJECT_ROOT, Settings
from .answers_eval import evaluate_answers
from .answers_eval import markdown as answers_markdown
from .retrieval_eval import DEFAULT_GOLD, evaluate_retriever, load_gold, markdown_table
from .triage_eval import DEFAULT_SET, evaluate_triage, load_labelled
from .triage_eval import markdown_report as triage_markdown

REPORTS = PROJECT_ROOT / "eval" / "reports"


class QuotingGenerator:
    """Fast-mode stand-in: answers with the first sentence of passage [1], cited."""

    name = "quoting-fake"

    def stream(self, messages: list[dict[str, str]], max_new_tokens: int = 200) -> Iterator[str]:
        match = re.search(r"\[1\] \([^)]*\) (.+?[.!?])(?:\s|$)", messages[-1]["content"], re.S)
        yield (match.group(1) + " [1]") if match else "My sources don't cover this."


def run_report(settings: Settings, limit: int | None, fast: bool, out_dir: Path) -> dict:
    gold = load_gold(DEFAULT_GOLD)
    gold = gold[:limit] if limit else gold
    parts = Components(settings, progress=False)
    assistant = (Assistant(settings, parts, QuotingGenerator(), OverlapJudge()) if fast
                 else Assistant(settings, parts))
    assistant.warm_up()
    retrieval = evaluate_retriever(parts.retriever(), gold, settings.retrieval.mode)
    answers = evaluate_answers(assistant, gold, out_dir / "answers.jsonl")
    triage = evaluate_triage(parts, load_labelled(DEFAULT_SET))
    return {"created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "fast": fast, "questions": len(gold),
            "generator": "quoting-fake" if fast else settings.generation.model,
            "retrieval": retrieval, "answers": answers, "triage": triage}


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
    md = [f"# Evaluation report {report['created']}",
          f"Generator: {report['generator']}{' (fast mode)' if report['fast'] else ''}; "
          f"{report['questions']} gold questions.",
          "## Retrieval", markdown_table({"hybrid": report["retrieval"]}, "retriever"),
          "## Answers", answers_markdown(report["answers"]),
          "## Triage", triage_markdown(report["triage"]),
          "## Plots", "![metrics](metrics.png)", "![latency](latency.png)", "![triage](triage_confusion.png)"]
    (out_dir / "report.md").write_text("\n\n".join(md) + "\n", encoding="utf-8")
    _plots(report, out_dir)
    return out_dir / "report.md"


def _plots(report: dict, out_dir: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    answers, retrieval = report["answers"], report["retrieval"]
    bars = {"hit@1": retrieval["hit@1"], "hit@5": retrieval["hit@5"], "MRR": retrieval["mrr"],
            "gold fact": answers["fact_present"], "supported": answers["shown_sentences_supported"],
            "citations valid": answers["citation_validity"], "abstention acc.": answers["abstention_accuracy"],
            "false abst.": answers["false_abstentions"]}
    bars = {k: v for k, v in bars.items() if v is not None}
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.bar(list(bars), list(bars.values()), color="#3b6ea5")
    ax.set_ylim(0, 1.05)
    ax.set_title("Retrieval and answer metrics")
    for i, v in enumerate(bars.values()):
        ax.text(i, v + 0.02, f"{v:.2f}", ha="center", fontsize=8)
    plt.xticks(rotation=25, ha="right")
    fig.tight_layout()
    fig.savefig(out_dir / "metrics.png", dpi=110)
    plt.close(fig)

    rows = [json.loads(line) for line in (out_dir / "answers.jsonl").read_text().splitlines() if line.strip()]
    first = [r["eval"]["first_token_ms"] / 1000 for r in rows if r["eval"]["first_token_ms"] is not None]
    total = [r["eval"]["total_ms"] / 1000 for r in rows if r["eval"]["first_token_ms"] is not None]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    if total:
        ax.hist([first, total], bins=15, label=["first token", "final answer"], color=["#8fb3d9", "#3b6ea5"])
        ax.legend()
    ax.set_xlabel("seconds")
    ax.set_title("Latency per answered question")
    fig.tight_layout()
    fig.savefig(out_dir / "latency.png", dpi=110)
    plt.close(fig)

    labels = list(report["triage"]["confusion"])
    grid = [[report["triage"]["confusion"][t][p] for p in labels] for t in labels]
    fig, ax = plt.subplots(figsize=(4.2, 3.6))
    ax.imshow(grid, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            ax.text(j, i, str(value), ha="center", va="center", color="black")
    ax.set_title("Triage confusion matrix")
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
