"""A source-grounded question-answering assistant about paraneoplastic syndromes of the nervous system.

Importing the package loads no model and touches no file (models load in ``warm_up()`` or on first use).

>>> from assistant import Assistant, Settings
>>> Assistant(Settings()).settings.generation.passages   # cheap: nothing loads yet
4

The layers, each importing only the ones above it in this list (``tests/test_architecture.py``):

* ``core``     — typed data (``types``), ``settings``, ``errors``, ``log``, ``text``, ``offline``
* ``ingest``   — ``corpus`` loading, ``chunking``
* ``search``   — ``embedders``, ``bm25``, ``index``, ``retriever``, ``bundled`` model files
* ``guard``    — ``triage`` (rules, patterns, examples), unsafe requests (``safety``), ``names``, ``questions``
* ``llm``      — ``protocols``, ``prompts``, one module per backend (``llamacpp`` + ``kvblocks``, ``hf``,
  ``openai_http``), ``factory``
* ``moderation`` — ``store`` (SQLite: approved answers, review queue), ``matching``, ``approvals``
* ``answer``   — ``pipeline`` (the order of steps), ``events``, ``turns`` (one line for the model),
  ``components``, ``gates``, ``followups``, ``evidence``, ``verify`` (+ ``checks``, ``grounding``), ``compose``,
  ``fallback``, ``citations``, ``readability``, ``approved`` (serving approved answers)
* ``testing``  — the fakes; ``evaluation`` — the harness
* ``surfaces`` — ``cli`` (+ ``moderation_cli``), ``batch``, ``format``, ``openai_api``, ``moderating``,
  ``ui`` (``app``, ``callbacks``, ``render``, ``moderators``)
"""

from assistant.answer.pipeline import Assistant
from assistant.core.settings import Settings
from assistant.core.types import Answer

__all__ = ["Answer", "Assistant", "Settings"]
__version__ = "0.1.0"
