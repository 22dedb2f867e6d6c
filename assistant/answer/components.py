"""Wire settings to real components, lazily: nothing loads until first used.

The triager's second look asks the answering model; an ``Assistant`` hands it its own judge
(``use_judge``), so one model serves both. Alone (``assistant triage``, the triage eval), the
components make that model on the triager's first second look.

>>> parts = Components(Settings())   # cheap: no model, no disk
>>> parts._retriever is None
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer.followups import topic_terms
from assistant.answer.grounding import Lexicon
from assistant.core.log import log_to_stderr
from assistant.core.settings import Settings
from assistant.guard.triage import Triager
from assistant.llm.protocols import Judge
from assistant.llm.second_look import ModelSecondLook
from assistant.search.embedders import Embedder, SentenceTransformerEmbedder
from assistant.search.index import IndexStore, LoadedIndex
from assistant.search.retriever import Retriever


@dataclass(frozen=True)
class _Library:
    """What the answer steps derive from the index's chunks, made once per index."""

    text: str
    lexicon: Lexicon
    terms: list[str]


class Components:
    """Holds the embedder, index and retriever for one Settings; each is created on first use."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None,
                 log: Callable[[str], None] = log_to_stderr, progress: bool = True) -> None:
        self.settings = settings
        self.embedder = embedder or SentenceTransformerEmbedder(
            settings.embedding.model, settings.paths.cache_dir, settings.embedding.batch_size
        )
        self.log = log
        self.progress = progress
        self._index: LoadedIndex | None = None
        self._retriever: Retriever | None = None
        self._triager: Triager | None = None
        self._library: _Library | None = None
        self._judge: Callable[[], Judge] = self._own_judge

    def use_judge(self, judge: Callable[[], Judge]) -> None:
        """The judge the triager's second look asks (called on first use); set before the first triage."""
        self._judge = judge

    def _own_judge(self) -> Judge:
        from assistant.llm.factory import make_generator

        return make_generator(self.settings).judge()

    def store(self) -> IndexStore:
        return IndexStore(self.settings, self.embedder, log=self.log, progress=self.progress)

    def index(self, rebuild: bool = False) -> LoadedIndex:
        if rebuild:
            self._index = self.store().build()
            self._retriever = self._library = None
        elif self._index is None:
            self._index = self.store().ensure()
        return self._index

    def retriever(self) -> Retriever:
        if self._retriever is None:
            self._retriever = Retriever(self.index(), self.embedder, self.settings.retrieval)
        return self._retriever

    def triager(self) -> Triager:
        if self._triager is None:
            self._triager = Triager(self.settings.triage, self.embedder,
                                    ModelSecondLook(lambda: self._judge()))
        return self._triager

    def corpus_text(self) -> str:
        """Every chunk's text, one after another: what spelling repair and the gates compare words with."""
        return self._library_facts().text

    def lexicon(self) -> Lexicon:
        """The library's words and named things, for the verifier's grounding checks."""
        return self._library_facts().lexicon

    def topic_terms(self) -> list[str]:
        """The named things and bullet lead terms a follow-up can borrow (see ``followups.topic_terms``)."""
        return self._library_facts().terms

    def _library_facts(self) -> _Library:
        if self._library is None:
            chunks = self.index().chunks
            self._library = _Library("\n".join(c.text for c in chunks),
                                     Lexicon([c.text for c in chunks] + sorted({c.section for c in chunks})),
                                     topic_terms(chunks))
        return self._library
