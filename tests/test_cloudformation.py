"""CloudFormation templates (YAML with short tags, JSON) as flow sources: one flow per
AWS::Connect::ContactFlow / ContactFlowModule resource, intrinsics resolved offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flowdefs import action, main_ivr

from pytest_connectflow import Simulator, load_library
from pytest_connectflow.flow import load_path
from pytest_connectflow.flow.cloudformation import read_yaml_template

SYNTHETIC = "arn:aws:connect:us-east-1:123456789012:instance/00000000-0000-4000-8000-00000000cafe"

# A realistic template: short tags, Fn::Sub with its own variables and parameters, Fn::Join, a module,
# and flows that reach each other through !GetAtt.
STACK = """\
AWSTemplateFormatVersion: 2010-09-09
Description: Connect flows
Parameters:
  Env:
    Type: String
    Default: dev
  QueueArn:
    Type: String
  InstanceArn:
    Type: String
Resources:
  MainFlow:
    Type: AWS::Connect::ContactFlow
    Properties:
      InstanceArn: !Ref InstanceArn
      Name: !Sub "${Env} Main IVR"
      Type: CONTACT_FLOW
      Content: !Sub
        - |
          {
            "Version": "2019-10-30",
            "StartAction": "Greet",
            "Actions": [
              {"Identifier": "Greet", "Type": "MessageParticipant",
               "Parameters": {"Text": "Hello ${Who} from ${Env} in ${AWS::Region}"},
               "Transitions": {"NextAction": "Module"}},
              {"Identifier": "Module", "Type": "InvokeFlowModule",
               "Parameters": {"FlowModuleId": "${Helper.ContactFlowModuleArn}"},
               "Transitions": {"NextAction": "Queue",
                               "Errors": [{"ErrorType": "NoMatchingError", "NextAction": "Queue"}]}},
              {"Identifier": "Queue", "Type": "UpdateContactTargetQueue",
               "Parameters": {"QueueId": "${QueueArn}"},
               "Transitions": {"NextAction": "ToGoodbye",
                               "Errors": [{"ErrorType": "NoMatchingError", "NextAction": "ToGoodbye"}]}},
              {"Identifier": "ToGoodbye", "Type": "TransferToFlow",
               "Parameters": {"ContactFlowId": "${GoodbyeFlow.ContactFlowArn}"},
               "Transitions": {"NextAction": "",
                               "Errors": [{"ErrorType": "NoMatchingError", "NextAction": ""}]}}
            ]
          }
        - Who: !Join [" ", [dear, caller]]
  GoodbyeFlow:
    Type: AWS::Connect::ContactFlow
    Properties:
      InstanceArn: !Ref InstanceArn
      Name: Goodbye
      Type: CONTACT_FLOW
      Content: !Join
        - ""
        - - '{"Version": "2019-10-30", "StartAction": "Bye", "Actions": ['
          - '{"Identifier": "Bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}},'
          - '{"Identifier": "Lookup", "Type": "InvokeLambdaFunction", "Parameters": {"LambdaFunctionARN": "'
          - !GetAtt LookupFunction.Arn
          - '"}, "Transitions": {}}]}'
  Helper:
    Type: AWS::Connect::ContactFlowModule
    Properties:
      InstanceArn: !Ref InstanceArn
      Name: Helper module
      Content: >-
        {"Version": "2019-10-30", "StartAction": "Done", "Settings": {},
        "Actions": [{"Identifier": "Done", "Type": "EndFlowModuleExecution", "Parameters": {}, "Transitions": {}}]}
  LookupFunction:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
Outputs:
  MainFlowArn:
    Value: !GetAtt MainFlow.ContactFlowArn
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_yaml_template_gives_one_flow_per_resource_with_wrapper_name_and_type(tmp_path: Path) -> None:
    _write(tmp_path, "connect.yaml", STACK)
    report = load_path(tmp_path)
    assert report.errors == []
    flows = {f.name: f for f in report.flows}
    assert set(flows) == {"dev Main IVR", "Goodbye", "Helper module"}
    main = flows["dev Main IVR"]
    assert main.declared_type == "CONTACT_FLOW" and main.shape == "cloudformation" and not main.is_module
    assert flows["Helper module"].is_module and flows["Helper module"].declared_type is None
    # Three flows in one file: the file stem is nobody's name.
    assert not main.alone_in_file


def test_fn_sub_uses_its_variables_parameter_defaults_and_pseudo_parameters(tmp_path: Path) -> None:
    _write(tmp_path, "connect.yaml", STACK)
    main = load_library(tmp_path).find("dev Main IVR")
    assert main.actions["Greet"].parameters["Text"] == "Hello dear caller from dev in us-east-1"


