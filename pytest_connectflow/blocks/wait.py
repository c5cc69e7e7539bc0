"""Wait: pause until the time limit passes (WaitCompleted) or an event such as the customer
returning (CustomerReturned) interrupts it."""

from __future__ import annotations

from ..engine.context import RunContext
from ..engine.outcome import Outcome, error, result
from ..errors import MissingMockError, MockError
from ..flow.model import Action
from ..mocks.services import find_answer
from .registry import CUSTOMER_QUEUE, INBOUND, BlockSpec
from .telephony import whole_seconds

MAX_WAIT_SECONDS = 604_800  # seven days
EVENTS = ("CustomerReturned", "BotParticipantDisconnected")


def run_wait(ctx: RunContext, action: Action) -> Outcome:
    params = action.parameters
    # Exports write TimeLimitSeconds; the Flow language reference names it TimeoutSeconds.
    name = next((n for n in ("TimeLimitSeconds", "TimeoutSeconds") if params.get(n) not in (None, "")), None)
    if name is None:
        return error(note="the block has no TimeLimitSeconds")
    seconds = whole_seconds(ctx, params[name], name, 1, MAX_WAIT_SECONDS)
    if isinstance(seconds, str):
        return error(note=seconds)
    events = params.get("Events", [])
    if not isinstance(events, list) or any(e not in EVENTS for e in events):
        return error(note=f"Events {events!r} must be a list of {', '.join(EVENTS)}")
    try:
        answer = find_answer(ctx, action, "wait", request={"TimeLimitSeconds": str(seconds), "Events": list(events)})
    except MissingMockError:
        # Nothing outside the flow decides a plain wait: the time simply passes.
        return result("WaitCompleted", f"waited {seconds} s")
    if answer.error:
        return error(answer.error, f"the wait failed: {answer.error}")
    outcome = answer.result or "WaitCompleted"
    if outcome == "WaitCompleted":
        return result(outcome, f"waited {seconds} s")
    if outcome not in EVENTS:
        raise MockError(
            f"mocks.wait answer for {action.identifier!r} is {outcome!r}; use WaitCompleted or one of "
            f"{', '.join(EVENTS)} (or an error)"
        )
    if outcome not in events:
        raise MockError(
            f"mocks.wait answers {outcome} for {action.identifier!r}, but the block does not wait for "
            f"that event (Events: {events or 'none'})"
        )
    if ctx.contact.channel == "TASK":
        # The block page: on a task it always takes Time Expired or Error.
        raise MockError(f"mocks.wait answers {outcome} for {action.identifier!r}, but a task contact only "
                        "completes the wait or takes Error")
    return result(outcome, f"{outcome} before {seconds} s passed")


SPECS = (
    BlockSpec(
        action_type="Wait",
        run=run_wait,
        console_name="Wait",
        branches=("WaitCompleted", "CustomerReturned", "BotParticipantDisconnected", "NoMatchingError"),
        channels=frozenset({"CHAT", "TASK", "EMAIL"}),
        flow_types=INBOUND | CUSTOMER_QUEUE,
        model="Waits TimeLimitSeconds (1 s to 7 days, static or a reference): WaitCompleted unless "
        "the mock says an event of Events came first (CustomerReturned; not on TASK). Without a "
        "mock the time simply passes (WaitCompleted). VOICE takes Error (the voice-only Keep "
        "running / event-based options are not modelled).",
        mocks="mocks.wait by block: WaitCompleted | CustomerReturned | {error: true} (default WaitCompleted)",
        family="wait",
    ),
)
