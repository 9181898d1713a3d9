"""Cost of one turn on the rule path, and of a stateless web worker's dump + resume per turn.

Run: python bench/runtime_turns.py [--turns N]. Prints figures measured in this run only.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from convodesk.runtime import Engine, load_flow

FLOW = Path(__file__).resolve().parents[1] / "flows" / "saas_inbound.yaml"

SCRIPTS = [
    [
        "Our ops team runs on spreadsheets and we're struggling with missed shipments",
        "Excel plus a lot of email",
        "about 450 people",
        "Do you support SSO? Also, this quarter ideally",
        "around $60k a year",
        "me, our CFO and the IT lead",
        "jen@acme-mfg.com",
    ],
    [
        "Hi, I'm the Director of Operations at a 500-person manufacturer. We use Walnut and spreadsheets, "
        "renewal is coming up and we need to decide by March. How much does it cost?",
        "Actually we're 800 people now",
        "not sure, maybe 100k",
        "our CFO and IT",
        "dana@northwind.example",
    ],
    ["I'm a student working on my thesis about ops software, can you help?"],
    [
        "just browsing",
        "no idea",
        "hmm",
        "what?",
        "12 people",
        "no rush",
        "just me",
        "bob@tiny.example",
    ],
]


def fixed_clock() -> datetime:
    return datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def run(min_turns: int) -> None:
    engine = Engine(load_flow(FLOW), clock=fixed_clock)
    turn_ns: list[int] = []
    resume_ns: list[int] = []
    sessions = 0
    started = time.perf_counter()
    while len(turn_ns) < min_turns:
        script = SCRIPTS[sessions % len(SCRIPTS)]
        session = engine.start(context={"page": "/pricing"}, reference_date="2026-01-15")
        for message in script:
            if session.done:
                break
            t0 = time.perf_counter_ns()
            session.send(message)
            t1 = time.perf_counter_ns()
            saved = session.state.model_dump_json()
            session = engine.resume(saved)
            t2 = time.perf_counter_ns()
            turn_ns.append(t1 - t0)
            resume_ns.append(t2 - t1)
        sessions += 1
    wall = time.perf_counter() - started

    def pct(values: list[int], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1000

    print(
        f"turns measured        {len(turn_ns):>10,}  ({sessions:,} sessions, rule-based understanding)"
    )
    print(f"turn median           {statistics.median(turn_ns) / 1000:>10.1f} µs")
    print(f"turn p99              {pct(turn_ns, 0.99):>10.1f} µs")
    print(
        f"dump+resume median    {statistics.median(resume_ns) / 1000:>10.1f} µs per turn (stateless worker)"
    )
    print(f"dump+resume p99       {pct(resume_ns, 0.99):>10.1f} µs")
    print(
        f"sessions per second   {sessions / wall:>10,.0f}  (start + all turns + dump/resume each turn, one core)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--turns", type=int, default=10_000, help="minimum number of turns to measure"
    )
    run(parser.parse_args().turns)
