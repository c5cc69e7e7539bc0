"""Terraform projects as flow sources: aws_connect_contact_flow(_module) resources give the name and
type of the flow JSON they read (filename, file(), templatefile()) or hold (jsonencode)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from flowdefs import action, main_ivr

from pytest_connectflow import Simulator, load_library
from pytest_connectflow.flow import load_path


def _flow_json(queue: str = "arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q-sales") -> str:
    flow = main_ivr()
    flow["Actions"][5]["Parameters"]["QueueId"] = queue
    return json.dumps(flow, indent=2)


MAIN_TF = """\
variable "env" {
  type    = string
  default = "dev"
}

variable "instance_id" {
  type = string
}

resource "aws_connect_contact_flow" "main" {
  instance_id  = var.instance_id
  name         = "Main IVR (${var.env})"
  description  = "Inbound"
  type         = "CONTACT_FLOW"
  filename     = "${path.module}/flows/main.json"
  content_hash = filebase64sha256("${path.module}/flows/main.json")
}

resource "aws_connect_contact_flow" "queue" {
  instance_id = var.instance_id
  name        = "Queue flow"
  type        = "CUSTOMER_QUEUE"
  content     = file("flows/queue.json")
}

resource "aws_connect_contact_flow" "templated" {
  instance_id = var.instance_id
  name        = "Templated"
  type        = "QUEUE_TRANSFER"
  content = templatefile("${path.module}/flows/templated.json", {
    QueueArn = "arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q-support"
    Lookup   = aws_lambda_function.lookup.arn
    Count    = 3
  })
}

