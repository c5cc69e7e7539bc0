"""Blocks that choose a branch from data: Check contact attributes (Compare) and Loop."""

from __future__ import annotations

from ..engine.context import RunContext
from ..engine.outcome import Outcome, error, result
from ..flow.model import Action
from .registry import BlockSpec


def run_compare(ctx: RunContext, action: Action) -> Outcome:
    ref = action.parameters.get("ComparisonValue")
    if ref is None:
        return error("NoMatchingCondition", "the block has no ComparisonValue")
    value = ctx.resolve(ref)
    return result(value, f"{ref} is unset" if value is None else f"{ref} = {value!r}")


def run_loop(ctx: RunContext, action: Action) -> Outcome:
    raw = ctx.resolve(action.parameters.get("LoopCount", "0"))
    try:
        count = int(str(raw).strip())
    except ValueError:
        return error(note=f"LoopCount {raw!r} is not a whole number")
    if not 0 <= count <= 100:
        return error(note=f"LoopCount {count} is outside 0..100")
    counters = ctx.frame.loop_counters
    done = counters.get(action.identifier, 0)
    if done < count:
        counters[action.identifier] = done + 1
        return result("ContinueLooping", f"loop {done + 1} of {count}")
    counters.pop(action.identifier, None)  # the counter resets after DoneLooping
    return result("DoneLooping", f"done after {count}")


SPECS = (
    BlockSpec(
        action_type="Compare",
        run=run_compare,
        console_name="Check contact attributes",
        branches=("<condition operand>", "NoMatchingCondition"),
        model="Resolves ComparisonValue and tests the Conditions in order (Equals, Text*, Number* "
        "with Connect's string/number rules); an unset value matches none (NoMatchingCondition).",
        family="branching",
    ),
    BlockSpec(
        action_type="Loop",
        run=run_loop,
        console_name="Loop",
        branches=("ContinueLooping", "DoneLooping"),
        model="ContinueLooping LoopCount times, then DoneLooping once and the counter resets; "
        "counters belong to the flow run (a TransferToFlow starts afresh).",
        family="branching",
    ),
)
