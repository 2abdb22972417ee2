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
from collections.abc import Mapping
from datetime import date
from enum import Enum
from typing import Any, TypeAlias, TypeVar

T = TypeVar("T")

# JSON as Python holds it.
Json: TypeAlias = dict[str, "Json"] | list["Json"] | str | int | float | bool | None

_SCALARS = (str, int, float, bool)


def to_data(value: object) -> Json:
    """``value`` as JSON-ready data: a dataclass as a mapping of its fields, in their order;
    dates as ISO text; enums as their values; tuples, lists and sets as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):  # before str: a StrEnum is a str
        return to_data(value.value)
    if value is None or isinstance(value, _SCALARS):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list | frozenset):
        return [to_data(v) for v in value]
    if isinstance(value, Mapping):
        return {_key(k): to_data(v) for k, v in value.items()}
    raise TypeError(f"{type(value).__name__} cannot be written as data: {value!r}")


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
