"""The benchmark harness: hand-checkable statistics, synthetic vectors, and a fast end-to-end run."""

import json

import numpy as np

from assistant.evaluation.bench import bandwidth_bound, bench_vector_search, summary, synthetic_vectors
from assistant.surfaces.cli import main


def test_summary_is_the_median_and_interpolated_p95():
    assert summary([1.0, 2.0, 3.0, 4.0, 5.0]) == {"median": 3.0, "p95": 4.8, "n": 5}


def test_synthetic_vectors_are_unit_length_mixtures_and_reproducible():
    base = np.eye(8, dtype=np.float32)
    vectors = synthetic_vectors(base, 50, seed=1)
    assert vectors.shape == (50, 8) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors, synthetic_vectors(base, 50, seed=1))
    assert ((vectors > 0.2).sum(axis=1) >= 1).all() and ((vectors > 0.2).sum(axis=1) <= 4).all()


def test_hnsw_finds_what_flat_search_finds_on_a_small_index():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(40, 16)).astype(np.float32)
    queries = synthetic_vectors(base, 20, seed=2)
    [row] = bench_vector_search(base, queries, [500], repeats=1)
    assert row["chunks"] == 500 and row["hnsw_recall_at_10"] >= 0.95
    assert row["flat_ms"]["n"] == 20 and row["flat_ms"]["median"] > 0


def test_bandwidth_bound_is_bandwidth_over_weight_bytes():
    result = {"answers": {"decode_tokens_per_s": {"median": 5.0}}, "weight_bytes": 2_000_000_000,
              "bandwidth_gbs": {"numpy_1_thread": 10.0, "torch_2_threads": 20.0}}
    assert bandwidth_bound(result) == {"bound_tokens_per_s": 10.0, "share": 0.5}


def test_fast_bench_prints_every_stage_and_leaves_the_real_index_alone(tmp_path, capsys):
    index_dir = tmp_path / "index"
    code = main(["bench", "--fast", "--sizes", "300", "--questions", "2", "--repeats", "1",
                 "--paths-index-dir", str(index_dir), "--out", str(tmp_path / "bench.json")])
    table = capsys.readouterr().out
    assert code == 0 and not index_dir.exists()
    for stage in ("Index build", "First evidence", "Final verified answer", "Peak RSS", "Triage",
                  "Search 300 chunks, HNSW"):
        assert stage in table
    figures = json.loads((tmp_path / "bench.json").read_text())
    assert figures["answers"]["questions"] == 2 and figures["vector_search"][0]["chunks"] == 300


def test_torch_weight_bytes_counts_tied_output_once_and_int8_weights_as_bytes():
    import torch

    from assistant.llm.hf import torch_weight_bytes

    class Tiny(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = torch.nn.Embedding(10, 4)
            self.hidden = torch.nn.Linear(4, 4)  # 16 weights + 4 biases
            self.head = torch.nn.Linear(4, 10, bias=False)
            self.head.weight = self.embed.weight  # tied: 40 weights read once per token

    model = Tiny()
    assert torch_weight_bytes(model) == (16 + 4 + 40) * 4  # float32
    quantized = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    assert torch_weight_bytes(quantized) == 16 + 4 * 4 + 40  # int8 weights, float32 bias
