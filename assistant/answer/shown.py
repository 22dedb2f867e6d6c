"""From a checked draft to what a person is shown: the composed, cited answer, or an abstention.

The verifier's verdicts are recorded in the answer's details; the sentences that passed and the best evidence are
composed (:mod:`assistant.answer.compose`); an answer that never addresses what the question asks about is not
given unless the model was sure the passages answer it (``focus_check_below``); what is left is cited
(:mod:`assistant.answer.citations`), or the assistant abstains (:mod:`assistant.answer.fallback`).
"""

from __future__ import annotations

from functools import partial

from assistant.answer.citations import cite
from assistant.answer.compose import ComposeSettings, compose
from assistant.answer.evidence import Evidence, asks_about_questions
from assistant.answer.fallback import abstain
from assistant.answer.gates import Cosines, addresses, focus_phrase, focus_words, lay_alternatives
from assistant.answer.units import lead_terms
from assistant.answer.verify import Verification
from assistant.core.settings import VerifySettings
from assistant.core.types import Answer, CheckedSentence, Passage
from assistant.guard.safety import REFUSALS


def shown_answer(answer: Answer, query: str, verification: Verification, passages: list[Passage],
                 evidence: list[Evidence], request_kind: str | None, similarity: Cosines,
                 settings: VerifySettings) -> Answer:
    """``answer`` with what is shown for the checked draft (``details.answerable`` and ``strong_evidence`` are
    read, the verdicts and what was quoted are written)."""
    details = answer.details
    details.verification = [
        CheckedSentence(v.text, list(v.cited), list(v.supported_by), round(v.score, 3), v.kept, v.reason,
                        v.restates)
        for v in verification.verdicts
    ]
    details.draft_faithfulness = verification.draft_faithfulness
    focus = focus_words(query)
    if details.answerable is not None and details.answerable < settings.min_answerable_for_quotes \
            and not details.strong_evidence:
        evidence = []
    composed = compose(query, verification, evidence, similarity.to_reference, ComposeSettings.from_settings(settings),
                       asks_questions=asks_about_questions(query),
                       headings=[t for p in passages for t in lead_terms(p.chunk.text)])
    sure = details.answerable is not None and details.answerable >= settings.focus_check_below
    if composed is not None:  # recorded even when the model is sure, so focus_check_below can be measured
        details.focus_addressed = addresses(composed.shown, focus, partial(similarity.of_focus, query),
                                            settings.focus_word_similarity, lay_alternatives(query))
    if composed is not None and not sure and not details.focus_addressed:
        details.unaddressed_focus = focus
        return abstain(answer, f"My sources don't say anything about {focus_phrase(query, focus)}.", passages)
    if composed is None:
        return abstain(answer, REFUSALS["injection"] if request_kind == "injection" else "", passages)
    details.quoted = composed.quoted
    details.extractive = composed.quoted == len(composed.shown)
    prefix = REFUSALS["injection"] + " " if request_kind == "injection" else ""
    return cite(answer, prefix + composed.text, composed.used, passages)
