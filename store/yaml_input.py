"""Reading a YAML file a person wrote (a data set, an edited export) without trusting it.

`yaml.safe_load` alone leaves doors open: a file that is not UTF-8 fails with a traceback
from the decoder, an "alias bomb" (a dozen anchors, each a list of aliases of the previous
one) is a few hundred bytes that unfold into billions of nodes for whoever walks the
data, and a key written twice silently keeps the last value. It also builds the whole
node graph, with two position marks per node, before the first Python object: a 40 MB
export took gigabytes.

Here the bytes are decoded strictly and the data is built straight from the parser's
events (libyaml's when installed), in one pass: aliases may add at most
`UNFOLD_BUDGET` nodes to what the file spells out (a bomb is refused at its first
aliases, before it has cost anything), an alias may not refer to a node that contains
it, keys must be distinct text, and only YAML's plain types are accepted (no
`!!python/…`, `!!binary` or custom tags). Every mapping and list remembers the line each
of its items starts on, so that a problem found later can name its line.

Every refusal is a `YamlRefused` of one line: `line N, column C: what is wrong`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
)
from yaml.nodes import ScalarNode

# Larger files are refused before parsing: an export of 20,000 entities is about 40 MB.
MAX_BYTES = 128 * 1024 * 1024
# How many nodes aliases may add beyond those written out (a few anchors for repeated
# dates are fine; a bomb unfolds into millions).
UNFOLD_BUDGET = 10_000
_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"
# The scalar types a data set can hold, and how each is built from its text.
_SCALARS = {f"{_TAG}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}


class YamlRefused(ValueError):
    """A file that is not YAML we accept; the message is one line naming where."""


class LocatedDict(dict):
    """A mapping read from a file, with the line (1-based) each key was written on."""

    # Slots rather than an instance dict: a large file has a million of these.
    __slots__ = ("line", "lines")
    line: int
    lines: dict[Any, int]


class LocatedList(list):
    """A list read from a file, with the line (1-based) each item starts on."""

    __slots__ = ("line", "lines")
    line: int
    lines: list[int]


def line_of(container: object, key: object = None) -> int | None:
    """The line `container[key]` (or the container itself, for None) was written on,
    when `container` came from `read_yaml`; None otherwise."""
    if key is None:
        return getattr(container, "line", None)
    lines = getattr(container, "lines", None)
    if isinstance(lines, dict):
        return lines.get(key)
    if isinstance(lines, list) and isinstance(key, int) and 0 <= key < len(lines):
        return lines[key]
    return None


def _at(event: Event) -> str:
    mark = event.start_mark
    return f"line {mark.line + 1}, column {mark.column + 1}"


@dataclass
class _Open:
    """A mapping or list being built: its object, its anchor, and how many nodes it holds
    once every alias in it is unfolded."""

    value: LocatedDict | LocatedList
    anchor: str | None
    nodes: int = 1
    key: Any = None
    key_event: Event | None = None
    has_key: bool = False
    keys: dict[str, int] = field(default_factory=dict)


class _Builder:
    """Python data from parser events, with the checks described above."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.stack: list[_Open] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.unfolded = 0
        self.root: Any = None
        self.done = False

    def feed(self, event: Event) -> None:
        if isinstance(event, ScalarEvent):
            self._add(event, self._scalar(event), 1, event.anchor)
        elif isinstance(event, AliasEvent):
            self._alias(event)
        elif isinstance(event, CollectionStartEvent):
            self._start(event)
        elif isinstance(event, MappingEndEvent | SequenceEndEvent):
            closed = self.stack.pop()
            if closed.has_key:
                raise YamlRefused(f"{_at(event)}: a key without a value")
            self._add(event, closed.value, closed.nodes, None, opened=closed)

    def _scalar(self, event: ScalarEvent) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(ScalarNode, event.value, event.implicit)
        if tag == f"{_TAG}merge":
            raise YamlRefused(f"{_at(event)}: merge keys (<<) are not accepted")
        if tag not in _SCALARS:
            raise YamlRefused(f"{_at(event)}: the tag {tag!r} is not accepted")
        if tag == f"{_TAG}str":
            return event.value
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        return self.loader.yaml_constructors[tag](self.loader, node)

    def _start(self, event: CollectionStartEvent) -> None:
        tag = event.tag
        expected = f"{_TAG}map" if isinstance(event, MappingStartEvent) else f"{_TAG}seq"
        if tag not in (None, "!", expected):
            raise YamlRefused(f"{_at(event)}: the tag {tag!r} is not accepted")
        value: LocatedDict | LocatedList
        if isinstance(event, MappingStartEvent):
            value = LocatedDict()
            value.lines = {}
        else:
            value = LocatedList()
            value.lines = []
        value.line = event.start_mark.line + 1
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, -1)  # open: an alias to it contains itself
        self.stack.append(_Open(value, event.anchor))

    def _alias(self, event: AliasEvent) -> None:
        if event.anchor not in self.anchors:
            raise YamlRefused(f"{_at(event)}: the alias *{event.anchor} has no anchor before it")
        value, nodes = self.anchors[event.anchor]
        if nodes < 0:
            raise YamlRefused(f"{_at(event)}: the alias *{event.anchor} is inside its own anchor")
        self.unfolded += nodes
        if self.unfolded > UNFOLD_BUDGET:
            raise YamlRefused(
                f"{_at(event)}: the anchors and aliases (&name, *name) unfold into more than"
                f" {UNFOLD_BUDGET:,} nodes beyond those written out; write the values out instead"
            )
        self._add(event, value, nodes, None, alias=True)

    def _add(
        self,
        event: Event,
        value: Any,
        nodes: int,
        anchor: str | None,
        *,
        opened: _Open | None = None,
        alias: bool = False,
    ) -> None:
        """Attach a finished node to the mapping or list being built (or make it the root)."""
        if opened is not None and opened.anchor is not None:
            self.anchors[opened.anchor] = (value, nodes)
        elif anchor is not None:
            self.anchors[anchor] = (value, nodes)
        if not self.stack:
            self.root, self.done = value, True
            return
        parent = self.stack[-1]
        parent.nodes += nodes
        line = event.start_mark.line + 1
        if isinstance(parent.value, LocatedList):
            parent.value.append(value)
            parent.value.lines.append(line)
        elif not parent.has_key:
            self._key(parent, event, value, alias or opened is not None)
        else:
            parent.value[parent.key] = value
            parent.has_key = False

    def _key(self, parent: _Open, event: Event, key: Any, composite: bool) -> None:
        if composite or not isinstance(key, str):
            shown = repr(key) if not composite else "a list, mapping or alias"
            raise YamlRefused(f"{_at(event)}: a key must be text, got {shown}")
        if key in parent.keys:
            raise YamlRefused(
                f"{_at(event)}: the key {key!r} is written twice (first on line {parent.keys[key]})"
            )
        line = event.start_mark.line + 1
        parent.keys[key] = line
        parent.value.lines[key] = line
        parent.key, parent.has_key = key, True


