"""Shared fixtures: a toy corpus, settings pointing at temporary folders, fake components."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from assistant.core.settings import PROJECT_ROOT, Settings
from assistant.testing import HashingEmbedder

REAL_CORPUS = PROJECT_ROOT / "corpus"

TOY_DOC = """---
title: Toy document
source: Test Clinic
reviewed: 2024-01-02
---

## Causes
Tumor cells do not spread into the brain. The immune system attacks nerves.

## Treatment
Doctors treat the cancer first. Steroids calm the immune system.

## Types
Examples include:

- Alpha syndrome. This is a long bullet about alpha syndrome that keeps going on and on so that it
  is certainly longer than the long bullet threshold used in the chunking settings of these tests.
- Beta syndrome. Another long bullet, about beta syndrome, that is also long enough to stand as a
  chunk on its own because it exceeds the threshold by a comfortable margin of many characters.
"""


@pytest.fixture
def toy_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "toy.md").write_text(TOY_DOC, encoding="utf-8")
    return corpus


@pytest.fixture
def toy_settings(tmp_path: Path, toy_corpus: Path) -> Settings:
    return Settings(paths={"corpus_dir": toy_corpus, "index_dir": tmp_path / "index",
                           "cache_dir": tmp_path / "cache"})


@pytest.fixture
def fake_embedder() -> HashingEmbedder:
    return HashingEmbedder(dimension=256)


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One index over the real corpus with the real embedder, shared by the model tests."""
    return tmp_path_factory.mktemp("real-index")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (for servers the tests start)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeJudge:
    """Supports a statement when the passage contains it word for word, or when ``allow`` says so."""

    name = "fake-judge"

    def __init__(self, allow: dict[str, str] | None = None) -> None:
        self.allow = allow or {}  # statement -> a phrase that the supporting passage contains
        self.calls: list[tuple[str, str, str]] = []

    def support(self, items):
        self.calls.extend(items)
        scores = []
        for _question, statement, passage in items:
            phrase = self.allow.get(statement)
            contained = statement.rstrip(".").lower() in passage.lower()
            scores.append(1.0 if contained or (phrase and phrase in passage) else 0.0)
        return scores


@pytest.fixture
def fake_judge() -> FakeJudge:
    return FakeJudge()
