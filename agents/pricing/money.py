"""Money as a merchant reads it, by currency: every amount pakka writes into text goes through `money`.

- INR: the rupee sign and Indian digit grouping (lakh and crore: ₹1,23,456, ₹1,50,00,000), in whole rupees
  (Indian retail prices are whole rupees, and pakka's INR price points end in 9).
- USD, EUR, GBP: the sign and Western grouping with two decimals ($1,234.50, €19.99, £7.00).
- JPY: the yen sign, whole yen.
- Any other ISO code: the amount with two decimals and the code after it (1,234.50 CHF).

A negative amount keeps its sign in front of the symbol (-$5.00, -₹1,200).
"""

from __future__ import annotations

SYMBOLS = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
WHOLE_UNITS = frozenset({"JPY"})
INR = "INR"


def indian_grouping(whole: int) -> str:
    """150000 -> "1,50,000": the last three digits, then groups of two."""
    digits = str(abs(whole))
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    groups: list[str] = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return ",".join([*groups, tail])


def rupees(amount: float) -> str:
    """₹ with Indian grouping, whole rupees: 150000 -> ₹1,50,000."""
    sign = "-" if round(amount) < 0 else ""
    return f"{sign}₹{indian_grouping(round(amount))}"


def money(amount: float, currency: str) -> str:
    """`amount` in `currency` as text (see the module notes)."""
    code = currency.upper()
    if code == INR:
        return rupees(amount)
    sign = "-" if amount < 0 else ""
    value = abs(amount)
    symbol = SYMBOLS.get(code)
    if symbol is None:
        return f"{sign}{value:,.2f} {code}"
    if code in WHOLE_UNITS:
        return f"{sign}{symbol}{round(value):,d}"
    return f"{sign}{symbol}{value:,.2f}"


def money_range(low: float, high: float, currency: str) -> str:
    """ "₹1,200 to ₹1,800"."""
    return f"{money(low, currency)} to {money(high, currency)}"
