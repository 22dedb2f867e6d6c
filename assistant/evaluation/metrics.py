"""Pure metric functions, each checkable by hand.

>>> hits = [[False, True, False], [True], [False, False, False]]
>>> round(hit_at_k(hits, 1), 3), round(hit_at_k(hits, 2), 3), round(mrr(hits), 3)  # (1/2 + 1 + 0) / 3
(0.333, 0.667, 0.5)
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.core.types import URGENCIES


def first_hit_rank(hits: Sequence[bool]) -> int | None:
    """1-based rank of the first relevant result, or None.

    >>> first_hit_rank([False, False, True]), first_hit_rank([False])
    (3, None)
    """
    return next((i for i, hit in enumerate(hits, start=1) if hit), None)


def hit_at_k(per_query_hits: Sequence[Sequence[bool]], k: int) -> float:
    """Share of queries with a relevant result in the top k."""
    if not per_query_hits:
        return 0.0
    return sum(any(hits[:k]) for hits in per_query_hits) / len(per_query_hits)


def mrr(per_query_hits: Sequence[Sequence[bool]]) -> float:
    """Mean reciprocal rank of the first relevant result (0 for a query with none)."""
    if not per_query_hits:
        return 0.0
    total = 0.0
    for hits in per_query_hits:
        rank = first_hit_rank(hits)
        total += 1.0 / rank if rank else 0.0
    return total / len(per_query_hits)


def passage_has_evidence(passage_text: str, evidence: Sequence[str]) -> bool:
    """A passage is relevant when it contains one of the gold source sentences verbatim.

    >>> passage_has_evidence("A. B is true. C.", ["B is true."]), passage_has_evidence("A.", ["B."])
    (True, False)
    """
    return any(sentence in passage_text for sentence in evidence)


LABELS = URGENCIES  # triage's classes, most urgent first


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-quantile (0..1) with linear interpolation between ranks (numpy's default), used for every
    latency figure the evaluation and the bench report.

    >>> percentile([1, 2, 3, 4], 0.5), percentile([1, 2, 3, 4, 5], 0.9), percentile([7], 0.9)
    (2.5, 4.6, 7.0)
    """
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (position - low))


def confusion_matrix(pairs: Sequence[tuple[str, str]], labels: Sequence[str] = LABELS) -> dict:
    """``matrix[true][predicted]`` counts.

    >>> confusion_matrix([("urgent", "urgent"), ("urgent", "none")])["urgent"]
    {'emergency': 0, 'urgent': 1, 'none': 1}
    """
    matrix = {t: {p: 0 for p in labels} for t in labels}
    for true, predicted in pairs:
        matrix[true][predicted] += 1
    return matrix


def recall(matrix: dict, label: str) -> float:
    """Share of messages truly ``label`` that were predicted ``label`` (0 when there are none).

    >>> recall({"a": {"a": 3, "b": 1}, "b": {"a": 0, "b": 2}}, "a")
    0.75
    """
    total = sum(matrix[label].values())
    return matrix[label][label] / total if total else 0.0


def auroc(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Probability that a random positive scores above a random negative (ties count half).

    >>> auroc([0.9, 0.8, 0.3, 0.1], [1, 1, 0, 0]), auroc([0.9, 0.2, 0.5, 0.1], [1, 0, 1, 0])
    (1.0, 1.0)
    >>> auroc([0.5, 0.5], [1, 0])
    0.5
    """
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def balanced_accuracy(scores: Sequence[float], labels: Sequence[int], threshold: float) -> float:
    """Mean of the true-positive and true-negative rates when ``score >= threshold`` means positive.

    >>> balanced_accuracy([0.9, 0.6, 0.4, 0.1], [1, 1, 0, 1], threshold=0.5)  # TPR 2/3, TNR 1
    0.8333333333333333
    """
    pos = [s >= threshold for s, y in zip(scores, labels, strict=True) if y]
    neg = [s < threshold for s, y in zip(scores, labels, strict=True) if not y]
    return (sum(pos) / len(pos) + sum(neg) / len(neg)) / 2


def share(part: int, whole: int) -> float | None:
    """``part / whole``, or None when there is nothing to count.

    >>> share(1, 4), share(0, 0)
    (0.25, None)
    """
    return part / whole if whole else None


def percent(value: float | None) -> str:
    """A share for a report.

    >>> percent(0.875), percent(None)
    ('87.5%', 'n/a')
    """
    return "n/a" if value is None else f"{value:.1%}"


def measuring(settings):
    """``settings`` for measuring the answer path itself: moderators' approved answers are not served."""
    return settings.with_overrides({"moderation": {"serve_approved": False}})
