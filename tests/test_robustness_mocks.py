"""Whatever a mock gives back — a Lambda result that is not a flat string map, a huge one, a handler
that raises, returns None or returns what JSON cannot carry — the run takes the block's Error
branch as Connect would, or fails with our own error; it never crashes.
"""

from __future__ import annotations

import json
import math
import random
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from flowdefs import action, main_ivr
from hypothesis import given
from hypothesis import strategies as st
from robustness import JSON, corpus_files, mutate

from pytest_connectflow import Simulator
from pytest_connectflow.errors import ConfigurationError, ConnectflowError, MissingMockError, MockError
from pytest_connectflow.flow.library import load_library
from pytest_connectflow.mocks.lambdas import MAX_RESPONSE_BYTES
from pytest_connectflow.mocks.services import SERVICE_KINDS
from pytest_connectflow.simulator import SimulatedContact


def _json_flow() -> dict[str, Any]:
    """A Lambda block with JSON response validation, writing a nested value."""
    return {
        "Version": "2019-10-30", "StartAction": "Call", "Metadata": {"name": "Json"},
        "Actions": [
            action("Call", "InvokeLambdaFunction",
                   {"LambdaFunctionARN": "arn:aws:lambda:us-east-1:1:function:lookupCustomer",
                    "InvocationTimeLimitSeconds": "3", "ResponseValidation": {"ResponseType": "JSON"}},
                   "Save", errors={"NoMatchingError": "Bye"}),
            action("Save", "UpdateContactAttributes", {"Attributes": {"v": "$.External.a.b"}}, "Bye",
                   errors={"NoMatchingError": "Bye"}),
            action("Bye", "DisconnectParticipant", {}),
        ],
    }


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Simulator:
    folder = tmp_path_factory.mktemp("flows")
    (folder / "main.json").write_text(json.dumps(main_ivr()))
    (folder / "json.json").write_text(json.dumps(_json_flow()))
    return Simulator(load_library(folder))


class _Odd:
    def __repr__(self) -> str:
        return "<odd>"


def _recursive() -> dict[str, Any]:
    loop: dict[str, Any] = {"a": "1"}
    loop["self"] = loop
    return loop


ODD_VALUES = st.sampled_from([
    None, math.nan, math.inf, -math.inf, 10**400, b"bytes", {1, 2}, _Odd(), object(), "x" * (MAX_RESPONSE_BYTES + 1),
    (1, 2), complex(1, 2), _recursive(), [_recursive()], {"k": {"deep": [1, {"x": None}]}},
])
RESULTS = st.one_of(
    JSON,
    ODD_VALUES,
    st.dictionaries(st.one_of(st.text(max_size=5), st.integers(), st.booleans(), st.none()),
                    st.one_of(JSON, ODD_VALUES), max_size=4),
    st.builds(lambda n: {f"k{i}": "v" * 100 for i in range(n)}, st.integers(0, 600)),  # up to ~60 KB
)


def _handler(kind: str, value: Any) -> Callable[..., Any]:
    def handler(event: dict[str, Any], context: Any) -> Any:
        if kind == "raise":
            raise ValueError("the handler broke")
        if kind == "system_exit":
            raise SystemExit(3)
        if kind == "none":
            return None
        if kind == "generator":
            return (x for x in [1])
        return value

    return handler


HANDLERS = st.builds(_handler, st.sampled_from(["raise", "system_exit", "none", "generator", "value"]), RESULTS)
MOCKS = st.one_of(
    RESULTS,
    HANDLERS,
    st.lists(st.one_of(RESULTS, HANDLERS), max_size=3),
    st.sampled_from([ValueError("boom"), KeyError, {"error": True}, {"error": "maybe"}, {"timeout": True},
                     {"return": {"error": "x"}}, {"handler": "no.such.module:handler"}, {"handler": "nocolon"}]),
)


def _check_run(simulator: Simulator, flow: str, mock: Any, channel: str) -> None:
    try:
        result = simulator.run(flow, contact=SimulatedContact(channel=channel), inputs=["1"],
                               lambdas={"lookupCustomer": mock}, hours={"Office hours": "open"})
    except ConnectflowError as exc:
        assert exc.message.strip()
        return
    assert result.ended is not None
    branch = result.branch("Lookup" if flow == "Main IVR" else "Call")
    assert branch in ("Success", "NoMatchingError"), branch
    for call in result.lambda_calls:
        assert call.error is None or call.error.strip()
        if call.error is None:  # what the flow saw is a map JSON can carry
            json.dumps(call.response)


