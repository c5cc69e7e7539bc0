"""Lambda mocks: find the mock for a function, call it with Connect's event, validate the answer."""

from __future__ import annotations

import importlib
import importlib.machinery
import inspect
import json
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine.context import lambda_function_name
from ..engine.values import to_text
from ..errors import MissingMockError, MockError
from ..flow.model import Action
from ..flow.placeholders import substitute_text
from . import LambdaCall, MockState

if TYPE_CHECKING:
    from ..engine.context import RunContext

MAX_RESPONSE_BYTES = 32 * 1024


class LambdaFailed(Exception):
    """The invocation failed as Connect sees it: the block takes its Error branch."""


def find_mock(state: MockState, ctx: RunContext, ref: str, action: Action, raw: str = "") -> tuple[str, Any]:
    """The mock key and value answering the function `ref`: its full, alias or version ARN, its
    function name, its name in the instance file, or the parameter as written (a placeholder)."""
    lambdas = state.mocks.lambdas
    name = lambda_function_name(ref)
    candidates = [ref, name, raw]
    resource = ctx.instance.find(ctx.instance.lambdas, ref) or ctx.instance.find(ctx.instance.lambdas, name)
    if resource is not None:
        candidates.append(resource.name)
    for key in candidates:
        if key and key in lambdas:
            return key, lambdas[key]
    for key in lambdas:
        if key.startswith("arn:") and lambda_function_name(key) == name:
            return key, lambdas[key]
        # A mock keyed by a placeholder answers the function the placeholder was mapped to.
        if substitute_text(key, ctx.library.placeholders) in (ref, name) and key != ref:
            return key, lambdas[key]
    known = "".join(f"\n  - {k}" for k in lambdas) or " none"
    raise MissingMockError(
        f"{ctx.where(action)} invokes Lambda function {name!r} ({ref}), which has no mock; "
        f"mock it by function name or ARN (mocks.lambdas in a scenario, lambdas= in Python). "
        f"Mocked functions:{known}",
        kind="lambdas",
        key=name,
    )


def _endpoint(address: str | None) -> dict[str, str] | None:
    return {"Address": address, "Type": "TELEPHONE_NUMBER"} if address else None


def build_event(ctx: RunContext, parameters: Mapping[str, str]) -> dict[str, Any]:
    """The event Amazon Connect sends to a Lambda function (`Name: ContactFlowEvent`)."""
    c = ctx.contact
    queue = None
    if c.queue is not None:
        queue = {"ARN": c.queue.arn, "Name": c.queue.name}
    # Connect sends the customer audio stream once streaming has started (with StopTimestamp
    # after a Stop), and `"Audio": null` before.
    audio = None
    if c.media.stream_arn:
        audio = {
            "StreamARN": c.media.stream_arn,
            "StartTimestamp": c.media.start_timestamp,
            "StopTimestamp": c.media.stop_timestamp,
            "StartFragmentNumber": c.media.start_fragment_number,
        }
    media = {"Customer": {"Audio": audio}}
    return {
        "Name": "ContactFlowEvent",
        "Details": {
            "ContactData": {
                "Attributes": dict(c.attributes),
                "Channel": c.channel,
                "ContactId": c.contact_id,
                "InitialContactId": c.initial_contact_id,
                "PreviousContactId": c.previous_contact_id or c.contact_id,
                "CustomerEndpoint": _endpoint(c.customer_endpoint),
                "SystemEndpoint": _endpoint(c.system_endpoint),
                "InitiationMethod": c.initiation_method,
                "InstanceARN": ctx.instance.arn,
                "LanguageCode": c.language_code,
                "MediaStreams": media,
                "Queue": queue,
            },
            "Parameters": dict(parameters),
        },
    }


def _call_handler(handler: Callable[..., Any], event: dict[str, Any], timeout: float) -> Any:
    """Call a handler as Lambda would, giving up after the block's InvocationTimeLimitSeconds: the
    handler runs in a daemon thread, so one that hangs cannot hang the test run."""
    outcome: list[Any] = []

    def target() -> None:
        try:
            outcome.append(("ok", _invoke(handler, event, timeout)))
        except LambdaFailed as failed:
            outcome.append(("failed", failed))
        except BaseException as exc:  # SystemExit, KeyboardInterrupt raised by the handler itself
            outcome.append(("failed", LambdaFailed(f"the handler raised {type(exc).__name__}: {exc}")))

    worker = threading.Thread(target=target, name="connectflow-lambda", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        raise LambdaFailed(f"the handler ran past the block's InvocationTimeLimitSeconds ({timeout:g} s)")
    kind, value = outcome[0]
    if kind == "failed":
        raise value
    return value


def _invoke(handler: Callable[..., Any], event: dict[str, Any], timeout: float) -> Any:
    try:
        params = inspect.signature(handler).parameters
        positional = [
            p for p in params.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
        ]
        takes_context = len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in params.values())
    except (TypeError, ValueError):
        takes_context = True
    try:
        return handler(event, _LambdaContext(timeout)) if takes_context else handler(event)
    except Exception as exc:  # the user's handler failed: Connect takes the Error branch
        raise LambdaFailed(f"the handler raised {type(exc).__name__}: {exc}") from None


class _LambdaContext:
    """The few context attributes handlers commonly read."""

    function_name = "connectflow-mock"
    aws_request_id = "00000000-0000-4000-8000-000000000000"

    def __init__(self, timeout: float) -> None:
        self._timeout_ms = int(timeout * 1000)

    def get_remaining_time_in_millis(self) -> int:
        return self._timeout_ms


