"""End to end in real headless Chromium (Debian's), driven by Playwright: the app with the real models.

Set SCREENSHOT_DIR to keep screenshots of an answer, an emergency and the moderator tab.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.core.settings import PROJECT_ROOT
from tests.conftest import free_port

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]

pytestmark = [pytest.mark.model, pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    port = free_port()
    home = tmp_path_factory.mktemp("app")
    env = {**os.environ, "ASSISTANT_SERVER__PORT": str(port), "ASSISTANT_PATHS__INDEX_DIR": str(home / "index"),
           "ASSISTANT_SERVER__FEEDBACK_FILE": str(home / "feedback.jsonl"), "GRADIO_ANALYTICS_ENABLED": "False",
           "ASSISTANT_MODERATION__DATABASE": str(home / "moderation.sqlite3")}
    log = (home / "app.log").open("w")
    process = subprocess.Popen([sys.executable, str(PROJECT_ROOT / "app.py")], env=env, stdout=log,
                               stderr=subprocess.STDOUT, cwd=PROJECT_ROOT)
    deadline = time.time() + 600
    while time.time() < deadline:
        if process.poll() is not None:
            pytest.fail(f"app.py exited early:\n{(home / 'app.log').read_text()[-3000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(1)
    else:
        process.kill()
        pytest.fail("app.py did not start within 10 minutes")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield instance
        instance.close()


def _shot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)


def _ask(page, question: str) -> float:
    page.fill("#question textarea", question)
    started = time.perf_counter()
    page.press("#question textarea", "Enter")
    return started


def test_question_gets_evidence_then_a_cited_answer_with_sources(app_url, browser):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(app_url)
    started = _ask(page, "What does a spinal tap show?")
    page.wait_for_selector("#sources-panel", timeout=120_000)
    evidence_s = time.perf_counter() - started
    page.wait_for_function(
        "() => { const h = document.querySelector('#sources-panel h3');"
        " return h && h.textContent.trim() === 'Sources'; }", timeout=300_000)
    final_s = time.perf_counter() - started
    bot_text = page.locator("#chat .message.bot, #chat [data-testid='bot']").last.inner_text()
    assert "[" in bot_text and "checked against" in bot_text, bot_text
    assert page.locator("#sources-panel mark").count() >= 1
    assert "reviewed 2022-03-26" in page.locator("#sources-panel").inner_text()
    print(f"\nbrowser timings: first evidence {evidence_s:.2f} s, final answer {final_s:.2f} s")
    _shot(page, "answer")
    page.close()


def test_emergency_shows_the_red_banner_before_any_answer(app_url, browser):
    page = browser.new_page(viewport={"width": 420, "height": 900})  # phone width
    page.goto(app_url)
    page.evaluate("""() => {
        window.__order = [];
        new MutationObserver(() => {
            if (document.querySelector('.banner-emergency') && !window.__order.includes('banner'))
                window.__order.push('banner');
            const bots = document.querySelectorAll('#chat .message.bot, #chat [data-testid="bot"]');
            const last = bots.length ? bots[bots.length - 1].textContent : '';
            if (last.includes('911') && !window.__order.includes('answer')) window.__order.push('answer');
        }).observe(document.body, {subtree: true, childList: true, characterData: true});
    }""")
    _ask(page, "my dad is slurring his words right now and his face is drooping")
    page.wait_for_selector(".banner-emergency", timeout=60_000)
    page.wait_for_function("() => window.__order.includes('answer')", timeout=60_000)
    assert page.evaluate("window.__order") == ["banner", "answer"]
    assert "Get help now" in page.locator(".banner-emergency").inner_text()
    _shot(page, "emergency")
    page.close()


def test_moderator_tab_answers_a_pasted_list(app_url, browser):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(app_url)
    page.get_by_role("tab", name="Moderators").click()
    page.fill("#mod-questions textarea", "Which cancers is it most often seen with?")
    page.click("#mod-run")
    page.wait_for_function("() => { const t = document.querySelector('#mod-results');"
                           " return t && t.innerText.toLowerCase().includes('lung'); }", timeout=300_000)
    _shot(page, "moderator")
    page.close()


def _final_answer(page, timeout_ms: int = 180_000) -> str:
    """The last bot message once it is final (not a placeholder or a draft)."""
    page.wait_for_function(
        "() => { const m = document.querySelectorAll('#chat .message.bot'); if (!m.length) return false;"
        " const t = m[m.length - 1].innerText; return t.length > 0 && !/Checking your message|Reading the sources|"
        "Draft, being checked|in line/.test(t); }", timeout=timeout_ms)
    time.sleep(1)
    messages = page.locator("#chat .message.bot")
    return messages.nth(messages.count() - 1).inner_text()


def test_moderator_approves_an_answer_and_a_paraphrase_is_served_it(app_url, browser):
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    page.goto(app_url)
    page.get_by_role("tab", name="Moderators").click()
    page.fill("#mod-questions textarea", "What does a spinal tap show?")
    page.click("#mod-run")
    page.wait_for_function("document.querySelector('#mod-results').innerText.includes('spinal tap')", timeout=180_000)
    page.locator("#mod-results [role=gridcell]").nth(1).click()  # open the row in the editor
    page.wait_for_function("document.querySelector('#edit-question textarea').value.length > 0", timeout=30_000)
    assert page.input_value("#edit-question textarea") == "What does a spinal tap show?"
    assert page.input_value("#edit-citations textarea")  # the cited passage ids came with it
    page.fill("#edit-answer textarea", "A spinal tap takes a little cerebrospinal fluid (CSF) from the lower back, "
              "and the lab looks in it for antibodies linked to paraneoplastic syndromes. [1]")
    page.fill("#mod-name textarea", "Dana")
    page.click("#approve")
    page.wait_for_function("document.querySelector('#edit-status').innerText.includes('Approved')", timeout=120_000)
    assert "Dana" in page.inner_text("#approved-table")
    _shot(page, "moderator-approved")
    page.get_by_role("tab", name="Ask").click()
    _ask(page, "My mum is having a spinal tap tomorrow - what will it tell the doctors?")
    shown = _final_answer(page)
    assert "the lab looks in it for antibodies" in shown and "Approved by a moderator (Dana" in shown
    _shot(page, "approved-answer-served")


def test_an_abstention_reaches_the_review_queue_and_can_be_dismissed(app_url, browser):
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    page.goto(app_url)
    _ask(page, "How much does plasmapheresis cost at a hospital in Ohio?")
    assert "don't" in _final_answer(page)
    page.get_by_role("tab", name="Moderators").click()
    page.click("#queue-refresh")
    page.wait_for_function("document.querySelector('#review-queue').innerText.includes('Ohio')", timeout=30_000)
    row = page.locator("#review-queue [role=gridcell]", has_text="Ohio").first
    row.click()
    page.wait_for_function("document.querySelector('#edit-question textarea').value.includes('Ohio')",
                           timeout=30_000)
    assert "In the queue because: abstained" in page.inner_text("#edit-detail")
    _shot(page, "review-queue")
    page.fill("#mod-name textarea", "Dana")
    page.click("#dismiss")
    page.wait_for_function("document.querySelector('#edit-status').innerText.includes('Dismissed')", timeout=30_000)
    time.sleep(1)
    assert "Ohio" not in page.inner_text("#review-queue")


def test_html_in_a_question_is_shown_as_text_never_run_or_rendered(app_url, browser):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(app_url)
    _ask(page, '<img src=x onerror="window.__xss=1"><b id="injected">bold</b> What is a spinal tap?')
    page.wait_for_function(
        "() => { const h = document.querySelector('#sources-panel h3');"
        " return h && h.textContent.trim() === 'Sources'; }", timeout=300_000)
    assert page.evaluate("window.__xss") is None
    assert page.locator("#injected").count() == 0 and page.locator("#chat img[src='x']").count() == 0
    assert '<b id="injected">bold</b>' in page.locator("#chat").inner_text()
    page.close()


def test_programs_ask_through_gradio_chat_and_the_openai_endpoint(app_url):
    import httpx
    from gradio_client import Client

    reply = Client(app_url, verbose=False).predict("What does a spinal tap show?", [], api_name="/chat")
    assert "[1]" in reply["answer"] and reply["citations"] and reply["urgency"] == "none"
    body = httpx.post(f"{app_url}/v1/chat/completions", timeout=300, json={
        "model": "paraneoplastic-assistant", "messages": [{"role": "user", "content": "What does a spinal tap show?"}]})
    assert body.status_code == 200
    message = body.json()["choices"][0]["message"]
    assert message["content"] == reply["answer"] and message["assistant"]["citations"] == reply["citations"]
    assert httpx.post(f"{app_url}/v1/chat/completions", json={"messages": []}).status_code == 400


def test_chromium_is_the_debian_one():
    assert shutil.which("chromium") == CHROMIUM
