import pytest

from assistant.answer.components import Components
from assistant.search.retriever import rrf


def test_rrf_by_hand():
    # k=1: a = 1/2 + 1/3, b = 1/3 + 1/2, c = 1/4; the tie goes to a (seen first)
    fused = rrf([["a", "b", "c"], ["b", "a"]], rrf_k=1)
    assert [(key, round(score, 4)) for key, score in fused] == [("a", 0.8333), ("b", 0.8333), ("c", 0.25)]


def test_weighted_rrf_by_hand():
    # weights 2 and 1, k=10: x = 2/11 + 1/12 = 0.2652, y = 2/12 + 1/11 = 0.2576
    fused = rrf([["x", "y"], ["y", "x"]], rrf_k=10, weights=[2.0, 1.0])
    assert [(key, round(score, 4)) for key, score in fused] == [("x", 0.2652), ("y", 0.2576)]


@pytest.fixture
def parts(toy_settings, fake_embedder):
    return Components(toy_settings, embedder=fake_embedder, log=lambda m: None, progress=False)


def test_hybrid_ranks_the_passage_sharing_the_words_first(parts):
    passages = parts.retriever().retrieve("does the tumor spread into the brain", k=3)
    assert passages[0].chunk.section == "Causes"
    assert [p.rank for p in passages] == [1, 2, 3]
    assert passages[0].score == pytest.approx(1.0)  # first for both retrievers
    assert all(0 <= p.score <= 1 for p in passages)
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_each_mode_returns_k_passages_with_its_scores(parts, mode):
    passages = parts.retriever().retrieve("steroids calm the immune system", k=2, mode=mode)
    assert passages[0].chunk.section == "Treatment"
    assert (passages[0].dense_score is not None) == (mode != "bm25")
    assert (passages[0].lexical_score is not None) == (mode != "dense")


def test_k_larger_than_the_corpus_returns_every_chunk_once(parts):
    passages = parts.retriever().retrieve("syndrome", k=50)
    assert len({p.chunk.chunk_id for p in passages}) == len(passages) <= len(parts.index().chunks)
