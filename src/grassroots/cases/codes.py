"""Tracking codes a person can read over the phone, and the secret that goes with them."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

# No 0/O, 1/I/L: the secret is read aloud and typed on phones.
SECRET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # noqa: S105 - an alphabet
SECRET_LENGTH = 8


def _luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def new_tracking_code(now: datetime) -> str:
    """12 digits: year and month, seven random digits, a check digit (read as 4-4-4)."""
    body = f"{now:%y%m}{secrets.randbelow(10**7):07d}"
    return body + _luhn_digit(body)


def normalize_tracking_code(text: str) -> str:
    """Accept `2611 2345 6789`, `2611-2345-6789` or plain digits."""
    return re.sub(r"[\s-]", "", text or "")


def is_valid_tracking_code(code: str) -> bool:
    return bool(re.fullmatch(r"\d{12}", code)) and _luhn_digit(code[:-1]) == code[-1]


def format_tracking_code(code: str) -> str:
    return f"{code[:4]}-{code[4:8]}-{code[8:]}" if len(code) == 12 else code


def new_secret() -> str:
    return "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))