@given(mock=MOCKS, flow=st.sampled_from(["Main IVR", "Json"]), channel=st.sampled_from(["VOICE", "CHAT"]))
def test_any_lambda_result_takes_success_or_error(simulator: Simulator, mock: Any, flow: str, channel: str) -> None:
    _check_run(simulator, flow, mock, channel)


@pytest.mark.parametrize(("result", "reason"), [
    ({"tier": {"nested": "x"}}, "STRING_MAP response value 'tier' is nested (dict)"),
    ({"tier": None}, "STRING_MAP response value 'tier' is null"),
    (["a"], "the response is not a JSON object but list"),
    ("text", "the response is not a JSON object but str"),
    ({"k": "v" * MAX_RESPONSE_BYTES}, "over Connect's 32 KB limit"),
    ({"k": {1, 2}}, "the response is not JSON: Object of type set is not JSON serializable"),
    ({"k": b"raw"}, "the response is not JSON: Object of type bytes is not JSON serializable"),
])
def test_results_that_are_not_flat_string_maps_take_error(simulator: Simulator, result: Any, reason: str) -> None:
    run = simulator.run("Main IVR", inputs=["1"], lambdas={"lookupCustomer": lambda event: result},
                        hours={"Office hours": "open"})
    assert run.branch("Lookup") == "NoMatchingError"
    (call,) = run.lambda_calls
    assert call.error and reason in call.error


@pytest.mark.parametrize(("handler", "reason"), [
    (_handler("raise", None), "the handler raised ValueError: the handler broke"),
    (_handler("system_exit", None), "the handler raised SystemExit: 3"),
    (_handler("none", None), "the response is not a JSON object but NoneType"),
    (_handler("value", {"a": _Odd()}), None),
    (_handler("value", _recursive()), "the response is not JSON"),
])
def test_handlers_that_misbehave_take_error(simulator: Simulator, handler: Any, reason: str | None) -> None:
    run = simulator.run("Json", lambdas={"lookupCustomer": handler})
    assert run.branch("Call") == "NoMatchingError"
    (call,) = run.lambda_calls
    assert call.error
    if reason is not None:
        assert reason in call.error


# --- every kind of mock, with whatever value, on real flows ----------------------------------

CORPUS = corpus_files()


@pytest.fixture(scope="module")
def corpus_simulator() -> Simulator:
    return Simulator.from_paths([*CORPUS])


@given(which=st.sampled_from(CORPUS), data=st.data(), channel=st.sampled_from(["VOICE", "CHAT", "TASK"]))
def test_missing_mocks_filled_with_anything(
    corpus_simulator: Simulator, which: Path, data: st.DataObject, channel: str
) -> None:
    """Run a real flow; each time it asks for a mock, give that mock an arbitrary value (a map, a
    list, a callable that raises...) and run again. Every run ends, or fails with our error."""
    flows = [f for f in corpus_simulator.library.flows if f.source == which and f.start_action in f.actions]
    if not flows:
        return
    mocks: dict[str, dict[str, Any]] = {}
    rnd = data.draw(st.randoms(use_true_random=False))
    for _ in range(6):
        try:
            corpus_simulator.run(flows[0].name, contact=SimulatedContact(channel=channel), mocks=mocks,
                                 inputs=[rnd.choice(["1", "2", None]) for _ in range(3)], max_steps=300)
            return
        except MissingMockError as exc:
            assert exc.kind in ("lambdas", "hours", "queues", "distribution", *SERVICE_KINDS), exc.kind
            value = data.draw(MOCKS if exc.kind == "lambdas" else st.one_of(JSON, ODD_VALUES, HANDLERS))
            if exc.field:
                value = {exc.field: value}
            mocks.setdefault(exc.kind, {})[exc.key or "x"] = value
        except ConnectflowError as exc:
            assert exc.message.strip()
            return


# --- handlers that never return --------------------------------------------------------------

@pytest.fixture
def release() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()  # lets the abandoned handler thread finish


