"""The OpenAI-compatible backend against a real server: llama.cpp's, running the bundled GGUF.

Marker ``model`` (CI runs it). The server comes from ``pip install -e '.[llama]'`` (llama-cpp-python
with its ``server`` extra); the assistant talks to it only through the OpenAI wire format.
"""

import re
import subprocess
import sys
import time

import httpx
import pytest

from assistant.answer.citations import check_answer_contract
from assistant.answer.pipeline import Assistant
from assistant.core.settings import Settings
from assistant.search.bundled import bundled_gguf
from tests.conftest import free_port

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    pytest.importorskip("llama_cpp.server", reason="llama-cpp-python[server] is not installed")
    gguf = bundled_gguf(Settings().paths.cache_dir, log=lambda message: None)
    port = free_port()
    log = (tmp_path_factory.mktemp("server") / "server.log").open("w+")  # a pipe would fill and block it
    process = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias", "bundled",
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", "2",
         "--chat_format", "chatml"],
        stdout=log, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"llama.cpp server did not start: {log.read()[-2000:]}")
            time.sleep(1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def remote_bot(server_url, tmp_path_factory):
    settings = Settings(paths={"index_dir": tmp_path_factory.mktemp("server-index")},
                        generation={"backend": "openai", "openai_base_url": server_url,
                                    "openai_model": "bundled"})
    return Assistant(settings)


def test_answer_streams_from_the_server_and_is_verified_by_it(remote_bot):
    answer = remote_bot.ask("Is it the tumor spreading into my brain that causes these problems?")
    assert check_answer_contract(answer) == []
    assert remote_bot.generator.name == "openai-compatible:bundled"
    assert answer.details.draft, "nothing was streamed from the server"
    if not answer.abstained:
        assert answer.citations and answer.faithfulness == 1.0
        assert re.search(r"\b(?:not|no|isn't|aren't|doesn't)\b", answer.answer, re.IGNORECASE), answer.answer


def test_server_judge_prefers_the_supported_statement_over_its_negation(remote_bot):
    passage = ("Paraneoplastic syndromes are not caused by cancer cells directly disrupting nerve function, "
               "by the cancer spreading (metastasis), or by other complications such as infections.")
    supported, negated = remote_bot.judge.support([
        ("", "Paraneoplastic syndromes are not caused by the cancer spreading.", passage),
        ("", "Paraneoplastic syndromes are caused by the cancer spreading.", passage)])
    threshold = remote_bot.settings.verify.threshold  # what decides whether a sentence is shown
    assert supported >= threshold > negated, (supported, negated)
