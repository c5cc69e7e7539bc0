"""Run one scenario and check its expectations; the outcome renders the failure text."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..assertions import Mismatch, block_action, compare_branches, compare_messages, compare_stream
from ..blocks.registry import BlockRegistry
from ..engine.instance import Instance, merge_instance_dicts
from ..errors import ConnectflowError
from ..flow.library import FlowLibrary
from ..graph import path_pictures
from ..mocks import LambdaCall
from ..simulator import RunResult, SimulatedContact, Simulator, steps_matching
from .model import Expectation, Scenario


@dataclass
class ScenarioOutcome:
    scenario: Scenario
    result: RunResult | None = None
    mismatches: list[Mismatch] = field(default_factory=list)
    error: ConnectflowError | None = None
    library: FlowLibrary | None = None  # the flows the scenario ran against

    @property
    def passed(self) -> bool:
        return self.error is None and not self.mismatches

    def render(self, *, graph: bool = False) -> str:
        """The failure text; with `graph`, followed by a Mermaid picture of the path taken in each
        flow it ran (ini connectflow_graph_failures)."""
        s = self.scenario
        lines = [f"{s.index.file}:{s.line}: scenario {s.name!r} failed"]
        if self.error is not None:
            lines.append(str(self.error))
        for mismatch in self.mismatches:
            lines += ["", mismatch.render()]
        trace = self.result.trace if self.result is not None else (self.error.trace if self.error else None)
        if trace is not None:
            lines += ["", trace.describe(s.flow)]
            if graph and self.library is not None:
                lines += ["", path_pictures(trace.steps, self.library)]
        return "\n".join(lines)


def _where(scenario: Scenario, exp: Expectation, key: str | None) -> tuple[str, str]:
    line = exp.item_lines.get(key, exp.line) if key is not None else exp.line
    return f"{scenario.index.file}:{line}", scenario.index.source_line(line)


def run_scenario(
    scenario: Scenario,
    library: FlowLibrary,
    *,
    instance_layers: tuple[Mapping[str, Any], ...] = (),
    max_steps: int = 1000,
    registry: BlockRegistry | None = None,
    seed: str = "0",
    handler_roots: tuple[str, ...] = (),
    strict_mocks: bool = False,
    layers_instance: Instance | None = None,
) -> ScenarioOutcome:
    """Run the scenario's flow with its contact, inputs and mocks; compare every expectation.

    `layers_instance` is the Instance `instance_layers` make, when the caller keeps one for all
    the scenarios of a file: a scenario without `instance:` runs in it as it is."""
    if scenario.native:  # an Amazon Connect test case run on the scenario's flow (native/)
        from ..native.runner import run_referenced

        return run_referenced(scenario, library, instance_layers=instance_layers, max_steps=max_steps,
                              registry=registry, seed=seed)
    outcome = ScenarioOutcome(scenario, library=library)
    try:
        if layers_instance is not None and not scenario.instance:
            instance = layers_instance
        else:
            instance = Instance.from_dict(merge_instance_dicts(*instance_layers, scenario.instance))
        simulator = Simulator(
            library,
            instance=instance,
            max_steps=max_steps,
            registry=registry,
            handler_roots=(os.path.dirname(scenario.file), *handler_roots),  # not .parent: a new Path per run
        )
        result = simulator.run(
            scenario.flow,
            contact=SimulatedContact(channel=scenario.channel, attributes=scenario.attributes, **scenario.contact),
            inputs=scenario.inputs,
            lambdas=scenario.lambdas,
            hours=scenario.hours,
            mocks={"queues": scenario.queues, "distribution": scenario.distribution, **scenario.services},
            seed=f"{seed}:{scenario.file.name}::{scenario.name}",
            clock=scenario.clock,
            journey=scenario.journey,
        )
    except ConnectflowError as exc:
        outcome.error = exc
        return outcome
    outcome.result = result
    for exp in scenario.expectations:
        for mismatch in check(exp, result, library):
            mismatch.where, mismatch.source = _where(scenario, exp, mismatch.key)
            outcome.mismatches.append(mismatch)
    if strict_mocks and result.unused_mocks:
        outcome.mismatches.append(
            Mismatch("mocks no block used (strict mocks)", "every mock used",
                     ", ".join(result.unused_mocks), where=f"{scenario.index.file}:{scenario.line}")
        )
    expected_end = scenario.expectation("ended")
    if result.ended == "error" and (expected_end is None or expected_end.value != "error"):
        if expected_end is None:
            outcome.mismatches.append(
                Mismatch("the run ended in error", "a run that ends without error", f"error: {result.reason}",
                         where=f"{scenario.index.file}:{scenario.line}")
            )
    return outcome


def check(exp: Expectation, result: RunResult, library: FlowLibrary) -> list[Mismatch]:
    """One expectation against the run; unknown block names are reported as mismatches."""
    try:
        found = _CHECKS[exp.key](exp.value, result, library)
    except ConnectflowError as exc:
        return [Mismatch(f"expect.{exp.key}: {exc.message}", "", "")]
    if isinstance(found, list):
        return found
    return [] if found is None else [found]


def _check_path(value: list[str], result: RunResult, library: FlowLibrary) -> Mismatch | None:
    refs = [library.block(str(name)) for name in value]
    steps = result.steps
    same = len(refs) == len(steps) and all(r.matches(s.flow, s.identifier) for r, s in zip(refs, steps, strict=True))
    if same:
        return None
    first = next(
        (i for i, (r, s) in enumerate(zip(refs, steps, strict=False)) if not r.matches(s.flow, s.identifier)),
        min(len(refs), len(steps)),
    )
    if first < len(refs) and first < len(steps):
        detail = f"first difference at step {first + 1}: expected {refs[first].text!r}, ran {steps[first].identifier!r}"
    elif first < len(refs):
        detail = f"the run stopped after {len(steps)} blocks; expected next: {refs[first].text!r}"
    else:
        detail = f"the run went on after {len(refs)} blocks with {steps[first].identifier!r}"
    return Mismatch(
        "expect.path",
        "[" + ", ".join(r.text for r in refs) + "]",
        "[" + ", ".join(s.identifier for s in steps) + "]",
        details=[detail],
    )


def _check_branches(value: dict[str, Any], result: RunResult, library: FlowLibrary) -> list[Mismatch]:
    problems: list[Mismatch] = []
    for block, expected in value.items():
        ref = library.block(str(block))
        runs = steps_matching(ref, result.steps)
        mismatch = compare_branches(str(block), expected, runs, block_action(result, str(block)))
        if mismatch is not None:
            mismatch.what = f"expect.{mismatch.what}"
            mismatch.key = str(block)
            problems.append(mismatch)
    return problems


def _check_media(value: Any, result: RunResult, library: FlowLibrary) -> Mismatch | None:
    mismatch = compare_stream(value, result)
    if mismatch is not None:
        mismatch.what = "expect.media_streaming"
    return mismatch


def _check_attributes(value: dict[str, str], result: RunResult, library: FlowLibrary) -> Mismatch | None:
    actual = result.attributes
    wrong = {k: v for k, v in value.items() if actual.get(k) != v}
    if not wrong:
        return None
    return Mismatch(
        "expect.attributes",
        ", ".join(f"{k}={v!r}" for k, v in wrong.items()),
        ", ".join(f"{k}={actual[k]!r}" if k in actual else f"{k} unset" for k in wrong),
        details=[f"all attributes at the end: {actual}"],
    )


def _check_ended(value: str, result: RunResult, library: FlowLibrary) -> Mismatch | None:
    if result.ended == value:
        return None
    details = [f"why: {result.reason}"] if result.reason else []
    return Mismatch("expect.ended", value, str(result.ended), details=details)


def _check_queue(value: str, result: RunResult, library: FlowLibrary) -> Mismatch | None:
    queue = result.contact.queue
    if queue is not None and value in (queue.name, queue.arn, queue.id):
        return None
    return Mismatch("expect.queue", value, queue.name if queue else "no queue set")


def _check_lambda_calls(value: list[dict[str, Any]], result: RunResult, library: FlowLibrary) -> Mismatch | None:
    calls = result.lambda_calls

    def fits(expected: Mapping[str, Any], call: LambdaCall) -> bool:
        sent = call.parameters
        return expected["function"] in call.names() and all(
            sent.get(k) == v for k, v in (expected.get("parameters") or {}).items()
        )

    if len(value) == len(calls) and all(fits(e, c) for e, c in zip(value, calls, strict=True)):
        return None

    def show(function: str, parameters: Mapping[str, Any]) -> str:
        return f"{function}({', '.join(f'{k}={v!r}' for k, v in parameters.items())})"

    return Mismatch(
        "expect.lambda_calls",
        "[" + ", ".join(show(e["function"], e.get("parameters") or {}) for e in value) + "]",
        "[" + ", ".join(show(c.function, c.parameters) for c in calls) + "]",
        details=[
            f"call {i + 1} at {c.block!r}" + (f" failed: {c.error}" if c.error else "") for i, c in enumerate(calls)
        ],
    )


def _check_messages(value: list[Any], result: RunResult, library: FlowLibrary) -> Mismatch | None:
    mismatch = compare_messages(value, result.messages, ordered=True)
    if mismatch is not None:
        mismatch.what = "expect.messages"
    return mismatch


def _check_messages_include(value: list[Any], result: RunResult, library: FlowLibrary) -> Mismatch | None:
    mismatch = compare_messages(value, result.messages, ordered=False)
    if mismatch is not None:
        mismatch.what = "expect.messages_include"
    return mismatch


def _check_flows(value: list[str], result: RunResult, library: FlowLibrary) -> Mismatch | None:
    actual = result.flows
    if len(value) == len(actual) and all(
        name == got or library.lookup(str(name)) is library.lookup(got) for name, got in zip(value, actual, strict=True)
    ):
        return None
    return Mismatch("expect.flows", "[" + ", ".join(value) + "]", "[" + ", ".join(actual) + "]",
                    details=[f"journey: {'; '.join(result.events)}"] if result.events else [])


_CHECKS: dict[str, Callable[[Any, RunResult, FlowLibrary], Mismatch | list[Mismatch] | None]] = {
    "path": _check_path,
    "branches": _check_branches,
    "media_streaming": _check_media,
    "attributes": _check_attributes,
    "ended": _check_ended,
    "queue": _check_queue,
    "lambda_calls": _check_lambda_calls,
    "messages": _check_messages,
    "flows": _check_flows,
    "messages_include": _check_messages_include,
}
