"""Answers that add a field or two to an object and read the rest from it, for the schemas."""

from __future__ import annotations


class Wraps:
    """Mixin for a dataclass whose first field is the wrapped object (named by `WRAPPED`)."""

    WRAPPED = ""

    def __getattr__(self, name):
        if name.startswith("__"):  # copy and pickle probe these before the fields exist
            raise AttributeError(name)
        return getattr(object.__getattribute__(self, self.WRAPPED), name)
