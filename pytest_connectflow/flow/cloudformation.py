"""CloudFormation templates (YAML with the short intrinsic tags, or JSON) whose
`AWS::Connect::ContactFlow` and `AWS::Connect::ContactFlowModule` resources each give one flow.

What a deployment would compute is resolved where it can be known offline:

- `Content` as a string, `Fn::Sub` (variables from its own map first, then instance.placeholders,
  then the template's Parameters defaults and the pseudo parameters), `Fn::Join`, `Fn::FindInMap`,
  `Fn::Select`, `Fn::ImportValue` (by the mapping) and `Fn::ToJsonString`.
- What cannot be known (a `Ref` to a parameter with no mapping nor default, a `GetAtt` of another
  resource) becomes a `${LogicalId}` / `${Resource.Attribute}` placeholder for instance.placeholders.
- A reference to a flow of the same template (`!GetAtt Other.ContactFlowArn`, `!Ref Other`) becomes
  a synthetic ARN, `arn:aws:connect:<region>:<account>:instance/<instance>/contact-flow/<LogicalId>`,
  and that flow gets the same ARN, so TransferToFlow between flows of one template runs offline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import FlowLoadError
from .flow_language import metadata_name, metadata_type, parse_flow_document
from .loaders import _declared_type
from .model import Flow
from .placeholders import find_placeholders, lookup

# Resource type → whether it is a module, its ARN attribute and the ARN's resource segment.
FLOW_RESOURCES: dict[str, tuple[bool, str, str]] = {
    "AWS::Connect::ContactFlow": (False, "ContactFlowArn", "contact-flow"),
    "AWS::Connect::ContactFlowModule": (True, "ContactFlowModuleArn", "flow-module"),
}
# Both type names start with this: a YAML file without it is skipped before any parsing.
MARKER = "AWS::Connect::ContactFlow"

# Pseudo parameters a flow's ARNs are built with; offline any value works, so they default to
# those of the simulated instance (engine.instance.DEFAULT_INSTANCE_ARN) unless mapped.
PSEUDO_DEFAULTS = {
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
}
DEFAULT_INSTANCE_ID = "00000000-0000-4000-8000-00000000cafe"
_INSTANCE_ARN_RE = re.compile(r"arn:[^:]+:connect:[^:]*:[^:]*:instance/[^/]+")
_SUB_RE = re.compile(r"\$\{([^}]*)\}")


# YAML -----------------------------------------------------------------------------------------


class TemplateLoader(yaml.SafeLoader):
    """The safe loader plus CloudFormation's short tags (`!Sub x` → `{"Fn::Sub": x}`, `!Ref`,
    `!GetAtt A.B`, `!If`, `!Select`... any `!Tag`), built as plain data: no object construction.

    It also remembers where each literal block scalar (`Content: |`) starts, so a flow written as a
    block scalar gets the template's line numbers.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.block_lines: dict[str, int] = {}

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        # CloudFormation refuses aliases; refusing them here also rules out alias bombs.
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            message = "YAML aliases are not allowed in CloudFormation templates"
            raise yaml.composer.ComposerError(None, None, message, mark)
        return super().compose_node(parent, index)

    def remember_block(self, node: yaml.ScalarNode, value: str) -> None:
        if node.style == "|":
            # start_mark is at the `|` indicator; the text starts on the next line (1-based: +2).
            self.block_lines.setdefault(value, node.start_mark.line + 2)


# Dates stay the text written (AWSTemplateFormatVersion: 2010-09-09).
TemplateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_str(loader: TemplateLoader, node: yaml.ScalarNode) -> str:
    value = str(loader.construct_scalar(node))
    loader.remember_block(node, value)
    return value


def _construct_intrinsic(loader: TemplateLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = _construct_str(loader, node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, yaml.MappingNode)
        value = loader.construct_mapping(node, deep=True)
    if suffix in ("Ref", "Condition"):
        return {suffix: value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)  # !GetAtt Flow.ContactFlowArn
    return {f"Fn::{suffix}": value}


TemplateLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)
TemplateLoader.add_multi_constructor("!", _construct_intrinsic)


