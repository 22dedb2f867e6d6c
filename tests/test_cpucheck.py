"""The once-per-machine check that llama.cpp's AMX code runs (assistant/llm/cpucheck.py), with the child
process replaced: a child killed by SIGILL means the model loads without extra buffer types."""

import subprocess

import pytest

from assistant.llm import cpucheck


class Child:
    def __init__(self, returncode: int) -> None:
        self.calls = 0
        self.returncode = returncode

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return subprocess.CompletedProcess(args, self.returncode, b"", b"")


@pytest.fixture
def amx_cpu(monkeypatch):
    monkeypatch.setattr(cpucheck, "cpu_reports_amx", lambda cpuinfo=None: True)
    monkeypatch.setattr(cpucheck, "_machine_key", lambda: "this machine")


def test_a_child_killed_by_sigill_means_plain_buffers_and_the_verdict_is_kept(tmp_path, monkeypatch, amx_cpu):
    child = Child(returncode=-4)  # SIGILL
    monkeypatch.setattr(cpucheck.subprocess, "run", child)
    assert cpucheck.extra_buffers_safe(tmp_path / "m.gguf", tmp_path) is False
    assert cpucheck.extra_buffers_safe(tmp_path / "m.gguf", tmp_path) is False
    assert child.calls == 1  # the second answer came from cpu-check.json


def test_an_ordinary_failure_is_not_blamed_on_amx(tmp_path, monkeypatch, amx_cpu):
    monkeypatch.setattr(cpucheck.subprocess, "run", Child(returncode=1))
    assert cpucheck.extra_buffers_safe(tmp_path / "m.gguf", tmp_path) is True


def test_a_new_library_or_cpu_is_checked_again(tmp_path, monkeypatch, amx_cpu):
    child = Child(returncode=0)
    monkeypatch.setattr(cpucheck.subprocess, "run", child)
    assert cpucheck.extra_buffers_safe(tmp_path / "m.gguf", tmp_path) is True
    monkeypatch.setattr(cpucheck, "_machine_key", lambda: "another build")
    cpucheck.extra_buffers_safe(tmp_path / "m.gguf", tmp_path)
    assert child.calls == 2


def test_a_damaged_verdict_file_is_checked_again(tmp_path, monkeypatch, amx_cpu):
    (tmp_path / "cpu-check.json").write_text("{not json", encoding="utf-8")
    child = Child(returncode=0)
    monkeypatch.setattr(cpucheck.subprocess, "run", child)
    assert cpucheck.extra_buffers_safe(tmp_path / "m.gguf", tmp_path) is True
    assert child.calls == 1


def test_no_amx_no_child(tmp_path, monkeypatch):
    monkeypatch.setattr(cpucheck, "cpu_reports_amx", lambda cpuinfo=None: False)
    monkeypatch.setattr(cpucheck.subprocess, "run", lambda *a, **k: pytest.fail("no check needed"))
    assert cpucheck.extra_buffers_safe(tmp_path / "m.gguf", tmp_path) is True
