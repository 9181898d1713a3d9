"""The LLM flags `test` and `simulate` share, and turning them into `LLMOptions` (exit 2 on a
bad combination). Nothing here imports litellm."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from .errors import usage
from .loading import beside_project, project_root

if TYPE_CHECKING:
    from convodesk.llm.suite import LLMOptions

MODEL = typer.Option(
    None,
    "--model",
    help="Play the personas with this model (a litellm name, e.g. openai/gpt-4o-mini). "
    "Without it personas are scripted and the run is offline.",
    show_default=False,
)
JUDGE_MODEL = typer.Option(
    None,
    "--judge-model",
    help="Judge the personas' rubric items (expect.rubric) with this model. "
    "Default: the --model (or configured) model.",
    show_default=False,
)
UNDERSTANDING = typer.Option(
    None,
    "--understanding",
    help="How the bot reads buyer messages: rules (offline) or llm. "
    "Default: [llm] understanding in convodesk.toml, else rules.",
    show_default=False,
)
CACHE_DIR = typer.Option(
    None,
    "--cache-dir",
    help="LLM response cache folder. Default: .convodesk/llm-cache in the project folder.",
    show_default=False,
)
REPLAY = typer.Option(
    False,
    "--replay",
    help="Answer every LLM request from the cache only, never the network; a miss fails the "
    "run naming the conversation and turn, with a diff (for CI).",
)
NO_CACHE = typer.Option(False, "--no-cache", help="Neither read nor write the LLM cache.")
API_BASE = typer.Option(
    None,
    "--api-base",
    help="OpenAI-compatible server for the model (e.g. http://localhost:8000/v1); also "
    "CONVODESK_API_BASE or [llm] api_base. The key comes from CONVODESK_API_KEY (or the "
    "provider's own variable); with none, the server is sent a placeholder key.",
    show_default=False,
)


def llm_options(
    flow: Path,
    *,
    loaded: Any = None,
    model: str | None,
    judge_model: str | None,
    understanding: str | None,
    concurrency: int | None,
    cache_dir: Path | None,
    replay: bool,
    no_cache: bool,
    api_base: str | None,
) -> LLMOptions | None:
    """None for an offline run. convodesk.toml is looked up from the flow's project folder;
    `loaded` is the flow model, whose `understanding` key beats the project's."""
    from convodesk.llm.suite import OptionsError, build_llm_options

    try:
        return build_llm_options(
            model=model,
            judge_model=judge_model,
            understanding=understanding,
            concurrency=concurrency,
            cache_dir=cache_dir or beside_project(flow, ".convodesk/llm-cache"),
            replay=replay,
            no_cache=no_cache,
            api_base=api_base,
            project=project_root(flow) or flow.resolve().parent,
            flow_understanding=loaded.understanding if loaded is not None else None,
        )
    except OptionsError as exc:  # one line per problem: every bad setting at once
        *first, last = str(exc).splitlines() or ["bad LLM settings"]
        for line in first:
            print(f"convodesk: {line}", file=sys.stderr)
        raise usage(last) from None