def test_blocks_of_a_block_scalar_content_have_the_template_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, "connect.yaml", STACK)
    main = load_library(tmp_path).find("dev Main IVR")
    lines = path.read_text().splitlines()
    greet = main.actions["Greet"].line
    assert greet is not None and '"Identifier": "Greet"' in lines[greet - 1]
    assert main.where(main.actions["Greet"]) == f"{path}:{greet}"


def test_unresolved_ref_and_getatt_become_placeholders_with_warnings(tmp_path: Path) -> None:
    _write(tmp_path, "connect.yaml", STACK)
    library = load_library(tmp_path)
    main, goodbye = library.find("dev Main IVR"), library.find("Goodbye")
    assert main.actions["Queue"].parameters["QueueId"] == "${QueueArn}"
    assert main.actions["Queue"].unresolved == (("parameter QueueId", "${QueueArn}"),)
    assert any("${QueueArn}" in w and "'Queue'" in w and "instance.placeholders" in w for w in main.warnings)
    assert goodbye.actions["Lookup"].parameters["LambdaFunctionARN"] == "${LookupFunction.Arn}"


def test_placeholders_mapping_resolves_refs_and_getatts(tmp_path: Path) -> None:
    _write(tmp_path, "connect.yaml", STACK)
    queue = "arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q-sales"
    lam = "arn:aws:lambda:us-east-1:111122223333:function:lookup"
    library = load_library(tmp_path, {"QueueArn": queue, "LookupFunction.Arn": lam, "Env": "prod"})
    main = library.find("prod Main IVR")  # the mapping wins over the parameter's Default
    assert main.actions["Queue"].parameters["QueueId"] == queue
    assert main.actions["Queue"].unresolved == ()
    assert library.find("Goodbye").actions["Lookup"].parameters["LambdaFunctionARN"] == lam
    assert not any("placeholder" in w for f in library.flows for w in f.warnings)


def test_getatt_between_flows_of_one_template_runs_offline(tmp_path: Path) -> None:
    _write(tmp_path, "connect.yaml", STACK)
    library = load_library(tmp_path, {"QueueArn": "arn:aws:connect:us-east-1:1:instance/i/queue/q-1"})
    goodbye, helper = library.find("Goodbye"), library.find("Helper module")
    assert goodbye.arn == f"{SYNTHETIC}/contact-flow/GoodbyeFlow"
    assert helper.arn == f"{SYNTHETIC}/flow-module/Helper"
    assert library.find("dev Main IVR").arn is None  # nothing references it: no ARN is invented
    result = Simulator(library).run("dev Main IVR")
    assert result.path == ["Greet", "Module", "Done", "Queue", "ToGoodbye", "Bye"]
    assert result.flows == ["dev Main IVR", "Goodbye"]
    assert result.ended == "disconnected"


def test_a_mapped_flow_arn_is_the_flow_arn(tmp_path: Path) -> None:
    _write(tmp_path, "connect.yaml", STACK)
    arn = "arn:aws:connect:eu-west-2:111122223333:instance/i-9/contact-flow/real-id"
    library = load_library(tmp_path, {"GoodbyeFlow.ContactFlowArn": arn})
    assert library.find(arn).name == "Goodbye"
    assert library.find("dev Main IVR").actions["ToGoodbye"].parameters["ContactFlowId"] == arn


def test_the_instance_arn_parameter_builds_the_synthetic_arn(tmp_path: Path) -> None:
    _write(tmp_path, "connect.yaml", STACK)
    instance = "arn:aws:connect:eu-west-2:111122223333:instance/abc"
    library = load_library(tmp_path, {"InstanceArn": instance})
    assert library.find("Goodbye").arn == f"{instance}/contact-flow/GoodbyeFlow"


def _json_template(**resources: object) -> str:
    return json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}, indent=2)


