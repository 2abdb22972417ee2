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
from collections.abc import Callable, Hashable, Mapping
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
    """The ``kind`` that :func:`to_data` wrote as ``data``.

    Each type's reader is made once from its hints (``_reader_of``), as :func:`to_data` chooses
    each writer once: a build at 1,000 reports reads about 2,400 records (the hand-over, the
    browse page's and a chapter's cards), and working out every field's type again for each was
    most of it (0.085 s for the hand-over's 1,000 records; profiled)."""
    return typing.cast(T, _reader_of(typing.cast(Hashable, kind))(data))


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


Reader: TypeAlias = Callable[[object], object]


@functools.cache
def _reader_of(kind: object) -> Reader:
    """How data that :func:`to_data` wrote from a ``kind`` is read back, checking its shape."""
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if origin is typing.Union or origin is types.UnionType:
        return _optional_reader(kind, args)
    if origin in (tuple, list, frozenset):
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return _pair_reader(kind, args)
        return _items_reader(kind, origin, _reader_of(args[0]))
    if origin is dict:
        return _mapping_reader(kind, _reader_of(args[0]), _reader_of(args[1]))
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass_reader(kind)
    if kind is Any or kind is object:
        return _as_is
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind
    if kind is date:
        return lambda data: date.fromisoformat(_expect(data, str, kind))
    if kind is float:
        return _float
    if kind in _SCALARS:
        return functools.partial(_scalar, typing.cast(type, kind))
    raise TypeError(f"{kind} cannot be read from data")


def _optional_reader(kind: object, args: tuple[object, ...]) -> Reader:
    others = [a for a in args if a is not type(None)]
    if len(others) != 1:
        raise TypeError(f"{kind} is a union the data cannot tell apart")
    read = _reader_of(others[0])
    if type(None) not in args:
        return read
    return lambda data: None if data is None else read(data)


def _pair_reader(kind: object, args: tuple[object, ...]) -> Reader:
    """A tuple of fixed length, each item of its own type."""
    readers = tuple(_reader_of(a) for a in args)

    def read(data: object) -> object:
        items = _expect(data, list, kind)
        if len(readers) != len(items):
            raise TypeError(f"{kind} needs {len(readers)} items, found {len(items)}")
        return tuple(r(v) for r, v in zip(readers, items, strict=True))

    return read


def _items_reader(kind: object, origin: Callable[[Any], object], item: Reader) -> Reader:
    return lambda data: origin(item(v) for v in _expect(data, list, kind))


def _mapping_reader(kind: object, key: Reader, value: Reader) -> Reader:
    return lambda data: {key(k): value(v) for k, v in _expect(data, dict, kind).items()}


def _dataclass_reader(kind: type) -> Reader:
    """A dataclass from the mapping of its fields: a key it lacks keeps the field's default,
    a key it does not know is a TypeError. Its fields' readers are looked up on first use, so a
    dataclass may hold itself (``Json``'s shape) without reading its hints forever."""
    hints = typing.get_type_hints(kind)
    names = tuple(f.name for f in dataclasses.fields(kind) if f.init)
    known = frozenset(names)
    readers: dict[str, Reader] = {}

    def read(data: object) -> object:
        mapping = _expect(data, dict, kind)
        if not known.issuperset(mapping):
            unknown = set(mapping) - known
            raise TypeError(f"{kind.__name__} has no field {', '.join(sorted(unknown))}")
        if not readers:
            readers.update({name: _reader_of(hints[name]) for name in names})
        return kind(**{name: readers[name](value) for name, value in mapping.items()})

    return read


def _float(data: object) -> object:
    if isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    return _scalar(float, data)


def _scalar(kind: type, data: object) -> object:
    if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
        raise TypeError(f"{kind.__name__} expected, found {data!r}")
    return data


def _expect(data: object, kind: type[T], what: object) -> T:
    if not isinstance(data, kind):
        raise TypeError(f"{what} expected, found {data!r}")
    return data
