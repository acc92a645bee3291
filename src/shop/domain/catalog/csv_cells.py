"""Cells of the catalog CSV: booleans, prices, stock, and the CSV-injection guard.

A spreadsheet runs a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return as
a formula; such cells are written with a leading `'` and read back without it. A cell that
itself begins with `'` gets one too, so that the guard's quote is never confused with the text's.
"""

from __future__ import annotations

import re
from decimal import Decimal

from shop.domain.limits import MAX_INTEGER

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTED_STARTS = (*FORMULA_STARTS, "'")
_PRICE = re.compile(r"^\d{1,8}(\.\d{1,2})?$")
_WHOLE = re.compile(r"^\d{1,10}$")
TRUE, FALSE = "true", "false"


class CellError(ValueError):
    """A cell that does not say what its column needs; the message is for people."""


def neutralise(cell: str) -> str:
    """The cell as written to a file: formulas made inert with a leading `'`."""
    return "'" + cell if cell.startswith(_QUOTED_STARTS) else cell


def restore(cell: str) -> str:
    """The cell as read from a file: the leading `'` of a neutralised cell removed."""
    if cell.startswith("'") and cell[1:].startswith(_QUOTED_STARTS):
        return cell[1:]
    return cell


def format_bool(value: bool) -> str:
    return TRUE if value else FALSE


def parse_bool(cell: str) -> bool:
    text = cell.strip().lower()
    if text == TRUE:
        return True
    if text == FALSE:
        return False
    raise CellError(f"{_shown(cell)} is not true or false")


def format_price(value: Decimal) -> str:
    return f"{value:.2f}"


def parse_price(cell: str) -> Decimal:
    text = cell.strip()
    if not _PRICE.match(text):
        raise CellError(f"{_shown(cell)} is not a price like 12.50")
    return Decimal(text)


def parse_stock(cell: str) -> int:
    text = cell.strip()
    if not _WHOLE.match(text) or int(text) > MAX_INTEGER:
        raise CellError(f"{_shown(cell)} is not a number of units like 12")
    return int(text)


def _shown(cell: str) -> str:
    """A cell quoted for a message, shortened and with control characters made visible."""
    text = cell if len(cell) <= 40 else cell[:37] + "..."
    return repr(text) if text else "an empty cell"
