"""Callbacks: Set callback number (UpdateContactCallbackNumber) and Transfer to queue on its
callback tab (CreateCallbackContact)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..engine import values
from ..engine.context import RunContext
from ..engine.outcome import Outcome, error, success
from ..flow.model import Action
from .queues import block_queue
from .registry import CUSTOMER_QUEUE, INBOUND, TRANSFER, VOICE, BlockSpec
from .telephony import E164_RE, static_or_reference, whole_seconds

# Prefixes an instance may not dial by default (Admin Guide "Countries you can call by default":
# UK mobile +447, Japan mobile +8170, +8180 and +8190 need a service quota increase).
NOT_DIALABLE_BY_DEFAULT = ("+447", "+8170", "+8180", "+8190")
MAX_DELAY_SECONDS = 259_200  # three days


def run_set_callback_number(ctx: RunContext, action: Action) -> Outcome:
    if ctx.contact.channel != "VOICE":
        # The block page: chat, task and email take the Invalid number branch, not Error.
        return error("InvalidCallbackNumber", f"Set callback number works on VOICE only, not {ctx.contact.channel}")
    params = action.parameters
    if "CallbackNumber" not in params:
        return error(note="the block has no CallbackNumber")
    raw = params["CallbackNumber"]
    value = ctx.resolve(raw)
    static = "" if values.is_reference(raw) else " (a static CallbackNumber; Amazon Connect requires a reference)"
    if value is None or not value.strip():
        return error("InvalidCallbackNumber", f"CallbackNumber {raw!r} is unset{static}")
    number = value.strip()
    if not number.startswith("+"):
        # "The + country code prefix is automatically prepended" (Set callback number page).
        number = "+" + number
    if not E164_RE.match(number):
        return error("InvalidCallbackNumber", f"{value!r} is not an E.164 phone number{static}")
    if number.startswith(NOT_DIALABLE_BY_DEFAULT):
        return error(
            "CallbackNumberNotDialable",
            f"{number} starts with a prefix instances cannot dial by default ({', '.join(NOT_DIALABLE_BY_DEFAULT)})",
        )
    # $.CustomerCallbackNumber in the attribute list; corpus flows also read it as $.CallbackNumber.
    ctx.contact.contact_data["CustomerCallbackNumber"] = number
    ctx.contact.contact_data["CallbackNumber"] = number
    return success(f"callback number {number}{static}")


def _setting(ctx: RunContext, params: Mapping[str, Any], name: str, low: int, high: int) -> int | str:
    if params.get(name) in (None, ""):
        return f"the block has no {name}"
    return whole_seconds(ctx, params[name], name, low, high)


def run_create_callback(ctx: RunContext, action: Action) -> Outcome:
    params = action.parameters
    queue = block_queue(ctx, action)
    if isinstance(queue, str):
        return error(note=queue)
    c = ctx.contact
    # The number set by Set callback number, else the customer's caller ID (Flow language reference).
    number = c.contact_data.get("CustomerCallbackNumber") or c.customer_endpoint
    if not number:
        return error(note="no callback number: none was set and the customer has no caller ID")
    record: dict[str, str] = {"CallbackNumber": str(number), "Queue": queue.name}
    if queue.arn:
        record["QueueARN"] = queue.arn
    flow_ref = params.get("ContactFlowId")
    if flow_ref not in (None, ""):
        flow_id = static_or_reference(ctx, flow_ref)
        if not flow_id:
            return error(note=f"ContactFlowId {flow_ref!r} is unset")
        record["ContactFlowId"] = flow_id
    # MaximumConnectionAttempts: the reference asks for more than zero, but console exports write
    # "0" (no retries), so 0 is accepted.
    limits = {
        "MaximumConnectionAttempts": (0, 1_000),
        "RetryDelaySeconds": (1, MAX_DELAY_SECONDS),
    }
    if "ContactFlowId" not in record:  # "If you specify a ContactFlowId, InitialCallDelaySeconds is ignored"
        limits = {"InitialCallDelaySeconds": (1, MAX_DELAY_SECONDS), **limits}
    for name, (low, high) in limits.items():
        setting = _setting(ctx, params, name, low, high)
        if isinstance(setting, str):
            return error(note=setting)
        record[name] = str(setting)
    callbacks: list[dict[str, str]] = c.data.setdefault("Callbacks", [])
    callbacks.append(record)
    return success(f"callback to {number} queued in {queue.name}")


SPECS = (
    BlockSpec(
        action_type="UpdateContactCallbackNumber",
        run=run_set_callback_number,
        console_name="Set callback number",
        branches=("Success", "InvalidCallbackNumber", "CallbackNumberNotDialable"),
        flow_types=INBOUND | CUSTOMER_QUEUE | TRANSFER,
        model="Sets $.CustomerCallbackNumber (also $.CallbackNumber) from CallbackNumber (usually "
        "$.StoredCustomerInput; a missing + is prepended). Not E.164 or unset → InvalidCallbackNumber; "
        "a prefix instances cannot dial by default (+447, +8170, +8180, +8190) → "
        "CallbackNumberNotDialable. CHAT, TASK and EMAIL take InvalidCallbackNumber, as the block page says.",
        family="callbacks",
    ),
    BlockSpec(
        action_type="CreateCallbackContact",
        run=run_create_callback,
        console_name="Transfer to queue (Transfer to callback queue)",
        branches=("Success", "NoMatchingError"),
        channels=VOICE,
        flow_types=INBOUND | CUSTOMER_QUEUE | TRANSFER,
        model="Records a callback contact in contact.data['Callbacks'] (callback number, queue, "
        "delays and attempts) and goes on at NextAction. The number is $.CustomerCallbackNumber, "
        "else the caller ID; the queue is QueueId or AgentId, else the working queue. Error "
        "without a queue or number or with a malformed setting; CHAT, TASK and EMAIL take Error.",
        family="callbacks",
    ),
)