def test_a_handler_that_never_returns_takes_error_at_the_time_limit(
    tmp_path: Path, release: threading.Event
) -> None:
    flow = _json_flow()
    flow["Actions"][0]["Parameters"]["InvocationTimeLimitSeconds"] = "1"
    (tmp_path / "f.json").write_text(json.dumps(flow))
    result = Simulator.from_paths(tmp_path).run("Json", lambdas={"lookupCustomer": lambda event: release.wait()})
    assert result.branch("Call") == "NoMatchingError"
    (call,) = result.lambda_calls
    assert call.error == "the handler ran past the block's InvocationTimeLimitSeconds (1 s)"
    assert result.path == ["Call", "Bye"]


def test_random_mocks_are_repeatable(simulator: Simulator) -> None:
    """The same mocks give the same run: nothing random or left over between runs."""
    rnd = random.Random(7)
    mocks = [{"tier": str(rnd.random())} for _ in range(3)]
    first = [simulator.run("Main IVR", inputs=["1"], lambdas={"lookupCustomer": m},
                           hours={"Office hours": "open"}).attributes for m in mocks]
    again = [simulator.run("Main IVR", inputs=["1"], lambdas={"lookupCustomer": m},
                           hours={"Office hours": "open"}).attributes for m in mocks]
    assert first == again


def test_an_hours_callable_that_raises_is_our_error(tmp_path: Path) -> None:
    flow = {"Version": "2019-10-30", "StartAction": "Hours", "Metadata": {"name": "Hours"},
            "Actions": [action("Hours", "CheckHoursOfOperation", {"HoursOfOperationId": "Office hours"}, None,
                               conditions={"True": "Bye", "False": "Bye"}, errors={"NoMatchingError": "Bye"}),
                        action("Bye", "DisconnectParticipant", {})]}
    (tmp_path / "hours.json").write_text(json.dumps(flow))
    simulator = Simulator.from_paths(tmp_path)
    with pytest.raises(MockError, match=r"hours mock 'Office hours': the callable raised ZeroDivisionError"):
        simulator.run("Hours", hours={"Office hours": lambda: 1 / 0})
    assert simulator.run("Hours", hours={"Office hours": lambda: True}).branch("Hours") == "True"


INSTANCE = yaml.safe_load((Path(__file__).resolve().parents[1] / "example_project" / "connect-instance.yaml")
                          .read_text())


@given(rnd=st.randoms(use_true_random=False), wrong=st.lists(JSON, min_size=1, max_size=3),
       mocks=st.dictionaries(st.sampled_from(["lambdas", "hours", "queues", "distribution", "lex", "nope"]),
                             st.one_of(JSON, st.dictionaries(st.text(max_size=8), st.one_of(JSON, ODD_VALUES),
                                                             max_size=3)), max_size=3),
       inputs=st.lists(st.one_of(JSON, ODD_VALUES), max_size=3))
def test_python_api_arguments_of_any_shape(
    simulator: Simulator, rnd: random.Random, wrong: list[Any], mocks: dict[str, Any], inputs: list[Any]
) -> None:
    """From Python anything can be passed: instance settings broken at random places, mocks and
    inputs of any type. The run ends, or fails with our own error."""
    instance: Any = INSTANCE
    for value in wrong:
        instance = mutate(instance, rnd, value)
    try:
        simulator.run("Main IVR", instance=instance if isinstance(instance, dict) else None, mocks=mocks,
                      inputs=inputs)
    except ConnectflowError as exc:
        assert exc.message.strip()


@pytest.mark.parametrize(("arguments", "message"), [
    ({"mocks": {"lambdas": 5}}, "mocks.lambdas must be a map of mocks by name, not 5"),
    ({"mocks": {"queues": ["Sales"]}}, "mocks.queues must be a map of mocks by name, not ['Sales']"),
    ({"inputs": [b"1"]}, "b'1' is not a value Amazon Connect can hold: Object of type bytes is not JSON serializable"),
    ({"instance": {"queues": 5}}, "instance settings of the wrong shape (AttributeError: "),
])
def test_python_arguments_found_by_the_generators(
    simulator: Simulator, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        simulator.run("Main IVR", **arguments)
    assert raised.value.message.startswith(message)
