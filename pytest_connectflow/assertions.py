"""Assertion helpers and failure explanations, shared by YAML scenarios and Python tests."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .engine.messages import Message, plain_text
from .engine.trace import Step
from .flow.library import arn_id
from .flow.model import Action
from .simulator import RunResult

# The console's branch names, accepted as aliases of the real ones (DESIGN.md, "Branches").
BRANCH_ALIASES = {
    "Error": "NoMatchingError",
    "Timeout": "InputTimeLimitExceeded",
    "Default": "NoMatchingCondition",
    "No match": "NoMatchingCondition",
    "At capacity": "QueueAtCapacity",
}
_ALIAS_OF = {real: alias for alias, real in BRANCH_ALIASES.items() if alias != "No match"}


def branch_names_of(action: Action | None) -> list[str]:
    """The branch names a block's conditions take (operand, or Operator:operand if shared)."""
    return list(action.branch_names) if action is not None else []


def canonical_branch(expected: str | None, action: Action | None) -> str | None:
    """An expected branch in the engine's spelling; a condition operand wins over an alias;
    None: interrupted, no branch."""
    if expected is None:
        return None
    names = branch_names_of(action)
    if expected in names:
        return expected
    if action is not None:
        for condition in action.conditions:
            if f"{condition.operator}:{condition.operand}" == expected and condition.operand in names:
                return condition.operand
    return BRANCH_ALIASES.get(expected, expected)


def show_branch(name: str | None) -> str:
    """A branch with its console name beside it: `NoMatchingError (Error)`."""
    if name is None:
        return "(interrupted, no branch)"
    alias = _ALIAS_OF.get(name)
    return f"{name} ({alias})" if alias else name


def possible_branches(action: Action | None) -> list[str]:
    if action is None:
        return []
    names = branch_names_of(action)
    # Blocks that branch on a result never take their exported NextAction.
    if action.next_action is not None and not action.conditions:
        names = ["Success", *names]
    names += [e.error_type for e in action.errors]
    return list(dict.fromkeys(names))


@dataclass
class Mismatch:
    """One failed expectation: what, where, expected vs actual, and extra lines."""

    what: str
    expected: str
    actual: str
    where: str = ""
    source: str = ""
    details: list[str] = field(default_factory=list)
    key: str | None = None  # the entry of a mapping expectation it is about (a block name)

    def render(self) -> str:
        head = f"{self.where}: {self.what}" if self.where else self.what
        lines = [head]
        if self.source:
            lines.append(f"    | {self.source.rstrip()}")
        if self.expected or self.actual:
            lines += [f"  expected: {self.expected}", f"  actual:   {self.actual}"]
        lines += [f"  {d}" for d in self.details]
        return "\n".join(lines)


def compare_branches(
    block: str, expected: str | Sequence[str | None] | None, runs: Sequence[Step], action: Action | None
) -> Mismatch | None:
    actual = [s.branch for s in runs]
    if not runs:
        return Mismatch(f"branches[{block}]", _show(expected), "the block did not run")
    if expected is None or isinstance(expected, str):
        want = canonical_branch(expected, action)
        if actual[-1] == want:
            return None
        details = []
        if len(actual) > 1:
            details.append(f"every run: {', '.join(show_branch(a) for a in actual)}")
        options = possible_branches(action)
        if options:
            details.append("possible branches: " + ", ".join(show_branch(o) for o in options))
        return Mismatch(f"branches[{block}] (last run)", show_branch(want), show_branch(actual[-1]), details=details)
    wants = [canonical_branch(e, action) for e in expected]
    if wants == actual:
        return None
    return Mismatch(
        f"branches[{block}] (every run)",
        "[" + ", ".join(show_branch(w) for w in wants) + "]",
        "[" + ", ".join(show_branch(a) for a in actual) + "]",
    )


def _show(expected: str | Sequence[str | None] | None) -> str:
    if expected is None or isinstance(expected, str):
        return show_branch(expected)
    return "[" + ", ".join(show_branch(e) for e in expected) + "]"


class ConnectflowAssertionError(AssertionError):
    """An assertion helper's failure: the mismatch, then the path the contact took."""

    __module__ = "pytest_connectflow"


def _fail(mismatch: Mismatch, result: RunResult) -> ConnectflowAssertionError:
    return ConnectflowAssertionError(mismatch.render() + "\n\n" + result.trace.describe(result.flow))


def assert_branch_taken(result: RunResult, block: str, branch: str | Sequence[str | None] | None) -> None:
    """Assert the branch of a block's last run (a string) or of every run (a list)."""
    __tracebackhide__ = True
    assert isinstance(result, RunResult), "assert_branch_taken needs the result of connectflow.run()"
    mismatch = compare_branches(block, branch, result.steps_of(block), block_action(result, block))
    if mismatch is not None:
        raise _fail(mismatch, result) from None


