"""Template placeholders in flow JSON: found, substituted from instance.placeholders, warned about
when nothing resolves them, and a clear error when a block that holds one runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flowdefs import action, main_ivr

from pytest_connectflow import FlowDefectError, Simulator, load_library
from pytest_connectflow.engine.instance import Instance, merge_instance_dicts
from pytest_connectflow.flow.placeholders import (
    check_placeholders,
    find_placeholders,
    placeholder_name,
    substitute_text,
)
from pytest_connectflow.session import ConnectflowSession

QUEUE = "arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q-sales"


def test_every_placeholder_style_is_found_with_its_name() -> None:
    text = "${QueueArn} %%LAMBDA_ARN%% %LangCode% {{contactFlows.Main.arn}} ${F:queue_AUTO:F} {{ spaced }}"
    tokens = find_placeholders(text)
    assert tokens == ["${QueueArn}", "%%LAMBDA_ARN%%", "%LangCode%", "{{contactFlows.Main.arn}}",
                      "${F:queue_AUTO:F}", "{{ spaced }}"]
    assert [placeholder_name(t) for t in tokens] == ["QueueArn", "LAMBDA_ARN", "LangCode", "contactFlows.Main.arn",
                                                     "F:queue_AUTO:F", "spaced"]


@pytest.mark.parametrize("text", [
    "$.Attributes.name", "50% off, 100% sure", "https://x/a%E2%80%99b%20c", '{{"a": 1}}', "${ spaced out }",
    "Press 1%",
])
def test_text_that_only_looks_like_a_placeholder_is_not_one(text: str) -> None:
    assert find_placeholders(text) == []


def test_substitution_by_name_or_whole_token_leaves_the_rest() -> None:
    mapping = {"QueueArn": "arn:q", "%%REGION%%": "eu-west-2"}
    assert substitute_text("${QueueArn} %%REGION%% %REGION% ${Other}", mapping) == (
        "arn:q eu-west-2 %REGION% ${Other}"
    )


def _flow_with_placeholders() -> dict[str, object]:
    flow = main_ivr()
    flow["Actions"][1]["Parameters"]["LambdaFunctionARN"] = "%%LOOKUP_ARN%%"
    flow["Actions"][5]["Parameters"]["QueueId"] = "${QueueArn}"
    return flow


def test_unresolved_placeholders_load_with_warnings_and_are_recorded_on_the_block(tmp_path: Path) -> None:
    (tmp_path / "ivr.json").write_text(json.dumps(_flow_with_placeholders(), indent=2))
    flow = load_library(tmp_path).find("Main IVR")
    queue = flow.actions["Set sales queue"]
    assert queue.unresolved == (("parameter QueueId", "${QueueArn}"),)
    assert (
        "placeholder ${QueueArn} in action 'Set sales queue' parameter QueueId is not resolved; "
        "set instance.placeholders"
    ) in flow.warnings
    assert any("%%LOOKUP_ARN%%" in w for w in flow.warnings)
    with pytest.raises(FlowDefectError, match=r"block 'Set sales queue' .* placeholder \$\{QueueArn\}") as info:
        check_placeholders(flow, queue)
    assert info.value.where == flow.where(queue)
    check_placeholders(flow, flow.actions["Menu"])  # nothing unresolved there: no error


def test_nested_parameters_and_operands_are_checked(tmp_path: Path) -> None:
    flow = {"Version": "2019-10-30", "StartAction": "S", "Actions": [
        action("S", "UpdateContactAttributes", {"Attributes": {"flow": "{{flows.next.arn}}"}}, "C"),
        action("C", "Compare", {"ComparisonValue": "$.Attributes.x"}, conditions={"%%LIMIT%%": "S"}),
    ]}
    (tmp_path / "f.json").write_text(json.dumps(flow))
    loaded = load_library(tmp_path).flows[0]
    assert loaded.actions["S"].unresolved == (("parameter Attributes.flow", "{{flows.next.arn}}"),)
    assert loaded.actions["C"].unresolved == (("condition operand", "%%LIMIT%%"),)


def test_load_library_substitutes_the_mapping(tmp_path: Path) -> None:
    (tmp_path / "ivr.json").write_text(json.dumps(_flow_with_placeholders(), indent=2))
    library = load_library(tmp_path, {"QueueArn": QUEUE, "LOOKUP_ARN": "arn:aws:lambda:us-east-1:1:function:lookup"})
    flow = library.find("Main IVR")
    assert flow.actions["Set sales queue"].parameters["QueueId"] == QUEUE
    assert all(a.unresolved == () for a in flow.actions.values()) and flow.warnings == ()
    result = Simulator(library).run("Main IVR", inputs=["1"], lambdas={"lookup": {}})
    assert result.ended == "transferred_to_queue"



def test_running_a_block_with_an_unresolved_placeholder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "ivr.json").write_text(json.dumps(_flow_with_placeholders(), indent=2))
    simulator = Simulator(load_library(tmp_path, {"LOOKUP_ARN": "arn:aws:lambda:us-east-1:1:function:lookup"}))
    with pytest.raises(FlowDefectError, match=r"'Set sales queue'.*\$\{QueueArn\}.*instance.placeholders"):
        simulator.run("Main IVR", inputs=["1"], lambdas={"lookup": {}})
    # A path that never reaches the block runs.
    assert simulator.run("Main IVR", inputs=["9", "9"], lambdas={"lookup": {}}).ended == "disconnected"


def test_instance_placeholders_field_and_merging() -> None:
    merged = merge_instance_dicts({"placeholders": {"A": "1", "B": "2"}}, {"placeholders": {"B": "3"}})
    assert Instance.from_dict(merged).placeholders == {"A": "1", "B": "3"}
    assert Instance.from_dict({}).placeholders == {}


def test_session_caches_a_library_per_paths_and_placeholders(tmp_path: Path) -> None:
    (tmp_path / "ivr.json").write_text(json.dumps(_flow_with_placeholders()))
    instance = tmp_path / "instance.yaml"
    instance.write_text(f"placeholders:\n  QueueArn: {QUEUE}\n")
    session = ConnectflowSession(default_flows=(tmp_path,), instance_file=instance)
    default = session.library(None)
    assert default is session.library([tmp_path])  # the instance file's placeholders by default
    assert default.find("Main IVR").actions["Set sales queue"].parameters["QueueId"] == QUEUE
    other = session.library(None, {"QueueArn": "arn:other"})
    assert other is not default and other is session.library(None, {"QueueArn": "arn:other"})
    assert other.find("Main IVR").actions["Set sales queue"].parameters["QueueId"] == "arn:other"


TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  SalesQueueArn: {Type: String}
Resources:
  Inbound:
    Type: AWS::Connect::ContactFlow
    Properties:
      Name: Inbound
      Type: CONTACT_FLOW
      Content: !Sub |
        {"Version": "2019-10-30", "StartAction": "Set queue", "Actions": [
          {"Identifier": "Set queue", "Type": "UpdateContactTargetQueue",
           "Parameters": {"QueueId": "${SalesQueueArn}"},
           "Transitions": {"NextAction": "Transfer",
                           "Errors": [{"ErrorType": "NoMatchingError", "NextAction": "Bye"}]}},
          {"Identifier": "Transfer", "Type": "TransferContactToQueue", "Parameters": {},
           "Transitions": {"NextAction": "Bye", "Errors": [{"ErrorType": "QueueAtCapacity", "NextAction": "Bye"},
                                                           {"ErrorType": "NoMatchingError", "NextAction": "Bye"}]}},
          {"Identifier": "Bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}
        ]}
"""

