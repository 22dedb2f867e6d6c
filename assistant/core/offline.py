"""Run time never reaches the network: Hugging Face libraries are told so before they are imported."""

from __future__ import annotations

import os


def hf_offline() -> None:
    """Call before loading a transformers / sentence-transformers model: the hub is never asked
    (``HF_HUB_OFFLINE=1`` unless the environment already says otherwise) and no progress bars print."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