def test_json_template_with_content_string_sub_and_join(tmp_path: Path) -> None:
    flow = main_ivr()
    plain = {"Type": "AWS::Connect::ContactFlow",
             "Properties": {"Name": "Plain", "Type": "CUSTOMER_QUEUE", "Content": json.dumps(flow)}}
    text = json.dumps(flow).replace("q-sales", "${QueueId}")
    subbed = {"Type": "AWS::Connect::ContactFlow",
              "Properties": {"Name": {"Fn::Sub": "${AWS::StackName}-Sub"},
                             "Content": {"Fn::Sub": [text, {"QueueId": "q-support"}]}}}
    head, tail = json.dumps(flow).split("q-sales")
    joined = {"Type": "AWS::Connect::ContactFlow",
              "Properties": {"Name": {"Fn::Join": ["-", ["Joined", "flow"]]}, "Type": "AGENT_WHISPER",
                             "Content": {"Fn::Join": ["", [head, {"Ref": "SalesQueue"}, tail]]}}}
    _write(tmp_path, "stack.json", _json_template(Plain=plain, Subbed=subbed, Joined=joined))
    report = load_path(tmp_path)
    assert report.errors == []
    flows = {f.name: f for f in report.flows}
    assert set(flows) == {"Plain", "Main IVR", "Joined-flow"}  # Subbed: Name unresolved → Metadata.name
    assert flows["Plain"].declared_type == "CUSTOMER_QUEUE"
    assert flows["Joined-flow"].declared_type == "AGENT_WHISPER"
    sub_queue = flows["Main IVR"].actions["Set sales queue"].parameters["QueueId"]
    assert sub_queue.endswith("/queue/q-support")
    assert flows["Joined-flow"].actions["Set sales queue"].parameters["QueueId"].endswith("${SalesQueue}")
    assert any("Subbed/Properties/Name cannot be resolved" in n for n in report.files[0].notes)


def test_name_falls_back_to_the_logical_id(tmp_path: Path) -> None:
    flow = main_ivr()
    del flow["Metadata"]
    resource = {"Type": "AWS::Connect::ContactFlow", "Properties": {"Name": {"Ref": "FlowName"},
                                                                    "Content": json.dumps(flow)}}
    _write(tmp_path, "one.json", _json_template(InboundFlow=resource))
    library = load_library(tmp_path)
    flow_ = library.find("InboundFlow")
    assert library.find("one") is flow_  # the only flow of its file: the stem names it too
    assert load_library(tmp_path, {"FlowName": "Named"}).find("Named").name == "Named"


def test_json_substituted_into_content_is_escaped(tmp_path: Path) -> None:
    flow = main_ivr()
    flow["Actions"][3]["Parameters"]["Text"] = "${Prompt}"
    resource = {"Type": "AWS::Connect::ContactFlow", "Properties": {
        "Name": "Escaped", "Content": {"Fn::Sub": [json.dumps(flow), {"Prompt": 'Say "one"\\now'}]}}}
    _write(tmp_path, "t.json", _json_template(F=resource))
    flow_ = load_library(tmp_path).find("Escaped")
    assert flow_.actions["Menu"].parameters["Text"] == 'Say "one"\\now'


def test_ref_to_a_flow_and_fn_sub_literal_escape(tmp_path: Path) -> None:
    target = {"Version": "2019-10-30", "StartAction": "B", "Actions": [action("B", "DisconnectParticipant", {})]}
    caller = {"Version": "2019-10-30", "StartAction": "T", "Actions": [
        action("T", "TransferToFlow", {"ContactFlowId": "${Target}"}, errors={"NoMatchingError": ""}),
        action("L", "MessageParticipant", {"Text": "${!Literal}"}),
    ]}
    resources = {
        "Target": {"Type": "AWS::Connect::ContactFlow", "Properties": {"Name": "T", "Content": json.dumps(target)}},
        "Caller": {"Type": "AWS::Connect::ContactFlow",
                   "Properties": {"Name": "C", "Content": {"Fn::Sub": json.dumps(caller)}}},
    }
    _write(tmp_path, "t.json", _json_template(**resources))
    library = load_library(tmp_path)
    assert library.find("C").actions["L"].parameters["Text"] == "${Literal}"
    assert Simulator(library).run("C").path == ["T", "B"]


def test_fn_to_json_string_and_find_in_map(tmp_path: Path) -> None:
    _write(tmp_path, "t.yaml", """\
Transform: AWS::LanguageExtensions
Mappings:
  Queues:
    dev: {Sales: arn:aws:connect:us-east-1:1:instance/i/queue/dev-sales}
Resources:
  Flow:
    Type: AWS::Connect::ContactFlow
    Properties:
      Name: Object content
      Content: !ToJsonString
        Version: "2019-10-30"
        StartAction: Q
        Actions:
          - Identifier: Q
            Type: UpdateContactTargetQueue
            Parameters:
              QueueId: !FindInMap [Queues, dev, Sales]
            Transitions: {}
""")
    flow = load_library(tmp_path).find("Object content")
    assert flow.actions["Q"].parameters["QueueId"].endswith("/queue/dev-sales")


def test_unevaluated_intrinsic_is_a_placeholder(tmp_path: Path) -> None:
    flow = {"Version": "2019-10-30", "StartAction": "B", "Actions": [action("B", "DisconnectParticipant", {})]}
    head, tail = json.dumps(flow).split('"B", "Actions"')
    content = {"Fn::Join": ["", [head, {"Fn::If": ["IsProd", '"B"', '"B"']}, ', "Actions"', tail]]}
    resource = {"Type": "AWS::Connect::ContactFlow", "Properties": {"Name": "F", "Content": content}}
    _write(tmp_path, "t.json", _json_template(F=resource))
    [error] = load_path(tmp_path).errors  # the StartAction became ${Fn::If}, outside a JSON string
    assert "not valid JSON" in error.message


