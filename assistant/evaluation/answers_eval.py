"""``assistant eval answers``: run the Assistant over a gold set and measure its answers.

Per answer: the key facts present (every key fact, each in any of its phrasings, case-insensitive;
the dev set's questions have one key fact each), citation validity (:func:`check_answer_contract`),
abstention, faithfulness of shown sentences (each re-judged against the full text of the passage it
cites), time to first token and to the final answer. Follow-up questions are asked with their history.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from tqdm import tqdm

from assistant.answer.citations import check_answer_contract
from assistant.answer.compose import unquoted
from assistant.answer.draft import split_draft
from assistant.answer.pipeline import Assistant
from assistant.core.settings import Settings
from assistant.core.types import Answer
from assistant.evaluation.metrics import measuring, percent, percentile, share
from assistant.evaluation.retrieval_eval import DEFAULT_GOLD, GoldQuestion, load_gold


def fact_present(answer_text: str, facts: tuple[str, ...]) -> bool:
    """True when any gold phrase occurs in the answer (case-insensitive, from the start of a word).

    >>> fact_present("It is not caused by spreading [1].", ("not caused",)), fact_present("Yes.", ("no",))
    (True, False)
    """
    text = answer_text.lower()
    return any(re.search(rf"\b{re.escape(f.lower())}", text) for f in facts)


def facts_present(answer_text: str, facts: tuple[tuple[str, ...], ...]) -> bool:
    """True when every key fact (a tuple of alternative phrasings) occurs in the answer.

    >>> facts_present("Not caused by spreading; the immune system [1].", (("not caused",), ("immune",)))
    True
    >>> facts_present("Not caused by spreading [1].", (("not caused",), ("immune",)))
    False
    """
    return bool(facts) and all(fact_present(answer_text, fact) for fact in facts)


def shown_sentence_support(assistant: Assistant, answer: Answer) -> tuple[int, int]:
    """(supported, shown): each shown sentence re-judged against the full text of its cited passages, without
    the product's own quote lead-in ("Here is what my sources say: “…”", :func:`unquoted`): it labels a quote, it
    claims nothing, and the judge held it against the quote (dev batch 16, g530: 0.67 with it, 0.81 without).

    >>> from assistant.testing import FakeGenerator, FakeJudge
    >>> from assistant.core.types import Citation
    >>> bot = Assistant(generator=FakeGenerator(), judge=FakeJudge())
    >>> text = "Scans find tumors."
    >>> cited = [Citation(1, "c", "D", "S", "M", text)]
    >>> shown_sentence_support(bot, Answer("q", f"Here is what my sources say: “{text}” [1]", citations=cited))
    (1, 1)

    An emergency's answer is the fixed advice only (nothing from the sources is shown), so it has no
    sentences to judge; ``emergencies`` in the summary counts those questions."""
    if answer.abstained or not answer.answer or answer.urgency == "emergency":
        return 0, 0
    by_n = {c.n: c.text for c in answer.citations}
    items, owners = [], []
    sentences = split_draft(unquoted(answer.answer))
    for index, sentence in enumerate(sentences):
        for n in sentence.cited:
            if n in by_n:
                items.append((answer.question, sentence.text, by_n[n]))
                owners.append(index)
    scores = assistant.judge.support(items) if items else []
    best: dict[int, float] = {}
    for owner, score in zip(owners, scores, strict=True):
        best[owner] = max(best.get(owner, 0.0), score)
    supported = sum(1 for i in range(len(sentences)) if best.get(i, 0.0) >= assistant.settings.verify.threshold)
    return supported, len(sentences)


def evaluate_answers(assistant: Assistant, gold: list[GoldQuestion], out: Path | None = None) -> dict:
    rows = []
    sink = out.open("w", encoding="utf-8") if out else None
    try:
        for item in tqdm(gold, desc="Answering gold questions", unit="q", file=sys.stderr):
            answer = assistant.ask(item.question, list(item.history))
            answer.id = item.id
            supported, shown = shown_sentence_support(assistant, answer)
            given = item.answerable and not answer.abstained
            row = {
                "id": item.id, "kind": item.kind, "answerable": item.answerable, "abstained": answer.abstained,
                "fact_present": given and facts_present(answer.answer, item.facts),
                "any_fact_present": given and fact_present(answer.answer, item.fact),
                "citation_problems": check_answer_contract(answer), "supported": supported, "shown": shown,
                "emergency": answer.urgency == "emergency",
                "reading_grade": answer.details.reading_grade if given and answer.urgency != "emergency" else None,
                "first_token_ms": answer.timings_ms.get("first_token"), "total_ms": answer.timings_ms["total"],
            }
            rows.append(row)
            if sink:
                sink.write(json.dumps({**answer.to_json(), "eval": row}, ensure_ascii=False) + "\n")
                sink.flush()
    finally:
        if sink:
            sink.close()
    return summarise(rows)


def summarise(rows: list[dict]) -> dict:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    first = [r["first_token_ms"] for r in rows if r["first_token_ms"] is not None]
    total = [r["total_ms"] for r in rows if not r["abstained"] or r["first_token_ms"] is not None]
    shown = sum(r["shown"] for r in rows)
    grades = [r["reading_grade"] for r in rows if r.get("reading_grade") is not None]
    return {
        "questions": len(rows),
        "fact_present": share(sum(r["fact_present"] for r in answerable), len(answerable)),
        "any_fact_present": share(sum(r.get("any_fact_present", r["fact_present"]) for r in answerable),
                                   len(answerable)),
        "shown_sentences_supported": share(sum(r["supported"] for r in rows), shown),
        "shown_sentences": shown,
        "emergencies": sum(r.get("emergency", False) for r in rows),
        "citation_validity": share(sum(not r["citation_problems"] for r in rows), len(rows)),
        "abstention_accuracy": share(sum(r["abstained"] for r in unanswerable), len(unanswerable)),
        "false_abstentions": share(sum(r["abstained"] for r in answerable), len(answerable)),
        "reading_grade": {"p50": percentile(grades, 0.5), "p90": percentile(grades, 0.9), "n": len(grades)}
        if grades else {},
        "first_token_ms": _quantiles(first),
        "final_answer_ms": _quantiles(total),
    }


def _quantiles(values: list[float]) -> dict:
    if not values:
        return {}
    return {"p50": percentile(values, 0.5), "p90": percentile(values, 0.9), "n": len(values)}


def markdown(summary: dict) -> str:
    ft, fa = summary["first_token_ms"], summary["final_answer_ms"]
    lines = [
        "| metric | value |", "|---|---|",
        f"| answers with every key fact (answerable) | {percent(summary['fact_present'])} |",
        f"| answers with at least one key fact | {percent(summary['any_fact_present'])} |",
        f"| shown sentences supported (re-judged) | {percent(summary['shown_sentences_supported'])} "
        f"of {summary['shown_sentences']} |",
        f"| questions triaged as emergencies (advice only) | {summary.get('emergencies', 0)} |",
        f"| citation validity | {percent(summary['citation_validity'])} |",
        f"| abstention accuracy (unanswerable) | {percent(summary['abstention_accuracy'])} |",
        f"| false abstentions (answerable) | {percent(summary['false_abstentions'])} |",
    ]
    grade = summary.get("reading_grade")
    if grade:
        lines.append(f"| reading grade of answers (Flesch-Kincaid) p50 / p90 | {grade['p50']:.1f} / "
                     f"{grade['p90']:.1f} |")
    if ft:
        lines.append(f"| time to first token p50 / p90 | {ft['p50'] / 1000:.1f} s / {ft['p90'] / 1000:.1f} s |")
    if fa:
        lines.append(f"| time to final answer p50 / p90 | {fa['p50'] / 1000:.1f} s / {fa['p90'] / 1000:.1f} s |")
    return "\n".join(lines)


def run_answers_eval(args: argparse.Namespace, settings: Settings) -> int:
    gold = load_gold(args.gold or DEFAULT_GOLD)
    if args.limit:
        gold = gold[: args.limit]
    assistant = Assistant(measuring(settings))
    assistant.warm_up()
    summary = evaluate_answers(assistant, gold, args.out)
    print(json.dumps(summary, indent=2) if args.json else markdown(summary))
    return 0
