"""`connectflow explore` and `pytest_connectflow.explore`: every distinct path of a flow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lintdefs import act, end_flow, hang_up, lambda_call, message, set_queue, stream, to_queue, write_flow

from pytest_connectflow import ExploredPath, FlowDefectError, explore, load_library
from pytest_connectflow.cli import main
from pytest_connectflow.errors import ConfigurationError, UnsupportedActionError

EXAMPLE = Path(__file__).resolve().parents[1] / "example_project"


def blocks(path: ExploredPath) -> list[str]:
    return [step.identifier for step in path.steps]


def choices(path: ExploredPath) -> list[tuple[str, str | None]]:
    return [(choice.block, choice.branch) for choice in path.choices]


@pytest.fixture
def streaming_flow(tmp_path: Path) -> Path:
    """Start, a Lambda, Stop: the Stop's Error can only happen where the Start failed too."""
    write_flow(tmp_path, "Streaming", [
        stream("Start", "Enabled", "Lookup", error="Lookup"),
        lambda_call("Lookup", "Stop", "Stop"),
        stream("Stop", "Disabled", "Bye", error="Stop failed"),
        message("Stop failed", "We could not stop the recording.", "Bye"),
        hang_up("Bye"),
    ], flow_type="CONTACT_FLOW")
    return tmp_path


@pytest.mark.parametrize(
    ("channel", "live", "expected_blocks", "stream_state"),
    [
        ("VOICE", True, ["Start", "Lookup", "Stop", "Bye"], "stopped"),
        ("CHAT", True, ["Start", "Lookup", "Stop", "Stop failed", "Bye"], "not_started"),
        ("TASK", True, ["Start", "Lookup", "Stop", "Stop failed", "Bye"], "not_started"),
        ("VOICE", False, ["Start", "Lookup", "Stop", "Stop failed", "Bye"], "not_started"),
    ],
)
def test_start_and_stop_take_the_same_branch_on_every_path_of_a_channel(
    streaming_flow: Path, channel: str, live: bool, expected_blocks: list[str], stream_state: str
) -> None:
    library = load_library(streaming_flow)
    paths = explore(library, "Streaming", channel=channel, instance={"live_media_streaming": live})
    # Only the Lambda is decided from outside: two paths, never a Start that worked with a Stop
    # that failed (or the other way round).
    assert [choices(p) for p in paths] == [[("Lookup", "Success")], [("Lookup", "NoMatchingError")]]
    for path in paths:
        assert blocks(path) == expected_blocks
        assert path.ended == "disconnected"
        assert path.media_streaming.state == stream_state
        assert path.channel == channel and path.live_media_streaming is live


def test_a_start_that_worked_is_stopped_on_voice_and_the_history_says_by_whom(streaming_flow: Path) -> None:
    [first, _] = explore(load_library(streaming_flow), "Streaming")
    assert [(e.kind, e.block, e.directions) for e in first.media_streaming.history] == [
        ("start", "Start", ("From", "To")), ("stop", "Stop", ()),
    ]


@pytest.fixture
def ivr(tmp_path: Path) -> Path:
    """Hours, then a menu with a timeout branch; the sales branch queues the contact."""
    write_flow(tmp_path, "IVR", [
        act("Hours", "CheckHoursOfOperation", {"HoursOfOperationId": "arn:aws:connect:::hours/office"},
            conditions={"True": "Menu", "False": "Closed"}, errors={"NoMatchingError": "Closed"}),
        act("Menu", "GetParticipantInput", {"Text": "Press 1 for sales.", "StoreInput": "False"},
            conditions={"1": "Sales queue"},
            errors={"InputTimeLimitExceeded": "Bye", "NoMatchingCondition": "Bye", "NoMatchingError": "Bye"}),
        set_queue("Sales queue", "To sales", "Bye"),
        to_queue("To sales", "Bye"),
        message("Closed", "We are closed.", "Bye"),
        hang_up("Bye"),
    ], flow_type="CONTACT_FLOW")
    return tmp_path


def test_branches_decided_by_mocks_are_each_taken_in_turn(ivr: Path) -> None:
    paths = explore(load_library(ivr), "IVR")
    assert [choices(p) for p in paths] == [
        [("Hours", "True"), ("Menu", "1"), ("To sales", "Success")],
        [("Hours", "True"), ("Menu", "1"), ("To sales", "QueueAtCapacity")],
        [("Hours", "True"), ("Menu", "1"), ("To sales", "NoMatchingError")],
        [("Hours", "True"), ("Menu", "InputTimeLimitExceeded")],
        [("Hours", "True"), ("Menu", "NoMatchingCondition")],
        [("Hours", "True"), ("Menu", "NoMatchingError")],
        [("Hours", "False")],
        [("Hours", "NoMatchingError")],
    ]
    assert [p.ended for p in paths] == ["transferred_to_queue", *["disconnected"] * 7]
    assert paths[0].queue == "sales" and paths[0].path == ["Hours", "Menu", "Sales queue", "To sales"]
    assert paths[6].path == ["Hours", "Closed", "Bye"] and paths[6].queue is None