SCENARIO = """\
scenarios:
  - name: the queue comes from the placeholder mapping
    flow: Inbound
    expect:
      path: [Set queue, Transfer]
      ended: transferred_to_queue
      queue: Sales
"""


def test_placeholders_from_the_instance_resources_file_resolve_in_a_scenario_run(pytester: pytest.Pytester) -> None:
    flows = pytester.mkdir("connect")
    (flows / "stack.yaml").write_text(TEMPLATE)
    (flows / "instance.yaml").write_text("not: a template\n")
    pytester.makefile(
        ".yaml",
        instance=f"queues:\n  Sales: {{arn: '{QUEUE}'}}\nplaceholders:\n  SalesQueueArn: '{QUEUE}'\n",
    )
    pytester.makeini("[pytest]\nconnectflow_flows = connect\nconnectflow_instance = instance.yaml\n")
    pytester.makefile(".connectflow.yaml", test_inbound=SCENARIO)
    pytester.runpytest().assert_outcomes(passed=1)


def test_placeholders_must_be_strings_in_the_instance_file(pytester: pytest.Pytester) -> None:
    (pytester.mkdir("connect") / "stack.yaml").write_text(TEMPLATE)
    pytester.makefile(".yaml", instance="placeholders:\n  SalesQueueArn: [not, a, string]\n")
    pytester.makeini("[pytest]\nconnectflow_flows = connect\nconnectflow_instance = instance.yaml\n")
    pytester.makefile(".connectflow.yaml", test_inbound=SCENARIO)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*instance.yaml:2*placeholders.SalesQueueArn*expected string*"])


def test_a_scenario_file_instance_gives_placeholders(pytester: pytest.Pytester) -> None:
    flows = pytester.mkdir("flows")
    (flows / "ivr.json").write_text(json.dumps(_flow_with_placeholders(), indent=2))
    pytester.makefile(".connectflow.yaml", test_file_level="""
flows: flows
instance:
  placeholders:
    LOOKUP_ARN: arn:aws:lambda:us-east-1:1:function:lookup
    QueueArn: arn:aws:connect:us-east-1:1:instance/i/queue/q-file
scenarios:
  - name: file placeholders
    flow: Main IVR
    inputs: ["1"]
    mocks: {lambdas: {lookup: {}}}
    expect: {queue: q-file}
  - name: the scenario's own win
    flow: Main IVR
    inputs: ["1"]
    instance:
      placeholders: {QueueArn: "arn:aws:connect:us-east-1:1:instance/i/queue/q-mine"}
    mocks: {lambdas: {lookup: {}}}
    expect: {queue: q-mine}
""")
    pytester.runpytest().assert_outcomes(passed=2)
