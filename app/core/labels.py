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
