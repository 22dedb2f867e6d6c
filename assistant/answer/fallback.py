"""What the assistant says when it does not answer: the reason, the advice to ask a doctor, and the
topics the sources do cover, so the person knows where to go next.

>>> from assistant.core.types import Answer
>>> abstain(Answer("Is it inherited?"), "My sources don't say whether it runs in families.", []).answer
"My sources don't say whether it runs in families. Please ask your doctor or care team."
>>> abstain(Answer("Q"), "", []).answer
"I'm sorry — my sources don't cover that, so I can't answer it reliably. Please ask your doctor or care team."
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.core.types import Answer, Passage

GENERAL = "I'm sorry — my sources don't cover that, so I can't answer it reliably."
ASK_DOCTOR = "Please ask your doctor or care team."


def abstain(answer: Answer, lead: str, passages: Sequence[Passage]) -> Answer:
    """Turn ``answer`` into an abstention: ``lead`` (the reason; "" for the general message), the advice
    to ask a doctor, and the sections of the top passages; no citations, no faithfulness."""
    topics = list(dict.fromkeys(p.chunk.section for p in passages[:3]))
    message = f"{lead or GENERAL} {ASK_DOCTOR}"
    if topics:
        message += f" My sources do cover related topics: {', '.join(topics)}."
    answer.answer = message
    answer.abstained = True
    answer.citations = []
    answer.faithfulness = None
    return answer
