"""Amazon Q in Connect (CreateWisdomSession): associates a Q in Connect (formerly Wisdom) assistant
with the contact and keeps the new session's ARN in $.Wisdom.SessionArn."""

from __future__ import annotations

import uuid

from ..engine.context import RunContext
from ..engine.outcome import Outcome, error, success
from ..errors import MissingMockError, MockError
from ..flow.library import arn_id
from ..flow.model import Action
from ..mocks.services import ServiceAnswer, find_answer
from .registry import CUSTOMER_QUEUE, INBOUND, TRANSFER, BlockSpec

KIND = "wisdom"


def _optional_answer(ctx: RunContext, action: Action, assistant: str) -> ServiceAnswer | None:
    """The mock's answer when the test gives one. Creating a session has no outcome worth
    scripting unless a test wants the Error path or a given ARN, so no mock is needed."""
    try:
        return find_answer(ctx, action, KIND, (assistant, arn_id(assistant)),
                           {"action": action.type, "assistant": assistant})
    except MissingMockError:
        return None


def _session_arn(ctx: RunContext, action: Action, assistant: str) -> str:
    """A repeatable session ARN under the assistant: arn:aws:wisdom:REGION:ACCOUNT:session/ASSISTANT/ID."""
    session = uuid.uuid5(uuid.NAMESPACE_URL, f"connectflow/{ctx.contact.contact_id}/{assistant}/{ctx.step}")
    parts = assistant.split(":")
    region = parts[3] if len(parts) > 4 and parts[3] else ctx.instance.region
    account = parts[4] if len(parts) > 4 and parts[4] else ctx.instance.account
    return f"arn:aws:wisdom:{region}:{account}:session/{arn_id(assistant)}/{session}"


def run_create_session(ctx: RunContext, action: Action) -> Outcome:
    raw = action.parameters.get("WisdomAssistantArn")
    assistant = ctx.resolve(raw) if isinstance(raw, str) and raw.strip() else None
    if not assistant:
        return error(note=f"WisdomAssistantArn {raw!r} is missing or unset")
    if not (assistant.startswith("arn:") and ":assistant/" in assistant):
        return error(note=f"WisdomAssistantArn {assistant!r} is not an Amazon Q in Connect assistant ARN")
    answer = _optional_answer(ctx, action, assistant)
    if answer is not None:
        where = f"mocks.{KIND} answer for {action.identifier!r}"
        if answer.error is not None and answer.error != "NoMatchingError":
            raise MockError(f"{where}: error {answer.error!r} is not an error of CreateWisdomSession; use error: true")
        if answer.result is not None:
            raise MockError(f"{where}: CreateWisdomSession produces no result; give data: {{SessionArn: ...}}")
        if answer.error:
            return error(note=f"no session was created for assistant {assistant}")
    given = answer.data.get("SessionArn") if answer is not None else None
    session_arn = str(given) if given else _session_arn(ctx, action, assistant)
    ctx.contact.data["Wisdom"] = {"SessionArn": session_arn}
    return success(f"session {session_arn}")


SPECS = (
    BlockSpec(
        action_type="CreateWisdomSession",
        run=run_create_session,
        console_name="Amazon Q in Connect",
        branches=("Success", "NoMatchingError"),
        channels=frozenset({"VOICE", "CHAT", "EMAIL"}),
        flow_types=INBOUND | CUSTOMER_QUEUE | TRANSFER | {"OUTBOUND_WHISPER"},
        model="Creates a session of the WisdomAssistantArn assistant (Error when unset or not an assistant "
        "ARN) and writes its ARN to $.Wisdom.SessionArn: a generated, repeatable ARN, or the mock's "
        "data.SessionArn. No mock needed; error: true in mocks.wisdom takes Error. TASK takes Error.",
        mocks=f"optional: mocks.{KIND} by block or assistant ARN (data.SessionArn, error)",
        family="amazon q in connect",
    ),
)
