"""Citations: an answer's ``[n]`` markers tied to the full text of the passages shown, and the
contract's rules about them checked (paper-qa checks citations after generation the same way).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.core.types import Answer, Citation, Passage


def cite(answer: Answer, text: str, used: Sequence[int], passages: Sequence[Passage]) -> Answer:
    """Final text + citations; every shown sentence passed verification (or is a quote), so
    faithfulness is 1.0 and the draft's share is in ``details.draft_faithfulness``."""
    answer.answer = text
    answer.citations = [
        Citation(n=n, chunk_id=passages[n - 1].chunk.chunk_id, doc_title=passages[n - 1].chunk.doc_title,
                 section=passages[n - 1].chunk.section, source=passages[n - 1].chunk.source,
                 text=passages[n - 1].chunk.text)
        for n in used
    ]
    answer.faithfulness = 1.0
    return answer


def check_answer_contract(answer: Answer) -> list[str]:
    """Problems with an answer's citations (empty when it keeps the contract's rules)."""
    problems = []
    shown = {p.chunk.chunk_id: p.chunk.text for p in answer.contexts}
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    numbers = {c.n for c in answer.citations}
    problems += [f"marker [{n}] has no citation" for n in sorted(markers - numbers)]
    for citation in answer.citations:
        if shown.get(citation.chunk_id) != citation.text:
            problems.append(f"citation [{citation.n}] is not the full text of a shown context")
        elif answer.contexts[citation.n - 1].chunk.chunk_id != citation.chunk_id:
            problems.append(f"citation [{citation.n}] does not point to context {citation.n}")
    if answer.abstained and (markers or answer.citations):
        problems.append("an abstention carries citations")
    return problems
