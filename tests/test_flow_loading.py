"""Loading flows in the shapes users keep them, naming them, and reporting bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flowdefs import main_ivr

from pytest_connectflow import (
    AmbiguousNameError,
    BlockNotFoundError,
    FlowDefectError,
    FlowNotFoundError,
    Simulator,
    load_library,
)
from pytest_connectflow.flow import load_path

ARN = "arn:aws:connect:us-east-1:111122223333:instance/i-1/contact-flow/11111111-2222-3333-4444-555555555555"


def _describe(flow: dict[str, object], name: str, type_: str = "CONTACT_FLOW", arn: str = ARN) -> dict[str, object]:
    return {"ContactFlow": {"Arn": arn, "Id": arn.rsplit("/", 1)[1], "Name": name, "Type": type_,
                            "State": "ACTIVE", "Content": json.dumps(flow)}}


def test_bare_flow_is_named_by_metadata_name_and_file_stem(tmp_path: Path) -> None:
    (tmp_path / "main-ivr.json").write_text(json.dumps(main_ivr(), indent=2))
    library = load_library(tmp_path)
    flow = library.find("Main IVR")
    assert library.find("main-ivr") is flow
    assert flow.declared_type is None and not flow.is_module
    assert flow.actions["Menu"].line is not None and flow.actions["Menu"].line > 1


def test_bare_flow_without_metadata_name_uses_the_stem(tmp_path: Path) -> None:
    flow = main_ivr()
    del flow["Metadata"]
    (tmp_path / "ivr.json").write_text(json.dumps(flow))
    assert load_library(tmp_path).find("ivr").name == "ivr"


def test_describe_contact_flow_gives_name_type_id_and_arn(tmp_path: Path) -> None:
    (tmp_path / "f.json").write_text(json.dumps(_describe(main_ivr(), "Inbound", "QUEUE_TRANSFER")))
    library = load_library(tmp_path)
    flow = library.find("Inbound")
    assert flow.declared_type == "QUEUE_TRANSFER"
    assert library.find(ARN) is flow
    assert library.find("11111111-2222-3333-4444-555555555555") is flow
    assert flow.shape == "describe-contact-flow"


def test_describe_contact_flow_module_is_a_module(tmp_path: Path) -> None:
    module = {"Version": "2019-10-30", "StartAction": "R", "Actions": [
        {"Identifier": "R", "Type": "EndFlowModuleExecution", "Parameters": {}, "Transitions": {}}]}
    doc = {"ContactFlowModule": {"Arn": ARN.replace("contact-flow", "flow-module"), "Id": "m-1", "Name": "Mod",
                                 "Content": json.dumps(module)}}
    (tmp_path / "m.json").write_text(json.dumps(doc))
    flow = load_library(tmp_path).find("Mod")
    assert flow.is_module
    result = Simulator(load_library(tmp_path)).run("Mod")
    assert result.ended == "flow_ended"
    assert result.flows == []  # modules are not flows entered


def test_metadata_type_is_a_fallback_for_the_flow_type(tmp_path: Path) -> None:
    flow = main_ivr()
    flow["Metadata"] = {"name": "Q", "type": "customerQueue"}
    (tmp_path / "q.json").write_text(json.dumps(flow))
    assert load_library(tmp_path).find("Q").declared_type == "CUSTOMER_QUEUE"


def test_invalid_json_names_file_and_line_and_other_files_load(tmp_path: Path) -> None:
    (tmp_path / "good.json").write_text(json.dumps(main_ivr()))
    (tmp_path / "bad.json").write_text('{\n  "Actions": [\n    {"Identifier": }\n  ]\n}')
    report = load_path(tmp_path)
    assert [f.name for f in report.flows] == ["Main IVR"]
    [error] = report.errors
    assert str(error).startswith(f"{tmp_path / 'bad.json'}:3: invalid JSON: Expecting value")


def test_bad_action_names_pointer_and_line(tmp_path: Path) -> None:
    flow = main_ivr()
    flow["Actions"][3]["Parameters"] = "oops"  # type: ignore[index]
    (tmp_path / "f.json").write_text(json.dumps(flow, indent=1))
    [error] = load_path(tmp_path).errors
    assert "action 'Menu': Parameters must be an object (at /Actions/3/Parameters)" in str(error)
    assert str(error).startswith(f"{tmp_path / 'f.json'}:")


def test_describe_with_broken_content_string(tmp_path: Path) -> None:
    doc = {"ContactFlow": {"Name": "X", "Content": '{"Actions": ['}}
    (tmp_path / "x.json").write_text(json.dumps(doc))
    [error] = load_path(tmp_path).errors
    assert "/ContactFlow/Content is not valid JSON" in str(error)


def test_non_flow_json_in_a_folder_is_skipped_but_named_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "x"}')
    report = load_path(tmp_path)
    assert report.errors == [] and report.files[0].skipped
    [error] = load_path(tmp_path / "package.json").errors
    assert "not a flow" in str(error)


def test_legacy_exports_load_through_the_converter(shared_flows: Path) -> None:
    report = load_path(shared_flows / "legacy")
    assert report.errors == []
    assert len(report.flows) == 9
    assert {flow.shape for flow in report.flows} == {"legacy"}
    assert not any(a.type.startswith("Legacy") for flow in report.flows for a in flow.actions.values())


def test_empty_start_action_loads_with_a_warning_and_cannot_run(shared_flows: Path) -> None:
    path = shared_flows / "corpus" / "sophyphile__amazon-connect-terraform-flow-templater__agent-hold-sample-input.json"
    report = load_path(path)
    assert report.errors == []
    assert any("StartAction is empty" in w for w in report.files[0].warnings)
    with pytest.raises(FlowDefectError, match="cannot run from its start: its StartAction is empty"):
        Simulator(load_library(path)).run(report.flows[0].name)


def test_unknown_flow_suggests_and_lists(tmp_path: Path) -> None:
    (tmp_path / "f.json").write_text(json.dumps(main_ivr()))
    with pytest.raises(FlowNotFoundError, match=r"did you mean 'Main IVR'\?\); loaded flows:\n  - Main IVR"):
        load_library(tmp_path).find("Main IRV")


def test_a_name_that_fits_two_flows_is_an_error_when_looked_up(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(main_ivr()))
    (tmp_path / "b.json").write_text(json.dumps(main_ivr()))
    library = load_library(tmp_path)
    assert library.find("a").name == "Main IVR"
    with pytest.raises(AmbiguousNameError, match="fits 2 loaded flows"):
        library.find("Main IVR")


def test_blocks_by_identifier_uuid_prefix_and_flow_slash_identifier(tmp_path: Path) -> None:
    flow = main_ivr()
    uuid = "6f1c2d3e-aaaa-bbbb-cccc-1234567890ab"
    flow["Actions"][-1]["Identifier"] = uuid  # type: ignore[index]
    text = json.dumps(flow).replace('"Bye"', f'"{uuid}"')
    (tmp_path / "f.json").write_text(text)
    library = load_library(tmp_path)
    assert library.block("Menu").candidates == (("Main IVR", "Menu"),)
    assert library.block("6f1c2d3e").candidates == (("Main IVR", uuid),)
    assert library.block("Main IVR/Menu").candidates == (("Main IVR", "Menu"),)
    with pytest.raises(BlockNotFoundError, match="did you mean 'Menu'"):
        library.block("Mneu")
    with pytest.raises(BlockNotFoundError):
        library.block("6f1c2d3")  # a prefix needs 8 characters


def test_shared_identifier_needs_flow_name_when_a_run_crosses_both(tmp_path: Path) -> None:
    first = main_ivr()
    second = main_ivr()
    second["Metadata"] = {"name": "Other"}
    (tmp_path / "a.json").write_text(json.dumps(first))
    (tmp_path / "b.json").write_text(json.dumps(second))
    result = Simulator(load_library(tmp_path)).run("Main IVR", inputs=["1"], lambdas={"lookupCustomer": {}})
    assert result.branch("Menu") == "1"  # only one of the two flows ran
    assert result.branch("Other/Menu") is None
