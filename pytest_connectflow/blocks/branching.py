"""Blocks that choose a branch from data: Check contact attributes (Compare), Loop and
Distribute by percentage."""

from __future__ import annotations

from ..engine import compare
from ..engine.context import RunContext
from ..engine.outcome import Outcome, error, result
from ..errors import ConnectflowError, MockError
from ..flow.model import Action
from .registry import CUSTOMER_QUEUE, INBOUND, TRANSFER, BlockSpec


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


# The console's names of the Default branch (NoMatchingCondition), accepted in mocks.distribution.
DEFAULT_ALIASES = ("NoMatchingCondition", "Default", "No match")


def _first_match(action: Action, value: str) -> int | None:
    """The index of the condition the engine takes for `value`, None for NoMatchingCondition."""
    for index, condition in enumerate(action.conditions):
        try:
            if compare.matches(condition.operator, value, condition.operand):
                return index
        except KeyError:  # an unknown operator; the engine reports it when it tests the draw
            return None
    return None


def _forced_branch(ctx: RunContext, action: Action) -> str | None:
    """The branch mocks.distribution forces for this block (keyed by block name), if any."""
    mocks = ctx.mocks.mocks.distribution
    for key in (action.identifier, f"{ctx.flow.name}/{action.identifier}"):
        if key in mocks:
            ctx.mocks.used.add(("distribution", key))
            return str(mocks[key])
    for key in mocks:
        try:
            ref = ctx.library.block(key)
        except ConnectflowError:  # names no block, or several: not this one
            continue
        if ref.matches(ctx.flow.name, action.identifier):
            ctx.mocks.used.add(("distribution", key))
            return str(mocks[key])
    return None


def run_distribute(ctx: RunContext, action: Action) -> Outcome:
    forced = _forced_branch(ctx, action)
    if forced is None:
        draw = ctx.random(action).randint(1, 100)
        return result(str(draw), f"drew {draw}")
    names = list(action.branch_names)
    operands = [c.operand for c in action.conditions]
    # A condition operand or branch name wins over the console alias (DESIGN.md "Branches").
    if forced in names:
        wanted: int | None = names.index(forced)
    elif forced in operands:
        wanted = operands.index(forced)
    elif forced in DEFAULT_ALIASES:
        wanted = None
    else:
        raise MockError(
            f"mocks.distribution forces {forced!r} for {ctx.where(action)}, which has no such branch; "
            f"its branches are: {', '.join([*names, 'NoMatchingCondition (Default)'])}"
        )
    # The value 1..100 that makes the engine take the wanted branch, so the trace stays honest.
    for value in range(1, 101):
        if _first_match(action, str(value)) == wanted:
            return result(str(value), f"forced {forced} by mocks.distribution (value {value})")
    raise MockError(
        f"mocks.distribution forces {forced!r} for {ctx.where(action)}, but no draw from 1 to 100 "
        "reaches that branch (an earlier condition always takes it first)"
    )


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
    BlockSpec(
        action_type="DistributeByPercentage",
        run=run_distribute,
        console_name="Distribute by percentage",
        branches=("<condition operand>", "NoMatchingCondition"),
        flow_types=INBOUND | CUSTOMER_QUEUE | TRANSFER,
        model="Draws a whole number 1..100, repeatable from ini connectflow_seed and the scenario "
        "id, and tests the NumberLessThan chain of Conditions (operand = running percentage + 1); "
        "none holds → NoMatchingCondition (Default). mocks.distribution forces a branch instead.",
        mocks="mocks.distribution by block: a condition operand, branch name, or Default / No match",
        family="branching",
    ),
)
