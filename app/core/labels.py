"""Enums whose members carry a translatable label: the class names its members, and `labels()`
right after it gives each one its label (lazy strings, translated when read)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)

_LABELS: dict[type, Mapping] = {}


class LabelledEnum(StrEnum):
    """A string enum whose members have a label each, given once with `labels()`."""

    @property
    def label(self) -> str:
        return str(_LABELS[type(self)][self])


def labels(enum: type[E], given: Mapping[E, object]) -> Mapping[E, object]:
    """Give every member of `enum` its label; a member left without one fails at import."""
    missing = [member for member in enum if member not in given]
    if missing:
        raise ValueError(f"{enum.__name__} has no label for {missing}")
    _LABELS[enum] = given
    return given


def label_of_value(value: str, hint: str = ""):
    """The label of the enum member whose value this is (a stored state or kind, such as
    "placed"), or None when no labelled enum has it. Where several have it, the enum named
    like `hint` (an object's table, "call_offs": CallOffState) comes first."""
    prefix = hint.replace("_", "").removesuffix("s").lower()
    ranked = sorted(
        _LABELS.items(),
        key=lambda item: not (prefix and item[0].__name__.lower().startswith(prefix)),
    )
    for enum, given in ranked:
        try:
            member = enum(value)
        except ValueError:
            continue
        return given[member]
    return None
