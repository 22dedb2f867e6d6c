"""``assistant approved add|list|export|retire`` and ``assistant review list|export``.

    assistant approved add --question "What does a spinal tap show?" --answer "… [1]" --citations 3f2a…
    assistant approved add --file approved.jsonl --by ana     # JSONL (as `assistant batch` writes) or CSV
    assistant approved list
    assistant approved export --out approved.csv
    assistant review export --out queue.jsonl --reason thumbs_down
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.core.settings import Settings
from assistant.moderation.store import REVIEW_REASONS


def add_parsers(sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("approved", parents=[common], help="moderator-approved answers (served when a question matches)")
    approved = p.add_subparsers(dest="approved_command", required=True)
    a = approved.add_parser("add", parents=[common], help="approve answers (one, or a JSONL/CSV file)")
    a.add_argument("--file", type=Path, help="JSONL (question, answer, citations) or CSV (citations: ids joined by ;)")
    a.add_argument("--question")
    a.add_argument("--answer", help="the wording, with [n] markers for the sources in --citations")
    a.add_argument("--citations", help="chunk ids of the cited passages, comma-separated, in [1], [2]… order")
    a.add_argument("--by", default="moderator", help="who approves (stored with the time)")
    a.add_argument("--no-check", action="store_true", help="do not check each sentence against its sources")
    a = approved.add_parser("list", parents=[common], help="the approved answers")
    a.add_argument("--status", choices=("active", "flagged", "retired"))
    a.add_argument("--json", action="store_true")
    a = approved.add_parser("export", parents=[common], help="write the approved answers to .jsonl or .csv")
    a.add_argument("--out", type=Path, required=True)
    a.add_argument("--status", choices=("active", "flagged", "retired"))
    a = approved.add_parser("retire", parents=[common], help="stop serving an approved answer")
    a.add_argument("id", type=int)

    p = sub.add_parser("review", parents=[common], help="the review queue (thumbs-down, abstentions, weak drafts)")
    review = p.add_subparsers(dest="review_command", required=True)
    for name, what in (("list", "the queue"), ("export", "write the queue to .jsonl or .csv")):
        r = review.add_parser(name, parents=[common], help=what)
        r.add_argument("--status", choices=("open", "approved", "dismissed", "all"), default="open")
        r.add_argument("--reason", choices=REVIEW_REASONS)
        if name == "export":
            r.add_argument("--out", type=Path, required=True)


def _moderation(settings: Settings):
    from assistant.answer.pipeline import Assistant
    from assistant.surfaces.moderating import Moderation

    return Moderation(Assistant(settings))


def cmd_approved(args: argparse.Namespace, settings: Settings) -> int:
    moderation = _moderation(settings)
    command = args.approved_command
    if command == "add":
        return _add(args, moderation)
    if command == "list":
        entries = moderation.store.approved(args.status)
        for e in entries:
            if args.json:
                print(json.dumps({"id": e.id, "status": e.status, "question": e.question, "answer": e.answer,
                                  "approved_by": e.approved_by, "approved_at": e.approved_at,
                                  "faithfulness": e.faithfulness, "flag_reason": e.flag_reason}, ensure_ascii=False))
            else:
                flag = f" — flagged: {e.flag_reason}" if e.status == "flagged" else ""
                print(f"#{e.id} [{e.status}] {e.question}\n    {e.answer}\n    approved by {e.approved_by}, "
                      f"{e.approved_at}{flag}")
        if not args.json:
            print(f"{len(entries)} approved answer{'' if len(entries) == 1 else 's'}.", file=sys.stderr)
        return 0
    if command == "export":
        count = moderation.export_approved(args.out, args.status)
        print(f"Wrote {count} approved answers to {args.out}.", file=sys.stderr)
        return 0
    moderation.store.retire(args.id)
    print(f"Approved answer #{args.id} is no longer served.", file=sys.stderr)
    return 0


def _add(args: argparse.Namespace, moderation) -> int:
    if args.file:
        done, errors = moderation.approve_file(args.file, args.by, check=not args.no_check)
    elif args.question and args.answer and args.citations:
        cited = [c.strip() for c in args.citations.split(",") if c.strip()]
        done, errors = [moderation.approve(args.question, args.answer, cited, args.by, check=not args.no_check)], []
    else:
        print("assistant: give --file, or --question, --answer and --citations.", file=sys.stderr)
        return 2
    for approved in done:
        e = approved.entry
        checked = "" if e.faithfulness is None else f", {e.faithfulness:.0%} of sentences supported"
        print(f"Approved #{e.id}: {e.question}{checked}")
        for sentence in approved.unsupported():
            print(f"    ⚠ not supported by its cited passage: {sentence}")
    for error in errors:
        print(f"    skipped {error}", file=sys.stderr)
    print(f"Approved {len(done)}; {len(errors)} skipped.", file=sys.stderr)
    return 0 if not errors else 1


def cmd_review(args: argparse.Namespace, settings: Settings) -> int:
    moderation = _moderation(settings)
    status = None if args.status == "all" else args.status
    if args.review_command == "export":
        count = moderation.export_reviews(args.out, status, args.reason)
        print(f"Wrote {count} review items to {args.out}.", file=sys.stderr)
        return 0
    items = moderation.store.reviews(status, args.reason)
    for item in items:
        print(f"#{item.id} [{item.reason}, {item.status}] {item.created_at}\n    Q: {item.question}\n"
              f"    A: {item.answer}")
    print(f"{len(items)} review item{'' if len(items) == 1 else 's'}.", file=sys.stderr)
    return 0
