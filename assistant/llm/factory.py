"""The one place that knows every backend: settings in, a ``Generator`` out (its judge comes with it).

Adding a backend means one module implementing :mod:`assistant.llm.protocols` and one entry in ``BACKENDS``.

>>> from assistant.core.settings import Settings
>>> make_generator(Settings(generation={"backend": "openai", "openai_model": "m"})).name
'openai-compatible:m'
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

from assistant.core.log import log_to_stderr
from assistant.core.settings import Settings
from assistant.llm.protocols import Generator, Judge
from assistant.search.bundled import BUNDLED_GENERATOR


def _llama_cpp(settings: Settings) -> Generator:
    from assistant.llm.llamacpp import LlamaCppGenerator

    g = settings.generation
    return LlamaCppGenerator(g.model, settings.paths.cache_dir, g.threads, g.context_tokens, g.min_new_tokens,
                             quant=g.llama_quant, block_tokens=g.passage_cache_tokens,
                             blocks_dir=settings.paths.passage_states_dir)


def _transformers(settings: Settings) -> Generator:
    from assistant.llm.hf import TransformersGenerator

    g = settings.generation
    return TransformersGenerator(g.model, settings.paths.cache_dir, threads=g.threads, log=log_to_stderr,
                                 dtype=g.torch_dtype, min_new_tokens=g.min_new_tokens)


def _openai(settings: Settings) -> Generator:
    from assistant.llm.openai_http import OpenAICompatibleGenerator

    g = settings.generation
    return OpenAICompatibleGenerator(g.openai_base_url, g.openai_model, g.openai_api_key_env)


BACKENDS: dict[str, Callable[[Settings], Generator]] = {
    "llama-cpp": _llama_cpp,
    "transformers": _transformers,
    "openai": _openai,
}


def resolve_backend(settings: Settings) -> str:
    """The backend 'auto' stands for: llama-cpp where it can run the model, else transformers."""
    g = settings.generation
    if g.backend != "auto":
        return g.backend
    gguf_model = g.model == BUNDLED_GENERATOR or g.model.lower().endswith(".gguf")
    return "llama-cpp" if gguf_model and importlib.util.find_spec("llama_cpp") else "transformers"


def make_generator(settings: Settings) -> Generator:
    return BACKENDS[resolve_backend(settings)](settings)


def make_judge(settings: Settings) -> Judge:
    """The judge of the generator the settings name (a new generator; the pipeline reuses its own)."""
    return make_generator(settings).judge()