def read_yaml_template(path: Path, text: str) -> tuple[Any, dict[str, int]]:
    """Parse a YAML template: (data, first line of each literal block scalar)."""
    try:
        loader = TemplateLoader(text)  # reading starts here: a character YAML refuses fails now
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise FlowLoadError(f"invalid YAML: {exc.reason} (character #x{exc.character:04x})",
                            where=f"{path}:{line}") from None
    try:
        return loader.get_single_data(), loader.block_lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise FlowLoadError(f"invalid YAML: {exc.problem or exc}", where=f"{path}:{line}") from None
    except yaml.YAMLError as exc:
        raise FlowLoadError(f"invalid YAML: {exc}", where=str(path)) from None
    except (ValueError, RecursionError) as exc:  # `!!int x`, `!!binary` of bad base64; deep nesting
        problem = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise FlowLoadError(f"invalid YAML: {problem}", where=str(path)) from None
    finally:
        loader.dispose()


# Recognising templates -------------------------------------------------------------------------


def flow_resources(doc: Any) -> dict[str, dict[str, Any]]:
    """The template's Connect flow and module resources by logical id."""
    resources = doc.get("Resources") if isinstance(doc, dict) else None
    if not isinstance(resources, dict):
        return {}
    return {
        str(logical): resource
        for logical, resource in resources.items()
        if isinstance(resource, dict) and resource.get("Type") in FLOW_RESOURCES
    }


def is_template(doc: Any) -> bool:
    """A CloudFormation template: AWSTemplateFormatVersion, or Resources with Connect flows."""
    return isinstance(doc, dict) and ("AWSTemplateFormatVersion" in doc or bool(flow_resources(doc)))


# Resolving intrinsics --------------------------------------------------------------------------


class _Problem(Exception):
    """A resource property that cannot be turned into what it must be."""


def _json_escape(value: str) -> str:
    return json.dumps(value)[1:-1]


def _plain(value: str) -> str:
    return value


