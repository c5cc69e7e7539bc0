"""The Python API: fixtures, Simulator.run arguments, RunResult and extension hooks."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from flowdefs import main_ivr

from pytest_connectflow import MockError, SimulatedContact, Simulator, load_library


@pytest.fixture
def simulator(tmp_path: Path) -> Simulator:
    (tmp_path / "main.json").write_text(json.dumps(main_ivr()))
    return Simulator(load_library(tmp_path))


def test_result_exposes_path_branches_state_and_queue(simulator: Simulator) -> None:
    result = simulator.run("Main IVR", inputs=[1], lambdas={"lookupCustomer": {"tier": "gold"}})
    assert result.path == ["Start streaming", "Lookup", "Save tier", "Menu", "Set sales queue",
                           "Stop streaming", "To sales"]
    assert result.branch("Menu") == "1"
    assert result.branches("Stop streaming") == ["Success"]
    assert result.branch("Bye") is None
    assert result.ended == "transferred_to_queue"
    assert result.queue == "q-sales"
    assert result.flows == ["Main IVR"]
    assert result.media_streaming == "stopped"
    assert [e.kind for e in result.media_streaming.history] == ["start", "stop"]
    assert result.media_streaming.directions == {"From": False, "To": False}


def test_python_values_become_strings_with_json_spelling(simulator: Simulator) -> None:
    contact = SimulatedContact(attributes={"vip": True, "ratio": 1.5, "n": 7, "name": "Ana"})
    result = simulator.run("Main IVR", contact=contact, inputs=[None, None],
                           lambdas={"lookupCustomer": {"tier": 2, "gold": False}})
    assert result.attributes == {"vip": "true", "ratio": "1.5", "n": "7", "name": "Ana", "tier": "2"}


def test_callable_mock_gets_the_event_connect_sends(simulator: Simulator) -> None:
    seen: list[dict[str, Any]] = []

    def handler(event: dict[str, Any], context: object) -> dict[str, str]:
        seen.append(event)
        return {"tier": "platinum" if event["Details"]["Parameters"]["phone"] == "+15550001111" else "basic"}

    contact = SimulatedContact(customer_endpoint="+15550001111", attributes={"a": "b"})
    result = simulator.run("Main IVR", contact=contact, inputs=[1], lambdas={"lookupCustomer": handler})
    assert result.attributes["tier"] == "platinum"
    [event] = seen
    data = event["Details"]["ContactData"]
    assert event["Name"] == "ContactFlowEvent"
    assert data["Channel"] == "VOICE" and data["InitiationMethod"] == "INBOUND"
    assert data["Attributes"] == {"a": "b"}
    assert data["CustomerEndpoint"] == {"Address": "+15550001111", "Type": "TELEPHONE_NUMBER"}
    assert data["MediaStreams"]["Customer"]["Audio"]["StreamARN"].startswith("arn:aws:kinesisvideo:")
    [call] = result.lambda_calls
    assert call.function == "lookupCustomer" and call.parameters == {"phone": "+15550001111"}


def test_exception_mock_and_raising_handler_take_the_error_branch(simulator: Simulator) -> None:
    def broken(event: dict[str, Any]) -> dict[str, str]:
        raise RuntimeError("database down")

    for mock in (TimeoutError("slow"), RuntimeError, broken, {"error": True}):
        result = simulator.run("Main IVR", inputs=[None, None], lambdas={"lookupCustomer": mock})
        assert result.branch("Lookup") == "NoMatchingError", mock
    step = simulator.run("Main IVR", inputs=[None, None], lambdas={"lookupCustomer": broken}).steps[1]
    assert "the handler raised RuntimeError: database down" in step.note


def test_list_mock_gives_one_result_per_call_and_fails_past_its_end(tmp_path: Path) -> None:
    flow = main_ivr()
    actions = flow["Actions"]
    actions[4]["Transitions"]["Conditions"][0]["NextAction"] = "Lookup"  # type: ignore[index]
    (tmp_path / "f.json").write_text(json.dumps(flow))
    simulator = Simulator(load_library(tmp_path))
    result = simulator.run("Main IVR", inputs=[None, None], lambdas={"lookupCustomer": [{"tier": "a"}, {"tier": "b"}]})
    assert result.branches("Lookup") == ["Success", "Success"]
    assert result.attributes["tier"] == "b"
    with pytest.raises(MockError, match=r"lists 1 result.* but the flow called it 2 times"):
        simulator.run("Main IVR", inputs=[None, None], lambdas={"lookupCustomer": [{"tier": "a"}]})


def test_string_map_validation_rejects_nested_values(simulator: Simulator) -> None:
    result = simulator.run("Main IVR", inputs=[None, None], lambdas={"lookupCustomer": {"tier": {"a": 1}}})
    assert result.branch("Lookup") == "NoMatchingError"
    assert "STRING_MAP response value 'tier' is nested" in result.steps[1].note


def test_return_key_returns_a_map_literally(simulator: Simulator) -> None:
    result = simulator.run("Main IVR", inputs=[1], lambdas={"lookupCustomer": {"return": {"error": "x", "tier": "t"}}})
    assert result.attributes["tier"] == "t"


def test_fixtures_use_the_ini_flows(ivr_project: pytest.Pytester) -> None:
    ivr_project.makepyfile(test_fx="""
        def test_fixture(connectflow, simulated_contact):
            result = connectflow.run("Main IVR", contact=simulated_contact(channel="CHAT"),
                                     lambdas={"lookupCustomer": {}})
            assert result.branch("Start streaming") == "NoMatchingError"
            assert result.media_streaming == "not_started"
    """)
    ivr_project.runpytest().assert_outcomes(passed=1)


def test_plugins_register_blocks_through_the_hook(ivr_project: pytest.Pytester) -> None:
    flow = main_ivr()
    flow["Actions"][0]["Type"] = "CustomGreeting"  # type: ignore[index]
    (ivr_project.path / "flows" / "main.json").write_text(json.dumps(flow))
    ivr_project.makeconftest("""
        from pytest_connectflow import BlockSpec
        from pytest_connectflow.engine.outcome import success

        def pytest_connectflow_register_blocks(registry):
            registry.register(BlockSpec(action_type="CustomGreeting", run=lambda ctx, action: success("hi"),
                                        console_name="Custom", branches=("Success",), model="says hi"))
    """)
    ivr_project.makefile(".connectflow.yaml", test_custom="""
