"""Progress messages for people, on stderr (stdout stays clean for ``--json`` output)."""

from __future__ import annotations

import sys


def log_to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
