"""Find flow files and read each shape users keep in git into the model.

Shapes: bare Flow-language JSON (console export), DescribeContactFlow and
DescribeContactFlowModule responses (flow JSON as a string in `Content`), CloudFormation
templates (cloudformation.py) and Terraform files (terraform.py).
A file that cannot be read yields a FlowLoadError naming the file and the place in it;
the other files still load. `placeholders` (instance.placeholders) are substituted in every flow.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import FlowLoadError
from .flow_language import metadata_name, metadata_type, parse_flow_document
from .legacy import parse_legacy_flow
from .model import FLOW_TYPES, LEGACY_FLOW_TYPES, Flow

if TYPE_CHECKING:
    from .cloudformation import TemplateResult


@dataclass
class FileReport:
    """What one file gave: its flows, or the errors that stopped it, and warnings."""

    path: Path
    flows: list[Flow] = field(default_factory=list)
    errors: list[FlowLoadError] = field(default_factory=list)
    skipped: bool = False
    notes: list[str] = field(default_factory=list)  # about the file, not one flow (a name not resolvable...)
    referenced: set[Path] = field(default_factory=set)  # Terraform: the flow JSON files its resources read

    @property
    def warnings(self) -> list[str]:
        return [*self.notes, *(w for flow in self.flows for w in flow.warnings)]


@dataclass
class LoadReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def flows(self) -> list[Flow]:
        return [flow for report in self.files for flow in report.flows]

    @property
    def errors(self) -> list[FlowLoadError]:
        return [err for report in self.files for err in report.errors]


def _declared_type(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    if value in FLOW_TYPES:
        return value
    return LEGACY_FLOW_TYPES.get(value, value.upper())


def read_text(path: Path) -> str:
    """A UTF-8 text file (BOM tolerated), or a FlowLoadError naming it."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FlowLoadError(f"cannot read the file: {exc.strerror}", where=str(path)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FlowLoadError(f"not UTF-8 text (byte {exc.start})", where=str(path)) from None


def read_json(path: Path) -> tuple[Any, str]:
    """Parse a JSON file (BOM tolerated), raising FlowLoadError with the line of a syntax error."""
    text = read_text(path)
    try:
        return json.loads(text), text
    except json.JSONDecodeError as exc:
        raise FlowLoadError(
            f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            where=f"{path}:{exc.lineno}",
        ) from None
    except RecursionError:
        raise FlowLoadError("invalid JSON: nested too deeply", where=str(path)) from None


def _content(wrapper: dict[str, Any], path: Path, base: str) -> tuple[Any, str]:
    content = wrapper.get("Content")
    if isinstance(content, dict):  # some tools keep Content already parsed
        return content, ""
    if not isinstance(content, str):
        raise FlowLoadError(f"{base}/Content must be the flow JSON as a string", where=str(path))
    try:
        return json.loads(content), content
    except RecursionError:
        raise FlowLoadError(f"{base}/Content is not valid JSON: nested too deeply", where=str(path)) from None
    except json.JSONDecodeError as exc:
        raise FlowLoadError(
            f"{base}/Content is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno} "
            "of the Content string)",
            where=str(path),
        ) from None


def is_flow_document(doc: Any) -> bool:
    return isinstance(doc, dict) and (
        "Actions" in doc
        or isinstance(doc.get("ContactFlow"), dict)
        or isinstance(doc.get("ContactFlowModule"), dict)
        or "modules" in doc
    )


def parse_json_flow(doc: Any, text: str, path: Path, placeholders: Mapping[str, str] | None = None) -> list[Flow]:
    """The flows of one parsed JSON document, whatever its shape."""
    if isinstance(doc, dict) and isinstance(doc.get("ContactFlow"), dict):
        wrapper = doc["ContactFlow"]
        inner, inner_text = _content(wrapper, path, "/ContactFlow")
        return [
            parse_flow_document(
                inner,
                source=path,
                name=_wrapper_name(wrapper, inner, path),
                text=inner_text if "\n" in inner_text else "",
                base="/ContactFlow/Content",
                declared_type=_declared_type(wrapper.get("Type")) or _declared_type(metadata_type(inner)),
                flow_id=_opt_str(wrapper.get("Id")),
                arn=_opt_str(wrapper.get("Arn")),
                shape="describe-contact-flow",
                placeholders=placeholders,
            )
        ]
    if isinstance(doc, dict) and isinstance(doc.get("ContactFlowModule"), dict):
        wrapper = doc["ContactFlowModule"]
        inner, inner_text = _content(wrapper, path, "/ContactFlowModule")
        return [
            parse_flow_document(
                inner,
                source=path,
                name=_wrapper_name(wrapper, inner, path),
                text=inner_text if "\n" in inner_text else "",
                base="/ContactFlowModule/Content",
                is_module=True,
                flow_id=_opt_str(wrapper.get("Id")),
                arn=_opt_str(wrapper.get("Arn")),
                shape="describe-contact-flow-module",
                placeholders=placeholders,
            )
        ]
    if isinstance(doc, dict) and "modules" in doc and "Actions" not in doc:
        return [parse_legacy_flow(doc, source=path, text=text, placeholders=placeholders)]  # shape "legacy"
    if isinstance(doc, dict) and "Actions" in doc:
        return [
            parse_flow_document(
                doc,
                source=path,
                name=metadata_name(doc) or path.stem,
                text=text,
                declared_type=_declared_type(metadata_type(doc)),
                placeholders=placeholders,
            )
        ]
    raise FlowLoadError(
        "not a flow: expected Flow-language JSON ('Actions'), or a describe-contact-flow "
        "('ContactFlow') or describe-contact-flow-module ('ContactFlowModule') response",
        where=str(path),
    )