@dataclass
class _Resolver:
    """Resolves intrinsic functions of one template to text; unknowns become placeholders."""

    doc: dict[str, Any]
    mapping: Mapping[str, str]
    referenced: set[str] = field(default_factory=set)  # flows whose ARN another flow uses

    def __post_init__(self) -> None:
        self.resources = self._object("Resources")
        self.parameters = self._object("Parameters")
        self.mappings = self._object("Mappings")

    def _object(self, key: str) -> dict[str, Any]:
        value = self.doc.get(key)
        return value if isinstance(value, dict) else {}

    def mapped(self, name: str) -> str | None:
        return lookup("${" + name + "}", self.mapping)

    def pseudo(self, name: str) -> str | None:
        return self.mapped(name) or PSEUDO_DEFAULTS.get(name)

    # flows' ARNs -----------------------------------------------------------------------------
    def flow_arn(self, logical: str) -> str | None:
        """The ARN of the flow resource `logical`: mapped (`Logical.ContactFlowArn`), else synthetic."""
        resource = self.resources.get(logical)
        if not isinstance(resource, dict) or resource.get("Type") not in FLOW_RESOURCES:
            return None
        _, attribute, segment = FLOW_RESOURCES[resource["Type"]]
        mapped = self.mapped(f"{logical}.{attribute}") or self.mapped(logical)
        if mapped:
            return mapped
        return f"{self.instance_arn(resource)}/{segment}/{logical}"

    def mapped_arn(self, logical: str) -> str | None:
        resource = self.resources.get(logical) or {}
        _, attribute, _ = FLOW_RESOURCES[resource["Type"]]
        return self.mapped(f"{logical}.{attribute}") or self.mapped(logical)

    def instance_arn(self, resource: Mapping[str, Any]) -> str:
        props = resource.get("Properties")
        value = props.get("InstanceArn") if isinstance(props, dict) else None
        try:
            text, complete = self.text(value, _plain) if value is not None else ("", False)
        except _Problem:
            text, complete = "", False
        if complete and _INSTANCE_ARN_RE.fullmatch(text):
            return text
        partition, region, account = (self.pseudo(p) for p in ("AWS::Partition", "AWS::Region", "AWS::AccountId"))
        return f"arn:{partition}:connect:{region}:{account}:instance/{DEFAULT_INSTANCE_ID}"

    # text ------------------------------------------------------------------------------------
    def text(self, value: Any, escape: Callable[[str], str]) -> tuple[str, bool]:
        """`value` as text, and whether everything in it was resolved. `escape` is applied to
        values put into the text (JSON escaping inside Content), never to literal template text."""
        if isinstance(value, str):
            return value, True
        if isinstance(value, bool):
            return ("true" if value else "false"), True
        if isinstance(value, (int, float)):
            return str(value), True
        if isinstance(value, dict) and len(value) == 1:
            [(function, argument)] = value.items()
            handler = _FUNCTIONS.get(function)
            if handler is not None:
                return handler(self, argument, escape)
            if function.startswith("Fn::"):
                return "${" + function + "}", False  # Fn::If, Fn::Base64...: not evaluated offline
        raise _Problem(f"expected a string or an intrinsic function, got {json.dumps(value)[:80]}")

    def ref(self, name: Any, escape: Callable[[str], str]) -> tuple[str, bool]:
        if not isinstance(name, str):
            raise _Problem("Ref needs a name")
        value = self.pseudo(name) if name.startswith("AWS::") else self.mapped(name)
        if value is None:
            param = self.parameters.get(name)
            if isinstance(param, dict) and param.get("Default") is not None:
                value = str(param["Default"])
        if value is None and (arn := self.flow_arn(name)) is not None:
            self.referenced.add(name)
            return escape(arn), True
        if value is None:
            return "${" + name + "}", False
        return escape(value), True

    def get_att(self, argument: Any, escape: Callable[[str], str]) -> tuple[str, bool]:
        parts = argument.split(".", 1) if isinstance(argument, str) else argument
        if not isinstance(parts, list) or len(parts) != 2 or not all(isinstance(p, str) for p in parts):
            return "${Fn::GetAtt}", False
        logical, attribute = parts
        value = self.mapped(f"{logical}.{attribute}")
        if value is not None:
            return escape(value), True
        resource = self.resources.get(logical)
        if isinstance(resource, dict) and FLOW_RESOURCES.get(resource.get("Type", ""), (0, "", ""))[1] == attribute:
            arn = self.flow_arn(logical)
            assert arn is not None
            self.referenced.add(logical)
            return escape(arn), True
        return "${" + f"{logical}.{attribute}" + "}", False

    def sub(self, argument: Any, escape: Callable[[str], str]) -> tuple[str, bool]:
        if isinstance(argument, str):
            template, variables = argument, {}
        elif (
            isinstance(argument, list) and len(argument) == 2
            and isinstance(argument[0], str) and isinstance(argument[1], dict)
        ):
            template, variables = argument
        else:
            raise _Problem("Fn::Sub needs a string or [string, {variables}]")
        complete = True

        def replace(match: re.Match[str]) -> str:
            nonlocal complete
            inner = match.group(1)
            if inner.startswith("!"):
                return "${" + inner[1:] + "}"  # ${!Literal} is the literal text ${Literal}
            name = inner.strip()
            if name in variables:
                value = variables[name]
                if isinstance(value, str):
                    return escape(value)
                text, ok = self.text(value, escape)
                if ok:
                    return text
                mapped = self.mapped(name)  # the user may map the variable's own name
                if mapped is not None:
                    return escape(mapped)
                complete = False
                return text
            if "." in name and not name.startswith("AWS::"):
                text, ok = self.get_att(name, escape)
            else:
                text, ok = self.ref(name, escape)
            complete = complete and ok
            return text

        return _SUB_RE.sub(replace, template), complete

    def join(self, argument: Any, escape: Callable[[str], str]) -> tuple[str, bool]:
        if not (isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], list)):
            return "${Fn::Join}", False  # a list built by another function: not evaluated offline
        delimiter, _ = self.text(argument[0], escape)
        parts = [self.text(part, escape) for part in argument[1]]
        return delimiter.join(p for p, _ in parts), all(ok for _, ok in parts)

    def find_in_map(self, argument: Any, escape: Callable[[str], str]) -> tuple[str, bool]:
        if isinstance(argument, list) and len(argument) == 3:
            keys = [self.text(a, _plain) for a in argument]
            if all(ok for _, ok in keys):
                value: Any = self.mappings
                for key, _ in keys:
                    value = value.get(key) if isinstance(value, dict) else None
                if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    return escape(str(value)), True
        return "${Fn::FindInMap}", False

    def select(self, argument: Any, escape: Callable[[str], str]) -> tuple[str, bool]:
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], list):
            index, ok = self.text(argument[0], _plain)
            if ok and index.isdigit() and int(index) < len(argument[1]):
                return self.text(argument[1][int(index)], escape)
        return "${Fn::Select}", False

    def import_value(self, argument: Any, escape: Callable[[str], str]) -> tuple[str, bool]:
        name, ok = self.text(argument, _plain)
        value = self.mapped(name) if ok else None
        if value is None:
            return ("${" + name + "}" if ok else "${Fn::ImportValue}"), False
        return escape(value), True

    def to_json_string(self, argument: Any, escape: Callable[[str], str]) -> tuple[str, bool]:
        complete = True

        def tree(value: Any) -> Any:
            nonlocal complete
            if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _FUNCTIONS:
                text, ok = self.text(value, _plain)  # json.dumps escapes it
                complete = complete and ok
                return text
            if isinstance(value, dict):
                return {k: tree(v) for k, v in value.items()}
            if isinstance(value, list):
                return [tree(v) for v in value]
            return value

        # JSON text, like a literal template string: the Content itself, so never escaped again.
        return json.dumps(tree(argument)), complete


