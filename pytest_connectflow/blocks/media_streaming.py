"""Start and Stop media streaming (UpdateContactMediaStreamingBehavior).

Facts (Admin Guide "Start media streaming" / "Stop media streaming", Flow language reference):
voice only; the instance needs live media streaming; allowed in inbound, customer queue, whisper
and transfer flows, not hold flows; audio is captured until a Stop block runs, across flows.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from ..engine.contact import DIRECTIONS, MediaStreamEvent
from ..engine.context import RunContext
from ..engine.instance import Instance
from ..engine.outcome import Outcome, error, success
from ..flow.model import Action
from . import checks
from .registry import CUSTOMER_QUEUE, INBOUND, TRANSFER, VOICE, WHISPER, BlockSpec

STREAMING_FLOW_TYPES = INBOUND | CUSTOMER_QUEUE | WHISPER | TRANSFER


def _instance_check(ctx: RunContext, action: Action) -> str | None:
    if not ctx.instance.live_media_streaming:
        return "live media streaming is not enabled on the instance"
    return None


def _directions(action: Action) -> tuple[str, ...] | str:
    """The customer directions a Start block asks for, or why the parameters are invalid."""
    participants = action.parameters.get("Participants")
    if participants is None:
        return DIRECTIONS  # Stop blocks exported without properties
    if not isinstance(participants, list):
        return "Participants must be a list"
    wanted: list[str] = []
    for entry in participants:
        if not isinstance(entry, dict) or entry.get("ParticipantType") != "Customer":
            return "only the Customer participant can be streamed"
        dirs = entry.get("MediaDirections") or []
        if not isinstance(dirs, list) or any(d not in DIRECTIONS for d in dirs):
            return f"MediaDirections must be a list of From/To, not {dirs!r}"
        wanted += [d for d in dirs if d not in wanted]
    return tuple(d for d in DIRECTIONS if d in wanted)


def _event(
    ctx: RunContext, action: Action, kind: Literal["start", "stop"], directions: tuple[str, ...]
) -> MediaStreamEvent:
    return MediaStreamEvent(kind, directions, flow=ctx.flow.name, flow_type=ctx.flow_type,
                            block=action.identifier, step=ctx.step)


def run(ctx: RunContext, action: Action) -> Outcome:
    state = action.parameters.get("MediaStreamingState")
    media = ctx.contact.media
    if state == "Disabled":
        if not media.streaming:
            return success("nothing was streaming: no-op")
        for direction in media.directions:
            media.directions[direction] = False
        media.stop_timestamp = _timestamp(ctx)
        media.history.append(_event(ctx, action, "stop", ()))
        return success("media streaming stopped")
    if state != "Enabled":
        return error(note=f"MediaStreamingState must be Enabled or Disabled, not {state!r}")
    directions = _directions(action)
    if isinstance(directions, str):
        return error(note=directions)
    if not directions:
        return error(note="no MediaDirections to stream")
    for direction in DIRECTIONS:
        media.directions[direction] = direction in directions
    if media.stream_arn is None:
        media.stream_arn = stream_arn(ctx.instance, ctx.contact.contact_id)
        media.start_fragment_number = START_FRAGMENT
    media.start_timestamp = _timestamp(ctx)
    media.stop_timestamp = None
    media.history.append(_event(ctx, action, "start", directions))
    return success(f"streaming {', '.join(directions)}")


def check(action: Action) -> list[checks.Finding]:
    """Both blocks: MediaStreamingState Enabled/Disabled, Audio, Customer directions From/To
    (all static)."""
    problems = checks.enum(action, "MediaStreamingState", ("Enabled", "Disabled"))
    problems += checks.enum(action, "MediaStreamType", ("Audio",), optional=True)
    directions = _directions(action)
    if isinstance(directions, str):
        problems += checks.errors(directions)
    elif not directions and action.parameters.get("MediaStreamingState") == "Enabled":
        problems += checks.errors("Start media streaming needs at least one of the MediaDirections From, To")
    return problems


START_FRAGMENT = "91343852333181432392682062607743920146264440458"


def stream_arn(instance: Instance, contact_id: str) -> str:
    """The Kinesis Video stream Connect would create for this contact's customer audio."""
    digest = hashlib.sha1(contact_id.encode()).hexdigest()[:12]
    return f"arn:aws:kinesisvideo:{instance.region}:{instance.account}:stream/connect-contact-{digest}/1700000000000"


def _timestamp(ctx: RunContext) -> str:
    # Epoch milliseconds as Connect writes them; the simulated clock advances one second per step.
    return str(1700000000000 + ctx.step * 1000)


SPECS = (
    BlockSpec(
        action_type="UpdateContactMediaStreamingBehavior",
        run=run,
        console_name="Start media streaming / Stop media streaming",
        branches=("Success", "NoMatchingError"),
        channels=VOICE,
        precheck=_instance_check,
        flow_types=STREAMING_FLOW_TYPES,
        model=(
            "Enabled starts customer audio for the listed MediaDirections (From/To the customer), "
            "a second Start replaces them; Disabled stops the whole stream (Success and a trace "
            "note when nothing streams). Error on CHAT/TASK/EMAIL, without live media streaming on "
            "the instance, and in hold flows. The stream persists across flows, modules and queues "
            "until a Stop block runs or the contact ends; history records each start and stop."
        ),
        family="media streaming",
        check=check,
    ),
)
