"""Distribute by percentage (DistributeByPercentage), and the routing mocks written in YAML.

FLOW-LANGUAGE.md 5.27 (a random whole number 1..100 tested against a chain of NumberLessThan
conditions whose operands are the running percentage total plus one; Default = NoMatchingCondition);
Flow language reference page "DistributeByPercentage" (inbound, transfer and customer queue flows);
DESIGN.md "Mocks" (mocks.distribution forces a branch; otherwise a choice seeded by ini
connectflow_seed and the scenario id) and "Branches" (console aliases).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pytest_connectflow.errors import MockError
from pytest_connectflow.scenario.loader import load_scenario_file
from pytest_connectflow.scenario.runner import run_scenario

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
ALLOWED = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "AGENT_TRANSFER", "QUEUE_TRANSFER")
REFUSED = ("CUSTOMER_HOLD", "AGENT_HOLD", "CUSTOMER_WHISPER", "AGENT_WHISPER", "OUTBOUND_WHISPER", "CAMPAIGN")


def split(flows: FlowFactory, identifier: str = "Split", next_action: str = "Rest") -> ActionDict:
    """20 % to A, 40 % to B, the rest (Default) to Rest, as the console exports it."""
    return flows.action(identifier, "DistributeByPercentage", {}, next_action=next_action,
                        conditions=[("NumberLessThan", "21", "A"), ("NumberLessThan", "61", "B")],
                        errors={"NoMatchingCondition": "Rest"})


def drawn(note: str) -> int:
    match = re.fullmatch(r"drew (\d+)", note)
    assert match, note
    return int(match.group(1))


def expected_branch(draw: int) -> str:
    return "21" if draw < 21 else "61" if draw < 61 else "NoMatchingCondition"


# --- the draw ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", ["0", "1", "2", "checkout", "42"])
def test_the_branch_follows_the_draw_through_the_chain(flows: FlowFactory, seed: str) -> None:
    flows.make("Inbound", [split(flows)])
    result = flows.run("Inbound", seed=seed)

    draw = drawn(flows.note(result, "Split"))
    assert 1 <= draw <= 100
    assert result.branch("Split") == expected_branch(draw)
    assert result.path == ["Split", {"21": "A", "61": "B"}.get(expected_branch(draw), "Rest")]


def test_the_same_seed_draws_the_same_number(flows: FlowFactory) -> None:
    flows.make("Inbound", [split(flows)])
    sim = flows.simulator(seed="nightly")
    notes = {flows.note(sim.run("Inbound"), "Split") for _ in range(5)}

    assert len(notes) == 1


def test_draws_split_traffic_by_the_percentages(flows: FlowFactory) -> None:
    flows.make("Inbound", [split(flows)])
    sim = flows.simulator()
    counts = Counter(sim.run("Inbound", seed=f"scenario-{n}").branch("Split") for n in range(1000))

    # 20 % / 40 % / 40 %, within a margin no fair draw of 1000 misses.
    assert 140 <= counts["21"] <= 260
    assert 330 <= counts["61"] <= 470
    assert 330 <= counts["NoMatchingCondition"] <= 470


def test_each_run_of_the_block_draws_anew(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.action("Twice", "Loop", {"LoopCount": "8"}, conditions={"ContinueLooping": "Split",
                                                                       "DoneLooping": "Done"}),
        split(flows, next_action="Twice"),
        flows.message("A", "a", "Twice"),
        flows.message("B", "b", "Twice"),
        flows.message("Rest", "rest", "Twice"),
    ])
    sim = flows.simulator()
    first = [s.note for s in sim.run("Inbound", seed="7").steps_of("Split")]
    again = [s.note for s in sim.run("Inbound", seed="7").steps_of("Split")]

    assert len(first) == 8
    assert first == again  # repeatable run by run
    assert len(set(first)) > 1  # but not one number for every visit


# --- mocks.distribution ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("forced", "branch", "target"),
    [
        ("21", "21", "A"),
        ("61", "61", "B"),
        ("NoMatchingCondition", "NoMatchingCondition", "Rest"),
        ("Default", "NoMatchingCondition", "Rest"),
        ("No match", "NoMatchingCondition", "Rest"),
    ],
)
def test_a_mock_forces_a_branch(flows: FlowFactory, forced: str, branch: str, target: str) -> None:
    flows.make("Inbound", [split(flows)])
    result = flows.run("Inbound", mocks={"distribution": {"Split": forced}})

    assert result.branch("Split") == branch
    assert result.path == ["Split", target]
    assert flows.note(result, "Split").startswith(f"forced {forced} by mocks.distribution (value ")


@pytest.mark.parametrize("key", ["Inbound/Split", "Split"])
def test_the_mock_is_keyed_by_block_name(flows: FlowFactory, key: str) -> None:
    flows.make("Inbound", [split(flows)])
    result = flows.run("Inbound", mocks={"distribution": {key: "61"}})

    assert result.branch("Split") == "61"


def test_the_mock_accepts_a_uuid_prefix(flows: FlowFactory) -> None:
    ident = "0b7e0c5a-1f2d-4c3b-9a8e-7d6c5b4a3f21"
    flows.make("Inbound", [split(flows, ident)])
    result = flows.run("Inbound", mocks={"distribution": {"0b7e0c5a": "21"}})

    assert result.branch(ident) == "21"


def test_branch_names_with_an_operator_when_operands_repeat(flows: FlowFactory) -> None:
    flows.make("Inbound", [flows.action("Split", "DistributeByPercentage", {},
                                        conditions=[("NumberLessThan", "31", "Low"),
                                                    ("NumberGreaterThan", "31", "High")],
                                        errors={"NoMatchingCondition": "Exactly"})])
    result = flows.run("Inbound", mocks={"distribution": {"Split": "NumberGreaterThan:31"}})

    assert result.branch("Split") == "NumberGreaterThan:31"
    assert result.path == ["Split", "High"]


def test_an_unknown_forced_branch_fails_the_test_listing_the_branches(flows: FlowFactory) -> None:
    flows.make("Inbound", [split(flows)])
    with pytest.raises(MockError) as info:
        flows.run("Inbound", mocks={"distribution": {"Split": "50%"}})

    message = info.value.message
    assert message.startswith("mocks.distribution forces '50%' for block 'Split' (DistributeByPercentage)")
    assert message.endswith("which has no such branch; its branches are: 21, 61, NoMatchingCondition (Default)")


def test_a_branch_no_draw_can_reach_fails_the_test(flows: FlowFactory) -> None:
    flows.make("Inbound", [flows.action("Split", "DistributeByPercentage", {},
                                        conditions=[("NumberLessThan", "61", "A"), ("NumberLessThan", "21", "B")],
                                        errors={"NoMatchingCondition": "Rest"})])
    with pytest.raises(MockError) as info:
        flows.run("Inbound", mocks={"distribution": {"Split": "21"}})

    assert "but no draw from 1 to 100 reaches that branch" in info.value.message


def test_a_mock_for_another_block_leaves_this_one_random(flows: FlowFactory) -> None:
    flows.make("Inbound", [split(flows, next_action="Rest"), flows.end("Rest")], start="Split")
    flows.make("Other", [split(flows, "Other split")])
    result = flows.run("Inbound", mocks={"distribution": {"Other split": "21", "no such block": "x"}})

    assert flows.note(result, "Split").startswith("drew ")


# --- channels and flow types ---------------------------------------------------------------


@pytest.mark.parametrize("channel", CHANNELS)
def test_distribute_works_on_every_channel(flows: FlowFactory, channel: str) -> None:
    flows.make("Inbound", [split(flows)])
    result = flows.run("Inbound", channel=channel, mocks={"distribution": {"Split": "61"}})

    assert result.branch("Split") == "61"


@pytest.mark.parametrize("flow_type", ALLOWED)
def test_distribute_in_inbound_queue_and_transfer_flows(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [split(flows)], flow_type=flow_type)
    result = flows.run("Flow", mocks={"distribution": {"Split": "21"}})

    assert result.branch("Split") == "21"


@pytest.mark.parametrize("flow_type", REFUSED)
def test_distribute_elsewhere_has_no_error_branch_and_ends_the_run(flows: FlowFactory, flow_type: str) -> None:
    # "It is not available to hold flows or to whisper flows"; its only error is NoMatchingCondition.
    flows.make("Flow", [split(flows)], flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("Split") == "NoMatchingError"
    assert result.ended == "error"
    assert f"DistributeByPercentage is not allowed in a {flow_type} flow" in result.reason


# --- the routing mocks in YAML (docs/routing.md) ---------------------------------------------

SCENARIOS = """
scenarios:
  - name: A/B test sends this caller to B
    flow: Routing
    mocks:
      distribution: {Split: "61"}
      queues:
        Sales: {agents_staffed: 3, contacts_in_queue: 4, oldest_contact_age: 75}
      third_party:
        Transfer out: CallFailed
    expect:
      path: [Set queue, Split, Check staffing, Get metrics, Save, Transfer out, Call failed, To queue]
      branches: {Split: "61", Check staffing: "0", Transfer out: CallFailed}
      attributes: {waiting: "4", oldest: "75"}
      ended: transferred_to_queue
      queue: Sales

  - name: the queue is full
    flow: Routing
    mocks:
      distribution: {Split: Default}
      queues:
        Sales: {agents_staffed: 0, at_capacity: true}
    expect:
      branches: {Split: NoMatchingCondition, Check staffing: NoMatchingCondition, To queue: QueueAtCapacity}
      ended: disconnected

  - name: chat customer comes back
    flow: Chat wait
    channel: CHAT
    mocks:
      wait: {Wait: [CustomerReturned, WaitCompleted]}
    expect:
      branches: {Wait: [CustomerReturned, WaitCompleted]}
