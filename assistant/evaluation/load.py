"""Many people at once, measured against a running server (loopback only):

    python -m assistant.evaluation.load --url http://127.0.0.1:7860 --clients 1,5,20 --questions 2

Each client asks its own answerable gold questions one after another through ``/v1/chat/completions``
(``--duration 600`` keeps them asking for ten minutes; ``--pid`` samples the server's memory);
midway through every level one emergency message is sent too. Per level: p50/p95 seconds to the final
answer, answers per minute over the level's wall time, errors, cross-talk (a reply whose echoed question
is not the one asked) and the emergency's own latency. Speed goes in the README, never in assertions.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from assistant.evaluation.metrics import percentile
from assistant.evaluation.retrieval_eval import DEFAULT_GOLD, load_gold

EMERGENCY = "My father just collapsed and he is not breathing properly, what do I do"


def ask(url: str, question: str, timeout_s: float) -> tuple[float, dict | None, str]:
    """(seconds, the reply's extra fields or None, error text or "")."""
    started = time.perf_counter()
    try:
        response = httpx.post(f"{url}/v1/chat/completions", timeout=timeout_s,
                              json={"model": "paraneoplastic-assistant",
                                    "messages": [{"role": "user", "content": question}]})
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            return elapsed, None, f"HTTP {response.status_code}: {response.text[:200]}"
        return elapsed, response.json()["assistant"], ""
    except (httpx.HTTPError, KeyError, ValueError) as exc:
        return time.perf_counter() - started, None, f"{type(exc).__name__}: {exc}"


def run_level(url: str, clients: int, questions: list[str], per_client: int, timeout_s: float,
              duration_s: float = 0.0, pid: int | None = None) -> dict:
    """``clients`` concurrent clients, each asking ``per_client`` distinct questions in turn (or, with
    ``duration_s``, asking on until that many seconds have passed); with ``pid``, that process's memory
    is sampled every 10 s."""
    assigned = [[questions[(c * per_client + i) % len(questions)] for i in range(per_client)] for c in range(clients)]
    results: list[tuple[str, float, dict | None, str]] = []
    lock = threading.Lock()
    emergency: dict = {}
    memory: list[tuple[float, float]] = []
    done = threading.Event()
    deadline = time.perf_counter() + duration_s

    def client(mine: list[str]) -> None:
        turn = 0
        while turn < len(mine) or (duration_s and time.perf_counter() < deadline):
            question = mine[turn % len(mine)]
            turn += 1
            seconds, extra, error = ask(url, question, timeout_s)
            with lock:
                results.append((question, seconds, extra, error))

    def sample() -> None:
        import psutil

        process = psutil.Process(pid)
        while not done.wait(10.0):
            memory.append((round(time.perf_counter() - started, 1), round(process.memory_info().rss / 2**30, 3)))

    def probe() -> None:
        time.sleep(1.0)  # let the line fill first
        seconds, extra, error = ask(url, EMERGENCY, timeout_s)
        emergency.update(seconds=round(seconds, 2), urgency=(extra or {}).get("urgency"), error=error)

    started = time.perf_counter()
    if pid:
        threading.Thread(target=sample, daemon=True).start()
    with ThreadPoolExecutor(max_workers=clients + 1) as pool:
        futures = [pool.submit(client, mine) for mine in assigned] + [pool.submit(probe)]
        for future in futures:
            future.result()
    done.set()
    wall = time.perf_counter() - started
    ok = [r for r in results if not r[3]]
    times = [r[1] for r in ok]
    return {
        "clients": clients, "answers": len(ok), "errors": len(results) - len(ok),
        "cross_talk": sum(r[2]["question"] != r[0] for r in ok),
        "p50_s": round(percentile(times, 0.5), 2) if times else None,
        "p95_s": round(percentile(times, 0.95), 2) if times else None,
        "answers_per_min": round(60 * len(ok) / wall, 1), "wall_s": round(wall, 1),
        "emergency": emergency, "error_samples": [r[3] for r in results if r[3]][:3],
        "memory_gb": memory,  # (seconds, resident GB) of the server, when sampled
    }


def markdown(levels: list[dict], label: str) -> str:
    lines = [f"| {label}: clients | p50 / p95 to final answer | answers/min | errors | cross-talk | "
             "emergency answered in |", "|---|---|---|---|---|---|"]
    for r in levels:
        lines.append(f"| {r['clients']} | {r['p50_s']} s / {r['p95_s']} s | {r['answers_per_min']} | {r['errors']} | "
                     f"{r['cross_talk']} | {r['emergency'].get('seconds')} s ({r['emergency'].get('urgency')}) |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860")
    parser.add_argument("--clients", default="1,5,20", help="comma-separated concurrency levels")
    parser.add_argument("--questions", type=int, default=2, help="questions per client per level")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before a request counts as an error")
    parser.add_argument("--label", default="this run", help="names the run in the table")
    parser.add_argument("--duration", type=float, default=0.0, help="keep asking for this many seconds per level")
    parser.add_argument("--pid", type=int, default=None, help="the server's process id, to sample its memory")
    parser.add_argument("--out", type=Path, default=None, help="also write the figures here (JSON)")
    args = parser.parse_args(argv)
    questions = [g.question for g in load_gold(DEFAULT_GOLD) if g.answerable and not g.history]
    levels = [run_level(args.url.rstrip("/"), int(n), questions, args.questions, args.timeout, args.duration,
                        args.pid) for n in args.clients.split(",")]
    print(markdown(levels, args.label))
    if args.out:
        args.out.write_text(json.dumps(levels, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