_FUNCTIONS: dict[str, Callable[[_Resolver, Any, Callable[[str], str]], tuple[str, bool]]] = {
    "Ref": _Resolver.ref,
    "Fn::GetAtt": _Resolver.get_att,
    "Fn::Sub": _Resolver.sub,
    "Fn::Join": _Resolver.join,
    "Fn::FindInMap": _Resolver.find_in_map,
    "Fn::Select": _Resolver.select,
    "Fn::ImportValue": _Resolver.import_value,
    "Fn::ToJsonString": _Resolver.to_json_string,
}


# Loading ---------------------------------------------------------------------------------------


@dataclass
class TemplateResult:
    flows: list[Flow] = field(default_factory=list)
    errors: list[FlowLoadError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Content:
    logical: str
    resource: dict[str, Any]
    doc: Any
    text: str  # for line numbers: the flow JSON at the template's lines, or ""


def resource_line(text: str, logical: str) -> int | None:
    """The line of a resource's key in the template text (YAML or JSON), after `Resources`."""
    start = text.find("Resources")
    match = re.compile(rf"^[ \t]*[\"']?{re.escape(logical)}[\"']?[ \t]*:", re.MULTILINE).search(text, max(start, 0))
    return text.count("\n", 0, match.start()) + 1 if match else None


def load_template(
    doc: dict[str, Any],
    path: Path,
    text: str,
    mapping: Mapping[str, str] | None = None,
    block_lines: Mapping[str, int] | None = None,
) -> TemplateResult:
    """One flow per Connect flow resource; a broken resource is an error, the others still load."""
    result = TemplateResult()
    resolver = _Resolver(doc, mapping or {})
    resources = flow_resources(doc)
    contents: list[_Content] = []
    for logical, resource in resources.items():
        line = resource_line(text, logical)
        where = f"{path}:{line}" if line else str(path)
        base = f"/Resources/{logical}/Properties/Content"
        try:
            contents.append(_read_content(resolver, logical, resource, base, where, path, block_lines or {}))
        except FlowLoadError as exc:
            result.errors.append(exc)
        except _Problem as exc:
            result.errors.append(FlowLoadError(f"{base}: {exc}", where=where))
    # ARNs last: only now is it known which flows the others reference.
    for content in contents:
        try:
            result.flows.append(_flow(resolver, content, path, len(resources), result.notes))
        except FlowLoadError as exc:
            result.errors.append(exc)
    return result


def _read_content(
    resolver: _Resolver, logical: str, resource: dict[str, Any], base: str, where: str, path: Path,
    block_lines: Mapping[str, int],
) -> _Content:
    props = resource.get("Properties")
    content = props.get("Content") if isinstance(props, dict) else None
    if content is None:
        raise FlowLoadError(f"{base} is missing: a {resource['Type']} needs the flow JSON", where=where)
    if isinstance(content, dict) and "Actions" in content:  # tolerated: Content already an object
        return _Content(logical, resource, content, "")
    text, _ = resolver.text(content, _json_escape)
    # The line the flow JSON starts at, when it is a literal block scalar (Content: | or !Sub |).
    template = content.get("Fn::Sub") if isinstance(content, dict) else content
    template = template[0] if isinstance(template, list) and template else template
    first = block_lines.get(template) if isinstance(template, str) else None
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        at = f"{path}:{first + exc.lineno - 1}" if first else where
        raise FlowLoadError(
            f"{base} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno} of the Content)", where=at
        ) from None
    # Leading newlines put each Identifier at its line in the template (identifier_lines counts them).
    lines_text = "\n" * (first - 1) + text if first and "\n" in text else ""
    return _Content(logical, resource, parsed, lines_text)


def _flow(resolver: _Resolver, content: _Content, path: Path, count: int, notes: list[str]) -> Flow:
    logical, resource = content.logical, content.resource
    is_module = FLOW_RESOURCES[resource["Type"]][0]
    props = resource.get("Properties") or {}
    name = _resolved(resolver, props.get("Name"))
    if name is None:
        inner_name = metadata_name(content.doc) if isinstance(content.doc, dict) else None
        name = inner_name or logical
        if props.get("Name") is not None:
            notes.append(
                f"{path}: Resources/{logical}/Properties/Name cannot be resolved offline; "
                f"the flow is named {name!r}"
            )
    flow_type = None if is_module else _resolved(resolver, props.get("Type"))
    inner_type = metadata_type(content.doc) if isinstance(content.doc, dict) else None
    arn = resolver.flow_arn(logical) if logical in resolver.referenced else resolver.mapped_arn(logical)
    return parse_flow_document(
        content.doc,
        source=path,
        name=name,
        text=content.text,
        base=f"/Resources/{logical}/Properties/Content",
        declared_type=None if is_module else (_declared_type(flow_type) or _declared_type(inner_type)),
        is_module=is_module,
        arn=arn,
        alone_in_file=count == 1,
        shape="cloudformation",
        placeholders=resolver.mapping,
    )


def _resolved(resolver: _Resolver, value: Any) -> str | None:
    """A property's value when it resolves completely offline (Name, Type), else None."""
    if value is None:
        return None
    if isinstance(value, str):  # a literal: CloudFormation keeps any ${...} in it as written
        return value if value.strip() else None
    try:
        text, complete = resolver.text(value, _plain)
    except _Problem:
        return None
    return text if complete and text.strip() and not find_placeholders(text) else None
