"""HTML and Markdown pieces of the chat page; pure functions of the typed results.

>>> banner_html(Triage("emergency", "r", "Call 911 now."))[:48]
'<div class="banner banner-emergency" role="alert'
>>> banner_html(Triage("none", "r", ""))
''
"""

from __future__ import annotations

import html
import re

from assistant.answer.draft import split_draft
from assistant.core.text import sentences
from assistant.core.types import Answer, Passage, Triage
from assistant.surfaces.format import NOTICES, present

CSS = """
.banner { padding: 14px 16px; border-radius: 10px; font-size: 1.05rem; line-height: 1.45; margin-bottom: 6px; }
.banner-emergency { background: #b00020; color: #fff; border: 3px solid #7a0016; }
.banner-urgent { background: #ffb300; color: #1b1b1b; border: 2px solid #c68400; }
.banner strong { font-size: 1.15rem; color: inherit; }
.source { border: 1px solid #ddd; border-radius: 8px; padding: 10px 12px; margin: 8px 0; }
.source-head { font-weight: 600; }
.source-meta { color: #555; font-size: 0.9rem; }
.source mark { background: #fff59d; padding: 0 2px; }
.faithfulness { font-size: 0.9rem; color: #2e7d32; }
.disclaimer { font-size: 0.85rem; color: #555; }
@media (max-width: 480px) { .banner { font-size: 1rem; } }
"""


def banner_html(triage: Triage | None) -> str:
    """Red for an emergency, amber for urgent, nothing otherwise."""
    if triage is None or triage.urgency == "none":
        return ""
    title = NOTICES[triage.urgency]
    css = f"banner banner-{triage.urgency}"
    return (f'<div class="{css}" role="alert" aria-live="assertive" id="urgency-banner" '
            f'data-urgency="{triage.urgency}"><strong>{title}.</strong> {html.escape(triage.advice)}</div>')


def evidence_html(passages: list[Passage], cited_sentences: dict[int, list[str]] | None = None,
                  title: str = "Sources") -> str:
    """The passages as cards: title, section, reviewed date, text with supporting sentences marked."""
    if not passages:
        return ""
    cited_sentences = cited_sentences or {}
    cards = []
    for n, passage in enumerate(passages, start=1):
        chunk = passage.chunk
        body = _highlight(chunk.text, cited_sentences.get(n, []))
        reviewed = f" · reviewed {html.escape(chunk.reviewed)}" if chunk.reviewed else ""
        cards.append(
            f'<div class="source" id="source-{n}"><div class="source-head">[{n}] {html.escape(chunk.section)}</div>'
            f'<div class="source-meta">{html.escape(chunk.doc_title)}{reviewed}</div>'
            f'<div class="source-text">{body}</div></div>'
        )
    return f'<div class="sources" id="sources-panel"><h3>{html.escape(title)}</h3>{"".join(cards)}</div>'


def _highlight(text: str, claims: list[str]) -> str:
    """Escape ``text`` and mark the source sentences that best match the answer's sentences."""
    spans = sentences(text)
    marked = {_best_match(claim, spans) for claim in claims} - {None}
    out, cursor = [], 0
    for index, (_, start, end) in enumerate(spans):
        out.append(html.escape(text[cursor:start]))
        piece = html.escape(text[start:end])
        out.append(f"<mark>{piece}</mark>" if index in marked else piece)
        cursor = end
    out.append(html.escape(text[cursor:]))
    return "".join(out).replace("\n", "<br>")


def _best_match(claim: str, spans: list[tuple[str, int, int]]) -> int | None:
    words = set(re.findall(r"[a-z]{3,}", claim.lower()))
    scored = [(len(words & set(re.findall(r"[a-z]{3,}", s.lower()))), i) for i, (s, _, _) in enumerate(spans)]
    best = max(scored, default=(0, None))
    return best[1] if best[0] >= 2 else None


def cited_sentences(answer: Answer) -> dict[int, list[str]]:
    """For each passage number, the answer sentences that cite it."""
    out: dict[int, list[str]] = {}
    for sentence in split_draft(answer.answer):
        for n in sentence.cited:
            out.setdefault(n, []).append(sentence.text)
    return out


def answer_markdown(answer: Answer) -> str:
    """The final chat message (see :mod:`assistant.surfaces.format`): the answer, how it was checked, and
    any closing advice; an emergency is the advice alone, in bold (the banner says the rest)."""
    shown = present(answer)
    text = html.escape(shown.text, quote=False)  # source or model text is shown as text, never as HTML
    if shown.urgency == "emergency":
        return f"**{text}**"
    parts = [text]
    if shown.checked:
        parts.append(f"<span class='faithfulness'>{shown.checked}</span>")
    if shown.closing:
        parts.append(f"_{html.escape(shown.closing, quote=False)}_")
    return "\n\n".join(parts)
