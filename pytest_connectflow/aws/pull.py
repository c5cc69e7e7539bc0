"""`connectflow pull`: copy a live instance's flows, flow modules and resources into files the
simulator reads.

    DIR/flows/<slug>.json       DescribeContactFlow responses ({"ContactFlow": {...}})
    DIR/modules/<slug>.json     DescribeContactFlowModule responses ({"ContactFlowModule": {...}})
    DIR/connect-instance.yaml   the instance resources file (the `instance:` schema)

Everything is fetched into memory first and written only when every call succeeded, each file to
a temporary file in its own folder and then moved into place (os.replace), so a pull that fails
half-way leaves the folder as it was. Files are written deterministically (sorted keys, 2-space
indent; `Content` kept as the exact string Amazon Connect returned), so a pull of an unchanged
instance changes nothing and git diffs show what changed in the flows.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import stat
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml
from botocore.exceptions import BotoCoreError, ClientError

from ..errors import ConnectflowError
from ..flow.loaders import parse_json_flow
from ..mocks.schedule import DAYS
from . import client as aws_client
from .arguments import Connection
from .errors import AwsError, PullError

if TYPE_CHECKING:
    from mypy_boto3_connect import ConnectClient
    from mypy_boto3_connect.literals import ContactFlowModuleStateType, ContactFlowTypeType
    from mypy_boto3_connect.type_defs import (
        ContactFlowModuleSummaryTypeDef,
        ContactFlowModuleTypeDef,
        ContactFlowSummaryTypeDef,
        ContactFlowTypeDef,
        HoursOfOperationTypeDef,
        ListContactFlowModulesRequestPaginateTypeDef,
        ListContactFlowsRequestPaginateTypeDef,
        PromptSummaryTypeDef,
        QueueTypeDef,
    )

FLOWS_DIR = "flows"
MODULES_DIR = "modules"
INSTANCE_FILE = "connect-instance.yaml"

# Keys of the instance resources file that a pull rewrites; every other key (live_media_streaming,
# default_flows, quick_connects, placeholders...) is the user's and kept as it is.
MANAGED_KEYS = ("arn", "queues", "hours", "prompts", "lambdas", "lex_bots")
# Fields a user adds to pulled resources that Amazon Connect's APIs do not give: kept per entry.
KEPT_FIELDS = {"prompts": ("duration",), "hours": ("overrides",)}

_INSTANCE_ARN = re.compile(r"^(arn:[^:]+:connect:[^:]*:[^:]*:instance/([^/]+))/")


@dataclass(frozen=True)
class PullFilter:
    """Which flows and modules a pull takes. Flow types filter flows only: modules have no type
    (they follow their caller's), so they are pulled whatever the types."""

    types: tuple[str, ...] = ()
    state: str = "ACTIVE"
    names: tuple[str, ...] = ()  # globs, any may match

    def wants(self, name: str, state: object, flow_type: object = None) -> bool:
        if self.types and flow_type is not None and flow_type not in self.types:
            return False
        if (state or "ACTIVE") != self.state:
            return False
        return not self.names or any(fnmatch.fnmatchcase(name, glob) for glob in self.names)


@dataclass(frozen=True)
class Fetched:
    """What one pull fetched from the instance, before anything is written."""

    instance_id: str
    flows: tuple[ContactFlowTypeDef, ...] = ()
    modules: tuple[ContactFlowModuleTypeDef, ...] = ()
    queues: tuple[QueueTypeDef, ...] = ()
    hours: tuple[HoursOfOperationTypeDef, ...] = ()
    prompts: tuple[PromptSummaryTypeDef, ...] = ()
    lambdas: tuple[str, ...] = ()  # function ARNs
    lex_aliases: tuple[str, ...] = ()  # Lex V2 bot alias ARNs
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Snapshot:
    """The files a pull writes (path relative to DIR, POSIX → text) and the flows among them
    whose Content the loader rejects (written anyway, so `connectflow validate` can name them)."""

    files: Mapping[str, str]
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Changes:
    """How DIR differs from a snapshot: paths relative to DIR."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def lines(self) -> list[str]:
        return ([f"  added    {p}" for p in self.added] + [f"  changed  {p}" for p in self.changed]
                + [f"  removed  {p}" for p in self.removed])


# fetching -----------------------------------------------------------------------------------


def fetch(client: ConnectClient, instance_id: str, wanted: PullFilter) -> Fetched:
    """Every call a pull makes, in a fixed order; raises AwsError on the first failure."""
    call = aws_client.call
    instance = f"instance {instance_id}"

    flow_request: ListContactFlowsRequestPaginateTypeDef = {"InstanceId": instance_id}
    if wanted.types:
        flow_request["ContactFlowTypes"] = cast("list[ContactFlowTypeType]", list(wanted.types))
    flow_summaries: list[ContactFlowSummaryTypeDef] = call("ListContactFlows", instance, lambda: [
        summary for page in client.get_paginator("list_contact_flows").paginate(**flow_request)
        for summary in page["ContactFlowSummaryList"]
    ])
    flows: list[ContactFlowTypeDef] = []
    notes: list[str] = []
    for flow_summary in flow_summaries:
        name = flow_summary.get("Name", "")
        if not wanted.wants(name, flow_summary.get("ContactFlowState"), flow_summary.get("ContactFlowType")):
            continue
        flow = _describe_flow(client, instance_id, flow_summary)
        if flow is None:
            notes.append(f"skipped flow {name!r} ({flow_summary.get('Id')}): never published, and Amazon Connect "
                         "runs only published flows")
        else:
            flows.append(flow)

    module_request: ListContactFlowModulesRequestPaginateTypeDef = {
        "InstanceId": instance_id,
        "ContactFlowModuleState": cast("ContactFlowModuleStateType", wanted.state),
    }
    module_summaries: list[ContactFlowModuleSummaryTypeDef] = call("ListContactFlowModules", instance, lambda: [
        summary for page in client.get_paginator("list_contact_flow_modules").paginate(**module_request)
        for summary in page["ContactFlowModulesSummaryList"]
    ])
    modules: list[ContactFlowModuleTypeDef] = []
    for module_summary in module_summaries:
        name = module_summary.get("Name", "")
        if not wanted.wants(name, module_summary.get("State")):
            continue
        module_id = module_summary.get("Id", "")
        modules.append(call(
            "DescribeContactFlowModule", f"flow module {name!r} ({module_id}) of {instance}",
            partial(client.describe_contact_flow_module, InstanceId=instance_id, ContactFlowModuleId=module_id),
        )["ContactFlowModule"])

    # Standard queues only: agent queues are one per user and flows reach them through the agent.
    queue_summaries = call("ListQueues", instance, lambda: [
        summary
        for page in client.get_paginator("list_queues").paginate(InstanceId=instance_id, QueueTypes=["STANDARD"])
        for summary in page["QueueSummaryList"]
    ])
    queues = [
        call("DescribeQueue", f"queue {s.get('Name')!r} ({s.get('Id')}) of {instance}",
             partial(client.describe_queue, InstanceId=instance_id, QueueId=s.get("Id", "")))["Queue"]
        for s in queue_summaries
    ]
    hours_summaries = call("ListHoursOfOperations", instance, lambda: [
        summary for page in client.get_paginator("list_hours_of_operations").paginate(InstanceId=instance_id)
        for summary in page["HoursOfOperationSummaryList"]
    ])
    hours = [
        call("DescribeHoursOfOperation", f"hours of operation {s.get('Name')!r} ({s.get('Id')}) of {instance}",
             partial(client.describe_hours_of_operation, InstanceId=instance_id,
                     HoursOfOperationId=s.get("Id", "")))["HoursOfOperation"]
        for s in hours_summaries
    ]
    prompts = call("ListPrompts", instance, lambda: [
        summary for page in client.get_paginator("list_prompts").paginate(InstanceId=instance_id)
        for summary in page["PromptSummaryList"]
    ])
    lambdas = call("ListLambdaFunctions", instance, lambda: [
        arn for page in client.get_paginator("list_lambda_functions").paginate(InstanceId=instance_id)
        for arn in page["LambdaFunctions"]
    ])
    # Lex V2 bots are named by their alias ARN in flows; classic (V1) bots by name, which needs no
    # resource entry.
    lex_aliases = call("ListBots", instance, lambda: [
        bot["LexV2Bot"]["AliasArn"]
        for page in client.get_paginator("list_bots").paginate(InstanceId=instance_id, LexVersion="V2")
        for bot in page["LexBots"] if bot.get("LexV2Bot", {}).get("AliasArn")
    ])
    return Fetched(instance_id, tuple(flows), tuple(modules), tuple(queues), tuple(hours), tuple(prompts),
                   tuple(lambdas), tuple(lex_aliases), tuple(notes))


def _describe_flow(client: ConnectClient, instance_id: str, summary: ContactFlowSummaryTypeDef) -> (
    ContactFlowTypeDef | None
):
    """The published flow, or None for a flow never published (DescribeContactFlow answers
    ContactFlowNotPublishedException: there is nothing that runs for contacts)."""
    flow_id = summary.get("Id", "")
    target = f"flow {summary.get('Name')!r} ({flow_id}) of instance {instance_id}"
    try:
        return client.describe_contact_flow(InstanceId=instance_id, ContactFlowId=flow_id)["ContactFlow"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ContactFlowNotPublishedException":
            return None
        raise aws_client.explain_client_error(exc, "DescribeContactFlow", target) from None
    except BotoCoreError as exc:
        raise aws_client.explain_botocore_error(exc, "DescribeContactFlow") from None


# rendering ----------------------------------------------------------------------------------


def slug(name: str) -> str:
    """A file name stem from a flow name: lower case, runs of anything but letters and digits
    turned into one hyphen (letters of any script are kept)."""
    text = unicodedata.normalize("NFKC", name).lower()
    text = re.sub(r"[\W_]+", "-", text).strip("-")
    return text[:80].rstrip("-") or "flow"


def file_names(folder: str, items: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """`folder/<slug>.json` per flow; flows sharing a slug all get `-<first 8 of the Id>`, so a
    file's name does not depend on which of them was listed first."""
    slugs = [slug(str(item.get("Name") or item.get("Id") or "flow")) for item in items]
    counts = Counter(slugs)
    out: dict[str, Mapping[str, Any]] = {}
    for stem, item in zip(slugs, items, strict=True):
        flow_id = str(item.get("Id") or "")
        if counts[stem] > 1:
            stem = f"{stem}-{flow_id[:8]}"
            if f"{folder}/{stem}.json" in out:  # two Ids sharing 8 characters
                stem = f"{slug(str(item.get('Name') or 'flow'))}-{flow_id}"
        out[f"{folder}/{stem}.json"] = item
    return out


def _jsonable(value: Any) -> Any:
    """Timestamps as ISO 8601 text, as the AWS CLI prints them."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def describe_text(key: str, wrapper: Mapping[str, Any]) -> str:
    """A describe response as a file: sorted keys, 2-space indent, Content the exact string."""
    body = {k: v for k, v in wrapper.items() if k != "ResponseMetadata"}
    return json.dumps({key: _jsonable(body)}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def content_problem(text: str, path: Path) -> str | None:
    """What the flow loader says about a pulled file it cannot load (bad Content), else None."""
    try:
        parse_json_flow(json.loads(text), text, path)
    except ConnectflowError as exc:
        return str(exc)
    return None


def _unique_keys(pairs: Sequence[tuple[str, str]]) -> list[str]:
    """Resource names; a name two resources share gets the second item (an Id) in parentheses."""
    counts = Counter(name for name, _ in pairs)
    return [name if counts[name] == 1 else f"{name} ({distinct})" for name, distinct in pairs]


def _compact(spec: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in spec.items() if v not in (None, "", [])}


class _OneLine(dict[str, Any]):
    """A mapping written on one line in YAML, keys in the order given (an hours range)."""


class _Dumper(yaml.SafeDumper):
    """Block style, except `_OneLine` mappings: one hours range per line reads well in a diff."""


_Dumper.add_representer(
    _OneLine, lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=True)
)


def _hours_config(hours: HoursOfOperationTypeDef) -> list[dict[str, Any]]:
    """The Config list in a stable order (Monday first, then by start time), one range a line."""
    entries = [
        _OneLine(
            Day=entry["Day"],
            StartTime={"Hours": entry["StartTime"]["Hours"], "Minutes": entry["StartTime"]["Minutes"]},
            EndTime={"Hours": entry["EndTime"]["Hours"], "Minutes": entry["EndTime"]["Minutes"]},
        )
        for entry in hours.get("Config", [])
    ]
    return sorted(entries, key=lambda e: (DAYS.index(e["Day"]) if e["Day"] in DAYS else 7,
                                          e["StartTime"]["Hours"], e["StartTime"]["Minutes"]))


def _lambda_name(arn: str) -> str:
    parts = arn.split(":")  # arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
    return parts[6] if len(parts) > 6 and parts[5] == "function" else arn.rsplit("/", 1)[-1]


def _lex_bot_arn(alias_arn: str) -> str | None:
    """arn:aws:lex:REGION:ACCOUNT:bot-alias/BOT/ALIAS → arn:aws:lex:REGION:ACCOUNT:bot/BOT"""
    prefix, marker, rest = alias_arn.partition(":bot-alias/")
    return f"{prefix}:bot/{rest.split('/', 1)[0]}" if marker else None


def _lex_console_names(items: Sequence[Mapping[str, Any]]) -> dict[str, tuple[str, str]]:
    """Alias ARN → (bot name, alias name) from the display names the console keeps in the pulled
    flows' metadata (ListBots gives only the alias ARN)."""
    names: dict[str, tuple[str, str]] = {}
    for item in items:
        try:
            doc = json.loads(str(item.get("Content") or ""))
        except ValueError:
            continue
        if not isinstance(doc, dict):
            continue
        metadata = doc.get("Metadata")
        by_action = metadata.get("ActionMetadata") if isinstance(metadata, dict) else None
        for action in doc.get("Actions") or []:
            params = action.get("Parameters") if isinstance(action, dict) else None
            bot = params.get("LexV2Bot") if isinstance(params, dict) else None
            alias_arn = bot.get("AliasArn") if isinstance(bot, dict) else None
            meta = by_action.get(action.get("Identifier")) if isinstance(by_action, dict) else None
            if not isinstance(alias_arn, str) or not isinstance(meta, dict):
                continue
            bot_name, alias_name = meta.get("lexV2BotName"), meta.get("lexV2BotAliasName")
            if isinstance(bot_name, str) and bot_name and "${" not in bot_name:
                names.setdefault(alias_arn, (bot_name, alias_name if isinstance(alias_name, str) else ""))
    return names


def instance_arn(fetched: Fetched) -> str | None:
    """The instance ARN, read off the ARNs of its resources (no DescribeInstance call, so no
    extra IAM action)."""
    arns = [
        *(f.get("Arn", "") for f in fetched.flows), *(m.get("Arn", "") for m in fetched.modules),
        *(q.get("QueueArn", "") for q in fetched.queues), *(h.get("HoursOfOperationArn", "") for h in fetched.hours),
        *(p.get("Arn", "") for p in fetched.prompts),
    ]
    for arn in arns:
        match = _INSTANCE_ARN.match(arn)
        if match and match.group(2) == fetched.instance_id:
            return match.group(1)
    return None


def instance_resources(fetched: Fetched) -> dict[str, Any]:
    """The managed part of the instance resources file, by resource name."""
    hours_keys = _unique_keys([(h.get("Name") or h.get("HoursOfOperationId", ""), h.get("HoursOfOperationId", ""))
                               for h in fetched.hours])
    hours_by_id = {h.get("HoursOfOperationId"): key for key, h in zip(hours_keys, fetched.hours, strict=True)}
    hours = {
        key: _compact({"arn": h.get("HoursOfOperationArn"), "id": h.get("HoursOfOperationId"),
                       "time_zone": h.get("TimeZone"), "config": _hours_config(h)})
        for key, h in zip(hours_keys, fetched.hours, strict=True)
    }
    queue_keys = _unique_keys([(q.get("Name") or q.get("QueueId", ""), q.get("QueueId", "")) for q in fetched.queues])
    queues = {
        key: _compact({"arn": q.get("QueueArn"), "id": q.get("QueueId"),
                       "hours": hours_by_id.get(q.get("HoursOfOperationId"), q.get("HoursOfOperationId"))})
        for key, q in zip(queue_keys, fetched.queues, strict=True)
    }
    prompt_keys = _unique_keys([(p.get("Name") or p.get("Id", ""), p.get("Id", "")) for p in fetched.prompts])
    prompts = {key: _compact({"arn": p.get("Arn"), "id": p.get("Id")})
               for key, p in zip(prompt_keys, fetched.prompts, strict=True)}
    lambda_keys = _unique_keys([(_lambda_name(arn), arn) for arn in fetched.lambdas])
    lambdas = {key: {"arn": arn} for key, arn in zip(lambda_keys, fetched.lambdas, strict=True)}
    console = _lex_console_names([*fetched.flows, *fetched.modules])
    lex_pairs = []
    for alias_arn in fetched.lex_aliases:
        bot_id, _, alias_id = alias_arn.split(":bot-alias/", 1)[-1].partition("/")
        bot_name, alias_name = console.get(alias_arn, (bot_id, ""))
        lex_pairs.append((bot_name, alias_name or alias_id))
    lex_bots = {
        key: _compact({"arn": _lex_bot_arn(alias_arn), "alias_arn": alias_arn})
        for key, alias_arn in zip(_unique_keys(lex_pairs), fetched.lex_aliases, strict=True)
    }
    resources: dict[str, Any] = {"queues": queues, "hours": hours, "prompts": prompts, "lambdas": lambdas,
                                 "lex_bots": lex_bots}
    arn = instance_arn(fetched)
    if arn:
        resources["arn"] = arn
    return resources


def merge_previous(resources: Mapping[str, Any], previous: Mapping[str, Any]) -> dict[str, Any]:
    """The new resources with what the user wrote in the previous file and a pull does not
    manage: other top-level keys, prompt durations, hours overrides."""
    merged = {k: v for k, v in previous.items() if k not in MANAGED_KEYS}
    if "arn" not in resources and isinstance(previous.get("arn"), str):
        merged["arn"] = previous["arn"]
    merged.update({k: dict(v) if isinstance(v, Mapping) else v for k, v in resources.items()})
    for kind, fields in KEPT_FIELDS.items():
        old = previous.get(kind)
        if not isinstance(old, Mapping):
            continue
        for name, spec in merged.get(kind, {}).items():
            before = old.get(name)
            if isinstance(before, Mapping):
                merged[kind][name] = {**spec, **{f: before[f] for f in fields if f in before}}
    return merged


def instance_text(data: Mapping[str, Any], instance_id: str) -> str:
    header = (
        f"# Amazon Connect instance {instance_id}, written by `connectflow pull`.\n"
        "# Each pull rewrites arn, queues, hours, prompts, lambdas and lex_bots; it keeps the other\n"
        "# settings, prompt durations and hours overrides written here (comments are not kept).\n"
    )
    text = yaml.dump(_key_sorted(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=1000)
    return header + text


def _key_sorted(value: Any) -> Any:
    """Mappings with sorted keys, at every level, except one-line ones (their order is chosen)."""
    if isinstance(value, _OneLine):
        return value
    if isinstance(value, Mapping):
        return {k: _key_sorted(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list):
        return [_key_sorted(v) for v in value]
    return value


def read_previous_instance(path: Path) -> dict[str, Any]:
    """The instance resources file of the last pull (what the user added is kept), or {}."""
    try:
        text = path.read_text("utf-8-sig")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise PullError(f"cannot read {path}: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise PullError(f"{where}: not valid YAML, so a pull cannot keep its settings: fix or delete it") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PullError(f"{path}: the instance resources file must be a mapping; fix or delete it")
    return data


def render(fetched: Fetched, root: Path, previous: Mapping[str, Any]) -> Snapshot:
    files: dict[str, str] = {}
    problems: list[str] = []
    kinds: tuple[tuple[str, str, Sequence[Mapping[str, Any]]], ...] = (
        (FLOWS_DIR, "ContactFlow", fetched.flows),
        (MODULES_DIR, "ContactFlowModule", fetched.modules),
    )
    for folder, key, items in kinds:
        for rel, item in file_names(folder, items).items():
            text = describe_text(key, item)
            files[rel] = text
            problem = content_problem(text, root / rel)
            if problem is not None:
                problems.append(problem)
    files[INSTANCE_FILE] = instance_text(merge_previous(instance_resources(fetched), previous), fetched.instance_id)
    return Snapshot(files, tuple(problems))


# comparing and writing ----------------------------------------------------------------------


def pulled_before(root: Path, instance_id: str, wanted: PullFilter) -> Iterator[str]:
    """Files in DIR/flows and DIR/modules that a pull of this instance with these filters would
    write: describe files of this instance's flows that the filters take. Anything else (other
    instances, flows the filters leave out, files of other shapes) is not the pull's to remove."""
    marker = f":instance/{instance_id}/"
    for folder, key in ((FLOWS_DIR, "ContactFlow"), (MODULES_DIR, "ContactFlowModule")):
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.glob("*.json")):
            if path.name.startswith("."):
                continue
            try:
                doc = json.loads(path.read_bytes().decode("utf-8-sig"))
            except (OSError, ValueError):
                continue
            wrapper = doc.get(key) if isinstance(doc, dict) else None
            if not isinstance(wrapper, dict) or marker not in str(wrapper.get("Arn", "")):
                continue
            flow_type = wrapper.get("Type") if key == "ContactFlow" else None
            if wanted.wants(str(wrapper.get("Name", "")), wrapper.get("State"), flow_type):
                yield f"{folder}/{path.name}"


def compare(snapshot: Snapshot, root: Path, instance_id: str, wanted: PullFilter) -> Changes:
    added: list[str] = []
    changed: list[str] = []
    for rel, text in sorted(snapshot.files.items()):
        try:
            current = (root / rel).read_bytes()
        except FileNotFoundError:
            added.append(rel)
            continue
        except OSError as exc:
            raise PullError(f"cannot read {root / rel}: {exc.strerror}") from None
        if current != text.encode("utf-8"):
            changed.append(rel)
    removed = sorted(set(pulled_before(root, instance_id, wanted)) - set(snapshot.files))
    return Changes(tuple(added), tuple(changed), tuple(removed))


def _stage(target: Path, text: str) -> Path:
    """`text` in a hidden temporary file beside `target` (the loaders skip hidden files)."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    staged = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file private; give it the mode the file it replaces had.
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644
        staged.chmod(mode)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return staged


def write(root: Path, files: Mapping[str, str], changes: Changes) -> None:
    """Stage every new or changed file, then move them all into place and remove what is gone:
    a failure while staging leaves DIR untouched."""
    staged: list[tuple[Path, Path]] = []
    try:
        for rel in (*changes.added, *changes.changed):
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            staged.append((_stage(target, files[rel]), target))
    except BaseException as exc:
        for path, _ in staged:
            path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise PullError(f"cannot write into {exc.filename or root}: {exc.strerror}; nothing was written") from None
        raise
    try:
        for path, target in staged:
            os.replace(path, target)
        for rel in changes.removed:
            (root / rel).unlink(missing_ok=True)
    except OSError as exc:
        raise PullError(f"cannot write {exc.filename or root}: {exc.strerror}") from None


# the command --------------------------------------------------------------------------------


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary(fetched: Fetched) -> str:
    return ", ".join([
        _count(len(fetched.flows), "flow", "flows"),
        _count(len(fetched.modules), "module", "modules"),
        _count(len(fetched.queues), "queue", "queues"),
        _count(len(fetched.hours), "hours of operation", "hours of operation"),
        _count(len(fetched.prompts), "prompt", "prompts"),
        _count(len(fetched.lambdas), "Lambda function", "Lambda functions"),
        _count(len(fetched.lex_aliases), "Lex bot", "Lex bots"),
    ])


def command(args: argparse.Namespace) -> int:
    """0: done (or, with --check, nothing differs); 1: with --check, files differ, or a pulled
    flow does not load (written anyway); 2: nothing written (AWS refused, files unwritable)."""
    connection = Connection.from_args(args)
    wanted = PullFilter(tuple(args.types or ()), args.state, tuple(args.names or ()))
    root = Path(args.to)
    try:
        previous = read_previous_instance(root / INSTANCE_FILE)
        client = aws_client.connect_client(connection)
        fetched = fetch(client, connection.instance_id, wanted)
        snapshot = render(fetched, root, previous)
        changes = compare(snapshot, root, connection.instance_id, wanted)
        if not args.check:
            write(root, snapshot.files, changes)
    except (AwsError, PullError) as exc:
        print(f"connectflow pull: error: {exc}", file=sys.stderr)
        return 2
    for note in fetched.notes:
        print(f"note: {note}")
    if args.check:
        if changes.any:
            print(f"{root} differs from instance {connection.instance_id} ({summary(fetched)}):")
            print("\n".join(changes.lines()))
            count = len(changes.added) + len(changes.changed) + len(changes.removed)
            print(f"{_count(count, 'file differs', 'files differ')}; run without --check to write them")
        else:
            print(f"{root} is up to date with instance {connection.instance_id} ({summary(fetched)})")
    else:
        print(f"pulled instance {connection.instance_id} into {root}: {summary(fetched)}")
        print("\n".join(changes.lines()) if changes.any else "  nothing changed")
    written = "a pull writes it anyway" if args.check else "written anyway"
    for problem in snapshot.problems:
        print(f"error: {problem} ({written}; `connectflow validate` names it)", file=sys.stderr)
    return 1 if snapshot.problems or (args.check and changes.any) else 0
