"""Extraction speed: `sitrep extract --jsonl` on 1,000 snippets (start-up included), one core;
and one 600-word article in-process.

    python bench/extract_speed.py
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine

GOLD = Path(__file__).resolve().parents[1] / "tests" / "data" / "gold.jsonl"


def snippets(n: int) -> list[dict[str, str]]:
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]
    return [
        {"id": f"{i}", "text": rows[i % len(rows)]["text"],
         "published": rows[i % len(rows)].get("published", "")}
        for i in range(n)
    ]


def article(words: int = 600) -> str:
    rows = [json.loads(line)["text"] for line in GOLD.read_text(encoding="utf-8").splitlines()]
    text: list[str] = []
    i = 0
    while sum(len(t.split()) for t in text) < words:
        text.append(rows[i % len(rows)])
        i += 1
    return " ".join(" ".join(text).split()[:words])


def jsonl_throughput(n: int = 1000) -> tuple[float, float]:
    """Snippets/s of `sitrep extract --jsonl` on `n` lines: the first run of a fresh install (the
    rule patterns compiled and cached), and the best of three runs after it (read back)."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for row in snippets(n):
            f.write(json.dumps(row) + "\n")
    cmd = ["taskset", "-c", "0", sys.executable, "-m", "bot.cli", "extract", "--jsonl", f.name]
    times = []
    for _ in range(4):
        start = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - start)
        assert len(out.stdout.splitlines()) == n
    return n / times[0], n / min(times[1:])


def startup_and_steady_rate(n: int = 1000) -> tuple[float, float]:
    """Seconds to import and load the extractor (its rules cached by a run before), and
    snippets/s once loaded (in process)."""
    start = time.perf_counter()
    from extraction import Extractor

    extractor = Extractor.load()
    loaded = time.perf_counter() - start
    rows = snippets(n)
    start = time.perf_counter()
    for row in rows:
        extractor.extract(row["text"])
    return loaded, n / (time.perf_counter() - start)


def article_latency(runs: int = 200) -> tuple[float, float]:
    from extraction import Extractor

    extractor = Extractor.load()
    text = article()
    extractor.extract(text)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        extractor.extract(text)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95)]


if __name__ == "__main__":
    print(f"machine: {machine()}")
    # A user cache directory of the run's own: the first run finds no compiled rules.
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="sitrep-bench-")
    first, warm = jsonl_throughput()
    print(f"sitrep extract --jsonl, 1,000 snippets, one core, start-up included: "
          f"{warm:.0f} snippets/s (best of 3; the first run, compiling the rules: {first:.0f})")
    loaded, steady = startup_and_steady_rate()
    print(f"import and load of the extractor: {loaded:.2f} s; then {steady:.0f} snippets/s")
    median, p95 = article_latency()
    print(f"600-word article, in-process: median {median:.2f} ms, p95 {p95:.2f} ms")