def test_a_transfer_that_fails_anyway_is_not_a_separate_path(tmp_path: Path) -> None:
    # No working queue: the engine fails the transfer, so its Success is the Error path.
    write_flow(tmp_path, "No queue", [to_queue("To sales", "Bye"), hang_up("Bye")])
    paths = explore(load_library(tmp_path), "No queue")
    assert [choices(p) for p in paths] == [[("To sales", "NoMatchingError")], [("To sales", "QueueAtCapacity")]]


def test_values_from_outside_are_unknown_and_a_compare_on_them_agrees_along_the_path(tmp_path: Path) -> None:
    write_flow(tmp_path, "Tiers", [
        lambda_call("Lookup", "Save tier", "Bye"),
        act("Save tier", "UpdateContactAttributes", {"Attributes": {"tier": "$.External.tier"}}, "Check tier",
            errors={"NoMatchingError": "Bye"}),
        act("Check tier", "Compare", {"ComparisonValue": "$.External.tier"},
            conditions={"gold": "Check again", "silver": "Check again"},
            errors={"NoMatchingCondition": "Check again"}),
        act("Check again", "Compare", {"ComparisonValue": "$.Attributes.tier"},
            conditions={"gold": "Gold desk", "silver": "Silver desk"}, errors={"NoMatchingCondition": "Bye"}),
        message("Gold desk", "Welcome, gold member.", "Bye"),
        message("Silver desk", "Welcome, silver member.", "Bye"),
        hang_up("Bye"),
    ])
    paths = explore(load_library(tmp_path), "Tiers")
    assert [blocks(p) for p in paths] == [
        ["Lookup", "Save tier", "Check tier", "Check again", "Gold desk", "Bye"],
        ["Lookup", "Save tier", "Check tier", "Check again", "Silver desk", "Bye"],
        ["Lookup", "Save tier", "Check tier", "Check again", "Bye"],
        ["Lookup", "Bye"],
    ]
    # After gold or silver the second Compare is evaluated: it follows the first one's choice. After
    # no match the value is still unknown, but it is neither gold nor silver: one branch is left.
    assert [choices(p) for p in paths[:3]] == [
        [("Lookup", "Success"), ("Check tier", "gold")],
        [("Lookup", "Success"), ("Check tier", "silver")],
        [("Lookup", "Success"), ("Check tier", "NoMatchingCondition"), ("Check again", "NoMatchingCondition")],
    ]
    assert paths[0].attributes == {"tier": "gold"}
    assert paths[2].attributes == {"tier": "⟨$.External.tier⟩"}


def test_a_compare_on_a_value_the_flow_set_is_evaluated(tmp_path: Path) -> None:
    write_flow(tmp_path, "Known", [
        act("Set lang", "UpdateContactAttributes", {"Attributes": {"lang": "fr"}}, "Check lang",
            errors={"NoMatchingError": "Bye"}),
        act("Check lang", "Compare", {"ComparisonValue": "$.Attributes.lang"},
            conditions={"en": "Bye", "fr": "Bonjour"}, errors={"NoMatchingCondition": "Bye"}),
        message("Bonjour", "Bonjour.", "Bye"),
        hang_up("Bye"),
    ])
    [path] = explore(load_library(tmp_path), "Known")
    assert path.path == ["Set lang", "Check lang", "Bonjour", "Bye"] and path.choices == ()


def test_the_contact_may_arrive_with_any_attributes(tmp_path: Path) -> None:
    write_flow(tmp_path, "Chat entry", [
        act("Check lang", "Compare", {"ComparisonValue": "$.Attributes.lang"},
            conditions={"fr": "Bonjour"}, errors={"NoMatchingCondition": "Bye"}),
        message("Bonjour", "Bonjour.", "Bye"),
        hang_up("Bye"),
    ])
    paths = explore(load_library(tmp_path), "Chat entry", channel="CHAT")
    assert [blocks(p) for p in paths] == [["Check lang", "Bonjour", "Bye"], ["Check lang", "Bye"]]


