"""The record of a run: every step with the branch it took, and how the run ended."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from .labels import label

if TYPE_CHECKING:
    from ..flow.model import Action
    from .instance import Instance
    from .messages import Message


class Step(NamedTuple):
    """One block run. `branch` is None when the run stopped inside the block. (A NamedTuple: one
    is made per block run, and tuples are the cheapest immutable records to make.)"""

    number: int  # the step number, from 1
    flow: str
    flow_type: str
    identifier: str
    action_type: str
    branch: str | None
    note: str = ""
    module: bool = False
    action: Action | None = None

    @property
    def qualified(self) -> str:
        return f"{self.flow}/{self.identifier}"

    @property
    def label(self) -> str:
        """A short label: the prompt text, the Lambda or queue name (computed when asked for)."""
        return label(self.action) if self.action is not None else ""


@dataclass
class Trace:
    steps: list[Step] = field(default_factory=list)
    flows: list[str] = field(default_factory=list)  # every flow entered, in order, modules excluded
    ended: str | None = None
    reason: str = ""  # why the run ended in error, or other end notes
    notes: list[str] = field(default_factory=list)  # run-level notes (unresolved references...)
    inputs_left: list[str | None] = field(default_factory=list)
    instance: Instance | None = None  # names resources in the labels of `table`
    messages: list[Message] = field(default_factory=list)  # what the customer (or agent) was sent
    events: list[str] = field(default_factory=list)  # the journey's events, with their times

    def repeating_blocks(self, top: int = 5) -> list[tuple[str, int]]:
        counts = Counter(step.qualified for step in self.steps)
        return [(name, n) for name, n in counts.most_common(top) if n > 1]

    def describe(self, flow: str = "") -> str:
        """The heading and table failure messages show, plus why an error ending happened."""
        ended = self.ended or "(stopped)"
        lines = [f"Path taken ({' → '.join(self.flows) or flow}; ended: {ended}):", self.table()]
        if self.events:
            lines.append("journey: " + "; ".join(self.events))
        if self.ended == "error" and self.reason:
            lines.append(f"why it ended in error: {self.reason}")
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)

    def table(self, limit: int = 60) -> str:
        """The path as a table: step, flow, block, action type, branch."""
        rows = [("step", "flow", "block", "action type", "branch")]
        shown = self.steps if len(self.steps) <= limit else self.steps[: limit // 2] + self.steps[-limit // 2 :]
        for step in shown:
            text = label(step.action, self.instance) if step.action is not None else ""
            block = step.identifier + (f" [{text}]" if text else "")
            branch = step.branch if step.branch is not None else "-"
            if step.note:
                branch += f"  ({step.note})"
            rows.append((str(step.number), step.flow, block, step.action_type, branch))
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = ["  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4] for r in rows]
        if len(shown) < len(self.steps):
            lines.insert(limit // 2 + 1, f"... {len(self.steps) - len(shown)} steps not shown ...")
        return "\n".join(line.rstrip() for line in lines)