scenarios:
  - name: custom block
    flow: Main IVR
    channel: TASK
    mocks: {lambdas: {lookupCustomer: {}}}
    expect:
      branches: {Start streaming: Success}
""")
    ivr_project.runpytest().assert_outcomes(passed=1)


def test_a_spec_registered_after_runs_takes_over_from_the_next_run(simulator: Simulator) -> None:
    # The step loop keeps each block type's handler between runs; registering must drop that.
    from pytest_connectflow.engine.outcome import error

    before = simulator.run("Main IVR", inputs=[1], lambdas={"lookupCustomer": {"tier": "gold"}})
    assert before.branch("Save tier") == "Success"
    spec = simulator.registry.get("UpdateContactAttributes")
    assert spec is not None
    simulator.registry.register(dataclasses.replace(spec, run=lambda ctx, action: error(note="replaced")),
                                replace=True)
    after = simulator.run("Main IVR", inputs=[1], lambdas={"lookupCustomer": {"tier": "gold"}})
    assert after.branch("Save tier") == "NoMatchingError"


def test_settings_changed_on_the_simulator_apply_to_the_next_run(simulator: Simulator) -> None:
    # Runs share the simulator's settings object; changing the attributes must still count.
    from pytest_connectflow.errors import StepBudgetExceeded

    assert simulator.run("Main IVR", inputs=[1], lambdas={"lookupCustomer": {}}).ended == "transferred_to_queue"
    simulator.max_steps = 3
    with pytest.raises(StepBudgetExceeded, match="step budget of 3 blocks"):
        simulator.run("Main IVR", inputs=[1], lambdas={"lookupCustomer": {}})


def test_unsupported_action_type_is_a_clear_error(ivr_project: pytest.Pytester) -> None:
    flow = main_ivr()
    flow["Actions"][0]["Type"] = "CustomGreeting"  # type: ignore[index]
    (ivr_project.path / "flows" / "main.json").write_text(json.dumps(flow, indent=1))
    ivr_project.makefile(".connectflow.yaml", test_custom="scenarios:\n  - name: custom\n    flow: Main IVR\n")
    result = ivr_project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*flows/main.json:*: action type 'CustomGreeting' of block 'Start streaming' in flow 'Main IVR' "
        "is not supported by any block",
    ])
