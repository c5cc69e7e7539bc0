"""Create task (CreateTask).

FLOW-LANGUAGE.md 5.27 and section 6; Flow language reference "CreateTask"; Admin Guide "Create
task" (Success "responds with the contact ID of the newly created task", $.Task.ContactId);
docs/contact-actions.md.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from pytest_connectflow.simulator import SimulatedContact, Simulator

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
FLOW_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "CUSTOMER_HOLD", "CUSTOMER_WHISPER", "AGENT_HOLD",
              "AGENT_WHISPER", "OUTBOUND_WHISPER", "AGENT_TRANSFER", "QUEUE_TRANSFER", "CAMPAIGN")
CREATE_REVIEW = "aws-samples__amazon-connect-step-by-step-guides-module-library__createandreviewtasks-create"
AGENT_WORKSPACE = "aws-samples__amazon-connect-step-by-step-guides-module-library__agentworkspace-guide"
CATALOGUE = "sophyphile__amazon-connect-terraform-flow-templater__agent-hold-sample-input"


def task_flow(flows: FlowFactory, name: str = "Task flow", flow_type: str | None = "CONTACT_FLOW",
              **kwargs: Any) -> None:
    flows.make(name, [flows.disconnect("Bye")], flow_type=flow_type, wrapped=True, **kwargs)


def create_task(flows: FlowFactory, parameters: dict[str, Any] | None = None, identifier: str = "Create",
                next_action: str = "Show", **extra: Any) -> ActionDict:
    params: dict[str, Any] = {
        "Name": "Call back $.Attributes.name",
        "Description": "$.Attributes.reason",
        "ContactFlowId": flows.flow_arn("Task flow"),
        **(parameters if parameters is not None else {}),
        **extra,
    }
    return flows.action(identifier, "CreateTask", {k: v for k, v in params.items() if v is not None},
                        next_action=next_action, errors={"NoMatchingError": "Create failed"})


def show(flows: FlowFactory, next_action: str = "Done") -> ActionDict:
    return flows.set_attributes("Show", {"task": "$.Task.ContactId", "task_name": "$.Tasks[0].Name"}, next_action)


ATTRIBUTES = {"name": "Jane", "reason": "Missed call", "policy": "P-9"}


def copy_starting_at(flows: FlowFactory, corpus: str, start: str) -> Simulator:
    """A simulator over a corpus file copied with `start` as its StartAction (everything else as
    published) and the flows written so far."""
    document = json.loads(flows.corpus_path(corpus).read_text("utf-8"))
    document["StartAction"] = start
    folder = flows.root / "copies"
    folder.mkdir(exist_ok=True)
    (folder / f"{corpus}.json").write_text(json.dumps(document), encoding="utf-8")
    return flows.simulator()


def test_a_task_is_created_recorded_and_its_id_written(flows: FlowFactory) -> None:
    task_flow(flows)
    flows.make("Flow", [
        create_task(flows, Attributes={"policy": "$.Attributes.policy", "$.Attributes.name": "caller"},
                    References={"Claim": {"Value": "https://example.com/$.Attributes.policy", "Type": "URL"},
                                "$.Attributes.name": {"Value": "$.Attributes.reason", "Type": "STRING"}}),
        show(flows),
    ])
    result = flows.run("Flow", attributes=ATTRIBUTES)

    tasks = result.contact.data["Tasks"]
    assert result.branch("Create") == "Success"
    assert result.path == ["Create", "Show", "Done"]
    assert tasks == [{
        "ContactId": tasks[0]["ContactId"],
        "Channel": "TASK",
        "Name": "Call back Jane",
        "Description": "Missed call",
        "ContactFlow": "Task flow",
        "TaskTemplateId": None,
        "Attributes": {"policy": "P-9", "Jane": "caller"},
        "References": {"Claim": {"Value": "https://example.com/P-9", "Type": "URL"},
                       "Jane": {"Value": "Missed call", "Type": "STRING"}},
    }]
    assert tasks[0]["ContactId"] != result.contact.contact_id
    assert result.attributes["task"] == tasks[0]["ContactId"]
    assert result.attributes["task_name"] == "Call back Jane"
    assert result.flows == ["Flow"]  # the task's flow runs for the new contact, not here
    assert flows.note(result, "Create") == f"task 'Call back Jane' ({tasks[0]['ContactId']}) runs Task flow"


def test_task_ids_repeat_from_run_to_run_and_differ_per_task(flows: FlowFactory) -> None:
    task_flow(flows)
    flows.make("Flow", [create_task(flows, next_action="Second"),
                        create_task(flows, identifier="Second", next_action="Show"), show(flows)])
    first = flows.run("Flow", attributes=ATTRIBUTES)
    again = flows.run("Flow", attributes=ATTRIBUTES)

    ids = [t["ContactId"] for t in first.contact.data["Tasks"]]
    assert len(set(ids)) == 2
    assert ids == [t["ContactId"] for t in again.contact.data["Tasks"]]
    assert first.attributes["task"] == ids[1]  # $.Task.ContactId is the latest task


@pytest.mark.parametrize(("flow_ref", "metadata"), [
    ("Task flow", None),
    ("$.Attributes.flow", None),
    ("arn:aws:connect:us-east-1:1:instance/x/contact-flow/renamed",
     {"Create": {"ContactFlow": {"id": "x", "text": "Task flow"}}}),
], ids=["name", "reference", "console-display-name"])
def test_the_task_flow_is_found_by_name_reference_or_display_name(
    flows: FlowFactory, flow_ref: str, metadata: dict[str, Any] | None
) -> None:
    task_flow(flows)
    flows.make("Flow", [create_task(flows, ContactFlowId=flow_ref), show(flows)], action_metadata=metadata)
    result = flows.run("Flow", attributes={**ATTRIBUTES, "flow": flows.flow_id("Task flow")})

    assert result.branch("Create") == "Success"
    assert result.contact.data["Tasks"][0]["ContactFlow"] == "Task flow"


def test_a_task_flow_that_is_not_loaded_takes_error_and_is_noted(flows: FlowFactory) -> None:
    flows.make("Flow", [create_task(flows), show(flows)])
    result = flows.run("Flow", attributes=ATTRIBUTES)

    arn = flows.flow_arn("Task flow")
    assert result.branch("Create") == "NoMatchingError"
    assert result.path == ["Create", "Create failed"]
    assert flows.note(result, "Create") == f"ContactFlowId {arn!r} names no loaded flow"
    assert any(f"ContactFlowId {arn!r} names no loaded flow" in n for n in result.trace.notes)
    assert "Tasks" not in result.contact.data
    assert "Task" not in result.contact.data


@pytest.mark.parametrize(("flow_type", "module", "why"), [
    ("CUSTOMER_QUEUE", False, "ContactFlowId 'Task flow' is CUSTOMER_QUEUE, not an inbound flow (CONTACT_FLOW)"),
    (None, True, "ContactFlowId 'Task flow' is a flow module, not an inbound flow (CONTACT_FLOW)"),
], ids=["queue-flow", "module"])
def test_a_task_needs_an_inbound_flow(flows: FlowFactory, flow_type: str | None, module: bool, why: str) -> None:
    if module:
        flows.make("Task flow", [flows.action("Back", "EndFlowModuleExecution")], module=True)
    else:
        task_flow(flows, flow_type=flow_type)
    flows.make("Flow", [create_task(flows, ContactFlowId="Task flow"), show(flows)])
    result = flows.run("Flow", attributes=ATTRIBUTES)

    assert result.branch("Create") == "NoMatchingError"
    assert flows.note(result, "Create") == why


def test_a_flow_of_unknown_type_is_taken_as_inbound(flows: FlowFactory) -> None:
    flows.make("Task flow", [flows.disconnect("Bye")])  # a bare export: no type
    flows.make("Flow", [create_task(flows, ContactFlowId="Task flow"), show(flows)])
    result = flows.run("Flow", attributes=ATTRIBUTES)

    assert result.branch("Create") == "Success"


def test_a_task_template_needs_no_flow(flows: FlowFactory) -> None:
    flows.make("Flow", [create_task(flows, ContactFlowId=None, TaskTemplateId="tt-claims"), show(flows)])
    result = flows.run("Flow", attributes=ATTRIBUTES)

    task = result.contact.data["Tasks"][0]
    assert result.branch("Create") == "Success"
    assert (task["TaskTemplateId"], task["ContactFlow"]) == ("tt-claims", None)
    assert "runs its template flow" in flows.note(result, "Create")


@pytest.mark.parametrize(("parameters", "why"), [
    ({"Name": None}, "Name is missing"),
    ({"Name": ""}, "Name is empty"),
    ({"Name": "$.Attributes.nothing"}, "Name '$.Attributes.nothing' is unset"),
    ({"Name": "n" * 513}, "Name is 513 characters, over the 512-character limit"),
    ({"Description": "d" * 4097}, "Description is 4097 characters, over the 4096-character limit"),
    ({"ContactFlowId": None}, "ContactFlowId is missing (and no TaskTemplateId names a flow)"),
    ({"ContactFlowId": "$.Attributes.nothing"}, "ContactFlowId '$.Attributes.nothing' names no loaded flow"),
    ({"TaskTemplateId": "$.Attributes.template"}, "TaskTemplateId must be set statically, not '$.Attributes.template'"),
    ({"References": {"Doc": {"Value": "x", "Type": "PDF"}}},
     "References.Doc.Type must be one of ATTACHMENT, DATE, EMAIL, NUMBER, STRING, URL, not 'PDF'"),
    ({"References": {"Doc": {"Value": "x"}}}, "References.Doc.Type is missing"),
    ({"References": ["x"]}, "References must be an object, not ['x']"),
    ({"Attributes": {"$.Attributes.nothing": "v"}}, "the attribute key '$.Attributes.nothing' is empty"),
    ({"DelaySeconds": "0"}, "DelaySeconds must be a whole number from 1 to 518400, not '0'"),
    ({"DelaySeconds": "518401"}, "DelaySeconds must be a whole number from 1 to 518400, not '518401'"),
    ({"DelaySeconds": "soon"}, "DelaySeconds must be a whole number from 1 to 518400, not 'soon'"),
    ({"DelaySeconds": "60", "ScheduledTime": "1767225600"}, "DelaySeconds and ScheduledTime cannot both be set"),
    ({"ScheduledTime": "next Tuesday"}, "ScheduledTime 'next Tuesday' is neither epoch seconds nor an ISO 8601 time"),
], ids=["no-name", "empty-name", "unset-name", "long-name", "long-description", "no-flow", "unset-flow",
        "dynamic-template",
        "reference-type", "reference-no-type", "references-list", "empty-attribute-key", "delay-0",
        "delay-too-long", "delay-text", "delay-and-time", "bad-time"])
def test_create_task_parameter_errors(flows: FlowFactory, parameters: dict[str, Any], why: str) -> None:
    task_flow(flows)
    block = create_task(flows)
    block["Parameters"].update(parameters)
    block["Parameters"] = {k: v for k, v in block["Parameters"].items() if v is not None}
    flows.make("Flow", [block, show(flows)])
    result = flows.run("Flow", attributes=ATTRIBUTES)

    assert result.branch("Create") == "NoMatchingError"
    assert flows.note(result, "Create") == why
    assert "Tasks" not in result.contact.data


@pytest.mark.parametrize(("parameters", "recorded"), [
    ({"DelaySeconds": "$.Attributes.delay"}, {"DelaySeconds": "3600"}),
    ({"ScheduledTime": "1767225600"}, {"ScheduledTime": "1767225600"}),
    ({"ScheduledTime": "2026-01-01T09:00:00Z"}, {"ScheduledTime": "2026-01-01T09:00:00Z"}),
], ids=["delay", "epoch", "iso"])
def test_a_task_can_be_scheduled(flows: FlowFactory, parameters: dict[str, Any], recorded: dict[str, str]) -> None:
    task_flow(flows)
    flows.make("Flow", [create_task(flows, **parameters), show(flows)])
    result = flows.run("Flow", attributes={**ATTRIBUTES, "delay": "3600"})

    task = result.contact.data["Tasks"][0]
    assert result.branch("Create") == "Success"
    assert {k: task[k] for k in recorded} == recorded
    key, value = next(iter(recorded.items()))
    assert flows.note(result, "Create").endswith(f"runs Task flow, {key} {value}")


@pytest.mark.parametrize("channel", CHANNELS)
def test_create_task_works_on_every_channel(flows: FlowFactory, channel: str) -> None:
    task_flow(flows)
    flows.make("Flow", [create_task(flows), show(flows)])
    result = flows.run("Flow", channel=channel, attributes=ATTRIBUTES)

    assert result.branch("Create") == "Success"


@pytest.mark.parametrize("flow_type", FLOW_TYPES)
def test_create_task_works_in_every_flow_type(flows: FlowFactory, flow_type: str) -> None:
    task_flow(flows)
    flows.make("Flow", [create_task(flows), show(flows)], flow_type=flow_type)
    result = flows.run("Flow", attributes=ATTRIBUTES)

    assert result.branch("Create") == "Success"
    assert len(result.contact.data["Tasks"]) == 1


def test_create_task_in_a_module_follows_the_callers_contact(flows: FlowFactory) -> None:
    task_flow(flows)
    flows.make("Module", [create_task(flows, next_action="Back"),
                          flows.action("Back", "EndFlowModuleExecution")], module=True)
    module_arn = flows.flow_arn("Module", module=True)
    flows.make("Flow", [flows.action("Call", "InvokeFlowModule", {"FlowModuleId": module_arn},
                                     next_action="Show", errors={"NoMatchingError": "Failed"}), show(flows)])
    result = flows.run("Flow", attributes=ATTRIBUTES)

    assert result.branch("Create") == "Success"
    assert result.attributes["task"] == result.contact.data["Tasks"][0]["ContactId"]


def test_a_failing_task_without_an_error_branch_ends_the_run_in_error(flows: FlowFactory) -> None:
    flows.make("Flow", [flows.action("Create", "CreateTask", {"Name": "x", "ContactFlowId": "Nowhere"},
                                     next_action="Show"), show(flows)])
    result = flows.run("Flow")

    assert result.ended == "error"
    assert "ContactFlowId 'Nowhere' names no loaded flow" in result.reason


# --- Real flows from the corpus ------------------------------------------------------------


FORM = {"date": "2026-03-01", "time": "10:00", "summary": "Broken window", "customer": "gold", "priority": "high"}


@pytest.mark.parametrize("with_flow", [False, True])
def test_corpus_create_and_review_tasks_creates_the_form_task(flows: FlowFactory, with_flow: bool) -> None:
    # The sample leaves its flow as "SELECT CONTACT FLOW": a stand-in of that name makes it resolve.
    if with_flow:
        task_flow(flows, "SELECT CONTACT FLOW")
    sim = flows.simulator(flows.corpus_path(CREATE_REVIEW))
    result = sim.run("SBSGuides_Example_CreateAndReviewTasks_Create",
                     lambdas={"SELECT SIMPLIFY FORM DATA LAMBDA": FORM},
                     mocks={"views": {"1224f589": "Next", "e790317f": "Close"}})

    assert result.branch("1224f589") == "Next"
    assert result.branch("324f6360") == ("Success" if with_flow else "NoMatchingError")
    assert result.ended == "disconnected"
    if with_flow:
        task = result.contact.data["Tasks"][0]
        assert task["Name"] == "Sample Task"
        assert task["Attributes"] == {"Date": "2026-03-01", "Time": "10:00", "Summary": "Broken window",
                                      "CustomerType": "gold", "Priority": "high",
                                      "DefaultFlowForAgentUI": "ENTER REVIEW TASK CONTACT FLOW ID"}
        assert result.path[-2:] == ["e790317f-d330-4cd6-a489-49bd969eea0e", "5d2253fd-ac53-41ef-bf1b-16e2781f8aec"]
    else:
        assert result.path[-1] == "5d2253fd-ac53-41ef-bf1b-16e2781f8aec"
        assert "Tasks" not in result.contact.data


def test_corpus_agent_workspace_files_the_insurance_claim_task(flows: FlowFactory) -> None:
    # Reached through a profile, a case, Voice ID and three views; the run starts at the Lambda
    # function that prepares the claim. The flow it names has this Id in another instance.
    task_flow(flows, "Insurance claims", custom_id="7bd5637b-01fd-4fe3-b1af-9a138606585f")
    sim = copy_starting_at(flows, AGENT_WORKSPACE, "45320f4b-7d24-4508-819a-9b1c2f1afc14")
    claim = {"Expedited": "yes", "LocationOfDamage": "roof", "Incident": "storm", "OnPolicy": "true",
             "PolicyID": "P-1", "Date": "2026-02-02", "Location": "Leeds"}
    result = sim.run("SBSGuides_Example_AgentWorkspace_Guide",
                     contact=SimulatedContact(channel="TASK"),
                     lambdas={"AgentWorkspaceExampleLambda": claim}, mocks={"views": {"8de5e830": "Close"}})

    assert result.branch("4ae69bd0") == "Success"
    task = result.contact.data["Tasks"][0]
    assert (task["Name"], task["ContactFlow"]) == ("New Insurance Claim", "Insurance claims")
    assert task["Attributes"] == claim
    assert result.contact.data["Task"] == {"ContactId": task["ContactId"]}
    assert result.ended == "disconnected"


def test_corpus_catalogue_create_task_blocks(flows: FlowFactory) -> None:
    task_flow(flows, "Sample queue configurations flow", custom_id="84fb351b-c398-4979-987e-413260b7c63d")
    sim = copy_starting_at(flows, CATALOGUE, "create-task-manual")
    result = sim.run("agent_hold")

    assert result.branch("create-task-manual") == "Success"
    assert result.contact.data["Tasks"][0]["References"] == {
        "key123": {"Value": "value123", "Type": "STRING"}, "key456": {"Value": "john@doe.com", "Type": "EMAIL"}}

    template = copy_starting_at(flows, CATALOGUE, "create-task-template").run("agent_hold")
    assert template.branch("create-task-template") == "NoMatchingError"
    assert flows.note(template, "create-task-template") == "Name is empty"