def _opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _wrapper_name(wrapper: dict[str, Any], inner: Any, path: Path) -> str:
    name = wrapper.get("Name")
    if isinstance(name, str) and name.strip():
        return name
    return (metadata_name(inner) if isinstance(inner, dict) else None) or path.stem


YAML_SUFFIXES = (".yaml", ".yml")
FLOW_SUFFIXES = (".json", *YAML_SUFFIXES, ".tf")
NO_TEMPLATE = "not a CloudFormation template with AWS::Connect::ContactFlow or ContactFlowModule resources"


def load_file(path: Path, *, explicit: bool = True, placeholders: Mapping[str, str] | None = None) -> FileReport:
    """Load one file. A file met while walking a folder that is not a flow is skipped."""
    report = FileReport(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".tf":
            return _terraform_reports([path], placeholders, explicit=explicit)[path]
        if suffix in YAML_SUFFIXES:
            return _load_yaml(path, report, explicit, placeholders)
        doc, text = read_json(path)
        from . import cloudformation  # imported here: it imports this module

        if cloudformation.is_template(doc):
            return _template_report(report, cloudformation.load_template(doc, path, text, placeholders), explicit)
        if not explicit and not is_flow_document(doc):
            report.skipped = True
            return report
        report.flows = parse_json_flow(doc, text, path, placeholders)
    except FlowLoadError as exc:
        report.errors.append(exc)
    return report


def _load_yaml(path: Path, report: FileReport, explicit: bool, placeholders: Mapping[str, str] | None) -> FileReport:
    """A YAML file is a flow source only as a CloudFormation template with Connect flow resources;
    any other YAML in a folder (scenarios, CI, the instance file) is skipped unparsed."""
    from . import cloudformation

    text = read_text(path)
    scenario = path.name.endswith((".connectflow.yaml", ".connectflow.yml"))
    if not explicit and (scenario or cloudformation.MARKER not in text):
        report.skipped = True
        return report
    doc, block_lines = cloudformation.read_yaml_template(path, text)
    if not cloudformation.is_template(doc):
        if explicit:
            raise FlowLoadError(NO_TEMPLATE, where=str(path))
        report.skipped = True
        return report
    return _template_report(report, cloudformation.load_template(doc, path, text, placeholders, block_lines), explicit)


def _template_report(report: FileReport, result: TemplateResult, explicit: bool) -> FileReport:
    if not result.flows and not result.errors:
        if explicit:
            report.errors.append(FlowLoadError(NO_TEMPLATE, where=str(report.path)))
        else:
            report.skipped = True  # a template of other resources
        return report
    report.flows, report.errors, report.notes = result.flows, result.errors, result.notes
    return report


def _terraform_reports(
    paths: Sequence[Path], placeholders: Mapping[str, str] | None, *, explicit: bool
) -> dict[Path, FileReport]:
    """Reports of .tf files; `referenced` (the flow JSON their resources read) is on each report."""
    from .terraform import load_terraform

    reports: dict[Path, FileReport] = {}
    for path, result in load_terraform(paths, placeholders).items():
        report = FileReport(path, result.flows, result.errors, notes=result.notes, referenced=result.referenced)
        if not result.has_resources and not result.errors:
            if explicit:
                message = "no aws_connect_contact_flow or aws_connect_contact_flow_module resource"
                report.errors.append(FlowLoadError(message, where=str(path)))
            else:
                report.skipped = True
        reports[path] = report
    return reports


def iter_flow_files(root: Path) -> Iterable[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() in FLOW_SUFFIXES and not _hidden(path, root):
            yield path


def _normal(path: Path) -> Path:
    return Path(os.path.normpath(path.absolute()))


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def load_path(paths: Sequence[Path] | Path, placeholders: Mapping[str, str] | None = None) -> LoadReport:
    """Load files and folders (recursively); every file gets a report, broken ones too.

    Terraform files are read first: a flow JSON file that a Terraform resource reads is that
    resource's flow (with its name and type), so the folder walk does not load it again.
    """
    if isinstance(paths, Path):
        paths = [paths]
    walked = {path: list(iter_flow_files(path)) for path in paths if path.is_dir()}
    tf_files = [p for files in walked.values() for p in files if p.suffix.lower() == ".tf"]
    tf_reports = _terraform_reports(tf_files, placeholders, explicit=False) if tf_files else {}
    taken = {_normal(p) for r in tf_reports.values() for p in r.referenced}
    report = LoadReport()
    for path in paths:
        if path.is_dir():
            for file in walked[path]:
                if file in tf_reports:
                    report.files.append(tf_reports[file])
                elif _normal(file) in taken:
                    report.files.append(FileReport(file, skipped=True))  # loaded by its Terraform resource
                else:
                    report.files.append(load_file(file, explicit=False, placeholders=placeholders))
        elif path.exists():
            report.files.append(load_file(path, placeholders=placeholders))
        else:
            missing = FileReport(path)
            missing.errors.append(FlowLoadError("no such file or folder", where=str(path)))
            report.files.append(missing)
    return report
