"""Can this machine run llama.cpp's extra weight layouts? Checked once, in a child process.

llama.cpp built with ``-march=native`` on a CPU that reports AMX (Intel's matrix tiles) puts the weights
in an AMX buffer and multiplies them with tile instructions. Some virtual machines report AMX but do
not run it: the first prompt of more than one token stops the whole process with SIGILL (seen on a
Firecracker VM, 2026-12-01: ``tileloadd`` in ``ggml_backend_amx_mul_mat``), which no ``try`` can catch.

So before the model loads, a CPU that reports AMX gets a short child process that loads the same GGUF
and evaluates a few dozen tokens. If the child is killed by a signal, the model is loaded without the
extra buffer types (``use_extra_bufts = False``: correct everywhere, but here it halved prompt
processing, 29 against 56-60 tokens/s), and the log says how to rebuild llama-cpp-python without AMX
for full speed. The verdict is saved next to the model, keyed by the llama.cpp library file and the
CPU, so the check runs once per machine.

>>> cpu_reports_amx("flags : fpu avx2 avx512f\\n")
False
>>> cpu_reports_amx("flags : fpu avx512f amx_bf16 amx_tile amx_int8\\n")
True
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import subprocess
import sys
from pathlib import Path

from assistant.core.log import log_to_stderr
from assistant.llm.llama_params import patched_defaults

REBUILD_HINT = ('pip install --no-cache-dir --force-reinstall --no-deps llama-cpp-python with '
                'CMAKE_ARGS=\'-DCMAKE_C_FLAGS="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16" '
                '-DCMAKE_CXX_FLAGS="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"\'')
# Loads the GGUF (argv[1]) and evaluates 48 tokens in one batch: enough for the matrix kernels to run.
_PROBE = """
import sys
from llama_cpp import Llama
llm = Llama(model_path=sys.argv[1], n_ctx=256, n_batch=64, n_threads=1, verbose=False)
llm.eval(llm.tokenize(b"nerve " * 48, add_bos=False)[:48])
"""


def cpu_reports_amx(cpuinfo: str | None = None) -> bool:
    """Does the CPU say it has AMX tiles (``amx_tile`` among the flags of /proc/cpuinfo)?"""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    return any(line.startswith("flags") and "amx_tile" in line.split() for line in cpuinfo.splitlines())


def extra_buffers_safe(model_path: Path, cache_dir: Path, timeout_s: float = 180.0) -> bool:
    """May llama.cpp use its extra buffer types (AMX, repacked weights) on this machine?

    True without a check when the CPU reports no AMX; otherwise the saved verdict for this library and
    CPU, or the child process's (see the module docstring)."""
    if not cpu_reports_amx():
        return True
    key = _machine_key()
    verdict_file = cache_dir / "cpu-check.json"
    with contextlib.suppress(OSError, ValueError):
        saved = json.loads(verdict_file.read_text(encoding="utf-8"))
        if saved.get("key") == key:
            return bool(saved["extra_buffers_safe"])
    log_to_stderr("Checking once that llama.cpp's AMX code runs on this machine...")
    try:
        child = subprocess.run([sys.executable, "-c", _PROBE, str(model_path)], capture_output=True,
                               timeout=timeout_s, check=False)
        safe = child.returncode >= 0  # < 0: killed by a signal (SIGILL); an ordinary error is not AMX's
    except subprocess.TimeoutExpired:
        safe = False
    if not safe:
        log_to_stderr("llama.cpp's AMX code stops with an illegal instruction on this machine (the CPU reports "
                      "AMX, but it does not run here): loading the model without extra buffer types, which reads "
                      f"prompts about half as fast. For full speed: {REBUILD_HINT}")
    with contextlib.suppress(OSError):
        verdict_file.parent.mkdir(parents=True, exist_ok=True)
        verdict_file.write_text(json.dumps({"key": key, "extra_buffers_safe": safe}), encoding="utf-8")
    return safe


def without_extra_buffers(active: bool = True) -> contextlib.AbstractContextManager[None]:
    """While open (and ``active``), models llama-cpp-python loads get ``use_extra_bufts = False``;
    its ``Llama`` has no argument for it."""
    if not active:
        return contextlib.nullcontext()
    return patched_defaults("llama_model_default_params", use_extra_bufts=False)


def _machine_key() -> str:
    """A hash of the llama.cpp CPU library (name, size, time) and the CPU's model name and flags."""
    import llama_cpp

    lib = Path(llama_cpp.__file__).parent / "lib"
    files = sorted(lib.glob("libggml-cpu*")) or sorted(lib.glob("libggml*"))
    stat = [(f.name, f.stat().st_size, int(f.stat().st_mtime)) for f in files]
    cpu = ""
    with contextlib.suppress(OSError):
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines()
        cpu = " ".join(line for line in lines if line.startswith(("model name", "flags")))[:4000]
    return hashlib.sha256(json.dumps([llama_cpp.__version__, stat, cpu]).encode()).hexdigest()
