"""The `convodesk` command. Each command lives in its own module; heavy libraries (litellm,
textual) are imported inside the command that needs them, so `--help` stays fast."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import typer

from convodesk import __version__

from .errors import Exit, report
from .registry import register_all


class _App(typer.Typer):
    """Commands return their exit code (0, 1, 2); this turns the return value into the exit."""

    def command(
        self, *args: Any, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        register = super().command(*args, **kwargs)

        def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(fn)
            def run(*a: Any, **k: Any) -> None:
                code = fn(*a, **k)
                if isinstance(code, int) and code != 0:
                    raise typer.Exit(code)

            register(run)
            return fn

        return decorate


app = _App(
    name="convodesk",
    help="Design, simulate, test and export B2B lead-qualification chatbots.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        print(f"convodesk {__version__}")
        raise typer.Exit(Exit.OK)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Design, simulate, test and export B2B lead-qualification chatbots."""


register_all(app)


def main() -> None:
    from convodesk.runtime.problems import LoadError

    try:
        app()
    except LoadError as exc:
        report(exc.problems)
        sys.exit(Exit.BAD_INPUT)


if __name__ == "__main__":
    main()
