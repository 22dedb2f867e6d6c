"""Default parameters of llama-cpp-python changed for a while: the fields its ``Llama`` has no argument for.

``Llama(...)`` builds its model and context parameters from ``llama_model_default_params()`` and
``llama_context_default_params()``; while :func:`patched_defaults` is open, those return the given
fields changed. Used for a second KV sequence (:mod:`assistant.llm.kvblocks`) and for loading without
extra buffer types (:mod:`assistant.llm.cpucheck`); the two may be nested.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Literal

_PATCH_LOCK = threading.RLock()  # reentrant: the two patches are opened together around one Llama(...)


@contextlib.contextmanager
def patched_defaults(function: Literal["llama_model_default_params", "llama_context_default_params"],
                     **fields) -> Iterator[None]:
    """While open, ``llama_cpp.llama_cpp.<function>()`` returns its defaults with ``fields`` set."""
    from llama_cpp import llama_cpp as capi

    with _PATCH_LOCK:
        original = getattr(capi, function)

        def changed():
            params = original()
            for name, value in fields.items():
                setattr(params, name, value)
            return params

        setattr(capi, function, changed)
        try:
            yield
        finally:
            setattr(capi, function, original)