def test_yaml_syntax_error_names_file_and_line_and_other_files_load(tmp_path: Path) -> None:
    (tmp_path / "good.json").write_text(json.dumps(main_ivr()))
    _write(tmp_path, "broken.yaml", "Resources:\n  F:\n    Type: AWS::Connect::ContactFlow\n    Properties: [a\n")
    report = load_path(tmp_path)
    assert [f.name for f in report.flows] == ["Main IVR"]
    [error] = report.errors
    assert error.where is not None and error.where.startswith(str(tmp_path / "broken.yaml") + ":")
    assert "invalid YAML" in error.message


def test_content_that_is_not_json_names_file_line_and_resource_and_the_others_load(tmp_path: Path) -> None:
    broken = STACK.replace('"StartAction": "Greet",', '"StartAction": "Greet"')
    path = _write(tmp_path, "connect.yaml", broken)
    report = load_path(tmp_path)
    assert sorted(f.name for f in report.flows) == ["Goodbye", "Helper module"]
    [error] = report.errors
    assert "/Resources/MainFlow/Properties/Content is not valid JSON" in error.message
    line = int(str(error.where).rsplit(":", 1)[1])
    assert error.where == f"{path}:{line}" and '"Actions": [' in path.read_text().splitlines()[line - 1]


def test_a_resource_without_content_is_an_error(tmp_path: Path) -> None:
    resource = {"Type": "AWS::Connect::ContactFlowModule", "Properties": {"Name": "M"}}
    _write(tmp_path, "t.json", _json_template(M=resource))
    [error] = load_path(tmp_path).errors
    assert "/Resources/M/Properties/Content is missing" in error.message and error.where == f"{tmp_path / 't.json'}:4"


def test_other_yaml_scenarios_and_templates_without_flows_are_skipped(tmp_path: Path) -> None:
    _write(tmp_path, "ci.yml", "jobs: {test: {runs-on: ubuntu}}\n")
    _write(tmp_path, "values.yaml", "image: {{ .Values.image }}\n")  # not even valid YAML
    _write(tmp_path, "test_x.connectflow.yaml", "# AWS::Connect::ContactFlow in a comment\nscenarios: []\n")
    _write(tmp_path, "bucket.yaml", "AWSTemplateFormatVersion: 2010-09-09\nResources:\n"
                                   "  B: {Type: AWS::S3::Bucket}\n")
    _write(tmp_path, "bucket.json", _json_template(B={"Type": "AWS::S3::Bucket"}))
    report = load_path(tmp_path)
    assert report.errors == [] and report.flows == []
    assert all(f.skipped for f in report.files)


def test_an_explicit_yaml_file_that_is_not_a_template_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "ci.yml", "jobs: {}\n")
    [error] = load_path(path).errors
    assert "not a CloudFormation template" in error.message


def test_the_yaml_loader_builds_no_objects_and_refuses_aliases(tmp_path: Path) -> None:
    from pytest_connectflow.errors import FlowLoadError

    evil = "Resources: !!python/object/apply:os.system [echo hi]\n"
    with pytest.raises(FlowLoadError, match="invalid YAML"):
        read_yaml_template(tmp_path / "x.yaml", evil)
    with pytest.raises(FlowLoadError, match="aliases are not allowed") as info:
        read_yaml_template(tmp_path / "x.yaml", "a: &x [1]\nb: *x\n")
    assert str(info.value.where).endswith("x.yaml:2")


def test_every_short_tag_reads_as_its_long_form(tmp_path: Path) -> None:
    text = "\n".join([
        "a: !Ref P", "b: !GetAtt R.Arn", "c: !Sub 'x${P}'", "d: !If [C, 1, 2]", "e: !Select [0, [x]]",
        "f: !Base64 text", "g: !Condition C", "h: !GetAZs ''", "i: !ImportValue Exported", "j: 2010-09-09",
    ])
    doc, _ = read_yaml_template(tmp_path / "x.yaml", text)
    assert doc == {
        "a": {"Ref": "P"}, "b": {"Fn::GetAtt": ["R", "Arn"]}, "c": {"Fn::Sub": "x${P}"},
        "d": {"Fn::If": ["C", 1, 2]}, "e": {"Fn::Select": [0, ["x"]]}, "f": {"Fn::Base64": "text"},
        "g": {"Condition": "C"}, "h": {"Fn::GetAZs": ""}, "i": {"Fn::ImportValue": "Exported"},
        "j": "2010-09-09",
    }
