"""The on-disk index: FAISS vectors + chunks.jsonl + manifest.json, written atomically.

Layout (``index/`` is generated; only its README is tracked)::

    index/current/manifest.json   what built it: format, embedder, dimension, corpus hash, checksums
    index/current/chunks.jsonl    one Chunk per line, in vector order
    index/current/vectors.faiss   inner-product index over L2-normalised vectors
    index/current/owners.npy      for each vector, the row of the chunk it belongs to

A build writes into ``index/.build-<random>/`` and is renamed into place only when complete, so a
crash never leaves a half index that is used. :meth:`IndexStore.ensure` loads the index, or builds it
when missing, rebuilds it when stale (corpus, chunking or embedder changed) and rebuilds it when
corrupt (missing file, checksum mismatch, unreadable vectors), saying which.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
from tqdm import tqdm

from assistant.core.errors import AssistantError, IndexCorruptError
from assistant.core.log import log_to_stderr
from assistant.core.settings import Settings
from assistant.core.text import sentences, tokenize
from assistant.core.types import Chunk
from assistant.ingest.chunking import chunk_corpus, describe
from assistant.ingest.corpus import corpus_hash, load_corpus
from assistant.search.bm25 import BM25
from assistant.search.embedders import Embedder

FORMAT_VERSION = 2
CURRENT = "current"
FILES = ("chunks.jsonl", "vectors.faiss", "owners.npy")


@dataclass
class LoadedIndex:
    """Everything retrieval needs, in memory."""

    manifest: dict
    chunks: list[Chunk]
    vectors: faiss.Index
    owners: np.ndarray  # owners[v] = row in ``chunks`` of vector v
    bm25: BM25

    @functools.cached_property
    def by_id(self) -> dict[str, Chunk]:
        """Chunks by chunk id (a hash of the chunk's text: an id found means the text is unchanged)."""
        return {c.chunk_id: c for c in self.chunks}

    @property
    def corpus_version(self) -> str:
        """The hash of the corpus the index was built from."""
        return str(self.manifest.get("corpus_hash", ""))


def vector_index(vectors: np.ndarray, ann_min_vectors: int, ef_search: int) -> faiss.Index:
    """Exact inner-product search, or HNSW once there are ``ann_min_vectors`` vectors or more.

    >>> vector_index(np.eye(3, dtype=np.float32), ann_min_vectors=10, ef_search=64).ntotal
    3
    >>> type(vector_index(np.eye(3, dtype=np.float32), ann_min_vectors=2, ef_search=64)).__name__
    'IndexHNSWFlat'
    """
    if len(vectors) < ann_min_vectors:
        index = faiss.IndexFlatIP(vectors.shape[1])
    else:
        index = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = ef_search
    index.add(vectors)
    return index


class IndexStore:
    """Builds, checks and loads the index for one corpus + embedder."""

    def __init__(self, settings: Settings, embedder: Embedder,
                 log: Callable[[str], None] = log_to_stderr, progress: bool = True) -> None:
        self.settings = settings
        self.embedder = embedder
        self.root = settings.paths.index_dir
        self.log = log
        self.progress = progress

    @property
    def current(self) -> Path:
        return self.root / CURRENT

    def expected_key(self) -> dict:
        """The manifest fields that must match for the index to be fresh."""
        return {
            "format_version": FORMAT_VERSION,
            "embedding_model": self.embedder.name,
            "sentence_vectors": self.settings.embedding.sentence_vectors,
            "corpus_hash": corpus_hash(self.settings.paths.corpus_dir),
            "chunking": self.settings.chunking.model_dump(mode="json"),
            "vector_index": {"ann_min_vectors": self.settings.embedding.ann_min_vectors,
                             "ann_ef_search": self.settings.embedding.ann_ef_search},
        }

    def ensure(self) -> LoadedIndex:
        """Load the index, (re)building it first when it is missing, stale or corrupt."""
        if not (self.current / "manifest.json").exists():
            self.log(f"No index in {self.root} yet: building it.")
            return self.build()
        try:
            manifest = self._read_manifest()
            stale = self._staleness(manifest)
            if stale:
                self.log(f"The index is stale ({stale}): rebuilding it.")
                return self.build()
            return self._load(manifest)
        except IndexCorruptError as exc:
            self.log(f"The index in {self.current} is corrupt or incomplete ({exc}): rebuilding it.")
            return self.build()

    def build(self) -> LoadedIndex:
        started = time.perf_counter()
        key = self.expected_key()
        documents = load_corpus(self.settings.paths.corpus_dir)
        chunks = chunk_corpus(documents, self.settings.chunking)
        self.log(describe(chunks))
        texts, owners = vector_texts(chunks, self.settings.embedding.sentence_vectors)
        vectors = self._embed(texts)
        index = vector_index(vectors, self.settings.embedding.ann_min_vectors,
                             self.settings.embedding.ann_ef_search)
        self.root.mkdir(parents=True, exist_ok=True)
        self._clean_leftovers()
        tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=self.root))
        try:
            _write_chunks(tmp / "chunks.jsonl", chunks)
            faiss.write_index(index, str(tmp / "vectors.faiss"))
            np.save(tmp / "owners.npy", owners)
            manifest = {
                **key,
                "dimension": int(vectors.shape[1]),
                "chunk_count": len(chunks),
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "files": {name: _sha256(tmp / name) for name in FILES},
            }
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            self._swap_in(tmp)
        except OSError as exc:
            kept = " The previous index is kept." if self.current.exists() else ""
            raise AssistantError(f"Could not write the index in {self.root}: {exc.strerror or exc}. Is the disk "
                                 f"full or the folder read-only?{kept} Nothing half-written is used.") from exc
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        seconds = time.perf_counter() - started
        self.log(f"Index written to {self.current} ({len(chunks)} chunks, {seconds:.1f} s).")
        return LoadedIndex(manifest, chunks, index, owners, self._bm25(chunks))

    def _embed(self, texts: list[str]) -> np.ndarray:
        batch = self.settings.embedding.batch_size
        parts = []
        with tqdm(total=len(texts), desc="Embedding", unit="text", disable=not self.progress,
                  file=sys.stderr) as bar:
            for i in range(0, len(texts), batch):
                parts.append(self.embedder.embed(texts[i:i + batch]))
                bar.update(len(texts[i:i + batch]))
        return np.ascontiguousarray(np.vstack(parts), dtype=np.float32)

    def _swap_in(self, tmp: Path) -> None:
        old = None
        if self.current.exists():
            old = self.root / f".old-{tmp.name}"
            self.current.rename(old)
        tmp.rename(self.current)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def _clean_leftovers(self, older_than_s: float = 600) -> None:
        """Remove temporary folders that a crashed build left behind."""
        for path in self.root.glob(".build-*"):
            if time.time() - path.stat().st_mtime > older_than_s:
                shutil.rmtree(path, ignore_errors=True)
        for path in self.root.glob(".old-*"):
            shutil.rmtree(path, ignore_errors=True)

    def _read_manifest(self) -> dict:
        try:
            manifest = json.loads((self.current / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise IndexCorruptError(f"manifest.json unreadable: {exc}") from exc
        if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
            raise IndexCorruptError("manifest.json lacks its file list")
        return manifest

    def _staleness(self, manifest: dict) -> str | None:
        """Why the index no longer matches the corpus/settings/embedder, or None if it does."""
        for field, expected in self.expected_key().items():
            if manifest.get(field) != expected:
                return {"corpus_hash": "the corpus changed", "embedding_model": "the embedder changed",
                        "chunking": "the chunking settings changed",
                        "format_version": "it was written by another version"}.get(field, f"{field} changed")
        return None

    def _load(self, manifest: dict) -> LoadedIndex:
        for name in FILES:
            path = self.current / name
            if not path.is_file():
                raise IndexCorruptError(f"{name} is missing")
            if _sha256(path) != manifest["files"].get(name):
                raise IndexCorruptError(f"{name} does not match its checksum")
        chunks = _read_chunks(self.current / "chunks.jsonl")
        try:
            index = faiss.read_index(str(self.current / "vectors.faiss"))
        except RuntimeError as exc:
            raise IndexCorruptError(f"vectors.faiss unreadable: {exc}") from exc
        try:
            owners = np.load(self.current / "owners.npy", allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise IndexCorruptError(f"owners.npy unreadable: {exc}") from exc
        if len(chunks) != manifest.get("chunk_count") or index.ntotal != len(owners):
            raise IndexCorruptError(f"{index.ntotal} vectors, {len(owners)} owners, {len(chunks)} chunks")
        if len(owners) and (owners.min() < 0 or owners.max() >= len(chunks)):
            raise IndexCorruptError("owners.npy points outside chunks.jsonl")
        if index.d != manifest.get("dimension"):
            raise IndexCorruptError(
                f"vectors have dimension {index.d}, manifest says {manifest['dimension']}"
            )
        return LoadedIndex(manifest, chunks, index, owners, self._bm25(chunks))

    def _bm25(self, chunks: list[Chunk]) -> BM25:
        r = self.settings.retrieval
        return BM25([tokenize(c.embed_text) for c in chunks], k1=r.bm25_k1, b=r.bm25_b)


def vector_texts(chunks: list[Chunk], per_sentence: bool) -> tuple[list[str], np.ndarray]:
    """Texts to embed and, for each, its chunk's row: "section — text" per chunk, plus
    "section — sentence" per sentence of multi-sentence chunks when ``per_sentence``."""
    texts: list[str] = []
    owners: list[int] = []
    for row, chunk in enumerate(chunks):
        texts.append(chunk.embed_text)
        owners.append(row)
        parts = sentences(chunk.text) if per_sentence else []
        if len(parts) > 1:
            texts.extend(f"{chunk.section} — {sentence}" for sentence, _, _ in parts)
            owners.extend([row] * len(parts))
    return texts, np.asarray(owners, dtype=np.int64)


def _write_chunks(path: Path, chunks: list[Chunk]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for chunk in chunks:
            out.write(json.dumps(dataclasses.asdict(chunk), ensure_ascii=False) + "\n")


def _read_chunks(path: Path) -> list[Chunk]:
    try:
        with path.open(encoding="utf-8") as lines:
            return [Chunk(**json.loads(line)) for line in lines if line.strip()]
    except (UnicodeDecodeError, json.JSONDecodeError, TypeError) as exc:
        raise IndexCorruptError(f"chunks.jsonl unreadable: {exc}") from exc


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
