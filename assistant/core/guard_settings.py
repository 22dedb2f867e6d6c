"""Settings of input checks and triage (a part of :class:`assistant.core.settings.Settings`)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class InputSettings(BaseModel):
    max_question_chars: int = Field(
        default=2000, ge=10, description="Longest question accepted, in characters, after cleanup."
    )


class TriageSettings(BaseModel):
    emergency_number: str = Field(default="911", description="Local emergency number (911 in the US).")
    emergency_advice: str = Field(
        default=(
            "This may be a medical emergency. Call {number} (or your local emergency number) now, "
            "or have someone take you to the nearest emergency room. Do not wait for an online answer."
        ),
        description="What an emergency message is told first; {number} is replaced by emergency_number.",
    )
    crisis_advice: str = Field(
        default=(
            "You deserve support right now. If you might act on these thoughts, call {number} now. "
            "In the US you can call or text 988 (Suicide & Crisis Lifeline) any time, day or night; "
            "elsewhere, contact your local crisis line. If you can, tell someone near you how you feel."
        ),
        description="What a message about suicide or self-harm is told first.",
    )
    urgent_advice: str = Field(
        default=(
            "New or worsening nerve symptoms like these should be checked by a doctor soon — "
            "today or as soon as possible. Call your doctor or care team; if symptoms get worse "
            "quickly, call {number}."
        ),
        description="The 'see a doctor soon' notice shown above an urgent message's answer.",
    )
    informational_note: str = Field(
        default="If this is happening to you or someone near you now, contact your doctor or call {number}.",
        description="A short line added to informational answers that mention symptoms.",
    )
    use_embeddings: bool = Field(
        default=True,
        description="Also compare messages with labelled example messages (catches wordings no rule has).",
    )
    emergency_similarity: float = Field(
        default=0.55, ge=0, le=1,
        description="Cosine similarity to an emergency example from which a message the rules call none is "
                    "escalated (the layer alone, on the first 99 dev emergencies: 59 caught, no informational one).",
    )
    urgent_similarity: float = Field(
        default=0.60, ge=0, le=1,
        description="Cosine similarity to an urgent example from which a message the rules call none is urgent.",
    )
    question_similarity: float = Field(
        default=0.65, ge=0, le=1,
        description="In a message that also asks something, the similarity a telling clause needs to an emergency "
                    "example (an informational question about a symptom is not an emergency on a weak match).",
    )
    similarity_margin: float = Field(
        default=0.05, ge=0, le=1,
        description="The nearest example of the chosen kind must be at least this much closer than the "
                    "nearest example of any other kind (assistant/guard/triage.py).",
    )
    model_check: bool = Field(
        default=True,
        description="Also ask the answering model (when its judge answers yes/no) whether a message the rules "
                    "do not call an emergency shows an emergency sign happening now (assistant/llm/second_look.py); "
                    "~0.4 s, only for messages with a symptom word that are not a general question, a past event "
                    "or an instruction.",
    )
    model_emergency_threshold: float = Field(
        default=0.65, ge=0, le=1,
        description="P(Yes) from which the model's second look makes a message an emergency (chosen on the dev "
                    "set only: of its 723 messages, 130 of 308 emergencies reach it, 1 of 156 urgent and no "
                    "informational one).",
    )