def _decoded(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlRefused(
            f"line {line}, column {column}: not UTF-8 (byte 0x{raw[exc.start]:02x});"
            " save the file as UTF-8"
        ) from None
    return text.removeprefix("\ufeff")


def read_yaml(raw: bytes) -> Any:
    """The data of one YAML document, with `LocatedDict`/`LocatedList` for its mappings
    and lists; `YamlRefused` (one line) for anything that is not safe, well-formed YAML."""
    if len(raw) > MAX_BYTES:
        raise YamlRefused(
            f"the file is {len(raw) / 2**20:.0f} MiB, more than the {MAX_BYTES // 2**20} MiB"
            " accepted; split it"
        )
    text = _decoded(raw)
    loader = _LOADER(text)
    try:
        builder = _Builder(loader)
        while loader.check_event():
            event = loader.get_event()
            if builder.done and isinstance(event, CollectionStartEvent | ScalarEvent | AliasEvent):
                raise YamlRefused(f"{_at(event)}: a second document; a file holds one")
            builder.feed(event)
        return builder.root
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise YamlRefused(
            f"line {line}, column {column}: the character U+{exc.character:04X} is not allowed"
            " in YAML"
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise YamlRefused(_marked(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlRefused(" ".join(str(exc).split())) from None
    finally:
        loader.dispose()


def _marked(exc: yaml.MarkedYAMLError) -> str:
    """`line N, column C: problem (context on line M)`, from a parser's or constructor's error."""
    mark = exc.problem_mark or exc.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    problem = exc.problem or exc.context or "not valid YAML"
    context = ""
    if exc.problem and exc.context:
        context_line = f" on line {exc.context_mark.line + 1}" if exc.context_mark else ""
        context = f" ({exc.context}{context_line})"
    return f"{where}{problem}{context}"


class _Dumper(yaml.SafeDumper):
    """The safe dumper, which also writes back what `read_yaml` read."""


_Dumper.add_representer(LocatedDict, yaml.representer.SafeRepresenter.represent_dict)
_Dumper.add_representer(LocatedList, yaml.representer.SafeRepresenter.represent_list)


def write_yaml(data: Any) -> str:
    """YAML as people edit it: Korean unescaped, keys in the order written."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
