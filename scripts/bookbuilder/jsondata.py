"""Dataclasses as JSON-ready data and back, generated from their fields and type hints.

The stages hand typed objects to each other; where one crosses a file or a directive (the
render stage's hand-over to Sphinx, a report's record inside a directive) it goes as JSON.
:func:`to_data` and :func:`from_data` are the one pair that writes and reads every such object:
a field added to a dataclass travels with it, with no hand-written list of keys to keep in step.

What the types may be: dataclasses, ``str``/``int``/``float``/``bool``, ``None`` in a union
(``X | None``), ``date``, enums, ``tuple[X, ...]``, ``tuple[X, Y]``, ``list[X]``,
``frozenset[X]`` and ``dict[str, X]``. Reading checks the shape (a missing or unknown key, a
value of another type is a TypeError): the data is the builder's own, so a mismatch is a bug.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date
from enum import Enum
from typing import Any, TypeAlias, TypeVar

T = TypeVar("T")

# JSON as Python holds it.
Json: TypeAlias = dict[str, "Json"] | list["Json"] | str | int | float | bool | None

_SCALARS = (str, int, float, bool)


def to_data(value: object) -> Json:
    """``value`` as JSON-ready data: a dataclass as a mapping of its fields, in their order;
    dates as ISO text; enums as their values; tuples, lists and sets as lists.

    Each type's writer is chosen once, by the value's own type (``_writer_of``), and a
    dataclass's names its fields once: the render stage writes 3,000 records a build at 1,000
    reports, and asking each record for its fields was most of that (profiled)."""
    kind = type(value)
    writer = _WRITERS.get(kind)
    if writer is None:
        writer = _WRITERS[kind] = _writer_of(kind)
    return writer(value)


Writer: TypeAlias = Callable[[Any], Json]


def _as_is(value: object) -> Json:
    return typing.cast(Json, value)


def _writer_of(kind: type) -> Writer:
    """How every value of type ``kind`` is written (the rules of :func:`to_data`, in order)."""
    if dataclasses.is_dataclass(kind):
        names = tuple(f.name for f in dataclasses.fields(kind))
        return lambda value: {name: to_data(getattr(value, name)) for name in names}
    if issubclass(kind, Enum):  # before str: a StrEnum is a str
        return lambda value: to_data(value.value)
    if kind is type(None) or issubclass(kind, _SCALARS):
        return _as_is
    if issubclass(kind, date):
        return lambda value: value.isoformat()
    if issubclass(kind, tuple | list | frozenset):
        return lambda value: [to_data(v) for v in value]
    if issubclass(kind, Mapping):
        return lambda value: {_key(k): to_data(v) for k, v in value.items()}
    return _cannot_write


def _cannot_write(value: object) -> Json:
    raise TypeError(f"{type(value).__name__} cannot be written as data: {value!r}")


_WRITERS: dict[type, Writer] = {}


def _key(key: object) -> str:
    if not isinstance(key, str):
        raise TypeError(f"a mapping's key must be text, not {key!r}")
    return key


def from_data(kind: type[T], data: object) -> T:
    """The ``kind`` that :func:`to_data` wrote as ``data``."""
    return typing.cast(T, _read(kind, data))


def made(kind: type[T], values: Mapping[str, object], **given: object) -> T:
    """A ``kind`` (a dataclass) from the ``values`` that name its fields, ``given`` first; a
    field found in neither keeps its default. Builds one stage's object from another's values
    (a report from its checked front matter, a record from its report) without a copied list
    of keywords: a field of the same name in both flows through by itself."""
    names = {f.name for f in dataclasses.fields(typing.cast(Any, kind)) if f.init}
    taken = {name: values[name] for name in names if name in values and name not in given}
    unknown = set(given) - names
    if unknown:
        raise TypeError(f"{kind.__name__} has no field {', '.join(sorted(unknown))}")
    return kind(**taken, **given)


def fields_of(value: object) -> dict[str, object]:
    """A dataclass's fields by name, not copied deeper (``made``'s ``values`` from an object)."""
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(typing.cast(Any, value))}


@functools.cache
def _hints(kind: type) -> dict[str, object]:
    return typing.get_type_hints(kind)


def _read(kind: object, data: object) -> object:
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if origin is typing.Union or origin is types.UnionType:
        if data is None and type(None) in args:
            return None
        others = [a for a in args if a is not type(None)]
        if len(others) != 1:
            raise TypeError(f"{kind} is a union the data cannot tell apart")
        return _read(others[0], data)
    if origin in (tuple, list, frozenset):
        items = _expect(data, list, kind)
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            if len(args) != len(items):
                raise TypeError(f"{kind} needs {len(args)} items, found {len(items)}")
            return tuple(_read(a, v) for a, v in zip(args, items, strict=True))
        return origin(_read(args[0], v) for v in items)
    if origin is dict:
        mapping = _expect(data, dict, kind)
        return {_read(args[0], k): _read(args[1], v) for k, v in mapping.items()}
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass(kind, _expect(data, dict, kind))
    if kind is Any or kind is object:
        return data
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(data)
    if kind is date:
        return date.fromisoformat(_expect(data, str, kind))
    if kind is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    if kind in _SCALARS:
        if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
            raise TypeError(f"{kind.__name__} expected, found {data!r}")
        return data
    raise TypeError(f"{kind} cannot be read from data")


def _dataclass(kind: type, data: dict[str, object]) -> object:
    hints = _hints(kind)
    init = [f for f in dataclasses.fields(kind) if f.init]
    unknown = set(data) - {f.name for f in init}
    if unknown:
        raise TypeError(f"{kind.__name__} has no field {', '.join(sorted(unknown))}")
    values = {f.name: _read(hints[f.name], data[f.name]) for f in init if f.name in data}
    return kind(**values)


def _expect(data: object, kind: type[T], what: object) -> T:
    if not isinstance(data, kind):
        raise TypeError(f"{what} expected, found {data!r}")
    return data
