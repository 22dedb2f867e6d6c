"""The OpenAI-compatible backend against a small chat-completions server on loopback."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from assistant.core.errors import ModelError
from assistant.core.settings import Settings
from assistant.llm.factory import make_generator, resolve_backend
from assistant.llm.openai_http import OpenAICompatibleGenerator, OpenAICompatibleJudge


class FakeServer(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_POST(self):  # noqa: N802 - the http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeServer.requests.append({"body": body, "auth": self.headers.get("Authorization")})
        if body.get("model") == "broken":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"server exploded")
            return
        if body.get("model") == "echo":  # a careless server that repeats the request's headers in its error
            self.send_response(401)
            self.end_headers()
            self.wfile.write(f"bad key: {self.headers.get('Authorization')}".encode())
            return
        self.send_response(200)
        if body.get("stream"):
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for piece in ["The immune ", "system [1]."]:
                event = {"choices": [{"delta": {"content": piece}}]}
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
        else:
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            top = [{"token": "Yes", "logprob": -0.2}, {"token": "No", "logprob": -1.8}]
            self.wfile.write(json.dumps({"choices": [{"logprobs": {"content": [{"top_logprobs": top}]}}]}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = HTTPServer(("127.0.0.1", 0), FakeServer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    FakeServer.requests.clear()
    yield f"http://127.0.0.1:{httpd.server_port}/v1"
    httpd.shutdown()


def test_streams_deltas_and_sends_the_key(server, monkeypatch):
    monkeypatch.setenv("MY_KEY", "secret")
    generator = OpenAICompatibleGenerator(server, "qwen", api_key_env="MY_KEY")
    assert "".join(generator.stream([{"role": "user", "content": "hi"}], 50)) == "The immune system [1]."
    sent = FakeServer.requests[0]
    assert sent["auth"] == "Bearer secret" and sent["body"]["max_tokens"] == 50 and sent["body"]["temperature"] == 0


def test_judge_reads_yes_probability_from_top_logprobs(server):
    judge = OpenAICompatibleJudge(OpenAICompatibleGenerator(server, "qwen"))
    # P(Yes) = e^-0.2 / (e^-0.2 + e^-1.8) = 0.832
    assert [round(s, 3) for s in judge.support([("q", "s", "p")])] == [0.832]
    assert FakeServer.requests[0]["body"]["logprobs"] is True


def test_server_error_is_a_clear_model_error(server):
    with pytest.raises(ModelError, match="answered 500"):
        list(OpenAICompatibleGenerator(server, "broken").stream([{"role": "user", "content": "x"}]))


def test_unreachable_server_is_a_clear_model_error():
    generator = OpenAICompatibleGenerator("http://127.0.0.1:9/v1", "qwen", timeout_s=2)
    with pytest.raises(ModelError, match="Could not reach"):
        list(generator.stream([{"role": "user", "content": "x"}]))


def test_settings_pick_the_backend():
    settings = Settings(generation={"backend": "openai", "openai_base_url": "http://127.0.0.1:1/v1"})
    generator = make_generator(settings)
    assert isinstance(generator, OpenAICompatibleGenerator)
    assert isinstance(generator.judge(), OpenAICompatibleJudge)
    assert resolve_backend(Settings(generation={"model": "/models/some-hf-folder"})) == "transformers"


def test_the_api_key_never_appears_in_an_error_even_when_the_server_echoes_it(server, monkeypatch):
    monkeypatch.setenv("MY_KEY", "sk-very-secret")
    generator = OpenAICompatibleGenerator(server, "echo", api_key_env="MY_KEY")
    with pytest.raises(ModelError) as caught:
        list(generator.stream([{"role": "user", "content": "hi"}]))
    assert "sk-very-secret" not in str(caught.value) and "***" in str(caught.value)


def test_the_tests_cannot_reach_the_network():
    import httpx

    with pytest.raises(httpx.HTTPError):
        httpx.get("https://pypi.org/simple/", timeout=3)


def test_an_unreadable_gguf_is_a_clear_model_error_not_a_crash(tmp_path):
    pytest.importorskip("llama_cpp")
    from assistant.llm.llamacpp import LlamaCppGenerator

    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + bytes(200))
    with pytest.raises(ModelError, match="could not load"):
        LlamaCppGenerator(str(broken), tmp_path).warm_up()