def test_distribute_by_percentage_takes_each_branch_a_draw_reaches(tmp_path: Path) -> None:
    write_flow(tmp_path, "Split", [
        act("Split", "DistributeByPercentage", {},
            conditions=[("NumberLessThan", "31", "A"), ("NumberLessThan", "101", "B")],
            errors={"NoMatchingCondition": "Bye"}),
        message("A", "a", "Bye"), message("B", "b", "Bye"), hang_up("Bye"),
    ])
    paths = explore(load_library(tmp_path), "Split")
    # 1..30 → A, 31..100 → B; no draw reaches the Default branch.
    assert [choices(p) for p in paths] == [[("Split", "31")], [("Split", "101")]]


def test_a_block_repeating_past_max_loops_ends_the_path_as_bounded(tmp_path: Path) -> None:
    write_flow(tmp_path, "Endless", [message("Ping", "ping", "Pong"), message("Pong", "pong", "Ping")])
    library = load_library(tmp_path)
    [path] = explore(library, "Endless", max_loops=2)
    assert path.ended is None and path.bound == "loop" and path.outcome == "loop: bounded"
    assert path.path == ["Ping", "Pong"] * 3  # each block runs once and repeats twice
    assert "'Ping'" in path.reason and "--max-loops" in path.reason
    [steps] = explore(library, "Endless", max_steps=5)
    assert steps.bound == "steps" and len(steps.path) == 5


@pytest.mark.parametrize(("loop_count", "outcome"), [("2", "disconnected"), ("5", "loop: bounded")])
def test_a_loop_block_within_max_loops_is_followed_to_its_end(tmp_path: Path, loop_count: str, outcome: str) -> None:
    write_flow(tmp_path, "Retry", [
        act("Retry", "Loop", {"LoopCount": loop_count},
            conditions={"ContinueLooping": "Again", "DoneLooping": "Bye"}),
        message("Again", "Once more.", "Retry"),
        hang_up("Bye"),
    ])
    [path] = explore(load_library(tmp_path), "Retry")
    assert path.outcome == outcome


def test_transfers_to_flows_and_modules_are_followed(tmp_path: Path) -> None:
    write_flow(tmp_path, "Capture", [
        act("Ask", "GetParticipantInput",
            {"Text": "Why do you call?", "StoreInput": "True",
             "InputValidation": {"CustomValidation": {"MaximumLength": "1"}}},
            "Save", errors={"NoMatchingError": "Back"}),
        act("Save", "UpdateContactAttributes", {"Attributes": {"reason": "$.StoredCustomerInput"}}, "Back",
            errors={"NoMatchingError": "Back"}),
        act("Back", "EndFlowModuleExecution"),
    ], module=True)
    write_flow(tmp_path, "Second", [end_flow("Done")], flow_type="CONTACT_FLOW")
    write_flow(tmp_path, "First", [
        act("Capture reason", "InvokeFlowModule", {"FlowModuleId": "Capture"}, "To second",
            errors={"NoMatchingError": "To second"}),
        act("To second", "TransferToFlow", {"ContactFlowId": "Second"}, "Bye", errors={"NoMatchingError": "Bye"}),
        hang_up("Bye"),
    ], flow_type="CONTACT_FLOW")
    paths = explore(load_library(tmp_path), "First")
    assert [p.path for p in paths] == [
        ["Capture reason", "Ask", "Save", "Back", "To second", "Done"],
        ["Capture reason", "Ask", "Back", "To second", "Done"],
    ]
    assert paths[0].flows == ("First", "Second")
    assert paths[0].attributes == {"reason": "⟨$.StoredCustomerInput⟩"}
    assert choices(paths[0]) == [("Ask", "Success")] and paths[0].choices[0].flow == "Capture"


def test_a_flow_that_cannot_run_and_bad_settings_are_clear_errors(tmp_path: Path) -> None:
    write_flow(tmp_path, "Unconnected", [hang_up()], start="")
    write_flow(tmp_path, "Odd", [act("Jingle", "PlayJingle", {}, "Bye"), hang_up("Bye")])
    library = load_library(tmp_path)
    with pytest.raises(FlowDefectError, match="StartAction is empty"):
        explore(library, "Unconnected")
    with pytest.raises(UnsupportedActionError, match="PlayJingle"):
        explore(library, "Odd")
    with pytest.raises(ConfigurationError, match="channel must be one of VOICE, CHAT, TASK, EMAIL"):
        explore(library, "Odd", channel="SMS")
    with pytest.raises(ConfigurationError, match="max_loops"):
        explore(library, "Odd", max_loops=-1)


def test_max_paths_stops_the_walk(ivr: Path) -> None:
    assert len(explore(load_library(ivr), "IVR", max_paths=3)) == 3


