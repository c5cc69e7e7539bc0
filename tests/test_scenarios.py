"""YAML scenarios as users meet them: collection, ids, reporting and expectations."""

from __future__ import annotations

import json

import pytest

PASSING = """
scenarios:
  - name: caller picks sales and streaming stops before the transfer
    flow: Main IVR
    attributes: {lang: en, code: 007}
    inputs: [1]
    mocks:
      lambdas:
        lookupCustomer: {tier: gold}
    expect:
      path: [Start streaming, Lookup, Save tier, Menu, Set sales queue, Stop streaming, To sales]
      branches: {Stop streaming: Success, Menu: "1", Lookup: Success}
      media_streaming: stopped
      attributes: {tier: gold, code: "007", lang: en}
      ended: transferred_to_queue
      queue: q-sales
"""


def test_a_scenario_is_one_item_with_file_and_name_id(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(".connectflow.yaml", test_ivr=PASSING)
    result = ivr_project.runpytest("--collect-only", "-q")
    result.stdout.fnmatch_lines(["test_ivr.connectflow.yaml::caller picks sales and streaming stops*transfer"])


def test_passing_scenario_checks_every_expectation_key(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(".connectflow.yaml", test_ivr=PASSING)
    ivr_project.runpytest().assert_outcomes(passed=1)


def test_unmatched_files_are_not_collected(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(".yaml", ivr_scenarios=PASSING)
    result = ivr_project.runpytest()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_connectflow_files_ini_changes_the_glob(ivr_project: pytest.Pytester) -> None:
    ivr_project.makeini("[pytest]\nconnectflow_flows = flows\nconnectflow_files = *.flowtest.yaml\n")
    ivr_project.makefile(".flowtest.yaml", ivr=PASSING)
    ivr_project.runpytest().assert_outcomes(passed=1)


def test_minus_k_selects_scenarios_by_name(ivr_project: pytest.Pytester) -> None:
    two = PASSING + PASSING.split("scenarios:\n", 1)[1].replace("caller picks sales", "second one")
    ivr_project.makefile(".connectflow.yaml", test_ivr=two)
    result = ivr_project.runpytest("-k", "second", "-v")
    result.assert_outcomes(passed=1, deselected=1)
    result.stdout.fnmatch_lines(["*::second one and streaming stops before the transfer PASSED*"])


def test_junitxml_names_each_scenario(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(".connectflow.yaml", test_ivr=PASSING)
    ivr_project.runpytest("--junitxml=out.xml").assert_outcomes(passed=1)
    xml = (ivr_project.path / "out.xml").read_text()
    assert 'name="caller picks sales and streaming stops before the transfer"' in xml


def test_runs_under_xdist(ivr_project: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    ivr_project.makefile(".connectflow.yaml", test_ivr=PASSING, test_other=PASSING.replace("caller", "other"))
    ivr_project.runpytest("-p", "xdist", "-n", "2").assert_outcomes(passed=2)


def test_flows_key_is_relative_to_the_scenario_file(pytester: pytest.Pytester) -> None:
    import json

    from flowdefs import main_ivr

    sub = pytester.mkdir("connect")
    (sub / "ivr.json").write_text(json.dumps(main_ivr()))
    tests = pytester.mkdir("tests")
    (tests / "test_ivr.connectflow.yaml").write_text("flows: ../connect/ivr.json\n" + PASSING)
    pytester.runpytest().assert_outcomes(passed=1)


def test_values_are_read_as_written(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(
        ".connectflow.yaml",
        test_values="""
scenarios:
  - name: strings
    flow: Main IVR
    attributes: {zip: 007, flag: yes, ratio: 1.50}
    inputs: [1]
    mocks:
      lambdas:
        lookupCustomer: {tier: 010}
    expect:
      attributes: {zip: "007", flag: "yes", ratio: "1.50", tier: "010"}
""",
    )
    ivr_project.runpytest().assert_outcomes(passed=1)


def test_console_aliases_and_branch_lists(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(
        ".connectflow.yaml",
        test_alias="""
scenarios:
  - name: menu times out twice
    flow: Main IVR
    channel: VOICE
    inputs: [~, 9]
    mocks:
      lambdas:
        lookupCustomer: {error: true}
    expect:
      branches:
        Lookup: Error
        Menu: [Timeout, No match]
        Retry: [ContinueLooping, DoneLooping]
      media_streaming: stopped
      ended: disconnected
  - name: chat cannot stream
    flow: Main IVR
    channel: CHAT
    mocks:
      lambdas:
        lookupCustomer: {tier: silver}
    expect:
      branches: {Start streaming: NoMatchingError, Menu: Error}
      media_streaming: not_started
""",
    )
    ivr_project.runpytest().assert_outcomes(passed=2)


def test_instance_without_live_media_streaming_takes_error(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(
        ".connectflow.yaml",
        test_instance="""
instance:
  live_media_streaming: false
scenarios:
  - name: no streaming on this instance
    flow: Main IVR
    inputs: [1]
    mocks:
      lambdas:
        lookupCustomer: {tier: gold}
    expect:
      branches: {Start streaming: Error, Stop streaming: Error}
      media_streaming: not_started
""",
    )
    ivr_project.runpytest().assert_outcomes(passed=1)


def test_leftover_inputs_are_reported_not_failed(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(".connectflow.yaml", test_ivr=PASSING.replace("inputs: [1]", "inputs: [1, 2, 3]"))
    result = ivr_project.runpytest("-rA")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*inputs left over*'2', '3'*"])


def test_duplicate_scenario_name_fails_the_second(ivr_project: pytest.Pytester) -> None:
    body = PASSING.split("scenarios:\n", 1)[1]
    ivr_project.makefile(".connectflow.yaml", test_dup=PASSING + body)
    result = ivr_project.runpytest("-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*::caller picks sales and streaming stops before the transfer[[]2[]] FAILED*",
        "test_dup.connectflow.yaml:16: duplicate scenario name*(first at line 2)*",
    ])


def test_ended_error_is_a_failure_unless_expected(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(
        ".connectflow.yaml",
        test_err="""
scenarios:
  - name: module missing
    flow: Main IVR
    channel: TASK
    mocks:
      lambdas:
        lookupCustomer: {tier: gold}
    expect:
      ended: disconnected
""",
    )
    result = ivr_project.runpytest()
    result.assert_outcomes(passed=1)


def test_unresolved_flow_reference_takes_error_and_is_summarised(ivr_project: pytest.Pytester) -> None:
    import json

    from flowdefs import action

    flow = {
        "Version": "2019-10-30", "StartAction": "Go", "Metadata": {"name": "Hop"},
        "Actions": [
            action("Go", "TransferToFlow",
                    {"ContactFlowId": "arn:aws:connect:us-east-1:1:instance/i/contact-flow/missing-flow"},
                    "Bye", errors={"NoMatchingError": "Bye"}),
            action("Bye", "DisconnectParticipant", {}),
        ],
    }
    (ivr_project.path / "flows" / "hop.json").write_text(json.dumps(flow))
    ivr_project.makefile(".connectflow.yaml", test_hop="""
scenarios:
  - name: hop
    flow: Hop
    expect:
      branches: {Go: Error}
      ended: disconnected
""")
    result = ivr_project.runpytest("-p", "xdist", "-n", "2")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([
        "*= connectflow notes =*",
        "- block 'Go' (TransferToFlow) of flow 'Hop'*: ContactFlowId "
        "'arn:aws:connect:us-east-1:1:instance/i/contact-flow/missing-flow' names no loaded flow",
    ])


def test_contact_presets_queue_stream_initiation_and_endpoints(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(
        ".connectflow.yaml",
        test_contact="""
scenarios:
  - name: already streaming from the customer only
    flow: Main IVR
    contact:
      queue: Billing
      media_streaming: {From: true, To: false}
      initiation: TRANSFER
      customer_endpoint: "+447700900123"
    mocks:
      lambdas:
        lookupCustomer: {tier: gold}
    inputs: [~, ~]
    expect:
      branches: {Start streaming: Success}
      media_streaming: stopped
      queue: Billing
""",
    )
    ivr_project.makepyfile(test_contact_py="""
        def test_preset(connectflow, simulated_contact):
            seen = []
            def handler(event):
                seen.append(event["Details"]["ContactData"])
                return {}
            contact = simulated_contact(queue="Billing", media_streaming="streaming", initiation="CALLBACK",
                                        customer_endpoint="+15550001")
            result = connectflow.run("Main IVR", contact=contact, inputs=[None, None],
                                     lambdas={"lookupCustomer": handler})
            assert [e.kind for e in result.media_streaming.history] == ["initial", "start", "disconnect"]
            assert seen[0]["InitiationMethod"] == "CALLBACK"
            assert seen[0]["Queue"]["Name"] == "Billing"
            assert seen[0]["CustomerEndpoint"]["Address"] == "+15550001"
            assert seen[0]["MediaStreams"]["Customer"]["Audio"]["StreamARN"]
    """)
    ivr_project.runpytest().assert_outcomes(passed=2)


def test_contact_stopped_preset_stays_stopped_without_blocks(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(
        ".connectflow.yaml",
        test_stopped="""
scenarios:
  - name: stream stopped earlier, chat cannot restart it
    flow: Main IVR
    channel: CHAT
    contact: {media_streaming: stopped}
    mocks: {lambdas: {lookupCustomer: {}}}
    expect:
      branches: {Start streaming: Error}
      media_streaming: stopped
""",
    )
    ivr_project.runpytest().assert_outcomes(passed=1)


READ_COUNTER = """
import json, os
from pathlib import Path

from pytest_connectflow.flow import loaders

READS = {}
_read_text = loaders.read_text


def counting_read_text(path):
    READS[path.name] = READS.get(path.name, 0) + 1
    return _read_text(path)


def pytest_sessionstart(session):
    loaders.read_text = counting_read_text


RAN = []


def pytest_runtest_setup(item):  # where the test runs (the xdist controller only reports)
    RAN.append(item.nodeid)


def pytest_sessionfinish(session):
    loaders.read_text = _read_text
    # One file per process (by pid: this run may itself be inside an xdist worker).
    Path(session.config.rootpath, f"reads-{os.getpid()}.json").write_text(json.dumps({"ran": len(RAN), "reads": READS}))
"""


@pytest.mark.parametrize("workers", [[], ["-p", "xdist", "-n", "2"]], ids=["one process", "xdist -n 2"])
def test_each_flow_file_is_read_once_per_process(ivr_project: pytest.Pytester, workers: list[str]) -> None:
    ivr_project.makeconftest(READ_COUNTER)
    body = PASSING.split("scenarios:\n", 1)[1]
    for name in ("test_a", "test_b"):
        renamed = [body.replace("caller picks sales", f"{name} {i}") for i in range(3)]
        ivr_project.makefile(".connectflow.yaml", **{name: "scenarios:\n" + "".join(renamed)})
    ivr_project.makepyfile(test_fixture="""
        def test_fixture_uses_the_same_library(connectflow):
            assert connectflow.run("Main IVR", inputs=[1], lambdas={"lookupCustomer": {}}).path
    """)
    result = ivr_project.runpytest(*workers)
    result.assert_outcomes(passed=7)
    processes = [json.loads(p.read_text()) for p in ivr_project.path.glob("reads-*.json")]
    running = [p for p in processes if p["ran"]]  # not the xdist controller, nor a worker left idle
    assert sum(p["ran"] for p in running) == 7, processes
    for process in running:  # however many tests it ran, each file of the flow folder read once
        assert process["reads"] == {"main.json": 1, "endless.json": 1, "queues.yaml": 1}, processes
    assert all(not p["reads"] for p in processes if not p["ran"]), processes
