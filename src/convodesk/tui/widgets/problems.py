"""The validation problems of the flow, one per row, sorted by line; select one to jump there."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from convodesk.runtime.problems import Problem


class ProblemList(OptionList):
    """Rows read `12:5  error  steps[3].next: unknown step 'x'`, the same words as the CLI."""

    @dataclass
    class Jump(Message):
        line: int
        col: int

    def show(self, problems: list[Problem]) -> None:
        self.clear_options()
        self.problems = sorted(problems, key=lambda p: (p.line, p.col))
        if not self.problems:
            self.add_option(
                Option(Text("No problems: the flow is valid.", style="green"), disabled=True)
            )
            return
        for problem in self.problems:
            row = Text()
            row.append(f"{problem.line:>4}:{problem.col:<3} ", style="bold")
            if problem.severity == "error":
                row.append("error   ", style="bold red")
            else:
                row.append("warning ", style="bold yellow")
            if problem.path:
                row.append(f"{problem.path}: ", style="dim")
            row.append(problem.message)
            self.add_option(Option(row))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        problems = getattr(self, "problems", [])
        if 0 <= event.option_index < len(problems):
            problem = problems[event.option_index]
            self.post_message(self.Jump(problem.line, problem.col))