def test_the_example_ivr_streams_only_where_the_caller_asks_and_stops_before_every_transfer() -> None:
    library = load_library(EXAMPLE / "flows")
    paths = explore(library, "Main IVR")
    transfers = [p for p in paths if p.ended == "transferred_to_queue"]
    assert transfers and all(p.media_streaming.state != "streaming" for p in transfers)
    described = [p for p in paths if ("Main menu", "3") in choices(p) and p.ended == "transferred_to_queue"]
    assert described and all(p.media_streaming.state == "stopped" and p.queue == "Support" for p in described)
    assert {p.ended for p in explore(library, "Main IVR", channel="CHAT")} == {"disconnected"}


# The command -------------------------------------------------------------------------------------

def test_explore_prints_each_path_with_its_contact_state(
    streaming_flow: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(streaming_flow)
    assert main(["explore", "Streaming", "--flows", "."]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:4] == [
        "Streaming (CONTACT_FLOW) on VOICE, live media streaming on: 2 paths",
        "  disconnected: 2",
        "",
        "path 1: disconnected",
    ]
    assert "  choices: Lookup → Success\n  blocks: Start → Lookup → Stop → Bye\n  queue: (none)\n" in out
    assert "  attributes: (none set)\n" in out
    assert ("  media stream: stopped (From off, To off): start at Streaming/Start [From, To]; "
            "stop at Streaming/Stop\n") in out


def test_explore_json_covers_every_channel_with_all(
    streaming_flow: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(streaming_flow)
    assert main(["explore", "streaming.json", "--channel", "all", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(e["channel"], len(e["paths"]), e["complete"]) for e in data] == [
        ("VOICE", 2, True), ("CHAT", 2, True), ("TASK", 2, True), ("EMAIL", 2, True),
    ]
    voice = data[0]["paths"][0]
    assert voice["ended"] == "disconnected" and voice["bound"] is None
    assert voice["choices"] == [{"flow": "Streaming", "block": "Lookup", "type": "InvokeLambdaFunction",
                                 "branch": "Success"}]
    assert [s["block"] for s in voice["path"]] == ["Start", "Lookup", "Stop", "Bye"]
    assert voice["media_streaming"]["state"] == "stopped"
    assert voice["media_streaming"]["directions"] == {"From": False, "To": False}
    assert [h["kind"] for h in voice["media_streaming"]["history"]] == ["start", "stop"]
    assert data[1]["paths"][0]["media_streaming"]["state"] == "not_started"


def test_explore_without_live_media_streaming(
    streaming_flow: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(streaming_flow)
    assert main(["explore", "Streaming", "--flows", ".", "--no-live-media-streaming", "--format", "json"]) == 0
    [voice] = json.loads(capsys.readouterr().out)
    assert voice["live_media_streaming"] is False
    assert {p["media_streaming"]["state"] for p in voice["paths"]} == {"not_started"}
    assert all("Stop failed" in [s["block"] for s in p["path"]] for p in voice["paths"])


def test_explore_reports_bounded_paths_and_the_path_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_flow(tmp_path, "Endless", [message("Ping", "ping", "Pong"), message("Pong", "pong", "Ping")])
    monkeypatch.chdir(tmp_path)
    assert main(["explore", "Endless", "--flows", ".", "--max-loops", "1"]) == 0
    out = capsys.readouterr().out
    assert "path 1: loop: bounded (block 'Ping' of flow 'Endless' would run 3 times" in out
    assert main(["explore", "Endless", "--flows", ".", "--max-paths", "1", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["complete"] is False


def test_explore_uses_the_project_settings(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(EXAMPLE)  # connectflow_flows and connectflow_instance from its pyproject.toml
    assert main(["explore", "Queue music", "--format", "json"]) == 0
    [queue] = json.loads(capsys.readouterr().out)
    assert queue["flow_type"] == "CUSTOMER_QUEUE"
    assert [p["ended"] for p in queue["paths"]] == ["flow_ended"]


def test_explore_names_what_is_wrong(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    write_flow(tmp_path, "Main", [hang_up()])
    monkeypatch.chdir(tmp_path)
    assert main(["explore", "Mian", "--flows", "."]) == 1
    assert "connectflow explore: no loaded flow is named 'Mian' (did you mean 'Main'?)" in capsys.readouterr().err
    assert main(["explore", "Main"]) == 2
    assert "give --flows PATH or set the ini option connectflow_flows" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["explore", "Main", "--flows", ".", "--channel", "SMS"])
    assert exit_info.value.code == 2
