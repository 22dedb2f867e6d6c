"""Shared fixtures: a toy corpus, settings pointing at temporary folders, fake components."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from assistant.answer.components import Components
from assistant.answer.pipeline import Assistant
from assistant.core.settings import PROJECT_ROOT, Settings
from assistant.testing import FakeJudge, HashingEmbedder

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
                           "cache_dir": tmp_path / "cache"},
                    moderation={"database": tmp_path / "moderation.sqlite3"})


@pytest.fixture
def fake_embedder() -> HashingEmbedder:
    return HashingEmbedder(dimension=256)


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One index over the real corpus with the real embedder, shared by the model tests."""
    return tmp_path_factory.mktemp("real-index")


LOOPBACK = {"127.0.0.1", "::1", "localhost", "0.0.0.0"}


@pytest.fixture(autouse=True, scope="session")
def no_network():
    """Nothing in the tests may leave the machine: connections and name lookups other than loopback fail."""
    real_connect, real_lookup = socket.socket.connect, socket.getaddrinfo

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOOPBACK:
            raise OSError(f"tests never reach the network (tried {address[0]})")
        return real_connect(sock, address)

    def lookup(host, *args, **kwargs):
        if host not in LOOPBACK and host is not None:
            raise socket.gaierror(f"tests never reach the network (looked up {host})")
        return real_lookup(host, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", connect)
        patch.setattr(socket, "getaddrinfo", lookup)
        yield


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (for servers the tests start)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Loose thresholds for the toy corpus: the hashing fake's cosines are far below MiniLM's. A FakeJudge with
# ``yes`` says it to every yes/no prompt, so triage's second look is off unless a test turns it on.
TOY_OVERRIDES = {"triage": {"use_embeddings": False, "model_check": False},
                 "verify": {"min_coverage": 0.05, "min_relevance": 0.0, "min_quote_score": 0.1}}


@pytest.fixture
def fake_judge() -> FakeJudge:
    return FakeJudge()


@pytest.fixture
def toy_assistant(toy_settings, fake_embedder):
    """``toy_assistant(generator, judge=None, **overrides)``: an Assistant on the toy corpus with fakes."""

    def make(generator, judge=None, **overrides) -> Assistant:
        settings = toy_settings.with_overrides({**TOY_OVERRIDES, **overrides})
        parts = Components(settings, embedder=fake_embedder, log=lambda m: None, progress=False)
        return Assistant(settings, parts, generator, judge or FakeJudge())

    return make
