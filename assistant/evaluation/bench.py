"""``assistant bench``: medians and p95s of every stage, on this machine, in one run.

Stages: index build (chunks/s); vector search at 1k/10k/100k synthetic chunks, flat vs HNSW, with
HNSW's recall@10 against flat; triage; and, over gold questions, time to first evidence, first token,
final verified answer and decode tokens/s; peak RSS; decode tokens/s against the memory-bandwidth
bound (bytes of weights read per token vs a memory copy measured in the same run).

Synthetic chunks are made from corpus sentences *in vector space*: each is the normalised mean of 2-4
random corpus-sentence vectors plus a little noise (embedding 100k texts would take ~11 minutes here).

>>> summary([3.0, 1.0, 2.0, 10.0])
{'median': 2.5, 'p95': 8.95, 'n': 4}
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from assistant.answer.components import Components
from assistant.answer.events import EvidenceEvent, FinalEvent, TokenEvent
from assistant.answer.pipeline import Assistant
from assistant.core.settings import Settings
from assistant.core.text import sentences
from assistant.evaluation.metrics import measuring, percentile
from assistant.evaluation.retrieval_eval import DEFAULT_GOLD, load_gold
from assistant.evaluation.triage_eval import DEFAULT_SET, load_labelled
from assistant.llm.factory import resolve_backend
from assistant.llm.prompts import passage_text
from assistant.search.index import IndexStore, vector_index
from assistant.testing import OverlapJudge, QuotingGenerator

TARGETS = {  # issue 7, on this machine
    "first_evidence_s": 0.3, "first_token_s": 2.0, "final_s": 8.0, "bandwidth_share": 0.6,
    "search_p95_ms_100k": 10.0, "recall_at_10": 0.95, "peak_rss_gb": 4.0,
}


def summary(values: list[float]) -> dict[str, float]:
    """Median and 95th percentile (linear interpolation) of ``values``."""
    return {"median": round(percentile(values, 0.5), 4), "p95": round(percentile(values, 0.95), 4),
            "n": len(values)}


def timed(function: Callable[[], object], repeats: int) -> list[float]:
    """Wall-clock seconds of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def bench_index_build(settings: Settings, parts: Components, repeats: int) -> dict:
    """Chunking + embedding + writing the index, into a scratch folder (the embedder is warm)."""
    parts.index()  # warm the embedder with the real index
    with tempfile.TemporaryDirectory() as scratch:
        scratch_settings = settings.with_overrides({"paths": {"index_dir": Path(scratch)}})
        store = IndexStore(scratch_settings, parts.embedder, log=lambda message: None, progress=False)
        chunks = len(store.build().chunks)
        seconds = summary(timed(store.build, repeats))
    return {"chunks": chunks, "seconds": seconds, "chunks_per_s": round(chunks / seconds["median"], 1)}


def synthetic_vectors(sentence_vectors: np.ndarray, count: int, seed: int = 0) -> np.ndarray:
    """``count`` unit vectors, each the mean of 2-4 random sentence vectors plus 1% noise."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(sentence_vectors), size=(count, 4))
    weights = (np.arange(4)[None, :] < rng.integers(2, 5, size=count)[:, None]).astype(np.float32)
    mixed = np.einsum("nk,nkd->nd", weights, sentence_vectors[picks]) / weights.sum(1, keepdims=True)
    mixed += rng.normal(0, 0.01, size=mixed.shape).astype(np.float32)
    return (mixed / np.linalg.norm(mixed, axis=1, keepdims=True)).astype(np.float32)


def bench_vector_search(base: np.ndarray, queries: np.ndarray, sizes: list[int], repeats: int,
                        ef_search: int = 64) -> list[dict]:
    """Per size: flat and HNSW single-query latency (ms) and HNSW recall@10 against flat."""
    import faiss

    rows = []
    for size in sizes:
        vectors = synthetic_vectors(base, size)
        flat = faiss.IndexFlatIP(vectors.shape[1])
        flat.add(vectors)
        started = time.perf_counter()
        hnsw = vector_index(vectors, ann_min_vectors=1, ef_search=ef_search)  # what the product builds
        build_s = time.perf_counter() - started
        truth = flat.search(queries, 10)[1]
        found = hnsw.search(queries, 10)[1]
        recall = float(np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found, strict=True)]))
        rows.append({
            "chunks": size,
            "flat_ms": _search_ms(flat, queries, repeats),
            "hnsw_ms": _search_ms(hnsw, queries, repeats),
            "hnsw_recall_at_10": round(recall, 4),
            "hnsw_build_s": round(build_s, 2),
        })
    return rows


def _search_ms(index, queries: np.ndarray, repeats: int) -> dict[str, float]:
    return per_item_ms(lambda query: index.search(query[None, :], 10), queries, repeats)


def per_item_ms(function: Callable[[object], object], items, repeats: int) -> dict[str, float]:
    """Median and p95 milliseconds of ``function(item)``, each item timed alone, ``repeats`` rounds."""
    times = []
    for _ in range(repeats):
        for item in items:
            start = time.perf_counter()
            function(item)
            times.append((time.perf_counter() - start) * 1000)
    return summary(times)


def bench_answers(assistant: Assistant, questions: list[str]) -> dict:
    """Stage times (s) per question from the event stream; decode tokens/s from the draft's tokens."""
    evidence, first, final, decode = [], [], [], []
    for question in questions:
        start = time.perf_counter()
        token_times: list[float] = []
        pieces: list[str] = []
        for event in assistant.stream(question):
            now = time.perf_counter() - start
            if isinstance(event, EvidenceEvent):
                evidence.append(now)
            elif isinstance(event, TokenEvent):
                token_times.append(now)
                pieces.append(event.text)
            elif isinstance(event, FinalEvent):
                final.append(now)
        if token_times:
            first.append(token_times[0])
            tokens = assistant.generator.count_tokens("".join(pieces))
            if tokens > 1 and token_times[-1] > token_times[0]:
                decode.append((tokens - 1) / (token_times[-1] - token_times[0]))
    return {"questions": len(questions), "first_evidence_s": summary(evidence),
            "first_token_s": summary(first) if first else None, "final_s": summary(final),
            "decode_tokens_per_s": summary(decode) if decode else None}