def block_action(result: RunResult, block: str) -> Action | None:
    """The action a block name means in this run: the one that ran, else the first candidate."""
    runs = result.steps_of(block)
    if runs:
        return result.library.action(runs[0].flow, runs[0].identifier)
    return result.library.action(*result.library.block(block).candidates[0])


def assert_stream_state(result: RunResult, state: str | dict[str, bool]) -> None:
    """Assert the media stream at the end: `not_started`, `streaming`, `stopped`, or a direction
    map such as {"From": True, "To": False}."""
    __tracebackhide__ = True
    assert isinstance(result, RunResult), "assert_stream_state needs the result of connectflow.run()"
    mismatch = compare_stream(state, result)
    if mismatch is not None:
        raise _fail(mismatch, result) from None


def compare_stream(state: str | dict[str, bool], result: RunResult) -> Mismatch | None:
    media = result.media_streaming
    details = media.describe().splitlines()
    if isinstance(state, dict):
        actual = {d: bool(media.directions.get(d)) for d in state}
        if actual == {d: bool(v) for d, v in state.items()}:
            return None
        return Mismatch("media_streaming", str(state), str(dict(media.directions)), details=details)
    if media.state == state:
        return None
    return Mismatch("media_streaming", state, media.state, details=details)


MessageExpectation = str | Mapping[str, str]


def message_matches(expected: MessageExpectation, message: Message) -> bool:
    """A string is the whole text (SSML tags stripped, whitespace collapsed); `contains`, `regex`
    and `prompt` (a prompt by name, Id or ARN) test one aspect."""
    if isinstance(expected, str):
        return message.kind != "prompt" and message.text == plain_text(expected)
    if "contains" in expected:
        return expected["contains"] in message.text
    if "regex" in expected:
        return re.search(expected["regex"], message.text) is not None
    if "prompt" in expected:
        wanted = expected["prompt"]
        return message.kind == "prompt" and wanted in {message.prompt, message.content, arn_id(message.content)}
    raise ValueError(f"a message expectation is a string or one of contains, regex, prompt: {expected!r}")


def show_expected(expected: MessageExpectation) -> str:
    if isinstance(expected, str):
        return repr(plain_text(expected))
    (key, value), = expected.items()
    return f"{key}: {value!r}"


def sent_lines(messages: Sequence[Message]) -> list[str]:
    """The messages actually sent, numbered."""
    return [f"  {i}. {m.describe()}" for i, m in enumerate(messages, 1)] or ["  (no message was sent)"]


def compare_messages(expected: Sequence[MessageExpectation], messages: Sequence[Message], *,
                     ordered: bool) -> Mismatch | None:
    """`ordered`: every message, in order (expect.messages); else each expected one among them
    (expect.messages_include)."""
    if ordered:
        if len(expected) == len(messages) and all(
            message_matches(e, m) for e, m in zip(expected, messages, strict=True)
        ):
            return None
        first = next((i for i, (e, m) in enumerate(zip(expected, messages, strict=False))
                      if not message_matches(e, m)), min(len(expected), len(messages)))
        detail = f"first difference at message {first + 1}"
        what = "messages"
    else:
        missing = [e for e in expected if not any(message_matches(e, m) for m in messages)]
        if not missing:
            return None
        detail = "not sent: " + ", ".join(show_expected(e) for e in missing)
        what = "messages_include"
    return Mismatch(
        what,
        "\n" + "\n".join(f"  {i}. {show_expected(e)}" for i, e in enumerate(expected, 1)),
        "\n" + "\n".join(sent_lines(messages)),
        details=[detail],
    )


def assert_message_sent(
    result: RunResult,
    text: str | None = None,
    *,
    contains: str | None = None,
    regex: str | None = None,
    prompt: str | None = None,
) -> None:
    """Assert the customer was sent a message: its whole `text`, or one that `contains` a text,
    matches a `regex`, or plays a `prompt` (by name, Id or ARN)."""
    __tracebackhide__ = True
    given = {k: v for k, v in {"contains": contains, "regex": regex, "prompt": prompt}.items() if v is not None}
    if (text is None) == (not given) or len(given) > 1:
        raise TypeError("assert_message_sent takes one of text, contains=, regex=, prompt=")
    expected: MessageExpectation = text if text is not None else given
    mismatch = compare_messages([expected], result.messages, ordered=False)
    if mismatch is not None:
        mismatch.what = "message sent"
        raise _fail(mismatch, result) from None
