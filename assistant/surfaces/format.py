"""What every surface shows of an Answer, decided once: the urgency notice, the text, how it was checked,
the sources and the closing advice. The CLI renders it as text, the chat page as Markdown/HTML, the
moderators' downloads as Markdown; none of them decides again what to say.

>>> from assistant.core.types import Answer, Triage
>>> shown = present(Answer("Q", "Steroids calm it [1].", urgency="urgent",
...                        triage=Triage("urgent", "rule", "See a doctor within a day.")))
>>> shown.notice, shown.text
('See a doctor soon', 'Steroids calm it [1].')
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.core.types import Answer, Urgency

DISCLAIMER = (
    "This is general information from two Mayo Clinic pages (reviewed March 26, 2022), not medical advice. "
    "Always talk with your doctor or care team about your own situation."
)
NOTICES: dict[Urgency, str] = {"emergency": "Get help now", "urgent": "See a doctor soon", "none": ""}


@dataclass(frozen=True)
class Source:
    """One cited passage, as a reader sees it."""

    n: int
    doc_title: str
    section: str
    reviewed: str  # "" when unknown
    text: str

    @property
    def label(self) -> str:
        """e.g. "[1] Paraneoplastic syndromes … › Diagnosis"."""
        return f"[{self.n}] {self.doc_title} › {self.section}"


@dataclass(frozen=True)
class Presented:
    """The parts of an answer in the order a reader meets them."""

    urgency: Urgency
    notice: str  # "Get help now" / "See a doctor soon" / ""
    advice: str  # the triage advice ("" when none)
    text: str  # the answer (for an emergency: the advice itself)
    checked: str  # how the text was checked ("" for an emergency)
    sources: list[Source]
    closing: str  # advice shown after an ordinary answer ("" when none)


def present(answer: Answer) -> Presented:
    """Decide what to show of ``answer``."""
    advice = answer.triage.advice if answer.triage else ""
    reviewed = {p.chunk.chunk_id: p.chunk.reviewed for p in answer.contexts}
    sources = [Source(c.n, c.doc_title, c.section, reviewed.get(c.chunk_id, ""), c.text) for c in answer.citations]
    return Presented(
        urgency=answer.urgency,
        notice=NOTICES[answer.urgency],
        advice=advice,
        text=answer.answer,
        checked="" if answer.urgency == "emergency" else checked_line(answer),
        sources=[] if answer.urgency == "emergency" else sources,
        closing=advice if answer.urgency == "none" else "",
    )


def checked_line(answer: Answer) -> str:
    """How the shown text was checked, in one sentence ("" when nothing was)."""
    verdicts = answer.details.verification or []
    approved = answer.details.approved
    if approved is not None:
        return (f"✓ Approved by a moderator ({approved.approved_by}, {approved.approved_at[:10]}) for the question "
                f"“{approved.question}”; its sources are unchanged since.")
    if answer.abstained:
        return "No answer given: the sources don't cover this."
    if answer.details.extractive:
        return "✓ Quoted word for word from the sources."
    if verdicts:
        kept = sum(v.kept for v in verdicts)
        return (f"✓ Every sentence shown was checked against its source ({kept} of {len(verdicts)} draft "
                f"sentences passed; faithfulness {answer.faithfulness:.0%}).")
    return ""