resource "aws_connect_contact_flow_module" "helper" {
  instance_id = var.instance_id
  name        = "Helper"
  content = jsonencode({
    Version     = "2019-10-30"
    StartAction = "say-hello"
    Settings    = { InputParameters = [], OutputParameters = [], Transitions = [] }
    Actions = [
      {
        Identifier = "say-hello"
        Type       = "MessageParticipant"
        Parameters = {
          Text = "Hello from ${var.env}: \\"quoted\\" \\u00e9 $${not_interpolated}"
          QueueId = aws_connect_queue.sales.arn
        }
        Transitions = { NextAction = "done", Errors = [], Conditions = [] }
      },
      {
        "Identifier" : "done",
        "Type" : "EndFlowModuleExecution",
        "Parameters" : {},
        "Transitions" : {}
      }
    ]
  })
}
"""

TEMPLATED = """\
{
  "Version": "2019-10-30",
  "StartAction": "Queue",
  "Actions": [
    {"Identifier": "Queue", "Type": "UpdateContactTargetQueue", "Parameters": {"QueueId": "${QueueArn}"},
     "Transitions": {"NextAction": "Call", "Errors": [{"ErrorType": "NoMatchingError", "NextAction": "Bye"}]}},
    {"Identifier": "Call", "Type": "InvokeLambdaFunction",
     "Parameters": {"LambdaFunctionARN": "${Lookup}", "InvocationTimeLimitSeconds": "${Count}"},
     "Transitions": {"NextAction": "Bye", "Errors": [{"ErrorType": "NoMatchingError", "NextAction": "Bye"}]}},
    {"Identifier": "Bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}
  ]
}
"""


def _project(root: Path) -> Path:
    flows = root / "flows"
    flows.mkdir(parents=True)
    (flows / "main.json").write_text(_flow_json())
    queue = main_ivr()
    queue["Metadata"] = {"name": "metadata name loses to the wrapper"}
    (flows / "queue.json").write_text(json.dumps(queue, indent=2))
    (flows / "templated.json").write_text(TEMPLATED)
    (root / "main.tf").write_text(MAIN_TF)
    return root


def test_terraform_resources_name_and_type_their_flows_and_nothing_loads_twice(tmp_path: Path) -> None:
    _project(tmp_path)
    report = load_path(tmp_path)
    assert report.errors == []
    flows = {f.name: f for f in report.flows}
    assert sorted(flows) == ["Helper", "Main IVR (dev)", "Queue flow", "Templated"]
    assert flows["Main IVR (dev)"].declared_type == "CONTACT_FLOW"
    assert flows["Queue flow"].declared_type == "CUSTOMER_QUEUE"
    assert flows["Templated"].declared_type == "QUEUE_TRANSFER"
    assert flows["Helper"].is_module and flows["Helper"].declared_type is None
    assert all(f.shape == "terraform" for f in flows.values())
    skipped = {f.path.name for f in report.files if f.skipped}
    assert skipped == {"main.json", "queue.json", "templated.json"}  # loaded through main.tf only


def test_a_flow_read_from_a_file_keeps_that_file_and_its_lines(tmp_path: Path) -> None:
    _project(tmp_path)
    library = load_library(tmp_path)
    flow = library.find("Main IVR (dev)")
    assert flow.source == tmp_path / "flows" / "main.json"
    assert library.find("main") is flow  # the JSON file holds one flow: its stem names it
    menu = flow.actions["Menu"]
    assert menu.line is not None
    assert '"Identifier": "Menu"' in (tmp_path / "flows" / "main.json").read_text().splitlines()[menu.line - 1]


def test_templatefile_substitutes_literal_variables_and_keeps_the_others(tmp_path: Path) -> None:
    _project(tmp_path)
    flow = load_library(tmp_path).find("Templated")
    assert flow.actions["Queue"].parameters["QueueId"].endswith("/queue/q-support")
    assert flow.actions["Call"].parameters["InvocationTimeLimitSeconds"] == "3"
    # aws_lambda_function.lookup.arn is known only at apply time: ${Lookup} stays for the mapping
    assert flow.actions["Call"].parameters["LambdaFunctionARN"] == "${Lookup}"
    assert flow.actions["Call"].unresolved == (("parameter LambdaFunctionARN", "${Lookup}"),)
    lam = "arn:aws:lambda:us-east-1:111122223333:function:lookup"
    resolved = load_library(tmp_path, {"Lookup": lam}).find("Templated")
    assert resolved.actions["Call"].parameters["LambdaFunctionARN"] == lam


def test_jsonencode_inline_flow_converts_hcl_to_json(tmp_path: Path) -> None:
    _project(tmp_path)
    helper = load_library(tmp_path).find("Helper")
    hello = helper.actions["say-hello"]
    assert hello.parameters["Text"] == 'Hello from dev: "quoted" é ${not_interpolated}'
    assert hello.parameters["QueueId"] == "${aws_connect_queue.sales.arn}"
    assert helper.settings == {"InputParameters": [], "OutputParameters": [], "Transitions": []}
    # Inline blocks get the .tf file's lines.
    assert helper.source == tmp_path / "main.tf"
    lines = MAIN_TF.splitlines()
    assert hello.line is not None and 'Identifier = "say-hello"' in lines[hello.line - 1]
    assert helper.actions["done"].line is not None and '"done"' in lines[helper.actions["done"].line - 1]


def test_mapping_resolves_variables_and_resource_references(tmp_path: Path) -> None:
    _project(tmp_path)
    library = load_library(tmp_path, {"var.env": "prod", "aws_connect_queue.sales.arn": "arn:q"})
    helper = library.find("Helper")
    assert helper.actions["say-hello"].parameters["QueueId"] == "arn:q"
    assert library.find("Main IVR (prod)").name == "Main IVR (prod)"


def test_terraform_flows_run(tmp_path: Path) -> None:
    _project(tmp_path)
    result = Simulator(load_library(tmp_path)).run("Main IVR (dev)", inputs=["1"], lambdas={"lookupCustomer": {}})
    assert result.ended == "transferred_to_queue"
    # Its text keeps two placeholders Terraform leaves: the block runs once they are mapped.
    mapping = {"not_interpolated": "literal", "aws_connect_queue.sales.arn": "arn:aws:connect:::queue/sales"}
    assert Simulator(load_library(tmp_path, mapping)).run("Helper").path == ["say-hello", "done"]


def test_heredoc_content_and_locals(tmp_path: Path) -> None:
    flow = {"Version": "2019-10-30", "StartAction": "B",
            "Actions": [action("B", "MessageParticipant", {"Text": "${local.greeting}"}, "C"),
                        action("C", "DisconnectParticipant", {})]}
    body = json.dumps(flow, indent=2)
    (tmp_path / "flows.tf").write_text(
        'locals {\n  greeting = "Hi"\n  name = "Heredoc ${local.greeting}"\n}\n'
        'resource "aws_connect_contact_flow" "h" {\n  name = local.name\n  type = "CONTACT_FLOW"\n'
        f"  content = <<-EOT\n    {body.replace(chr(10), chr(10) + '    ')}\n  EOT\n}}\n"
    )
    report = load_path(tmp_path)
    assert report.errors == []
    [flow_] = report.flows
    assert flow_.name == "Heredoc Hi"
    assert flow_.actions["B"].parameters["Text"] == "Hi"


def test_unknown_name_falls_back_and_dynamic_files_load_on_their_own(tmp_path: Path) -> None:
    (tmp_path / "dyn").mkdir()
    (tmp_path / "dyn" / "one.json").write_text(json.dumps(main_ivr()))
    (tmp_path / "flows.tf").write_text(
        'resource "aws_connect_contact_flow" "each" {\n'
        '  for_each = fileset(path.module, "dyn/*.json")\n'
        "  name     = each.key\n"
        "  filename = each.value\n"
        "}\n"
        'resource "aws_connect_contact_flow" "named_by_label" {\n'
        "  name    = var.undefined\n"
        '  content = jsonencode({ Version = "2019-10-30", StartAction = "", Actions = [] })\n'
        "}\n"
    )
    report = load_path(tmp_path)
    assert report.errors == []
    assert sorted(f.name for f in report.flows) == ["Main IVR", "named_by_label"]
    [tf_report] = [f for f in report.files if f.path.suffix == ".tf"]
    assert any("aws_connect_contact_flow.each" in n and "each.value" in n for n in tf_report.notes)
    assert any("named_by_label" in n and "name cannot be known offline" in n for n in tf_report.warnings)


def test_unrelated_tf_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "s3.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n')
    (tmp_path / "ivr.json").write_text(json.dumps(main_ivr()))
    report = load_path(tmp_path)
    assert [f.name for f in report.flows] == ["Main IVR"] and report.errors == []
    assert [f.skipped for f in report.files if f.path.suffix == ".tf"] == [True]


def test_broken_hcl_names_file_and_line_and_other_files_load(tmp_path: Path) -> None:
    (tmp_path / "ivr.json").write_text(json.dumps(main_ivr()))
    (tmp_path / "bad.tf").write_text('resource "aws_connect_contact_flow" "x" {\n  name = \n  = = \n}\n')
    report = load_path(tmp_path)
    assert [f.name for f in report.flows] == ["Main IVR"]
    [error] = report.errors
    assert "invalid HCL" in error.message
    assert str(error.where).startswith(f"{tmp_path / 'bad.tf'}:")


def test_missing_or_broken_flow_files_are_errors_naming_the_resource(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"Version": "2019-10-30",\n "Actions": [}')
    (tmp_path / "flows.tf").write_text(
        'resource "aws_connect_contact_flow" "missing" {\n  name = "M"\n  filename = "nope.json"\n}\n'
        'resource "aws_connect_contact_flow" "broken" {\n  name = "B"\n  content = file("bad.json")\n}\n'
        'resource "aws_connect_contact_flow" "empty" {\n  name = "E"\n}\n'
    )
    errors = {e.message.split(":")[0]: e for e in load_path(tmp_path).errors}
    assert set(errors) == {"aws_connect_contact_flow.missing", "aws_connect_contact_flow.broken",
                           "aws_connect_contact_flow.empty has neither content nor filename"}
    assert "no such file" in errors["aws_connect_contact_flow.missing"].message.lower() or \
        "cannot read" in errors["aws_connect_contact_flow.missing"].message
    assert errors["aws_connect_contact_flow.missing"].where == f"{tmp_path / 'flows.tf'}:1"
    assert errors["aws_connect_contact_flow.broken"].where == f"{tmp_path / 'bad.json'}:2"


def test_an_explicit_tf_file_uses_its_folders_variables(tmp_path: Path) -> None:
    _project(tmp_path)
    (tmp_path / "variables.tf").write_text('variable "env" {\n  default = "stage"\n}\n')
    env = 'variable "env" {\n  type    = string\n  default = "dev"\n}\n'
    assert env in MAIN_TF
    (tmp_path / "main.tf").write_text(MAIN_TF.replace(env, ""))
    library = load_library(tmp_path / "main.tf")
    assert library.find("Main IVR (stage)").declared_type == "CONTACT_FLOW"


def test_hcl2_is_not_imported_without_tf_files(tmp_path: Path) -> None:
    (tmp_path / "ivr.json").write_text(json.dumps(main_ivr()))
    (tmp_path / "t.yaml").write_text("a: 1\n")
    code = (
        "import sys; from pathlib import Path; from pytest_connectflow.flow import load_path; "
        f"load_path(Path({str(tmp_path)!r})); print('hcl2' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_relative_folder_reads_the_same_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    report = load_path(Path("infra"))
    assert report.errors == []
    assert sorted(f.name for f in report.flows) == ["Helper", "Main IVR (dev)", "Queue flow", "Templated"]
    assert load_library(Path("infra")).find("Main IVR (dev)").source == Path("infra/flows/main.json")
