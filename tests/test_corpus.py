"""Every real flow in ../shared/flows loads, and runs from its start to an end under generated
mocks (plus the few settings a flow cannot run without), with no engine error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flowdefs import SHARED_FLOWS

from pytest_connectflow import FlowDefectError, SimulatedContact, Simulator, load_library
from pytest_connectflow.flow import load_path
from pytest_connectflow.flow.placeholders import find_placeholders, placeholder_name
from pytest_connectflow.mocks.generate import run_with_generated_mocks

PATHS = sorted((SHARED_FLOWS / "corpus").glob("*.json")) + sorted((SHARED_FLOWS / "legacy").glob("*.json"))
ENDS = {"disconnected", "transferred_to_queue", "transferred_to_agent", "transferred_to_phone", "flow_ended"}

# What a few flows need besides mocks, as a real test of them would give it.
SETUP: dict[str, dict[str, Any]] = {
    # The survey module reads its length from its configuration Lambda.
    "Contact Survey": {"mocks": {"lambdas": {"unmapped-LambdaGetSurveyConfig.Arn": {"surveySize": "1"}}}},
    # A queue flow kept without its type: it loops prompts for queued callers.
    "aws-samples__amazon-connect-experience-builder__contact-flow-queue": {
        "instance": {"flow_types": {"aws-samples__amazon-connect-experience-builder__contact-flow-queue":
                                    "CUSTOMER_QUEUE"}},
    },
    # The customer asks for a callback and gives a number, instead of silence forever.
    "Sample interruptible queue flow with callback-2": {"inputs": ["1", "4155550123"]},
    # The NLU menu asks again until its rules Lambda confirms the input.
    "aws-samples__amazon-connect-rules-engine__rulesenginenlumenu": {
        "mocks": {"lambdas": {"unmapped-lambdaFunctions.connectnlumenu.arn": {"CurrentRule_autoConfirmNow": "true"}}},
    },
    # The finance guide goes back to its cards view until the agent lets it time out.
    "SBSGuides.Finance": {"mocks": {"views": {"dffdf5f8": {"error": "TimeLimitExceeded"}}}},
}
# Flows whose own configuration ends them in error, as in Connect: the reason is asserted.
ENDS_IN_ERROR = {
    # Set whisper flow (legacy, Success branch only) names a flow that is not in the corpus.
    "GetUserData": "AgentWhisper 'RecordLastAgent' names no loaded flow",
}


def _stand_ins() -> dict[str, str]:
    """Placeholders mapped to values that name no loaded resource, as an undeployed copy holds."""
    return {token: f"unmapped-{placeholder_name(token)}" for p in PATHS for token in find_placeholders(p.read_text())}


def test_every_shared_flow_loads_without_errors() -> None:
    report = load_path([SHARED_FLOWS / "corpus", SHARED_FLOWS / "legacy"])
    assert len(report.files) == 86
    assert report.errors == []
    assert len(report.flows) == 86
    assert sum(1 for f in report.flows if f.is_module) == 8
    assert sum(1 for f in report.flows if f.shape == "legacy") == 9


@pytest.fixture(scope="module")
def simulator() -> Simulator:
    return Simulator(load_library(PATHS, _stand_ins()))


@pytest.mark.parametrize("path", PATHS, ids=[p.stem[-60:] for p in PATHS])
def test_each_shared_flow_runs_to_an_end(simulator: Simulator, path: Path) -> None:
    [flow] = [f for f in simulator.library.flows if f.source == path]
    if not flow.start_action:
        with pytest.raises(FlowDefectError, match="its StartAction is empty"):
            simulator.run(flow.name)
        return
    setup = SETUP.get(flow.name, {})
    contact = SimulatedContact(channel=setup.get("channel", "VOICE"), **setup.get("contact", {}))
    result, _ = run_with_generated_mocks(
        Simulator(simulator.library, instance=setup.get("instance")),
        flow.name,
        contact=contact,
        mocks=setup.get("mocks"),
        inputs=setup.get("inputs", ["1", "1", None, None, None]),
    )
    if flow.name in ENDS_IN_ERROR:
        assert result.ended == "error" and ENDS_IN_ERROR[flow.name] in result.reason
        return
    assert result.ended in ENDS, f"{flow.name}: ended {result.ended}: {result.reason}\n{result.table()}"
