"""Phone numbers as links a phone can dial."""

from __future__ import annotations


def tel_uri(number: str | None) -> str:
    """Return ``number`` as a ``tel:`` URI (its digits and a leading +), or empty without digits.

    ``"038 - 123 45 67"`` becomes ``tel:0381234567``; ``"14 038"`` becomes ``tel:14038``.
    """
    # "+31 (0)38 ..." is dialled without the bracketed 0.
    text = (number or "").strip().replace("(0)", "")
    digits = "".join(ch for ch in text if ch in "0123456789")
    if not digits:
        return ""
    return f"tel:{'+' if text.startswith('+') else ''}{digits}"