"""


def test_routing_mocks_written_in_yaml(flows: FlowFactory, tmp_path: Path) -> None:
    flows.make("Routing", [
        flows.set_queue("Set queue", "Sales", "Split", "Hang up"),
        flows.action("Split", "DistributeByPercentage", {},
                     conditions=[("NumberLessThan", "21", "To queue"), ("NumberLessThan", "61", "Check staffing")],
                     errors={"NoMatchingCondition": "Check staffing"}),
        flows.action("Check staffing", "CheckMetricData", {"MetricType": "NumberOfAgentsStaffed"},
                     conditions=[("NumberGreaterThan", "0", "Get metrics")],
                     errors={"NoMatchingCondition": "To queue", "NoMatchingError": "Hang up"}),
        flows.action("Get metrics", "GetMetricData", {}, next_action="Save"),
        flows.set_attributes("Save", {"waiting": "$.Metrics.Queue.Size", "oldest": "$.Metrics.Queue.OldestContactAge"},
                             "Transfer out"),
        flows.action("Transfer out", "TransferParticipantToThirdParty",
                     {"ThirdPartyPhoneNumber": "+14155550123", "ContinueFlowExecution": "True"},
                     next_action="To queue", errors={"CallFailed": "Call failed"}),
        flows.message("Call failed", "Let me queue you instead.", "To queue"),
        flows.action("To queue", "TransferContactToQueue", next_action="Hang up",
                     errors={"QueueAtCapacity": "Hang up", "NoMatchingError": "Hang up"}),
        flows.disconnect("Hang up"),
    ], start="Set queue")
    flows.make("Chat wait", [
        flows.action("Wait", "Wait", {"TimeLimitSeconds": "600", "Events": ["CustomerReturned"]},
                     conditions={"CustomerReturned": "Wait", "WaitCompleted": "Done"}),
    ])
    path = tmp_path / "test_routing.connectflow.yaml"
    path.write_text(SCENARIOS, "utf-8")
    loaded = load_scenario_file(path)
    assert loaded.error is None, loaded.error
    library = flows.simulator().library

    outcomes = [run_scenario(s, library) for s in loaded.scenarios]

    failures = "\n\n".join(o.render() for o in outcomes if not o.passed)
    assert not failures, failures
    assert outcomes[0].result is not None
    assert outcomes[0].result.path[0] == "Set queue"
