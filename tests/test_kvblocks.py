"""Passage KV blocks: how prompts are cut (pure), and the real llama.cpp cache (marker ``model``)."""

import numpy as np
import pytest

from assistant.core.types import Chunk, Passage
from assistant.llm.kvblocks import common_prefix, split_prompt
from assistant.llm.prompts import (
    EMERGENCY_LEAD,
    build_messages,
    judge_messages,
    library_pieces,
    passage_header,
    prompt_pieces,
)


def test_split_marks_every_registered_text_and_ends_with_live_text():
    assert split_prompt("P>a X b X", "P>", {"X"}) == [("a ", False), ("X", True), (" b ", False), ("X", True),
                                                      ("", False)]


def test_split_prefers_the_earlier_then_the_longer_match():
    assert split_prompt("P>abcd", "P>", {"bc", "abc", "cd"}) == [("abc", True), ("d", False)]


def test_split_without_the_prefix_or_without_blocks():
    assert split_prompt("Q>abc", "P>", {"b"}) is None
    assert split_prompt("P>abc", "P>", set()) == [("abc", False)]


def test_common_prefix_counts_leading_agreement():
    assert common_prefix([], [1]) == 0
    assert common_prefix([5, 6, 7], [5, 6, 7]) == 3


class _WordLlama:
    """Tokens are whole space-separated words, so "Message: " + '"hi"' gives other tokens than the two
    texts together, as the real tokenizer does at 'Message: "'."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.input_ids, self.n_tokens = [], 0

    def tokenize(self, data: bytes, add_bos: bool = False, special: bool = False) -> list[int]:
        return [self.vocab.setdefault(word, len(self.vocab)) for word in data.decode().split(" ")]


def test_a_prompts_tokens_do_not_depend_on_what_is_cached(tmp_path):
    from assistant.llm.kvblocks import Block, BlockCache

    model = tmp_path / "model.gguf"
    model.write_bytes(b"weights")
    llama = _WordLlama()
    cache = BlockCache(llama, "SYS ", model, None, 100, pieces=["Message:"])
    prompt = "SYS Message: hi there"
    before = cache.tokens(prompt)[0]  # the piece's state is not made yet (the app's first triage)
    assert before != llama.tokenize(b"SYS ") + llama.tokenize(b"Message: hi there")  # cut, not read whole
    cache.blocks["Message:"] = Block(tuple(llama.tokenize(b"Message:")), b"")
    assert cache.tokens(prompt)[0] == before  # cached
    del cache.blocks["Message:"]
    assert cache.tokens(prompt)[0] == before  # evicted


def _passage(cid: str, section: str, text: str) -> Passage:
    chunk = Chunk(chunk_id=cid, doc_id="d", doc_title="D", section=section, text=text, start=0, end=len(text))
    return Passage(chunk=chunk, score=1.0, rank=1)


def test_prompt_is_exactly_its_pieces_around_the_question():
    passages = [_passage("a", "Symptoms", "Alpha."), _passage("b", "Causes", "Beta.")]
    user = build_messages("Why?", passages, ["Alpha.", "Beta."], header_end="\n")[1]["content"]
    pieces = prompt_pieces(passages, ["Alpha.", "Beta."])
    assert pieces == ["Passages:\n[1] (Symptoms)\nAlpha.", "\n\n[2] (Causes)\nBeta.", "Passage:\nAlpha.",
                      "Passage:\nBeta."]
    assert user == "Passages:\n[1] (Symptoms)\nAlpha.\n\n[2] (Causes)\nBeta.\n\nQuestion: Why?"
    assert split_prompt(user, "", set(pieces)) == [(pieces[0], True), (pieces[1], True),
                                                   ("\n\nQuestion: Why?", False)]


def test_a_judge_prompt_is_one_piece_then_its_statement():
    passages = [_passage("a", "Symptoms", "Alpha.")]
    judge_user = judge_messages("Why?", "Alpha is true here.", "Alpha.")[1]["content"]
    assert split_prompt(judge_user, "", set(prompt_pieces(passages, ["Alpha."])))[0] == ("Passage:\nAlpha.", True)


def test_the_library_holds_every_text_at_every_rank_and_for_the_judge():
    chunks = [_passage(cid, "Causes", text).chunk for cid, text in (("a", "Alpha."), ("b", "Beta."))]
    pieces = library_pieces(chunks, max_rank=2)
    assert len(pieces) == 2 * 2 + 2 + 1
    assert "\n\n[2] (Causes)\nAlpha." in pieces and "Passage:\nBeta." in pieces
    assert pieces[-1] == EMERGENCY_LEAD  # the triage second look's question


PASSAGE_A = ("Paraneoplastic syndromes are not caused by cancer cells directly disrupting nerve function, by "
             "the cancer spreading (metastasis), or by other complications such as infections.")
PASSAGE_B = "A lumbar puncture takes a sample of cerebrospinal fluid (CSF) for laboratory analysis."


@pytest.fixture(scope="module")
def llama_pair(tmp_path_factory):
    """The bundled model twice: plain, and with passage blocks (states saved under a temp folder)."""
    pytest.importorskip("llama_cpp")
    from assistant.core.settings import Settings
    from assistant.llm.llamacpp import LlamaCppGenerator

    cache = Settings().paths.cache_dir
    plain = LlamaCppGenerator("bundled", cache)
    blocks = LlamaCppGenerator("bundled", cache, block_tokens=4096)
    blocks.blocks_dir = tmp_path_factory.mktemp("kv")
    plain.warm_up()
    blocks.warm_up()
    return plain, blocks


def _next_logits(generator, user: str) -> np.ndarray:
    llama = generator.llama
    with generator.lock:
        tokens = generator.prompt_tokens(_messages(user))
        llama.n_tokens = min(common_prefix(llama.input_ids[: llama.n_tokens], tokens), len(tokens) - 1)
        llama.eval(tokens[llama.n_tokens:])
        return np.ctypeslib.as_array(llama._ctx.get_logits(), shape=(llama.n_vocab(),)).copy()


def _system() -> str:
    from assistant.llm.prompts import SYSTEM_PROMPT

    return SYSTEM_PROMPT


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def _messages(user: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": _system()}, {"role": "user", "content": user}]


def _plain_logits_in_the_same_batches(plain, blocks, user: str) -> np.ndarray:
    """Reference: the same tokens, fully attended, evaluated in the same pieces as the block path
    (llama.cpp's numbers depend a little on how a prompt is split into batches)."""
    from assistant.llm.prompts import chatml

    tokens, layout = blocks.blocks.tokens(chatml(_messages(user)))
    ends = [start for start, _ in layout[1:]] + [len(tokens)]
    llama = plain.llama
    with plain.lock:
        llama.reset()
        for (start, _), end in zip(layout, ends, strict=True):
            if end > start:
                llama.eval(tokens[start:end])
        return np.ctypeslib.as_array(llama._ctx.get_logits(), shape=(llama.n_vocab(),)).copy()


@pytest.mark.model
def test_one_block_right_after_the_system_prompt_is_exactly_plain_attention(llama_pair):
    plain, blocks = llama_pair
    with blocks.lock:
        blocks.blocks.add([PASSAGE_A])
    user = f"{PASSAGE_A}\n\nQuestion: Is it the cancer spreading? Reply Yes or No."
    got = _next_logits(blocks, user)
    expected = _plain_logits_in_the_same_batches(plain, blocks, user)
    assert np.allclose(expected, got, atol=1e-3)


@pytest.mark.model
def test_shifted_blocks_stay_close_to_plain_attention_and_answer_alike(llama_pair):
    plain, blocks = llama_pair
    headers = [passage_header(1, "Causes", "\n"), passage_header(2, "Diagnosis", "\n")]
    with blocks.lock:
        blocks.blocks.add(headers + [PASSAGE_A, PASSAGE_B])
    user = f"{headers[0]}{PASSAGE_A}{headers[1]}{PASSAGE_B}\n\nQuestion: What does a spinal tap collect?"
    got = _next_logits(blocks, user)
    for expected in (_next_logits(plain, user), _plain_logits_in_the_same_batches(plain, blocks, user)):
        assert int(expected.argmax()) == int(got.argmax())
        assert _cosine(expected, got) > 0.95
    # asked again, the cached pieces are reused (only the last token is re-evaluated)
    again = _next_logits(blocks, user)
    assert int(again.argmax()) == int(got.argmax()) and _cosine(again, got) > 0.99


@pytest.mark.model
def test_a_damaged_saved_state_is_recomputed_not_used(llama_pair):
    _, blocks = llama_pair
    cache = blocks.blocks
    text = "Rare text for this test only."
    with blocks.lock:
        cache.add([text])
        path = cache._file(text)
        assert path.is_file()
        path.write_bytes(path.read_bytes()[:100])
        cache.cached_tokens -= len(cache.blocks.pop(text).tokens)
        before = cache.computed
        cache.add([text])
    assert cache.computed == before + 1
    assert len(path.read_bytes()) > 100


def test_forgetting_saved_states_keeps_only_the_named_texts(tmp_path):
    from assistant.llm.kvblocks import BlockCache

    cache = BlockCache.__new__(BlockCache)  # the disk part needs no model
    cache.disk_dir, cache._model_key = tmp_path, "model|1|2|prefix"
    for text in ("keep me", "old passage", "old header"):
        cache._file(text).write_bytes(b"state")
    (tmp_path / "notes.txt").write_text("not a state")
    assert cache.forget_saved_except(["keep me", "never saved"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([cache._file("keep me").name, "notes.txt"])


@pytest.mark.model
def test_the_second_look_reads_only_the_message_once_its_question_is_a_block(llama_pair):
    from assistant.llm.prompts import emergency_messages

    plain, blocks = llama_pair
    with blocks.lock:
        blocks.blocks.add([EMERGENCY_LEAD])
    _next_logits(blocks, "Hello")  # the cache now holds another prompt, as after an answer
    messages = emergency_messages("my dad is grey and sweaty and his heart is racing")
    with blocks.lock:
        tokens = blocks.prompt_tokens(messages)  # places the question's state; the rest is left to evaluate
        live = len(tokens) - blocks.llama.n_tokens
    assert 0 < live < 40, live  # the message and the end of the turn, not the ~150-token question
    assert abs(plain.judge().yes_probability(messages) - blocks.judge().yes_probability(messages)) < 0.05


@pytest.mark.model
def test_the_second_look_scores_the_same_before_its_question_is_cached(llama_pair):
    from assistant.llm.prompts import emergency_messages

    _, blocks = llama_pair
    messages = emergency_messages("my heart is racing and I feel faint")
    judge = blocks.judge()
    with blocks.lock:
        cached = blocks.blocks.blocks.pop(EMERGENCY_LEAD, None)
    first = judge.yes_probability(messages)  # as in a fresh app, before the passage states are ready
    with blocks.lock:
        if cached is None:
            blocks.blocks.add([EMERGENCY_LEAD])
        else:
            blocks.blocks.blocks[EMERGENCY_LEAD] = cached
    _next_logits(blocks, "Hello")
    assert judge.yes_probability(messages) == pytest.approx(first, abs=1e-6)
