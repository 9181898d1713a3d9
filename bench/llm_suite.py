"""LLM personas against a loopback OpenAI-compatible server: efficiency, CPU per call, replay.

Run: PYTHONPATH=src python bench/llm_suite.py. The server (tests/llm/fakeserver.py) runs in a
subprocess, so its CPU is not counted; it answers every request after a fixed latency. All
figures are measured in this run; nothing leaves 127.0.0.1.

- efficiency = ideal / wall, ideal = max(calls x latency / concurrency, longest conversation's
  calls x latency), over the whole example suite at every point (`--quick` plays a 3-persona
  subset at concurrency 1 and 1.0 s, about 80 s shorter; the ratio hardly depends on the
  suite's size there). litellm's import and first-call set-up happen before the timed runs.
- CPU per call: the same request sent N times through `LLMClient.complete` (cache off, and
  cache on with a write per call) and through bare `litellm.acompletion`.
- replay: the suite served from the cache beside the offline (scripted) suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FLOW = ROOT / "flows" / "saas_inbound.yaml"
PERSONAS = ROOT / "personas"
SERVER = ROOT / "tests" / "llm" / "fakeserver.py"


def start_server(latency: float) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, str(SERVER), "--latency", str(latency)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    return proc, f"http://127.0.0.1:{port}/v1"


def llm_options(base: str, cache: Path, mode: str, concurrency: int) -> Any:
    """What `convodesk test --model openai/fake --api-base BASE -j N` builds from its flags."""
    from convodesk.llm.cache import CacheMode
    from convodesk.llm.config import LLMConfig
    from convodesk.llm.suite import LLMOptions

    config = LLMConfig(
        model="openai/fake", api_base=base, api_key="sk-test", concurrency=concurrency, retries=0
    )
    options = LLMOptions(
        config=config,
        personas=True,
        understanding="rules",
        judge=False,
        cache_dir=cache,
        cache_mode=CacheMode(mode),
    )
    return options


async def suite(flow: Any, personas: list[Any], options: Any | None) -> tuple[float, Any]:
    """The suite as `convodesk test` runs it (`run_configured_suite`); `options` None: offline."""
    from convodesk.sim.suite_run import run_configured_suite

    started = time.perf_counter()
    run = await run_configured_suite(flow, personas, options=options, concurrency=8)
    return time.perf_counter() - started, run


async def efficiency(
    flow: Any, personas: list[Any], latency: float, levels: list[int], quick: bool
) -> None:
    proc, base = start_server(latency)
    try:
        # litellm's import (~3 s) and first call's lazy setup are start-up, not per-call cost.
        from convodesk.llm.suite import LLMRun

        warm = LLMRun(llm_options(base, Path(tempfile.mkdtemp()), "off", 1))
        await warm.client.complete([{"role": "user", "content": "warm up"}])
        for concurrency in levels:
            cast = personas[:3] if quick and concurrency == 1 and latency >= 1.0 else personas
            options = llm_options(base, Path(tempfile.mkdtemp()), "off", concurrency)
            wall, run = await suite(flow, cast, options)
            result = run.result
            per = [u.attempts for u in run.llm.accounting.by_conversation.values()]
            calls, longest = sum(per), max(per)
            ideal = max(calls * latency / concurrency, longest * latency)
            errors = sum(1 for c in result.conversations if c.persona_error)
            print(
                f"  latency {latency:.1f}s  concurrency {concurrency:>2}: {len(cast):>2} conversations, "
                f"{calls:>3} calls, wall {wall:6.2f}s, ideal {ideal:6.2f}s, efficiency {ideal / wall:.2f}"
                + (f"  ({errors} persona errors)" if errors else "")
            )
    finally:
        proc.terminate()
        proc.wait()


async def cpu_per_call(n: int) -> None:
    from convodesk.llm import lazy
    from convodesk.llm.cache import CacheMode, ResponseCache
    from convodesk.llm.client import LLMClient
    from convodesk.llm.config import LLMConfig
    from convodesk.llm.persona import PROMPT

    litellm = lazy.litellm()
    proc, base = start_server(0.0)
    messages = [
        {"role": "system", "content": PROMPT},
        {
            "role": "user",
            "content": "Hi, I'm Ava, Relay's AI assistant. What brings you to Relay today?",
        },
    ]
    try:

        async def bare(i: int) -> None:
            await litellm.acompletion(
                model="openai/fake",
                api_base=base,
                api_key="sk-test",
                timeout=30,
                num_retries=0,
                messages=[*messages, {"role": "user", "content": f"bare {i}"}],
            )

        def ours(mode: CacheMode) -> Any:
            config = LLMConfig(model="openai/fake", api_base=base, api_key="sk-test", retries=0)
            client = LLMClient(config, ResponseCache(tempfile.mkdtemp(), mode))

            async def call(i: int) -> None:
                await client.complete(
                    [*messages, {"role": "user", "content": f"ours {mode} {i}"}],
                    conversation="bench",
                    turn=i,
                    purpose="persona",
                )

            return call

        for warm in range(20):  # connection pools, lazy imports
            await bare(-warm)
        rows = []
        for _round in range(3):  # interleave to share any drift between the two
            for name, fn in (
                ("bare litellm.acompletion", bare),
                ("convodesk client, cache off", ours(CacheMode.OFF)),
                ("convodesk client, cache on ", ours(CacheMode.READ_WRITE)),
            ):
                started = time.process_time()
                for i in range(n):
                    await fn(i)
                rows.append((name, (time.process_time() - started) / n * 1000))
        best: dict[str, float] = {}
        for name, ms in rows:
            best[name] = min(ms, best.get(name, ms))
        bare_ms = best["bare litellm.acompletion"]
        for name, ms in best.items():
            extra = "" if name.startswith("bare") else f"  (+{ms - bare_ms:.2f} ms over bare)"
            print(f"  {name}: {ms:.2f} ms CPU per call{extra}")
    finally:
        proc.terminate()
        proc.wait()


async def replay(flow: Any, personas: list[Any]) -> None:
    proc, base = start_server(0.0)
    cache = Path(tempfile.mkdtemp())
    try:
        await suite(flow, personas, llm_options(base, cache, "read_write", 64))
    finally:
        proc.terminate()
        proc.wait()
    offline = min([(await suite(flow, personas, None))[0] for _ in range(5)])
    replays = []
    for _ in range(5):
        options = llm_options("http://127.0.0.1:9/v1", cache, "replay", 64)  # nothing listens
        wall, run = await suite(flow, personas, options)
        assert not run.replay_misses
        assert not any(c.persona_error for c in run.result.conversations)
        replays.append(wall)
    hits = run.llm.accounting.total().cache_hits
    print(f"  offline scripted suite: {offline * 1000:.0f} ms ({len(personas)} conversations)")
    print(
        f"  cached LLM replay:      {min(replays) * 1000:.0f} ms ({hits} cache hits, 0 calls) = "
        f"{min(replays) / offline:.2f}x offline"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="Calls per CPU measurement.")
    parser.add_argument(
        "--quick", action="store_true", help="A 3-persona subset at concurrency 1 and 1.0 s."
    )
    args = parser.parse_args()
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    from convodesk.runtime import load_flow
    from convodesk.sim.persona import load_personas

    flow = load_flow(FLOW)
    personas = load_personas(PERSONAS, flow)
    started = time.perf_counter()
    print(f"LLM suite bench: {len(personas)} personas, flows/saas_inbound.yaml, loopback server")
    print("efficiency (ideal / wall):")
    for latency in (0.2, 1.0):
        await efficiency(flow, personas, latency, [1, 8, 20, 64], args.quick)
    print(f"CPU per call ({args.calls} sequential calls, best of 3 rounds):")
    await cpu_per_call(args.calls)
    print("replay from the cache:")
    await replay(flow, personas)
    print(f"bench total {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    asyncio.run(main())
