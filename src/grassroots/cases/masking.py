"""Masking personal data for display: enough to recognise, not enough to identify."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """`13812345678` → `138****5678`: the first three and last four digits stay."""
    if len(phone) > 7:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * max(0, len(phone) - 2) + phone[-2:]


def mask_name(name: str) -> str:
    """`张三丰` → `张**`, `王五` → `王*`, `李` → `*`; `John Smith` → `J*** S****`.

    A one-character name (or word) is masked whole: showing its only character would show it all.
    """
    if not name:
        return ""
    if " " in name.strip():
        return " ".join(_mask_word(w) for w in name.split())
    return _mask_word(name)


def _mask_word(word: str) -> str:
    if len(word) == 1:
        return "*"
    return word[0] + "*" * (len(word) - 1)


def mask_id_number(value: str) -> str:
    """`110101199003071234` → `110***********1234`."""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_email(value: str) -> str:
    local, _sep, domain = value.partition("@")
    return (local[:1] + "***@" + domain) if domain else mask_name(value)
