"""Blocks that move between flows or end them: Transfer to flow, Invoke module, Return,
End flow / Resume, Disconnect."""

from __future__ import annotations

from ..engine.context import RunContext
from ..engine.outcome import Outcome, end, error, invoke_module, module_return, transfer_to_flow
from ..flow.model import Action
from . import checks
from .registry import CUSTOMER_QUEUE, INBOUND, TRANSFER, BlockSpec

# TransferToFlow targets: inbound and transfer flows (Admin Guide "Transfer to flow").
TRANSFER_TARGET_TYPES = INBOUND | TRANSFER


def _unresolved(ctx: RunContext, action: Action, parameter: str, raw: object, value: str | None) -> Outcome:
    shown = value or raw
    ctx.note(f"{ctx.where(action)}: {parameter} {shown!r} names no loaded flow")
    return error(note=f"{parameter} {shown!r} names no loaded flow")


def run_transfer_to_flow(ctx: RunContext, action: Action) -> Outcome:
    raw = action.parameters.get("ContactFlowId")
    ref = ctx.resolve(raw)
    target = ctx.resolve_flow(ref, action, "ContactFlowId")
    if target is None:
        return _unresolved(ctx, action, "ContactFlowId", raw, ref)
    if target.is_module:
        return error(note=f"{target.name!r} is a flow module, not a flow")
    target_type = ctx.flow_type_of(target)
    if target_type is not None and target_type not in TRANSFER_TARGET_TYPES:
        return error(note=f"{target.name!r} is a {target_type} flow; TransferToFlow needs an inbound or transfer flow")
    return transfer_to_flow(target, f"to {target.name}")


def run_invoke_module(ctx: RunContext, action: Action) -> Outcome:
    if ctx.frame.is_module:
        return error(note="a module cannot invoke another module")
    raw = action.parameters.get("FlowModuleId")
    ref = ctx.resolve(raw)
    target = ctx.resolve_flow(ref, action, "FlowModuleId")
    if target is None:
        return _unresolved(ctx, action, "FlowModuleId", raw, ref)
    if not target.is_module:
        return error(note=f"{target.name!r} is a flow, not a flow module")
    return invoke_module(target, f"module {target.name}")


def run_module_return(ctx: RunContext, action: Action) -> Outcome:
    if not ctx.frame.is_module:
        return error(note="Return (EndFlowModuleExecution) only works in a flow module")
    return module_return()


def run_end_flow(ctx: RunContext, action: Action) -> Outcome:
    if ctx.flow_type == "CONTACT_FLOW":
        # In an inbound (or disconnect) flow, End flow acts exactly as Disconnect.
        return end("disconnected", "End flow in an inbound flow disconnects")
    return end("flow_ended", f"End flow in a {ctx.flow_type} flow")


def run_disconnect(ctx: RunContext, action: Action) -> Outcome:
    return end("disconnected")


def check_transfer(action: Action) -> list[checks.Finding]:
    return checks.required(action, "ContactFlowId")


def check_invoke(action: Action) -> list[checks.Finding]:
    return checks.required(action, "FlowModuleId")


SPECS = (
    BlockSpec(
        action_type="TransferToFlow",
        run=run_transfer_to_flow,
        console_name="Transfer to flow",
        branches=("Success", "NoMatchingError"),
        flow_types=INBOUND | TRANSFER,
        model="Goes on at the target flow's start with the same contact (flow attributes and loop "
        "counters start afresh, $.External is kept). Error when ContactFlowId names no loaded flow "
        "(noted in the trace) or a flow of a type that cannot be a transfer target.",
        family="flow control",
        check=check_transfer,
    ),
    BlockSpec(
        action_type="InvokeFlowModule",
        run=run_invoke_module,
        console_name="Invoke module",
        branches=("Success", "NoMatchingError"),
        flow_types=INBOUND,
        model="Runs the module with the caller's flow type and contact, with its own empty "
        "$.External, $.Lex and stored input (the caller's come back on return), then goes on at "
        "NextAction. Error when the module is not loaded or called from a module.",
        family="flow control",
        check=check_invoke,
    ),
    BlockSpec(
        action_type="EndFlowModuleExecution",
        run=run_module_return,
        console_name="Return",
        branches=("Success",),
        model="Returns to the block after the calling Invoke module; a module run on its own ends "
        "(flow_ended).",
        family="flow control",
    ),
    BlockSpec(
        action_type="EndFlowExecution",
        run=run_end_flow,
        console_name="End flow / Resume",
        branches=("Success",),
        model="In an inbound (CONTACT_FLOW) flow it disconnects (disconnected); in other flow "
        "types it ends that flow only (flow_ended).",
        family="flow control",
    ),
    BlockSpec(
        action_type="DisconnectParticipant",
        run=run_disconnect,
        console_name="Disconnect / hang up",
        branches=("Success",),
        flow_types=INBOUND | CUSTOMER_QUEUE | TRANSFER,
        model="Ends the contact (disconnected); an active media stream ends with it.",
        family="flow control",
    ),
)
