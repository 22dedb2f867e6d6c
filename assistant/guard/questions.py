"""Check and clean a question before it goes anywhere.

>>> clean_question("  What does a spinal tap show?\\u200b ", max_chars=100)
'What does a spinal tap show?'
>>> clean_question("   ", max_chars=100)
Traceback (most recent call last):
...
assistant.core.errors.InputError: Please type a question: the message is empty.
"""

from __future__ import annotations

from assistant.core.errors import InputError
from assistant.core.text import clean_text


def clean_question(question: object, max_chars: int) -> str:
    """The question, Unicode-normalised and trimmed; InputError if empty, too long or not text."""
    if not isinstance(question, str):
        raise InputError(f"The question must be text, not {type(question).__name__}.")
    cleaned = clean_text(question)
    if not cleaned:
        raise InputError("Please type a question: the message is empty.")
    if len(cleaned) > max_chars:
        raise InputError(
            f"The question is {len(cleaned):,} characters long; please keep it under {max_chars:,} "
            "characters (one or two sentences work best)."
        )
    if not any(ch.isalnum() for ch in cleaned):
        raise InputError("Please type a question in words: the message has no letters or digits.")
    return cleaned
