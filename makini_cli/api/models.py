"""Pydantic base for what commands show: tolerant of unknown fields (kept, not dropped) and of
numbers sent as strings; money and quantities are Decimal, never float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict


def _decimal(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        # A float from somewhere else: go through its shortest repr, not its binary value.
        return Decimal(repr(value))
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"not a decimal number: {value!r}") from None
    raise ValueError(f"not a decimal number: {value!r}")


def _text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(value)
    return value


Money = Annotated[Decimal | None, BeforeValidator(_decimal)]
Quantity = Money
Text = Annotated[str | None, BeforeValidator(_text)]


class Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, coerce_numbers_to_str=True)

    def extras(self) -> dict[str, Any]:
        """Fields the server sent beyond the model (custom fields, newer API fields)."""
        return dict(self.__pydantic_extra__ or {})