def copy_bandwidth_gbs(megabytes: int = 256, repeats: int = 5) -> dict[str, float]:
    """Memory bandwidth in GB/s counting read + write bytes of a large copy: numpy (one thread) and
    torch (all its threads); the larger is the bound's bandwidth."""
    source = np.ones(megabytes * 2**20 // 4, dtype=np.float32)
    target = np.empty_like(source)
    moved = 2 * source.nbytes / 1e9
    result = {"numpy_1_thread": round(moved / min(timed(lambda: np.copyto(target, source), repeats)), 2)}
    try:
        import torch
    except ImportError:
        return result
    a, b = torch.from_numpy(source), torch.from_numpy(target)
    result[f"torch_{torch.get_num_threads()}_threads"] = round(moved / min(timed(lambda: b.copy_(a), repeats)), 2)
    return result


def peak_rss_gb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)  # Linux: KiB


def bench_questions(count: int) -> list[str]:
    """``count`` answerable gold questions spread evenly over the gold set."""
    answerable = [g.question for g in load_gold(DEFAULT_GOLD) if g.answerable]
    step = max(1, len(answerable) // max(1, count))
    return answerable[::step][:count]


def run_bench(settings: Settings, args: argparse.Namespace, log: Callable[[str], None], scratch: Path) -> dict:
    embedder = None
    if args.fast:  # fake embedder: keep its index away from the real one
        from assistant.testing import HashingEmbedder

        embedder = HashingEmbedder(256)
        settings = settings.with_overrides({"paths": {"index_dir": scratch / "index"}})
    if args.fresh_passage_states:  # measure the first run's preparation
        settings = settings.with_overrides({"paths": {"passage_states_dir": scratch / "kv-blocks"}})
    settings = measuring(settings)
    parts = Components(settings, embedder=embedder, progress=False, log=lambda message: None)
    assistant = (Assistant(settings, parts, QuotingGenerator(), OverlapJudge()) if args.fast
                 else Assistant(settings, parts))
    backend = "fake" if args.fast else f"{resolve_backend(settings)} ({assistant.generator.name})"
    result: dict = {"created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "fast": args.fast, "backend": backend,
                    "embedder": parts.embedder.name}
    log("index build…")
    result["index_build"] = bench_index_build(settings, parts, args.repeats)
    log("loading the models…")
    started = time.perf_counter()
    assistant.warm_up()
    result["warm_up_s"] = round(time.perf_counter() - started, 1)
    cache = assistant.generator.piece_cache
    result["passage_states"] = cache.stats() if cache is not None else None
    log(f"answering {args.questions} gold questions…")
    result["answers"] = bench_answers(assistant, bench_questions(args.questions))
    result["peak_rss_gb"] = peak_rss_gb()  # before the synthetic vectors below inflate it
    log("triage…")
    triager = parts.triager()
    triager.warm_up()
    result["triage_ms"] = per_item_ms(lambda message: triager.triage(message, []),
                                      [r["message"] for r in load_labelled(DEFAULT_SET)], args.repeats)
    log("vector search…")
    chunks = parts.index().chunks
    corpus_sentences = [s for c in chunks for s, _, _ in sentences(passage_text(c))]
    gold_questions = [g.question for g in load_gold(DEFAULT_GOLD)]
    query_vectors = parts.embedder.embed(gold_questions)
    result["query_embedding_ms"] = per_item_ms(lambda question: parts.embedder.embed([question]),
                                               gold_questions[:1], 20)
    result["vector_search"] = bench_vector_search(parts.embedder.embed(corpus_sentences), query_vectors,
                                                  args.sizes, args.repeats)
    log("memory bandwidth…")
    result["bandwidth_gbs"] = copy_bandwidth_gbs()
    result["weight_bytes"] = assistant.generator.weight_bytes()
    result["bandwidth_bound"] = bandwidth_bound(result)
    return result


def bandwidth_bound(result: dict) -> dict | None:
    """Decode tokens/s if every token had to read all weights once at the measured bandwidth."""
    decode = (result.get("answers") or {}).get("decode_tokens_per_s")
    if not result.get("weight_bytes") or not decode:
        return None
    bandwidth = max(result["bandwidth_gbs"].values())
    bound = bandwidth * 1e9 / result["weight_bytes"]
    return {"bound_tokens_per_s": round(bound, 1), "share": round(decode["median"] / bound, 3)}


def markdown(result: dict) -> str:
    """The benchmark table, one row per figure, with the issue's target where there is one."""
    a = result["answers"]
    rows = [("Index build", f"{result['index_build']['chunks_per_s']} chunks/s "
                            f"({result['index_build']['chunks']} chunks, median "
                            f"{result['index_build']['seconds']['median']:.2f} s)", "")]
    for name, key, unit in (("First evidence", "first_evidence_s", "s"), ("First token", "first_token_s", "s"),
                            ("Final verified answer", "final_s", "s")):
        if a.get(key):
            rows.append((name, f"{a[key]['median']:.2f} / {a[key]['p95']:.2f} {unit}",
                         f"≤ {TARGETS[key]} {unit} (p50)"))
    if a.get("decode_tokens_per_s"):
        rows.append(("Decode", f"{a['decode_tokens_per_s']['median']:.1f} / {a['decode_tokens_per_s']['p95']:.1f}"
                               " tokens/s", ""))
    if result.get("bandwidth_bound"):
        b = result["bandwidth_bound"]
        rows.append(("Decode vs bandwidth bound", f"{b['share']:.0%} of {b['bound_tokens_per_s']} tokens/s "
                     f"({result['weight_bytes'] / 1e9:.2f} GB weights, "
                     f"{max(result['bandwidth_gbs'].values())} GB/s copy)", f"≥ {TARGETS['bandwidth_share']:.0%}"))
    rows.append(("Peak RSS", f"{result['peak_rss_gb']} GB", f"≤ {TARGETS['peak_rss_gb']:g} GB"))
    if result.get("passage_states"):
        p = result["passage_states"]
        rows.append(("Passage states", f"{p['pieces']} pieces, {p['tokens']} tokens, {p['megabytes']} MB; warm-up "
                     f"{result['warm_up_s']} s with {p['computed']} evaluated (the rest loaded from disk)", ""))
    rows.append(("Triage", f"{result['triage_ms']['median']:.2f} / {result['triage_ms']['p95']:.2f} ms", ""))
    rows.append(("Query embedding", f"{result['query_embedding_ms']['median']:.1f} / "
                                    f"{result['query_embedding_ms']['p95']:.1f} ms", ""))
    search_target = f"p95 ≤ {TARGETS['search_p95_ms_100k']:g} ms, recall ≥ {TARGETS['recall_at_10']}"
    for row in result["vector_search"]:
        rows.append((f"Search {row['chunks']:,} chunks, flat", f"{row['flat_ms']['median']:.2f} / "
                                                               f"{row['flat_ms']['p95']:.2f} ms", ""))
        rows.append((f"Search {row['chunks']:,} chunks, HNSW", f"{row['hnsw_ms']['median']:.2f} / "
                     f"{row['hnsw_ms']['p95']:.2f} ms, recall@10 {row['hnsw_recall_at_10']:.3f}",
                     search_target if row["chunks"] >= 100_000 else ""))
    lines = [f"Backend: {result['backend']}; embedder: {result['embedder']}; "
             f"{a['questions']} gold questions; median / p95.", "",
             "| stage | measured (median / p95) | target |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {target} |" for name, value, target in rows]
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--questions", type=int, default=8, help="gold questions to answer (default 8)")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of the cheap stages (default 3)")
    parser.add_argument("--fresh-passage-states", action="store_true",
                        help="prepare the passage states from scratch, as a first run does (llama-cpp)")
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[1000, 10000, 100000],
                        help="synthetic index sizes (default 1000,10000,100000)")
    parser.add_argument("--fast", action="store_true", help="fake models (for CI: checks the harness only)")
    parser.add_argument("--out", type=Path, default=None, help="also write the figures here (JSON)")


def run_bench_command(args: argparse.Namespace, settings: Settings) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        result = run_bench(settings, args, log=lambda message: print(message, file=sys.stderr, flush=True),
                           scratch=Path(scratch))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(markdown(result))
    return 0
