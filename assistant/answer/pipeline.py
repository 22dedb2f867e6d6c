"""The Assistant: the order of the steps, as a stream of typed events (:mod:`assistant.answer.events`).

triage (:mod:`assistant.guard.triage`; an emergency ends here) -> unsafe requests refused
(:mod:`assistant.guard.safety`) -> follow-up made standalone (:mod:`assistant.answer.followups`) ->
retrieve -> gates before generation (:mod:`assistant.answer.gates`) -> evidence sentences
(:mod:`assistant.answer.evidence`) -> the model's P(Yes) that the passages answer -> generate ->
verify each sentence (:mod:`assistant.answer.verify`) -> show what passes (:mod:`assistant.answer.shown`:
compose, cite or abstain). Each step lives in its own module; this one only sequences them.

>>> from assistant.testing import FakeGenerator, OverlapJudge
>>> bot = Assistant(generator=FakeGenerator(["..."]), judge=OverlapJudge())  # cheap: nothing loads yet
>>> bot.settings.generation.passages
4
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from assistant.answer.approved import ApprovedAnswers, approved_answer
from assistant.answer.components import Components
from assistant.answer.events import Clock, Event, EvidenceEvent, FinalEvent, QueuedEvent, TokenEvent, TriageEvent
from assistant.answer.evidence import (
    Evidence,
    passage_excerpts,
    rerank,
    select_evidence,
    strong_evidence,
)
from assistant.answer.fallback import abstain
from assistant.answer.followups import standalone_question
from assistant.answer.gates import (
    Cosines,
    before_generation,
    focus_words,
    lay_alternatives,
    uncovered,
)
from assistant.answer.readability import reading_grade
from assistant.answer.shown import shown_answer
from assistant.answer.turns import ActiveQuestions, Turns
from assistant.answer.verify import Verifier
from assistant.core.log import log_to_stderr
from assistant.core.settings import Settings
from assistant.core.types import Answer, EvidenceNote, Passage
from assistant.guard.names import expand_abbreviations, expand_lay_terms, repair_spelling
from assistant.guard.questions import clean_question
from assistant.guard.safety import REFUSALS, classify_request
from assistant.llm.prompts import (
    answers_messages,
    build_messages,
    coverage_messages,
    is_abstention,
    library_pieces,
    passage_text,
    prompt_pieces,
)
from assistant.llm.protocols import Generator, Judge
from assistant.moderation.store import ModerationStore


class Assistant:
    """Answers questions from the corpus only; see ``stream`` for the order of events."""

    def __init__(self, settings: Settings | None = None, components: Components | None = None,
                 generator: Generator | None = None, judge: Judge | None = None,
                 moderation: ModerationStore | None = None) -> None:
        self.settings = settings or Settings()
        self.components = components or Components(self.settings)
        self.components.use_judge(lambda: self.judge)
        self._generator = generator
        self._judge = judge
        self.moderation = moderation or ModerationStore(self.settings.moderation.database)
        self._approved: ApprovedAnswers | None = None
        self._asking = ActiveQuestions()
        self._turns = Turns(self.settings.server.concurrency)

    @property
    def generator(self) -> Generator:
        if self._generator is None:
            from assistant.llm.factory import make_generator

            self._generator = make_generator(self.settings)
        return self._generator

    @property
    def judge(self) -> Judge:
        if self._judge is None:
            self._judge = self.generator.judge()
        return self._judge

    def warm_up(self, passage_states: bool = True) -> None:
        """Load everything now (index, embedder, models) instead of on the first question; with
        ``passage_states``, also prepare the passage cache (see ``prepare_passage_states``)."""
        self.components.retriever()
        self.components.triager().warm_up()
        self.generator.warm_up()
        self.judge.warm_up()
        if passage_states:
            self.prepare_passage_states()

    def prepare_passage_states(self) -> int:
        """Compute (or load from disk) the KV state of every piece a prompt can hold; how many pieces.

        One piece at a time, and only while no question is being answered, so a question asked meanwhile
        waits for at most one piece (the app runs this in the background; a piece not ready yet is
        computed when a question needs it).
        Nothing happens if the cache is off or the library is larger than its budget (~3 characters
        per token); saved states of pieces no longer in the library are deleted.
        """
        cache = self.generator.piece_cache
        if cache is None:
            return 0
        pieces = library_pieces(self.components.retriever().index.chunks, self.settings.generation.passages)
        if sum(len(p) for p in pieces) // 3 > cache.budget_tokens:
            return 0
        log_to_stderr(f"Preparing {len(pieces)} passage states (saved, so only the first run is slow)...")
        for piece in pieces:
            self._asking.wait_until_idle()  # a question goes first; its own pieces are computed by it
            cache.add([piece])
        cache.forget_saved_except(pieces)
        return len(pieces)

    def ask(self, question: str, history: Sequence[dict] = ()) -> Answer:
        final = None
        for event in self.stream(question, history):
            if isinstance(event, FinalEvent):
                final = event.answer
        return final

    def stream(self, question: str, history: Sequence[dict] = ()) -> Iterator[Event]:
        """Events in order: TriageEvent, then (unless an emergency) EvidenceEvent, QueuedEvents while other
        questions hold the model, TokenEvents, FinalEvent.

        While a question is being answered, background preparation of passage states waits."""
        with self._asking:
            yield from self._stream(question, history)

    def _stream(self, question: str, history: Sequence[dict]) -> Iterator[Event]:
        clock = Clock()
        cleaned = clean_question(question, self.settings.input.max_question_chars)
        triage = self.components.triager().triage(cleaned, list(history))
        clock.lap("triage")
        yield TriageEvent(triage)
        answer = Answer(question=cleaned, urgency=triage.urgency, triage=triage)
        details = answer.details
        if triage.urgency == "emergency":
            answer.answer = triage.advice
            details.request = "emergency"
            yield FinalEvent(self._finish(answer, clock))
            return
        request = classify_request(cleaned)
        details.request = request.kind or "question"
        query = request.cleaned_question if request.kind == "injection" else cleaned
        if request.kind == "injection" and not query:
            yield FinalEvent(self._finish(abstain(answer, REFUSALS["injection"], []), clock))
            return
        query = details.standalone_question = self.standalone_question(query, history)
        passages = self.components.retriever().retrieve(query, k=self.settings.generation.passages)
        clock.lap("retrieve")
        answer.contexts = passages
        yield EvidenceEvent(passages)
        if request.kind in ("dosing", "prognosis", "diagnosis"):
            yield FinalEvent(self._finish(abstain(answer, REFUSALS[request.kind], passages), clock))
            return
        if request.kind is None:  # a moderator's approved answer goes before any generated one
            served = yield from self._approved_answer(answer, query, clock)
            if served is not None:
                yield FinalEvent(self._finish(served, clock))
                return
        lead = before_generation(query, passages, self.settings.verify, details)
        if lead is not None:
            yield FinalEvent(self._finish(abstain(answer, lead, passages), clock))
            return
        yield from self._enter_line(clock)
        try:
            yield from self._with_model(answer, query, passages, request.kind, clock)
        finally:
            self._turns.leave()

    def _enter_line(self, clock: Clock) -> Iterator[QueuedEvent]:
        """Wait for the shared model, told the place in line (leave with ``self._turns.leave()``)."""
        waited = False
        for position in self._turns.enter():
            waited = True
            yield QueuedEvent(position)
        if waited:
            clock.lap("queue")

    def approved_answers(self) -> ApprovedAnswers:
        if self._approved is None:
            self._approved = ApprovedAnswers(self.settings.moderation, self.moderation, self.components.embedder,
                                             self._yes_probability())
        return self._approved

    def _approved_answer(self, answer: Answer, query: str, clock: Clock) -> Iterator[QueuedEvent]:
        """The approved answer for ``query`` (see :mod:`assistant.answer.approved`), or None; the model's
        check of a candidate waits in the model's line."""
        chunks = self.components.index().by_id
        candidates = self.approved_answers().candidates(query, chunks)
        if not candidates:
            return None
        yield from self._enter_line(clock)
        try:
            match = self.approved_answers().match(query, candidates)
        finally:
            self._turns.leave()
        clock.lap("approved")
        return None if match is None else approved_answer(answer, match, chunks)

    def _with_model(self, answer: Answer, query: str, passages: list[Passage], request_kind: str | None,
                    clock: Clock) -> Iterator[Event]:
        """Evidence, coverage, generation and verification: the part that needs the model."""
        details = answer.details
        cache = self.generator.piece_cache
        texts = [passage_text(p.chunk) for p in passages] if cache else self._excerpts(query, passages)
        if cache:
            cache.add(prompt_pieces(passages, texts))
        focus = focus_words(query)
        evidence = self._evidence(query, passages, focus + lay_alternatives(query))
        details.evidence = [EvidenceNote(e.unit.readable, e.n, round(e.score, 3)) for e in evidence]
        key = [(e.n, e.unit.readable) for e in evidence[: self.settings.generation.key_sentences]]
        header_end = "\n" if cache else " "
        plain = build_messages(query, passages, texts, header_end=header_end)
        plain_words = self.settings.generation.plain_words
        messages = (build_messages(query, passages, texts, header_end=header_end, key_sentences=key,
                                   plain_words=plain_words) if key or plain_words else plain)
        covered = details.answerable = self._coverage(plain)
        details.strong_evidence = strong_evidence(evidence, focus, self.settings.verify.strong_evidence_score) or None
        parts = self.components
        lead = uncovered(query, covered, self.settings.verify, parts.corpus_text(), parts.lexicon(), details)
        if lead is not None:
            clock.lap("coverage")
            yield FinalEvent(self._finish(abstain(answer, lead, passages), clock))
            return
        draft = details.draft = yield from self._generate(messages, clock)
        final = self._final(answer, query, draft, passages, texts, evidence, request_kind, clock)
        yield FinalEvent(self._finish(final, clock))

    def _yes_probability(self):
        """The judge's P(Yes) for any yes/no prompt, or None for a judge that declares it cannot say."""
        return self.judge.yes_probability if self.judge.answers_yes_no else None

    def _coverage(self, messages: list[dict[str, str]]) -> float | None:
        """The model's P(Yes) that the passages answer the question (None if the judge can't say)."""
        ask = self._yes_probability()
        return round(ask(coverage_messages(messages)), 3) if ask else None

    def standalone_question(self, question: str, history: Sequence[dict] = ()) -> str:
        """What retrieval and the model see: a follow-up completed from the history only when it needs
        it (see :mod:`assistant.answer.followups`), misspelt source words repaired, abbreviations spelled out."""
        library = self.components.corpus_text()
        standalone = repair_spelling(standalone_question(question, history, self.components.topic_terms()), library)
        return expand_lay_terms(expand_abbreviations(standalone, library))

    def make_verifier(self) -> Verifier:
        """The sentence checker answers go through (also measured alone by ``assistant eval claims``)."""
        v = self.settings.verify
        return Verifier(self.judge, v.threshold, v.extra_candidates, v.short_threshold, self.components.lexicon(),
                        v.min_grounded_support, v.grounded_threshold)

    def _excerpts(self, query: str, passages: list[Passage]) -> list[str]:
        """What the model sees of each passage: short ones whole, long ones cut to the relevant sentences."""
        return passage_excerpts(query, [passage_text(p.chunk) for p in passages], self.components.embedder,
                                self.settings.generation.excerpt_chars)

    def _generate(self, messages: list[dict[str, str]], clock: Clock) -> Iterator[TokenEvent]:
        pieces: list[str] = []
        for piece in self.generator.stream(messages, self.settings.generation.max_new_tokens):
            if not pieces:
                clock.since_start("first_token")
            pieces.append(piece)
            yield TokenEvent(piece)
        clock.lap("generate")
        return "".join(pieces)

    def _final(self, answer: Answer, query: str, draft: str, passages: list[Passage], texts: list[str],
               evidence: list[Evidence], request_kind: str | None, clock: Clock) -> Answer:
        """Verify the draft, then show what passes (see :mod:`assistant.answer.shown`), or abstain."""
        if is_abstention(draft):
            clock.lap("verify")
            return abstain(answer, "", passages)
        verification = self.make_verifier().verify(query, draft, passages, texts)
        final = shown_answer(answer, query, verification, passages, evidence, request_kind,
                             Cosines(self.components.embedder), self.settings.verify)
        clock.lap("verify")
        return final

    def _evidence(self, query: str, passages: list[Passage], focus: list[str]) -> list[Evidence]:
        """The best source sentences for the question; close calls re-ordered by the model when it can say."""
        v = self.settings.verify
        evidence = select_evidence(query, passages, self.components.embedder, [passage_text(p.chunk) for p in passages],
                                   k=max(v.extractive_sentences, 4), focus=focus)
        ask = self._yes_probability()
        if ask is not None and v.rerank_window > 0:
            evidence = rerank(query, evidence, lambda q, s: ask(answers_messages(q, s)), v.rerank_weight,
                              v.rerank_window)
        return evidence[: v.extractive_sentences]

    def _finish(self, answer: Answer, clock: Clock) -> Answer:
        answer.details.reading_grade = reading_grade(answer.answer)
        clock.since_start("total")
        answer.timings_ms = dict(clock.timings)
        return answer
