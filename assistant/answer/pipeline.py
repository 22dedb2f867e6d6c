"""The Assistant: triage -> rewrite -> retrieve -> generate -> verify, as a stream of typed events.

>>> from assistant.llm.hf import FakeGenerator
>>> from assistant.llm.protocols import OverlapJudge
>>> bot = Assistant(generator=FakeGenerator(["..."]), judge=OverlapJudge())  # cheap: nothing loads yet
>>> bot.settings.generation.passages
4
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial

from assistant.answer.components import Components
from assistant.answer.compose import ComposeSettings, compose
from assistant.answer.evidence import Evidence, asks_about_questions, lead_terms, rerank, select_evidence
from assistant.answer.followups import standalone_question
from assistant.answer.gates import addresses, focus_phrase, focus_words, question_kind, surface_forms, unknown_focus
from assistant.answer.grounding import Lexicon
from assistant.answer.verify import Verifier
from assistant.core.settings import Settings
from assistant.core.text import sentences
from assistant.core.types import Answer, Citation, Passage, Triage
from assistant.guard.names import expand_abbreviations, expand_lay_terms, unknown_names
from assistant.guard.questions import clean_question
from assistant.guard.safety import REFUSALS, classify_request
from assistant.llm.hf import Generator
from assistant.llm.prompts import (
    answers_messages,
    build_messages,
    coverage_messages,
    excerpt,
    is_abstention,
    library_pieces,
    passage_text,
    prompt_pieces,
    topic_terms,
)
from assistant.llm.protocols import Judge
from assistant.search.index import log_to_stderr


@dataclass(frozen=True)
class TriageEvent:
    triage: Triage


@dataclass(frozen=True)
class EvidenceEvent:
    passages: list[Passage]


@dataclass(frozen=True)
class TokenEvent:
    text: str


@dataclass(frozen=True)
class FinalEvent:
    answer: Answer


Event = TriageEvent | EvidenceEvent | TokenEvent | FinalEvent


class _Clock:
    def __init__(self) -> None:
        self.start = self.mark = time.perf_counter()
        self.timings: dict[str, int] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = int((now - self.mark) * 1000)
        self.mark = now

    def since_start(self, name: str) -> None:
        self.timings[name] = int((time.perf_counter() - self.start) * 1000)


class Assistant:
    """Answers questions from the corpus only; see ``stream`` for the order of events."""

    def __init__(self, settings: Settings | None = None, components: Components | None = None,
                 generator: Generator | None = None, judge: Judge | None = None) -> None:
        self.settings = settings or Settings()
        self.components = components or Components(self.settings)
        self._generator = generator
        self._judge = judge
        self._terms: list[str] | None = None
        self._reference: str | None = None
        self._lexicon: Lexicon | None = None

    @property
    def generator(self) -> Generator:
        if self._generator is None:
            from assistant.llm.llamacpp import make_generator

            self._generator = make_generator(self.settings)
        return self._generator

    @property
    def judge(self) -> Judge:
        if self._judge is None:
            from assistant.llm.llamacpp import make_judge

            self._judge = make_judge(self.settings, self.generator)
        return self._judge

    def warm_up(self, passage_states: bool = True) -> None:
        """Load everything now (index, embedder, models) instead of on the first question; with
        ``passage_states``, also prepare the passage cache (see ``prepare_passage_states``)."""
        self.components.retriever()
        self.components.triager().warm_up()
        for part in (self.generator, self.judge):
            if hasattr(part, "warm_up"):
                part.warm_up()
        if passage_states:
            self.prepare_passage_states()

    def _piece_cache(self):
        """The generator's hook for caching prompt pieces (llama.cpp), when it is turned on; else None."""
        cache = getattr(self.generator, "cache_pieces", None)
        return cache if cache is not None and getattr(self.generator, "block_tokens", 0) else None

    def prepare_passage_states(self) -> int:
        """Compute (or load from disk) the KV state of every piece a prompt can hold; how many pieces.

        One piece at a time, so a question asked meanwhile waits for one piece, not all of them (the
        app runs this in the background; a piece not ready yet is computed when a question needs it).
        Nothing happens if the cache is off or the library is larger than its budget (~3 characters
        per token); saved states of pieces no longer in the library are deleted.
        """
        cache = self._piece_cache()
        if cache is None:
            return 0
        pieces = library_pieces(self.components.retriever().index.chunks, self.settings.generation.passages)
        if sum(len(p) for p in pieces) // 3 > self.generator.block_tokens:
            return 0
        log_to_stderr(f"Preparing {len(pieces)} passage states (saved, so only the first run is slow)...")
        for piece in pieces:
            cache([piece])
        self.generator.forget_saved_except(pieces)
        return len(pieces)

    def ask(self, question: str, history: Sequence[dict] = ()) -> Answer:
        final = None
        for event in self.stream(question, history):
            if isinstance(event, FinalEvent):
                final = event.answer
        return final

    def stream(self, question: str, history: Sequence[dict] = ()) -> Iterator[Event]:
        """Events in order: TriageEvent, then (unless an emergency) EvidenceEvent, TokenEvents, FinalEvent."""
        clock = _Clock()
        cleaned = clean_question(question, self.settings.input.max_question_chars)
        triage = self.components.triager().triage(cleaned, list(history))
        clock.lap("triage")
        yield TriageEvent(triage)
        answer = Answer(question=cleaned, urgency=triage.urgency, triage=triage)
        if triage.urgency == "emergency":
            answer.answer = triage.advice
            answer.details["request"] = "emergency"
            yield FinalEvent(self._finish(answer, clock))
            return
        request = classify_request(cleaned)
        answer.details["request"] = request.kind or "question"
        query = request.cleaned_question if request.kind == "injection" else cleaned
        if request.kind == "injection" and not query:
            yield FinalEvent(self._finish(self._abstain(answer, REFUSALS["injection"], []), clock))
            return
        query = self.standalone_question(query, history)
        answer.details["standalone_question"] = query
        passages = self.components.retriever().retrieve(query, k=self.settings.generation.passages)
        clock.lap("retrieve")
        answer.contexts = passages
        yield EvidenceEvent(passages)
        if request.kind in ("dosing", "prognosis", "diagnosis"):
            yield FinalEvent(self._finish(self._abstain(answer, REFUSALS[request.kind], passages), clock))
            return
        lead = self._before_generation(answer, query, passages)
        if lead is not None:
            yield FinalEvent(self._finish(self._abstain(answer, lead, passages), clock))
            return
        cache = self._piece_cache()
        texts = [passage_text(p.chunk) for p in passages] if cache else self._excerpts(query, passages)
        if cache:
            cache(prompt_pieces(passages, texts))
        focus = focus_words(query)
        evidence = self._evidence(query, passages, focus)
        answer.details["evidence"] = [{"sentence": e.unit.readable, "n": e.n, "score": round(e.score, 3)}
                                      for e in evidence]
        key = [(e.n, e.unit.readable) for e in evidence[: self.settings.generation.key_sentences]]
        plain = build_messages(query, passages, texts, header_end="\n" if cache else " ")
        messages = build_messages(query, passages, texts, header_end="\n" if cache else " ",
                                  key_sentences=key) if key else plain
        covered = self._coverage(plain)
        answer.details["answerable"] = covered
        lead = self._uncovered(answer, query, covered)
        if lead is not None:
            clock.lap("coverage")
            yield FinalEvent(self._finish(self._abstain(answer, lead, passages), clock))
            return
        draft = yield from self._generate(messages, clock)
        answer.details["draft"] = draft
        final = self._final(answer, query, draft, passages, texts, evidence, request.kind, clock)
        yield FinalEvent(self._finish(final, clock))

    def _before_generation(self, answer: Answer, query: str, passages: list[Passage]) -> str | None:
        """Why to abstain before asking the model ("" for the general message), or None to go on: no
        passage is close to the question, or the question is of a kind no shown passage addresses."""
        best = max((p.dense_score or 0.0 for p in passages), default=0.0)
        if best < self.settings.verify.min_coverage:
            return ""
        kind = question_kind(query)
        if kind is not None:
            answer.details["question_kind"] = kind.name
            if not kind.addressed_by([passage_text(p.chunk) for p in passages]):
                return kind.lead
        return None

    def _yes_probability(self):
        """The judge's P(Yes) for any yes/no prompt, or None for a judge that only scores support."""
        return getattr(self.judge, "yes_probability", None)

    def _coverage(self, messages: list[dict[str, str]]) -> float | None:
        """The model's P(Yes) that the passages answer the question (None if the judge can't say)."""
        ask = self._yes_probability()
        return round(ask(coverage_messages(messages)), 3) if ask else None

    def _uncovered(self, answer: Answer, query: str, covered: float | None) -> str | None:
        """Why to abstain before generating ("" for the general message), or None to go on.

        A name the sources never use ("anti-Hu", "Texas"), or a word the question is about that no source
        uses and no patient's word maps to ("coffee", "lupus", "vaccine"), needs the model to be fairly sure
        the passages answer anyway: on the gold set it otherwise answered from the nearest passage. (On the
        131 dev questions only unanswerable ones have such a word.)"""
        v = self.settings.verify
        if covered is not None and covered < v.min_answerable:
            return ""
        unknown = unknown_names(query, self._corpus_text())
        if unknown:
            answer.details["unknown_names"] = unknown
        strange = unknown_focus(query, self.lexicon()) if v.unknown_focus_min_answerable > 0 else []
        if strange:
            answer.details["unknown_focus"] = strange
        bar = max([v.unknown_name_min_answerable] * bool(unknown) + [v.unknown_focus_min_answerable] * bool(strange),
                  default=0.0)
        if (unknown or strange) and (covered is None or covered < bar):
            if unknown:
                quoted = [f"“{n}”" for n in unknown[:3]]
                names = " or ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)
            else:
                names = focus_phrase(query, strange)
            return f"My sources don't mention {names}, so I can't answer that reliably."
        return None

    def standalone_question(self, question: str, history: Sequence[dict] = ()) -> str:
        """What retrieval and the model see: a follow-up completed from the history only when it needs
        it (see :mod:`assistant.answer.followups`), abbreviations spelled out."""
        standalone = standalone_question(question, history, self._topic_terms())
        return expand_lay_terms(expand_abbreviations(standalone, self._corpus_text()))

    def make_verifier(self) -> Verifier:
        """The sentence checker answers go through (also measured alone by ``assistant eval claims``)."""
        v = self.settings.verify
        return Verifier(self.judge, v.threshold, v.extra_candidates, v.short_threshold, self.lexicon(),
                        v.min_grounded_support, v.grounded_threshold)

    def lexicon(self) -> Lexicon:
        """The library's words and named things, for the verifier's grounding checks."""
        if self._lexicon is None:
            chunks = self.components.index().chunks
            self._lexicon = Lexicon([c.text for c in chunks] + sorted({c.section for c in chunks}))
        return self._lexicon

    def _excerpts(self, query: str, passages: list[Passage]) -> list[str]:
        """What the model sees of each passage: short ones whole, long ones cut to the relevant sentences."""
        limit = self.settings.generation.excerpt_chars
        texts = [passage_text(p.chunk) for p in passages]
        long_ones = [i for i, t in enumerate(texts) if len(t) > limit]
        if not long_ones:
            return texts
        split = {i: [s for s, _, _ in sentences(texts[i])] for i in long_ones}
        flat = [s for i in long_ones for s in split[i]]
        vectors = self.components.embedder.embed([query] + flat)
        similarity = iter((vectors[1:] @ vectors[0]).tolist())
        for i in long_ones:
            texts[i] = excerpt(texts[i], [next(similarity) for _ in split[i]], limit)
        return texts

    def _generate(self, messages: list[dict[str, str]], clock: _Clock) -> Iterator[TokenEvent]:
        pieces: list[str] = []
        for piece in self.generator.stream(messages, self.settings.generation.max_new_tokens):
            if not pieces:
                clock.since_start("first_token")
            pieces.append(piece)
            yield TokenEvent(piece)
        clock.lap("generate")
        return "".join(pieces)

    def _final(self, answer: Answer, query: str, draft: str, passages: list[Passage], texts: list[str],
               evidence: list[Evidence], request_kind: str | None, clock: _Clock) -> Answer:
        """Verify the draft, then compose what is shown (see :mod:`assistant.answer.compose`), or abstain."""
        if is_abstention(draft):
            clock.lap("verify")
            return self._abstain(answer, "", passages)
        verification = self.make_verifier().verify(query, draft, passages, texts)
        answer.details["verification"] = [
            {"sentence": v.text, "cited": list(v.cited), "supported_by": list(v.supported_by),
             "score": round(v.score, 3), "kept": v.kept, "reason": v.reason, "restates": v.restates}
            for v in verification.verdicts
        ]
        answer.details["draft_faithfulness"] = verification.draft_faithfulness
        focus = focus_words(query)
        covered = answer.details.get("answerable")
        if covered is not None and covered < self.settings.verify.min_answerable_for_quotes:
            evidence = []
        composed = compose(query, verification, evidence, self._similarity, self._compose_settings(),
                           asks_questions=asks_about_questions(query),
                           headings=[t for p in passages for t in lead_terms(p.chunk.text)])
        clock.lap("verify")
        if composed is not None and not addresses(composed.shown, focus, partial(self._word_similarity, query),
                                                  self.settings.verify.focus_word_similarity):
            answer.details["unaddressed_focus"] = focus
            return self._abstain(answer, f"My sources don't say anything about {focus_phrase(query, focus)}.",
                                 passages)
        if composed is None:
            return self._abstain(answer, REFUSALS["injection"] if request_kind == "injection" else "", passages)
        answer.details["quoted"] = composed.quoted
        answer.details["extractive"] = composed.quoted == len(composed.shown)
        prefix = REFUSALS["injection"] + " " if request_kind == "injection" else ""
        return self._with_citations(answer, prefix + composed.text, composed.used, passages)

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

    def _compose_settings(self) -> ComposeSettings:
        v = self.settings.verify
        return ComposeSettings(min_relevance=v.min_relevance, min_quote_score=v.min_quote_score,
                               quotes=min(2, v.extractive_sentences), quote_margin=v.quote_margin,
                               also_quotes=v.also_quotes)

    def _word_similarity(self, query: str, stems: list[str], words: list[str]) -> list[float]:
        """Each focus stem's best cosine (by the question's own word for it) to one of ``words``."""
        focus = [w.lower() for w in surface_forms(query, stems)]
        return self._cosines(focus, words).max(axis=1).tolist()

    def _similarity(self, texts: list[str], reference: str) -> list[float]:
        return self._cosines([reference], texts)[0].tolist()

    def _cosines(self, rows: list[str], columns: list[str]):
        """Cosine of each of ``rows`` to each of ``columns`` (one embedding call; the vectors are unit)."""
        vectors = self.components.embedder.embed([*rows, *columns])
        return vectors[: len(rows)] @ vectors[len(rows):].T

    @staticmethod
    def _with_citations(answer: Answer, text: str, used: list[int], passages: list[Passage]) -> Answer:
        """Final text + citations; every shown sentence passed verification (or is a quote), so
        faithfulness is 1.0 and the draft's share is in ``details["draft_faithfulness"]``."""
        answer.answer = text
        answer.citations = [
            Citation(n=n, chunk_id=passages[n - 1].chunk.chunk_id, doc_title=passages[n - 1].chunk.doc_title,
                     section=passages[n - 1].chunk.section, source=passages[n - 1].chunk.source,
                     text=passages[n - 1].chunk.text)
            for n in used
        ]
        answer.faithfulness = 1.0
        return answer

    def _abstain(self, answer: Answer, lead: str, passages: list[Passage]) -> Answer:
        topics = list(dict.fromkeys(p.chunk.section for p in passages[:3]))
        message = (lead + " Please ask your doctor or care team.") if lead else (
            "I'm sorry — my sources don't cover that, so I can't answer it reliably. "
            "Please ask your doctor or care team."
        )
        if topics:
            message += f" My sources do cover related topics: {', '.join(topics)}."
        answer.answer = message
        answer.abstained = True
        answer.citations = []
        answer.faithfulness = None
        return answer

    def _finish(self, answer: Answer, clock: _Clock) -> Answer:
        clock.since_start("total")
        answer.timings_ms = dict(clock.timings)
        return answer

    def _corpus_text(self) -> str:
        if self._reference is None:
            self._reference = "\n".join(c.text for c in self.components.index().chunks)
        return self._reference

    def _topic_terms(self) -> list[str]:
        if self._terms is None:
            self._terms = topic_terms(self.components.index().chunks)
        return self._terms


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
