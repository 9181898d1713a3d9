"""Scripted conversations per second, serial and concurrent, measured in this run.

Runs the example personas against the example flow until at least N conversations have been
played (N = 1000 by default, or the first argument), once at concurrency 1 and once concurrently.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from convodesk.runtime.loader import load_flow
from convodesk.sim.persona import load_personas
from convodesk.sim.runner import run_suite

ROOT = Path(__file__).resolve().parents[1]


def measure(total: int, concurrency: int) -> tuple[int, float]:
    flow = load_flow(ROOT / "flows" / "saas_inbound.yaml")
    personas = load_personas(ROOT / "personas", flow)
    runs = -(-total // len(personas))
    start = time.perf_counter()
    result = asyncio.run(run_suite(flow, personas, runs=runs, concurrency=concurrency, seed=1))
    elapsed = time.perf_counter() - start
    return len(result.conversations), elapsed


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    for concurrency in (1, 32):
        count, elapsed = measure(total, concurrency)
        print(
            f"concurrency {concurrency:>3}: {count} conversations in {elapsed:.2f} s = "
            f"{count / elapsed:,.0f} conversations/s ({elapsed / count * 1000:.2f} ms each)"
        )


if __name__ == "__main__":
    main()