def answer(state: MockState, key: str, mock: Any, event: dict[str, Any], timeout: float) -> Any:
    """The raw answer of one call to the mock `mock` (registered under `key`)."""
    mock = state.take_turn(state.lambda_call_counts, key, mock, lambda listed, calls: (
        f"Lambda mock {key!r} lists {listed} result(s) but the flow called it "
        f"{calls} times; add a result per call or give a single map"
    ))
    if isinstance(mock, BaseException) or (isinstance(mock, type) and issubclass(mock, BaseException)):
        raise LambdaFailed(f"the mock raises {mock!r}")
    if callable(mock):
        return _call_handler(mock, event, timeout)
    if isinstance(mock, Mapping):
        if set(mock) == {"timeout"} and str(mock["timeout"]).lower() == "true":
            raise LambdaFailed(f"the function ran past the block's InvocationTimeLimitSeconds ({timeout:g} s)")
        if set(mock) == {"handler"}:
            return _call_handler(import_handler(key, str(mock["handler"]), state.mocks.handler_roots), event, timeout)
        if set(mock) == {"error"}:
            if mock["error"] is True or str(mock["error"]).lower() == "true":
                raise LambdaFailed("the mock makes the call fail (error: true)")
            raise MockError(f"Lambda mock {key!r}: 'error' must be true (it is the only key of a failing call)")
        if set(mock) == {"return"}:
            return mock["return"]
        return mock
    raise MockError(f"Lambda mock {key!r} must be a map, a list of maps, an error or a callable, not {mock!r}")


def import_handler(key: str, path: str, roots: tuple[str, ...]) -> Callable[..., Any]:
    """`package.module:function` from the user's project (only when a scenario names it).

    Only the project's folders (`roots`) are searched, so a scenario cannot reach into the standard
    library or installed packages (`os:system`); they are on sys.path only while importing."""
    module_name, _, attribute = path.partition(":")
    if not module_name or not attribute:
        raise MockError(f"Lambda mock {key!r}: handler must be 'package.module:function', not {path!r}")
    looked = ", ".join(roots) or "no folder"
    top = module_name.split(".")[0]
    try:
        found = importlib.machinery.PathFinder.find_spec(top, list(roots)) if top else None
    except (ImportError, ValueError):
        found = None
    if found is None:
        raise MockError(
            f"Lambda mock {key!r}: cannot import {module_name!r} (no module {top!r} in the project); looked in {looked}"
        )
    added = [root for root in roots if root not in sys.path]
    sys.path[:0] = added
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise MockError(f"Lambda mock {key!r}: cannot import {module_name!r} ({exc}); looked in {looked}") from None
    except Exception as exc:  # the user's module fails as it is imported
        raise MockError(
            f"Lambda mock {key!r}: importing {module_name!r} raised {type(exc).__name__}: {exc}"
        ) from None
    finally:
        for root in added:
            if root in sys.path:
                sys.path.remove(root)
    origin = getattr(module, "__file__", None)
    if origin and not any(_inside(origin, root) for root in roots):
        raise MockError(
            f"Lambda mock {key!r}: {module_name!r} is already imported from {origin}, outside the project "
            f"({looked}); rename the handler's package"
        )
    handler = getattr(module, attribute, None)
    if not callable(handler):
        raise MockError(f"Lambda mock {key!r}: {module_name!r} has no function {attribute!r}")
    return handler  # type: ignore[no-any-return]


def _inside(file: str, root: str) -> bool:
    try:
        return Path(file).resolve().is_relative_to(Path(root).resolve())
    except (OSError, ValueError):
        return False


def validate_response(response: Any, response_type: str) -> dict[str, Any]:
    """Validate as Connect does: STRING_MAP is a flat map of strings (numbers and booleans are
    turned into strings, nested values fail); JSON keeps nested values; 32 KB at most."""
    if not isinstance(response, Mapping):
        raise LambdaFailed(f"the response is not a JSON object but {type(response).__name__}")
    try:
        # As the Lambda runtime does: a value JSON cannot carry (bytes, a set, an object) fails the
        # invocation rather than reaching Connect as some text.
        size = len(json.dumps(response).encode())
    except (TypeError, ValueError, RecursionError) as exc:
        raise LambdaFailed(f"the response is not JSON: {exc}") from None
    if size > MAX_RESPONSE_BYTES:
        raise LambdaFailed(f"the response is {size} bytes, over Connect's 32 KB limit")
    out: dict[str, Any] = {}
    for k, v in response.items():
        if response_type == "JSON":
            out[str(k)] = _jsonable(v)
        elif isinstance(v, (dict, list, tuple)):
            raise LambdaFailed(f"STRING_MAP response value {k!r} is nested ({type(v).__name__})")
        elif v is None:
            raise LambdaFailed(f"STRING_MAP response value {k!r} is null")
        else:
            out[str(k)] = to_text(v)
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    raise LambdaFailed(f"the response holds a value JSON cannot carry: {value!r}")


def invoke(ctx: RunContext, action: Action, ref: str, parameters: dict[str, str], response_type: str,
           timeout: float, raw: str = "") -> tuple[dict[str, Any] | None, str]:
    """Call the mock for `ref`. Returns (validated response, "") or (None, why it failed)."""
    state = ctx.mocks
    key, mock = find_mock(state, ctx, ref, action, raw)
    state.used.add(("lambdas", key))
    event = build_event(ctx, parameters)
    response: Any = None
    try:
        response = answer(state, key, mock, event, timeout)
        validated = validate_response(response, response_type)
    except LambdaFailed as failed:
        state.lambda_calls.append(LambdaCall(action.identifier, key, parameters, event, response, str(failed), ref))
        return None, str(failed)
    state.lambda_calls.append(LambdaCall(action.identifier, key, parameters, event, validated, None, ref))
    return validated, ""
