"""``assistant eval paraphrases``: when may an approved answer be served for a patient's question?

Each line of ``eval/paraphrases.jsonl`` pairs an approved question with a patient's question and says
whether one answer fits both (``same``): paraphrases in lay words, misspellings and a relative's voice
(same), and near misses on the same topic that ask something else (not same). Per split, every
distinct approved question of that split is in the store at once, and each patient question is matched
against all of them, exactly as the pipeline does (:class:`assistant.moderation.matching.ApprovedMatcher`):

* matched — a same pair served its own approved answer (the higher the better);
* false match — a not-same question served any approved answer;
* wrong entry — a same question served another approved question's answer.

Reported for the embedding alone (nearest approved question at the configured similarity) and for the
matcher (embedding, same named things and aspects, model check), plus the sweep the thresholds were
chosen from (on dev only).

>>> rows = [{"same": True, "served": "A", "approved": "A"}, {"same": False, "served": None, "approved": "A"},
...         {"same": False, "served": "A", "approved": "A"}, {"same": True, "served": "B", "approved": "A"}]
>>> rates(rows)
{'pairs': 4, 'matched': 0.5, 'false_match': 0.5, 'wrong_entry': 0.5, 'same': 2, 'not_same': 2}
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tqdm import tqdm

from assistant.answer.approved import compatible
from assistant.core.errors import InputError
from assistant.core.settings import PROJECT_ROOT, Settings
from assistant.evaluation.metrics import percent, share
from assistant.llm.prompts import same_question_messages
from assistant.moderation.matching import cosine

DEFAULT_SET = PROJECT_ROOT / "eval" / "paraphrases.jsonl"
SIMILARITIES = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85)
SAMES = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8)
CHECKED = 2  # the model checks at most this many candidates, closest first (as the matcher does)


def load_pairs(path: Path) -> list[dict]:
    if not path.is_file():
        raise InputError(f"Paraphrase set {path} not found.")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                row = json.loads(line)
                if not (isinstance(row["approved"], str) and isinstance(row["question"], str)
                        and isinstance(row["same"], bool)):
                    raise ValueError("needs approved, question (strings) and same (true/false)")
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise InputError(f"{path} line {number} is not a labelled pair: {exc}") from exc
            rows.append(row)
    return rows


def rates(rows: list[dict]) -> dict:
    """``matched``: share of same pairs served their own approved answer; ``false_match``: share of not-same
    questions served any approved answer; ``wrong_entry``: share of same pairs served another one's."""
    same = [r for r in rows if r["same"]]
    other = [r for r in rows if not r["same"]]
    return {"pairs": len(rows), "matched": share(sum(r["served"] == r["approved"] for r in same), len(same)),
            "false_match": share(sum(r["served"] is not None for r in other), len(other)),
            "wrong_entry": share(sum(r["served"] not in (None, r["approved"]) for r in same), len(same)),
            "same": len(same), "not_same": len(other)}


def score_pairs(rows: list[dict], embed, ask_yes, standalone) -> list[dict]:
    """Each row with its nearest approved question (``nearest``: approved, similarity) and, for the closest
    ``CHECKED`` compatible ones (:func:`assistant.answer.approved.compatible`), the similarity and the
    model's P(same) (``checks``)."""
    out = []
    for split in sorted({r["split"] for r in rows}):
        part = [r for r in rows if r["split"] == split]
        approved = sorted({r["approved"] for r in part})
        vectors = dict(zip(approved, embed(approved), strict=True))
        for row in tqdm(part, desc=f"Matching ({split})", unit="pair", file=sys.stderr):
            asked = standalone(row["question"])
            vector = embed([asked])[0]
            ranked = sorted(((a, cosine(vector, vectors[a])) for a in approved), key=lambda p: -p[1])
            fitting = [(a, s) for a, s in ranked if compatible(asked, a)][:CHECKED]
            checks = [(a, s, round(ask_yes(same_question_messages(a, asked)), 3) if ask_yes else None)
                      for a, s in fitting]
            out.append({**row, "asked": asked, "nearest": ranked[0], "checks": checks})
    return out


def served(row: dict, min_similarity: float, min_same: float | None) -> str | None:
    """What the matcher would serve for ``row`` at these thresholds (None: no approved answer);
    ``min_same=None``: the embedding alone (nearest approved question, no other check)."""
    if min_same is None:
        approved, similarity = row["nearest"]
        return approved if similarity >= min_similarity else None
    for approved, similarity, same in row["checks"]:
        if similarity >= min_similarity and (same is None or same >= min_same):
            return approved
    return None


def evaluate(scored: list[dict], min_similarity: float, min_same: float) -> dict:
    results = {}
    for split in sorted({r["split"] for r in scored}):
        part = [r for r in scored if r["split"] == split]
        results[split] = {
            "embedding_only": rates([{**r, "served": served(r, min_similarity, None)} for r in part]),
            "matcher": rates([{**r, "served": served(r, min_similarity, min_same)} for r in part]),
            "sweep": [{"min_similarity": s, "min_same": m, **rates([{**r, "served": served(r, s, m)} for r in part])}
                      for s in SIMILARITIES for m in (None, *SAMES)],
            "errors": [{"id": r["id"], "same": r["same"], "question": r["question"], "approved": r["approved"],
                        "served": served(r, min_similarity, min_same), "checks": r["checks"]}
                       for r in part if (served(r, min_similarity, min_same) == r["approved"]) != r["same"]
                       or served(r, min_similarity, min_same) not in (None, r["approved"])],
        }
    return results


def markdown(results: dict, min_similarity: float, min_same: float) -> str:
    lines = [f"Thresholds: similarity ≥ {min_similarity}, model P(same) ≥ {min_same}.", "",
             "| split | pairs | embedding only: matched / false match / wrong entry | "
             "matcher: matched / false match / wrong entry |",
             "|---|---|---|---|"]
    for split, r in results.items():
        e, m = r["embedding_only"], r["matcher"]
        lines.append(f"| {split} | {e['pairs']} | {_three(e)} | {_three(m)} |")
    return "\n".join(lines)


def _three(r: dict) -> str:
    return f"{percent(r['matched'])} / {percent(r['false_match'])} / {percent(r['wrong_entry'])}"


def run_paraphrase_eval(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.answer.pipeline import Assistant

    rows = load_pairs(args.set or DEFAULT_SET)
    assistant = Assistant(settings)
    ask = assistant.judge.yes_probability if assistant.judge.answers_yes_no else None
    scored = score_pairs(rows, assistant.components.embedder.embed, ask, assistant.standalone_question)
    m = settings.moderation
    results = evaluate(scored, m.match_similarity, m.match_same)
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return 0
    print(markdown(results, m.match_similarity, m.match_same))
    if args.sweep:
        for split, r in results.items():
            print(f"\nSweep ({split}): similarity, P(same) -> matched / false match")
            for s in r["sweep"]:
                print(f"  {s['min_similarity']:.2f} {s['min_same'] if s['min_same'] is not None else '-':>4} -> "
                      f"{_three(s)}")
    for split, r in results.items():
        for e in r["errors"]:
            print(f"  [{split}] {e['id']} same={e['same']}: {e['question']!r} -> served {e['served']!r} "
                  f"(checks {e['checks']})")
    return 0
