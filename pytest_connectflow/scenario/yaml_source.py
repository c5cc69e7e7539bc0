"""YAML read safely into plain data plus, for every node, its line and its source text.

Values Amazon Connect sees are strings, so scenario values are taken as written (`007` stays
"007"); the line of each key lets failures point at `file.yaml:line`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import yaml

from ..errors import ScenarioError

Path_ = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """The safe loader without implicit timestamps: a `clock` or a date stays the text written."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# libyaml (shipped in PyYAML's wheels) parses fifteen times faster: a big scenario file costs a
# fraction of a second. The nodes are the same; values are still built by the safe constructor.
_Parser: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = _Loader
if yaml.__with_libyaml__:

    class _CLoader(yaml.CSafeLoader):
        pass

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    _Parser = _CLoader

_COLLECTION_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "set", "omap", "pairs"))
MAX_NODES = 200_000  # refuses alias bombs long before they cost memory or time
_TOO_BIG = f"the document expands to more than {MAX_NODES} nodes (YAML aliases, or too big for a scenario file); " \
    "refused"
MAX_DEPTH = 100  # no scenario nests this deep; deeper would exhaust Python's stack


class NodeInfo(NamedTuple):
    """(A NamedTuple: one is made per YAML node, and tuples are the cheapest records to make.)"""

    line: int
    text: str | None  # source text of a scalar (without quotes); None for collections


class SourceIndex:
    """Line and source text of each node of a YAML document, addressed by path."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.nodes: dict[Path_, NodeInfo] = {}
        self.lines: list[str] = []

    def line(self, path: Path_) -> int:
        """The line of `path`, else of its nearest ancestor that has one."""
        while path:
            info = self.nodes.get(path)
            if info is not None:
                return info.line
            path = path[:-1]
        return self.nodes[()].line if () in self.nodes else 1

    def where(self, path: Path_) -> str:
        return f"{self.file}:{self.line(path)}"

    def source_line(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def text(self, path: Path_, value: Any) -> Any:
        """`value` with every scalar replaced by its source text (null kept as None)."""
        if isinstance(value, Mapping):
            return {k: self.text((*path, k), v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.text((*path, i), v) for i, v in enumerate(value)]
        if value is None:
            return None
        info = self.nodes.get(path)
        if info is not None and info.text is not None:
            return info.text
        return value if isinstance(value, str) else str(value)


def _compose(text: str) -> yaml.Node | None:
    if _Parser is not _Loader:
        try:
            node = yaml.compose(text, Loader=_Parser)
        except Exception:  # an error: the pure-Python parser words it better, at the right line
            pass
        else:
            # libyaml keeps the PyYAML classes of its first import: after PyYAML is imported again
            # (pytester restores sys.modules between runs) its nodes are not this module's classes.
            if node is None or (type(node) in _NODE_TYPES and node.tag is not None):
                return node
    return yaml.compose(text, Loader=_Loader)


_NODE_TYPES = (yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode)
_STR_TAG = "tag:yaml.org,2002:str"
_node_info = tuple.__new__  # NodeInfo(...) with positional fields, the cheapest way to make one


def load_yaml(text: str, file: str) -> tuple[Any, SourceIndex]:
    """Parse YAML with the safe loader; raise ScenarioError naming `file:line` on bad syntax."""
    index = SourceIndex(file)
    index.lines = text.splitlines()
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or str(exc)
        raise ScenarioError(f"invalid YAML: {problem}", where=f"{file}:{line}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a control character)
        line = text.count("\n", 0, exc.position) + 1
        raise ScenarioError(f"invalid YAML: {exc.reason} (character #x{exc.character:04x})",
                            where=f"{file}:{line}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"invalid YAML: {exc}", where=file) from None
    except RecursionError:  # the parser itself gave up: no mark to point at, so the document's start
        raise ScenarioError("invalid YAML: nested too deeply", where=f"{file}:1") from None
    if node is None:
        return None, index
    _refuse_bombs(node, file)
    budget = [MAX_NODES]
    constructor = _Loader("")
    data = _convert(node, (), index, constructor, budget, file)
    return data, index


def _refuse_bombs(root: yaml.Node, file: str) -> None:
    """Count the nodes the document expands to (an alias counts again each time it is used),
    stopping at MAX_NODES: an alias bomb or an oversized file is refused before any work on it."""
    stack, count = [root], 0
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ScenarioError(
                _TOO_BIG,
                where=f"{file}:{node.start_mark.line + 1}",
            )
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += (key, value)


def _construct(constructor: yaml.SafeLoader, node: yaml.Node, file: str) -> Any:
    """A scalar's value; a tag the safe loader refuses (`!!python/...`) or a value its tag cannot
    hold (`!!int abc`) is an error at its line."""
    try:
        return constructor.construct_object(node, deep=True)
    except yaml.MarkedYAMLError as exc:
        raise ScenarioError(f"invalid YAML: {exc.problem or exc}", where=f"{file}:{node.start_mark.line + 1}") from None
    except (ValueError, TypeError) as exc:
        raise ScenarioError(f"invalid YAML: {node.tag} {node.value!r}: {exc}",
                            where=f"{file}:{node.start_mark.line + 1}") from None


def _convert(
    node: yaml.Node, path: Path_, index: SourceIndex, constructor: yaml.SafeLoader, budget: list[int], file: str,
) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise ScenarioError(
            _TOO_BIG,
            where=f"{file}:{node.start_mark.line + 1}",
        )
    line = node.start_mark.line + 1
    if len(path) > MAX_DEPTH:
        raise ScenarioError(f"invalid YAML: nested more than {MAX_DEPTH} levels deep", where=f"{file}:{line}")
    if isinstance(node, yaml.ScalarNode):  # most nodes: a string is its own text (no constructor)
        value = node.value if node.tag == _STR_TAG else _construct(constructor, node, file)
        previous = index.nodes.get(path)
        index.nodes[path] = _node_info(NodeInfo, (previous[0] if previous else line, node.value))
        return value
    if node.tag not in _COLLECTION_TAGS:
        # The safe loader would refuse `!!python/...` on a list or mapping too; say so, not ignore it.
        raise ScenarioError(f"invalid YAML: the tag {node.tag!r} is not allowed", where=f"{file}:{line}")
    if isinstance(node, yaml.MappingNode):
        index.nodes.setdefault(path, NodeInfo(line, None))
        out: dict[str, Any] = {}
        try:
            constructor.flatten_mapping(node)  # merge keys (<<)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or node.start_mark
            raise ScenarioError(f"invalid YAML: {exc.problem}", where=f"{file}:{mark.line + 1}") from None
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise ScenarioError("a mapping key must be a plain value, not a list or a mapping",
                                    where=f"{file}:{key_node.start_mark.line + 1}")
            key = key_node.value if key_node.tag == _STR_TAG else _construct(constructor, key_node, file)
            key = key if isinstance(key, str) else str(key_node.value)
            if key in out:
                raise ScenarioError(f"duplicate key {key!r}", where=f"{file}:{key_node.start_mark.line + 1}")
            child = (*path, key)
            # A mapping entry is found at the line of its key.
            index.nodes[child] = _node_info(NodeInfo, (key_node.start_mark.line + 1, None))
            out[key] = _convert(value_node, child, index, constructor, budget, file)
        return out
    assert isinstance(node, yaml.SequenceNode)
    index.nodes.setdefault(path, NodeInfo(line, None))
    return [_convert(item, (*path, i), index, constructor, budget, file) for i, item in enumerate(node.value)]
