"""Get queue metrics (GetMetricData) and Check staffing / Check queue status (CheckMetricData),
with the queue metrics mocks (mocks.queues).

FLOW-LANGUAGE.md 5.23 and 5.26; Flow language reference pages "GetMetricData" and
"CheckMetricData"; DESIGN.md "Mocks" (queue metrics fail the test when not mocked).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from routing_helpers import corpus_copy, corpus_simulator

from pytest_connectflow.errors import MissingMockError, MockError
from pytest_connectflow.simulator import SimulatedContact

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
ALL_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "CUSTOMER_HOLD", "AGENT_HOLD", "CUSTOMER_WHISPER",
             "AGENT_WHISPER", "OUTBOUND_WHISPER", "AGENT_TRANSFER", "QUEUE_TRANSFER", "CAMPAIGN")
CHECK_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "AGENT_TRANSFER", "QUEUE_TRANSFER")
CHECK_REFUSED = ("CUSTOMER_HOLD", "AGENT_HOLD", "CUSTOMER_WHISPER", "AGENT_WHISPER", "OUTBOUND_WHISPER")
SALES_ID = "5f1c2a4e-0000-4000-8000-00000000a001"
SALES_ARN = f"arn:aws:connect:us-east-1:123456789012:instance/i-1/queue/{SALES_ID}"
SUPPORT_ARN = "arn:aws:connect:us-east-1:123456789012:instance/i-1/queue/q-support"
AGENT_ARN = "arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/a-jdoe"
INSTANCE = {"queues": {"Sales": {"arn": SALES_ARN}, "Support": {"arn": SUPPORT_ARN}}}
FULL = {
    "agents_online": 4, "agents_available": 1, "agents_staffed": 3, "agents_after_contact_work": 1,
    "agents_busy": 2, "agents_missed": 0, "agents_non_productive": 1, "contacts_in_queue": 7,
    "oldest_contact_age": 95,
}
SHOW_METRICS = {
    "name": "$.Metrics.Queue.Name", "arn": "$.Metrics.Queue.ARN", "size": "$.Metrics.Queue.Size",
    "oldest": "$.Metrics.Queue.OldestContactAge", "online": "$.Metrics.Agents.Online.Count",
    "available": "$.Metrics.Agents.Available.Count", "staffed": "$.Metrics.Agents.Staffed.Count",
    "acw": "$.Metrics.Agents.AfterContactWork.Count", "busy": "$.Metrics.Agents.Busy.Count",
    "missed": "$.Metrics.Agents.Missed.Count", "np": "$.Metrics.Agents.NonProductive.Count",
}


def get_metrics(flows: FlowFactory, parameters: dict[str, Any] | None = None) -> ActionDict:
    return flows.action("Get metrics", "GetMetricData", parameters or {}, next_action="Show",
                        errors={"NoMatchingError": "Metrics failed"})


def show(flows: FlowFactory) -> ActionDict:
    return flows.set_attributes("Show", SHOW_METRICS, "Done")


def check(flows: FlowFactory, metric: str, conditions: list[tuple[str, str, str]],
          parameters: dict[str, Any] | None = None) -> ActionDict:
    return flows.action("Check", "CheckMetricData", {"MetricType": metric, **(parameters or {})},
                        next_action="Check failed", conditions=conditions,
                        errors={"NoMatchingCondition": "No match", "NoMatchingError": "Check failed"})


# --- GetMetricData ---------------------------------------------------------------------------


def test_get_metrics_writes_every_metric_of_the_working_queue(flows: FlowFactory) -> None:
    flows.make("Inbound", [get_metrics(flows), show(flows)])
    result = flows.run("Inbound", queue="Sales", simulator={"instance": INSTANCE},
                       mocks={"queues": {"Sales": FULL}})

    assert result.branch("Get metrics") == "Success"
    assert result.path == ["Get metrics", "Show", "Done"]
    assert result.attributes == {
        "name": "Sales", "arn": SALES_ARN, "size": "7", "oldest": "95", "online": "4", "available": "1",
        "staffed": "3", "acw": "1", "busy": "2", "missed": "0", "np": "1",
    }
    assert result.contact.data["Metrics"]["Agents"]["Busy"] == {"Count": "2"}
    assert flows.note(result, "Get metrics").startswith("metrics of Sales: agents_online=4, ")


def test_metrics_left_out_of_the_mock_stay_unset(flows: FlowFactory) -> None:
    # "For agent-based metrics, if there are no agents, no metrics are returned."
    flows.make("Inbound", [get_metrics(flows), show(flows)])
    result = flows.run("Inbound", queue="Sales", simulator={"instance": INSTANCE},
                       mocks={"queues": {"Sales": {"contacts_in_queue": 0}}})

    assert result.attributes["size"] == "0"
    assert result.attributes["online"] == ""  # an unset reference sets an empty string
    assert "Online" not in result.contact.data["Metrics"]["Agents"]
    assert "OldestContactAge" not in result.contact.data["Metrics"]["Queue"]


@pytest.mark.parametrize(
    ("parameters", "key", "name"),
    [
        ({"QueueId": SUPPORT_ARN}, "Support", "Support"),  # by the instance file's name
        ({"QueueId": "$.Attributes.queue"}, SUPPORT_ARN, "Support"),  # dynamic, keyed by ARN
        ({"QueueId": SUPPORT_ARN}, "q-support", "Support"),  # keyed by the queue Id
        ({"AgentId": AGENT_ARN}, AGENT_ARN, AGENT_ARN),  # an agent's queue
        ({"AgentId": "$.Attributes.agent"}, "a-jdoe", AGENT_ARN),
    ],
    ids=["queue-by-name", "queue-reference", "queue-by-id", "agent", "agent-reference"],
)
def test_get_metrics_of_the_queue_the_block_names(
    flows: FlowFactory, parameters: dict[str, Any], key: str, name: str
) -> None:
    flows.make("Inbound", [get_metrics(flows, parameters), show(flows)])
    result = flows.run("Inbound", queue="Sales", attributes={"queue": SUPPORT_ARN, "agent": AGENT_ARN},
                       simulator={"instance": INSTANCE},
                       mocks={"queues": {"Sales": {"agents_online": 9}, key: {"agents_online": 2}}})

    assert result.branch("Get metrics") == "Success"
    assert result.attributes["online"] == "2"
    assert result.attributes["name"] == name
    assert result.queue == "Sales"  # Get queue metrics does not change the working queue


def test_each_run_replaces_the_previous_metrics(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.action("First", "GetMetricData", {"QueueId": SALES_ARN}, next_action="Second"),
        flows.action("Second", "GetMetricData", {"QueueId": SUPPORT_ARN}, next_action="Show"),
        show(flows),
    ])
    result = flows.run("Inbound", simulator={"instance": INSTANCE},
                       mocks={"queues": {"Sales": {"agents_online": 3, "contacts_in_queue": 5},
                                         "Support": {"agents_online": 1}}})

    assert result.attributes["name"] == "Support"
    assert result.attributes["online"] == "1"
    assert result.attributes["size"] == ""  # Sales' queue size is gone with its metrics


@pytest.mark.parametrize(
    ("parameters", "queue", "instance", "why"),
    [
        ({}, None, {}, "no queue given and no working queue is set"),
        ({"QueueId": "$.Attributes.missing"}, "Sales", {}, "QueueId '$.Attributes.missing' is unset"),
        ({"AgentId": "$.Attributes.missing"}, None, {}, "AgentId '$.Attributes.missing' is unset"),
        ({"QueueId": SALES_ARN, "AgentId": AGENT_ARN}, None, {},
         "QueueId and AgentId are both given; the Flow language allows only one"),
        ({"QueueId": "Billing"}, None, INSTANCE, "queue 'Billing' is not a queue of the instance"),
        ({"QueueChannel": "Fax"}, "Sales", {}, "QueueChannel 'Fax' is 'Fax', not one of Voice, Chat, Task, Email"),
    ],
    ids=["no-queue", "unset-queue", "unset-agent", "both", "unknown-queue", "bad-channel"],
)
def test_get_metrics_errors(
    flows: FlowFactory, parameters: dict[str, Any], queue: str | None, instance: dict[str, Any], why: str
) -> None:
    flows.make("Inbound", [get_metrics(flows, parameters), show(flows)])
    result = flows.run("Inbound", queue=queue, simulator={"instance": instance},
                       mocks={"queues": {"Sales": FULL}})

    assert result.branch("Get metrics") == "NoMatchingError"
    assert result.path == ["Get metrics", "Metrics failed"]
    assert flows.note(result, "Get metrics") == why
    assert "Metrics" not in result.contact.data


def test_queue_channel_is_accepted_and_noted(flows: FlowFactory) -> None:
    flows.make("Inbound", [get_metrics(flows, {"QueueChannel": "$.Attributes.ch"}), show(flows)])
    result = flows.run("Inbound", queue="Sales", attributes={"ch": "Chat"},
                       mocks={"queues": {"Sales": {"contacts_in_queue": 2}}})

    assert result.attributes["size"] == "2"
    assert flows.note(result, "Get metrics") == (
        "metrics of Sales (Chat contacts; the mock's numbers are used as given): contacts_in_queue=2"
    )


def test_get_metrics_without_a_mock_fails_the_test_naming_block_and_queue(flows: FlowFactory) -> None:
    flows.make("Inbound", [get_metrics(flows), show(flows)])
    with pytest.raises(MissingMockError) as info:
        flows.run("Inbound", queue="Sales", simulator={"instance": INSTANCE},
                  mocks={"queues": {"Support": FULL}})

    message = info.value.message
    assert "block 'Get metrics' (GetMetricData) of flow 'Inbound'" in message
    assert "reads the metrics of queue 'Sales', which has no mock" in message
    assert f"add mocks.queues keyed by one of: Sales, {SALES_ARN}, {SALES_ID} (mocked: Support)" in message


@pytest.mark.parametrize("channel", CHANNELS)
def test_get_metrics_works_on_every_channel(flows: FlowFactory, channel: str) -> None:
    flows.make("Inbound", [get_metrics(flows), show(flows)])
    result = flows.run("Inbound", channel=channel, queue="Sales", mocks={"queues": {"Sales": FULL}})

    assert result.branch("Get metrics") == "Success"


@pytest.mark.parametrize("flow_type", ALL_TYPES)
def test_get_metrics_works_in_every_flow_type(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [get_metrics(flows), show(flows)], flow_type=flow_type)
    result = flows.run("Flow", queue="Sales", mocks={"queues": {"Sales": FULL}})

    assert result.branch("Get metrics") == "Success"
    assert result.attributes["size"] == "7"


def test_metrics_do_not_leak_out_of_a_module(flows: FlowFactory) -> None:
    # "Flow modules for reusable functions": queue metrics are not shared with the caller.
    flows.make("Lookup", [
        flows.action("Module metrics", "GetMetricData", {}, next_action="Return"),
        flows.action("Return", "EndFlowModuleExecution"),
    ], module=True)
    flows.make("Inbound", [
        flows.action("Call module", "InvokeFlowModule", {"FlowModuleId": flows.flow_arn("Lookup", module=True)},
                     next_action="Show", errors={"NoMatchingError": "Module failed"}),
        show(flows),
    ], flow_type="CONTACT_FLOW")
    result = flows.run("Inbound", queue="Sales", mocks={"queues": {"Sales": FULL}})

    assert result.branch("Module metrics") == "Success"
    assert result.attributes["size"] == ""


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"agents_online": -1}, "mocks.queues.Sales.agents_online must be a whole number of 0 or more, not -1"),
        ({"agents_online": True}, "mocks.queues.Sales.agents_online must be a whole number, not True"),
        ({"oldest_contact_age": "soon"},
         "mocks.queues.Sales.oldest_contact_age must be a number of seconds of 0 or more, not 'soon'"),
        ({"agents": 1}, "mocks.queues.Sales: unknown key(s) agents; known: agents_online"),
    ],
    ids=["negative", "bool", "not-a-number", "unknown-key"],
)
def test_malformed_queue_mocks_fail_the_test(flows: FlowFactory, entry: dict[str, Any], problem: str) -> None:
    flows.make("Inbound", [get_metrics(flows), show(flows)])
    with pytest.raises(MockError) as info:
        flows.run("Inbound", queue="Sales", mocks={"queues": {"Sales": entry}})

    assert problem in info.value.message


def test_two_keys_for_one_queue_fail_the_test(flows: FlowFactory) -> None:
    flows.make("Inbound", [get_metrics(flows), show(flows)])
    with pytest.raises(MockError) as info:
        flows.run("Inbound", queue="Sales", simulator={"instance": INSTANCE},
                  mocks={"queues": {"Sales": FULL, SALES_ARN: FULL}})

    assert info.value.message == (
        f"mocks.queues keys 'Sales', '{SALES_ARN}' all name queue 'Sales'; keep one"
    )


def test_metric_values_given_as_strings_and_fractions(flows: FlowFactory) -> None:
    flows.make("Inbound", [get_metrics(flows), show(flows)])
    result = flows.run("Inbound", queue="Sales",
                       mocks={"queues": {"Sales": {"agents_online": "3", "oldest_contact_age": 12.5}}})

    assert result.attributes["online"] == "3"
    assert result.attributes["oldest"] == "12.5"


# --- CheckMetricData -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "key", "value", "branch", "path_end"),
    [
        ("NumberOfAgentsStaffed", "agents_staffed", 2, "0", "Staffed"),
        ("NumberOfAgentsStaffed", "agents_staffed", 0, "NoMatchingCondition", "No match"),
        ("NumberOfAgentsAvailable", "agents_available", 1, "0", "Staffed"),
        ("NumberOfAgentsOnline", "agents_online", 0, "NoMatchingCondition", "No match"),
    ],
)
def test_check_staffing(
    flows: FlowFactory, metric: str, key: str, value: int, branch: str, path_end: str
) -> None:
    # Check staffing: True is `NumberGreaterThan 0`, False is NoMatchingCondition.
    flows.make("Inbound", [check(flows, metric, [("NumberGreaterThan", "0", "Staffed")])])
    result = flows.run("Inbound", queue="Sales", mocks={"queues": {"Sales": {key: value}}})

    assert result.branch("Check") == branch
    assert result.path == ["Check", path_end]
    assert flows.note(result, "Check") == f"{metric} of Sales = {value}"


@pytest.mark.parametrize(
    ("metric", "mock", "branch"),
    [
        ("NumberOfContactsInQueue", {"contacts_in_queue": 2}, "2"),
        ("NumberOfContactsInQueue", {"contacts_in_queue": 3}, "10"),
        ("NumberOfContactsInQueue", {"contacts_in_queue": 12}, "NoMatchingCondition"),
        ("OldestContactInQueueAgeSeconds", {"oldest_contact_age": 9.5}, "10"),
    ],
)
def test_check_queue_status_takes_the_first_condition_that_holds(
    flows: FlowFactory, metric: str, mock: dict[str, Any], branch: str
) -> None:
    flows.make("Inbound", [check(flows, metric, [("NumberLessOrEqualTo", "2", "Few"),
                                                 ("NumberLessThan", "10", "Some")])])
    result = flows.run("Inbound", queue="Sales", mocks={"queues": {"Sales": mock}})

    assert result.branch("Check") == branch


def test_check_metric_of_a_named_queue(flows: FlowFactory) -> None:
    flows.make("Inbound", [check(flows, "NumberOfAgentsOnline", [("NumberGreaterThan", "0", "Staffed")],
                                 {"QueueId": "$.Attributes.queue"})])
    result = flows.run("Inbound", attributes={"queue": SUPPORT_ARN}, simulator={"instance": INSTANCE},
                       mocks={"queues": {"Support": {"agents_online": 5}}})

    assert result.branch("Check") == "0"
    assert flows.note(result, "Check") == "NumberOfAgentsOnline of Support = 5"


@pytest.mark.parametrize(
    ("parameters", "why"),
    [
        ({"MetricType": "NumberOfAgentsAway"}, "MetricType 'NumberOfAgentsAway' is not one of NumberOfAgentsAvailable"),
        ({"MetricType": None}, "MetricType None is not one of"),
        ({"AgentId": "$.Attributes.missing"}, "AgentId '$.Attributes.missing' is unset"),
    ],
    ids=["unknown-metric", "missing-metric", "unset-agent"],
)
def test_check_metric_errors(flows: FlowFactory, parameters: dict[str, Any], why: str) -> None:
    action = check(flows, "NumberOfAgentsStaffed", [("NumberGreaterThan", "0", "Staffed")], parameters)
    if parameters.get("MetricType", "") is None:
        del action["Parameters"]["MetricType"]
    flows.make("Inbound", [action])
    result = flows.run("Inbound", queue="Sales", mocks={"queues": {"Sales": FULL}})

    assert result.branch("Check") == "NoMatchingError"
    assert flows.note(result, "Check").startswith(why)


def test_check_metric_without_a_queue_takes_error(flows: FlowFactory) -> None:
    # "If a queue is not set, the contact is routed down the Error branch." (Check staffing)
    flows.make("Inbound", [check(flows, "NumberOfAgentsStaffed", [("NumberGreaterThan", "0", "Staffed")])])
    result = flows.run("Inbound", mocks={"queues": {"Sales": FULL}})

    assert result.branch("Check") == "NoMatchingError"
    assert result.path == ["Check", "Check failed"]
    assert flows.note(result, "Check") == "no queue given and no working queue is set"


def test_check_metric_not_mocked_fails_the_test(flows: FlowFactory) -> None:
    flows.make("Inbound", [check(flows, "NumberOfAgentsStaffed", [("NumberGreaterThan", "0", "Staffed")])])
    with pytest.raises(MissingMockError) as info:
        flows.run("Inbound", queue="Sales", mocks={"queues": {"Sales": {"agents_online": 2}}})

    assert info.value.message == (
        "block 'Check' (CheckMetricData) of flow 'Inbound' at "
        f"{info.value.message.split(' at ', 1)[1].split(' reads', 1)[0]} reads agents_staffed of queue "
        "'Sales', but mocks.queues.Sales does not give it; add agents_staffed to mocks.queues.Sales"
    )


def test_check_metric_of_an_unmocked_queue_fails_the_test(flows: FlowFactory) -> None:
    flows.make("Inbound", [check(flows, "NumberOfContactsInQueue", [("NumberLessThan", "5", "Few")])])
    with pytest.raises(MissingMockError) as info:
        flows.run("Inbound", queue="Sales")

    assert "reads contacts_in_queue of queue 'Sales', which has no mock" in info.value.message
    assert "(mocked: none)" in info.value.message


@pytest.mark.parametrize("channel", CHANNELS)
def test_check_metric_works_on_every_channel(flows: FlowFactory, channel: str) -> None:
    flows.make("Inbound", [check(flows, "NumberOfAgentsStaffed", [("NumberGreaterThan", "0", "Staffed")])])
    result = flows.run("Inbound", channel=channel, queue="Sales", mocks={"queues": {"Sales": FULL}})

    assert result.branch("Check") == "0"


@pytest.mark.parametrize("flow_type", CHECK_TYPES)
def test_check_metric_works_in_inbound_queue_and_transfer_flows(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [check(flows, "NumberOfAgentsStaffed", [("NumberGreaterThan", "0", "Staffed")])],
               flow_type=flow_type)
    result = flows.run("Flow", queue="Sales", mocks={"queues": {"Sales": FULL}})

    assert result.branch("Check") == "0"


@pytest.mark.parametrize("flow_type", CHECK_REFUSED)
def test_check_metric_elsewhere_takes_error(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [check(flows, "NumberOfAgentsStaffed", [("NumberGreaterThan", "0", "Staffed")])],
               flow_type=flow_type)
    result = flows.run("Flow", queue="Sales", mocks={"queues": {"Sales": FULL}})

    assert result.branch("Check") == "NoMatchingError"
    assert flows.note(result, "Check") == f"CheckMetricData is not allowed in a {flow_type} flow"


def test_check_metric_with_no_error_branch_ends_the_run_in_error(flows: FlowFactory) -> None:
    flows.make("Flow", [flows.action("Check", "CheckMetricData", {"MetricType": "NumberOfAgentsStaffed"},
                                     conditions=[("NumberGreaterThan", "0", "Staffed")])],
               flow_type="AGENT_WHISPER")
    result = flows.run("Flow", queue="Sales", mocks={"queues": {"Sales": FULL}})

    assert result.ended == "error"
    assert "took NoMatchingError (CheckMetricData is not allowed in a AGENT_WHISPER flow)" in result.reason


# --- Real flows from the corpus --------------------------------------------------------------

EXPERIENCE_QUEUE = "aws-samples__amazon-connect-experience-builder__contact-flow-queue"
SCV_QUEUE_TRANSFER = "amazon-connect__amazon-connect-salesforce-scv__aws-sample-scv-queue-transfer"
RULES_CUSTOMER_QUEUE = "aws-samples__amazon-connect-rules-engine__rulesenginecustomerqueue"
JAPAN_STARTER = "aws-samples__sample-amazon-connect-customer-starter-kit-japan__maincontactflow"
TELEPHONY_ARN = "arn:aws:lambda:us-east-1:111122223333:function:scv-telephony"
LAMBDA_ARN = "arn:aws:lambda:us-east-1:111122223333:function:"
# The rules engine's deployment placeholders, mapped as a project's instance.placeholders would.
RULES_ENGINE_PLACEHOLDERS = {
    "{{lambdaFunctions.connectupdatestate.arn}}": f"{LAMBDA_ARN}connectupdatestate",
    "{{lambdaFunctions.connectcustomerqueue.arn}}": f"{LAMBDA_ARN}connectcustomerqueue",
    "{{prompts.CustomerQueue_wav.arn}}": "arn:aws:connect:us-east-1:111122223333:instance/i-1/prompt/p-music",
}


@pytest.mark.parametrize(("online", "branch", "last"), [(0, "0", "1b546d79"), (3, "NoMatchingCondition", "098007b7")])
def test_corpus_experience_builder_queue_flow(flows: FlowFactory, online: int, branch: str, last: str) -> None:
    sim = flows.corpus(EXPERIENCE_QUEUE, instance={"flow_types": {EXPERIENCE_QUEUE: "CUSTOMER_QUEUE"}})
    result = sim.run(EXPERIENCE_QUEUE, contact=SimulatedContact(queue="BasicQueue"),
                     mocks={"queues": {"BasicQueue": {"agents_online": online}}})

    assert result.branch("9bb50c63") == "Success"
    assert result.branch("b297c220") == branch  # Compare on $.Metrics.Agents.Online.Count
    assert result.path[-1].startswith(last)


def test_corpus_scv_queue_transfer_checks_staffing(flows: FlowFactory) -> None:
    sim = corpus_simulator(SCV_QUEUE_TRANSFER, placeholders={"%%INVOKE_TELEPHONY_FUNCTION_ARN%%": TELEPHONY_ARN})
    lambdas = {"scv-telephony": {"voiceCallId": "vc-1"}}
    staffed = sim.run(SCV_QUEUE_TRANSFER, contact=SimulatedContact(queue="Support"), lambdas=lambdas,
                      hours={"Support": "open"}, mocks={"queues": {"Support": {"agents_staffed": 2}}})
    unstaffed = sim.run(SCV_QUEUE_TRANSFER, contact=SimulatedContact(queue="Support"), lambdas=lambdas,
                        hours={"Support": "open"}, mocks={"queues": {"Support": {"agents_staffed": 0}}})

    assert staffed.branch("aa2e49ed") == "0"
    assert [p[:8] for p in staffed.path[-4:]] == ["aa2e49ed", "e93a9427", "2f8d63be", "127a3beb"]
    assert staffed.ended == "transferred_to_queue"
    assert unstaffed.branch("aa2e49ed") == "NoMatchingCondition"  # "No agents are available..."
    assert [p[:8] for p in unstaffed.path[-4:]] == ["aa2e49ed", "c9e05d1c", "8cf205f1", "a09f52a9"]
    assert unstaffed.ended == "disconnected"


def test_corpus_rules_engine_customer_queue_loads_metrics_then_checks_staffing(flows: FlowFactory) -> None:
    sim = corpus_simulator(RULES_CUSTOMER_QUEUE, placeholders=RULES_ENGINE_PLACEHOLDERS,
                           instance={"flow_types": {RULES_CUSTOMER_QUEUE: "CUSTOMER_QUEUE"}})
    result = sim.run(
        RULES_CUSTOMER_QUEUE, contact=SimulatedContact(queue="Sales"),
        lambdas={"connectupdatestate": {}, "connectcustomerqueue": {"QueueBehaviour_type": "Terminate"}},
        mocks={"queues": {"Sales": {"agents_staffed": 1, "agents_online": 1, "contacts_in_queue": 4}}},
    )

    assert result.branch("5f2f3f62") == "MessagesInterrupted"
    assert result.branch("0edb9f46") == "Success"  # GetMetricData of the working queue
    assert result.contact.data["Metrics"]["Queue"]["Size"] == "4"
    assert result.branch("91f9c3d2") == "0"  # CheckMetricData NumberOfAgentsStaffed > 0
    assert result.branch("71abd19a") == "Terminate"
    assert result.ended == "disconnected"


EXPERIENCE_DTMF0 = "aws-samples__amazon-connect-experience-builder__contact-flow-dtmf0"
AGENT_HOLD_TEMPLATE = "sophyphile__amazon-connect-terraform-flow-templater__agent-hold-sample-input"


@pytest.mark.parametrize(
    ("mock", "compare", "last", "ended"),
    [
        ({"agents_online": 0}, "0", "9ec2348f", "disconnected"),  # "we can't answer you at the moment"
        ({"agents_online": 2}, "NoMatchingCondition", "c6df1d0d", "transferred_to_queue"),
        ({"agents_online": 2, "at_capacity": True}, "NoMatchingCondition", "9ec2348f", "disconnected"),
    ],
    ids=["nobody-online", "queued", "queue-full"],
)
def test_corpus_experience_builder_dtmf0_routes_on_agents_online(
    flows: FlowFactory, mock: dict[str, Any], compare: str, last: str, ended: str
) -> None:
    # The template's Set working queue has an empty QueueId (filled in by the builder), so the
    # copy starts at its Get queue metrics block, with the working queue set beforehand.
    name = corpus_copy(flows.root, EXPERIENCE_DTMF0, "578c5215")
    result = flows.run(name, queue="BasicQueue", mocks={"queues": {"BasicQueue": mock}})

    assert result.branch("578c5215") == "Success"
    assert result.branch("9a38687b") == compare
    assert result.path[-1].startswith(last)
    assert result.ended == ended


@pytest.mark.parametrize(
    ("block", "key", "name"),
    [
        # named by the console's display text in Metadata.ActionMetadata, mocked by the queue Id
        ("get-queue-metrics queue", "9d1e923f-14a9-405a-84ce-8673151322a0", "BasicQueue"),
        ("get-queue-metrics agent", "d1705c20-4ff5-402c-9950-beb6ae1cf019",
         "arn:aws:connect:eu-west-2:111122223333:instance/311bc0e2-a159-46e3-a12d-19216cb26568/agent/"
         "d1705c20-4ff5-402c-9950-beb6ae1cf019"),
    ],
)
def test_corpus_agent_hold_template_gets_queue_and_agent_metrics(
    flows: FlowFactory, block: str, key: str, name: str
) -> None:
    # The Terraform template has no StartAction and unconnected branches: run each block alone.
    copy = corpus_copy(flows.root, AGENT_HOLD_TEMPLATE, block)
    result = flows.run(copy, mocks={"queues": {key: {"agents_online": 1, "contacts_in_queue": 0}}})

    assert result.steps[0].flow_type == "AGENT_HOLD"  # GetMetricData is allowed in every flow type
    assert result.branch(block) == "Success"
    assert result.contact.data["Metrics"]["Queue"]["Name"] == name
    assert result.contact.data["Metrics"]["Agents"]["Online"] == {"Count": "1"}
    assert result.ended == "error"  # its NextAction is empty, as the template exports it
    assert "whose NextAction is empty" in result.reason


JAPAN_QUEUE_ARN = "arn:aws:connect:ap-northeast-1:111122223333:instance/i-1/queue/q-main"


@pytest.mark.parametrize(
    ("mock", "in_queue", "online"),
    [
        ({"contacts_in_queue": 5}, "NoMatchingCondition", None),  # busy: the apology, then queued
        ({"contacts_in_queue": 2, "agents_online": 0}, "2", "NoMatchingCondition"),
    ],
    ids=["queue-long", "nobody-online"],
)
def test_corpus_japan_starter_kit_checks_queue_status_then_staffing(
    flows: FlowFactory, mock: dict[str, Any], in_queue: str, online: str | None
) -> None:
    # From its start the flow reaches Customer Profiles and Cases blocks (other families) first;
    # the copy starts at its Check queue status block, with ${QueueArn} mapped to the queue.
    name = corpus_copy(flows.root, JAPAN_STARTER, "1d2e5256", placeholders={"${QueueArn}": JAPAN_QUEUE_ARN})
    result = flows.run(name, queue="Main", mocks={"queues": {"q-main": mock}})

    assert result.branch("1d2e5256") == in_queue  # NumberOfContactsInQueue <= 2
    assert result.branch("bb1d192e") == online  # NumberOfAgentsOnline > 0 (only when few wait)
    assert [p[:8] for p in result.path[-2:]] == ["cb96d8dc", "b6de6f6c"]  # "只今、電話が大変混雑しております..."
    assert result.ended == "transferred_to_queue"
    assert result.queue == "Main"
