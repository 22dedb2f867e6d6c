import json
from pathlib import Path

import pytest

from assistant.core.errors import AssistantError
from assistant.search import index as index_module
from assistant.search.index import IndexStore


def store(settings, embedder, messages):
    return IndexStore(settings, embedder, log=messages.append, progress=False)


def test_missing_index_is_built_then_reused(toy_settings, fake_embedder):
    messages: list[str] = []
    first = store(toy_settings, fake_embedder, messages).ensure()
    assert any("building" in m for m in messages)
    manifest = json.loads((toy_settings.paths.index_dir / "current" / "manifest.json").read_text())
    # Causes, Treatment, "Examples include:" + Alpha bullet, Beta bullet
    assert manifest["chunk_count"] == len(first.chunks) == 4
    assert manifest["dimension"] == 256 and manifest["embedding_model"] == "hashing-fake"
    assert manifest["format_version"] == index_module.FORMAT_VERSION and len(manifest["corpus_hash"]) == 64
    messages.clear()
    second = store(toy_settings, fake_embedder, messages).ensure()
    assert messages == []  # fresh: loaded, not rebuilt
    assert [c.chunk_id for c in second.chunks] == [c.chunk_id for c in first.chunks]
    assert second.vectors.ntotal == first.vectors.ntotal


def test_corpus_change_makes_it_stale(toy_settings, fake_embedder):
    messages: list[str] = []
    store(toy_settings, fake_embedder, messages).ensure()
    (toy_settings.paths.corpus_dir / "extra.txt").write_text("A new note about fatigue.", encoding="utf-8")
    messages.clear()
    loaded = store(toy_settings, fake_embedder, messages).ensure()
    assert any("stale (the corpus changed)" in m for m in messages)
    assert any("fatigue" in c.text for c in loaded.chunks)


def test_embedder_or_chunking_change_makes_it_stale(toy_settings, fake_embedder):
    from assistant.testing import HashingEmbedder

    messages: list[str] = []
    store(toy_settings, fake_embedder, messages).ensure()
    store(toy_settings, HashingEmbedder(dimension=256, name="other"), messages).ensure()
    assert any("the embedder changed" in m for m in messages)
    tighter = toy_settings.with_overrides({"chunking": {"max_chars": 120}})
    store(tighter, HashingEmbedder(dimension=256, name="other"), messages).ensure()
    assert any("the chunking settings changed" in m for m in messages)


@pytest.mark.parametrize("damage", [
    lambda d: (d / "vectors.faiss").write_bytes(b"garbage"),
    lambda d: (d / "vectors.faiss").unlink(),
    lambda d: (d / "chunks.jsonl").write_text("{not json\n"),
    lambda d: (d / "manifest.json").write_text("{"),
    lambda d: (d / "owners.npy").write_bytes((d / "owners.npy").read_bytes()[:20]),
])
def test_corrupt_index_is_detected_and_rebuilt(toy_settings, fake_embedder, damage):
    messages: list[str] = []
    built = store(toy_settings, fake_embedder, messages).ensure()
    damage(toy_settings.paths.index_dir / "current")
    messages.clear()
    rebuilt = store(toy_settings, fake_embedder, messages).ensure()
    assert any("corrupt or incomplete" in m for m in messages), messages
    assert [c.chunk_id for c in rebuilt.chunks] == [c.chunk_id for c in built.chunks]


def test_crash_mid_build_keeps_the_old_index_and_leaves_no_temp(toy_settings, fake_embedder, monkeypatch):
    messages: list[str] = []
    good = store(toy_settings, fake_embedder, messages).ensure()
    (toy_settings.paths.corpus_dir / "extra.txt").write_text("More text here.", encoding="utf-8")

    def explode(path: Path, chunks) -> None:
        path.write_text("half written")
        raise OSError(28, "disk full")  # ENOSPC

    monkeypatch.setattr(index_module, "_write_chunks", explode)
    with pytest.raises(AssistantError, match="disk full. Is the disk full .* The previous index is kept"):
        store(toy_settings, fake_embedder, messages).build()
    root = toy_settings.paths.index_dir
    assert not list(root.glob(".build-*"))
    manifest = json.loads((root / "current" / "manifest.json").read_text())
    assert manifest["chunk_count"] == len(good.chunks)  # the complete old index is still in place
    monkeypatch.undo()
    messages.clear()
    fresh = store(toy_settings, fake_embedder, messages).ensure()  # stale -> rebuilt properly
    assert any("stale" in m for m in messages) and len(fresh.chunks) == len(good.chunks) + 1


def test_sentence_vectors_point_back_to_their_chunk(toy_settings, fake_embedder):
    loaded = store(toy_settings, fake_embedder, []).ensure()
    assert loaded.vectors.ntotal == len(loaded.owners) > len(loaded.chunks)
    assert sorted(set(loaded.owners.tolist())) == list(range(len(loaded.chunks)))


def test_large_index_switches_to_hnsw_and_retrieves_what_flat_search_does(toy_settings, fake_embedder):
    import faiss

    from assistant.search.retriever import Retriever

    messages: list[str] = []
    flat = store(toy_settings, fake_embedder, messages).ensure()
    ann_settings = toy_settings.with_overrides({"embedding": {"ann_min_vectors": 1, "ann_ef_search": 40}})
    messages.clear()
    ann = store(ann_settings, fake_embedder, messages).ensure()
    assert any("stale (vector_index changed)" in m for m in messages)
    reloaded = store(ann_settings, fake_embedder, messages).ensure().vectors
    assert isinstance(faiss.downcast_index(reloaded), faiss.IndexHNSWFlat)
    assert faiss.downcast_index(reloaded).hnsw.efSearch == 40
    for question in ("Do tumor cells spread into the brain?", "What do steroids do?"):
        top = [Retriever(i, fake_embedder, toy_settings.retrieval).retrieve(question, k=2)[0].chunk.chunk_id
               for i in (flat, ann)]
        assert top[0] == top[1]


def test_a_build_killed_midway_leaves_a_folder_that_the_next_build_removes(toy_settings, fake_embedder):
    import os

    root = toy_settings.paths.index_dir
    killed = root / ".build-killed"
    killed.mkdir(parents=True)
    (killed / "chunks.jsonl").write_text("{half")
    os.utime(killed, (0, 0))  # long ago
    loaded = store(toy_settings, fake_embedder, []).ensure()
    assert loaded.chunks and not killed.exists()


def test_an_index_deleted_while_running_keeps_serving_and_the_next_start_rebuilds_it(toy_settings, fake_embedder):
    import shutil

    from assistant.answer.components import Components

    parts = Components(toy_settings, embedder=fake_embedder, log=lambda m: None, progress=False)
    before = parts.retriever().retrieve("immune system", k=2)
    shutil.rmtree(toy_settings.paths.index_dir)
    assert parts.retriever().retrieve("immune system", k=2) == before  # in memory, untouched
    messages: list[str] = []
    again = Components(toy_settings, embedder=fake_embedder, log=messages.append, progress=False)
    assert again.retriever().retrieve("immune system", k=2)[0].chunk == before[0].chunk
    assert any("building it" in m for m in messages)
