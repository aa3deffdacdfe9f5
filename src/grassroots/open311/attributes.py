"""Service definition attributes: checking a definition, and checking the answers to it."""

from __future__ import annotations

import math
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from grassroots.cases.models import Category

from .errors import Open311Error, Open311ErrorCode
from .models import LIST_DATATYPES, Datatype, ServiceAttribute

MAX_ANSWER = 2000


def _invalid(message: str) -> Open311Error:
    return Open311Error(Open311ErrorCode.INVALID, message)


def check_definition(attribute: ServiceAttribute) -> None:
    """A list attribute has unique, non-empty keys each with a name; others have no values."""
    values = attribute.values or []
    if attribute.datatype not in Datatype.values:
        raise _invalid(_("datatype: one of %s.") % ", ".join(Datatype.values))
    if attribute.datatype not in LIST_DATATYPES:
        if values:
            raise _invalid(_("values: only list datatypes have values."))
        return
    ok = isinstance(values, list) and all(
        isinstance(v, dict) and str(v.get("key", "")).strip() and v.get("name_zh") for v in values
    )
    keys = attribute.value_keys() if ok else []
    if not values or not ok or len(set(keys)) != len(keys):
        raise _invalid(
            _('values: a list of {"key": …, "name_zh": …, "name_en": …} with unique keys.')
        )


def _check_number(value: str) -> str:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ValueError
    return value


def _check_datetime(value: str) -> str:
    if parse_datetime(value) is None and parse_date(value) is None:
        raise ValueError
    return value


def _answer(attribute: ServiceAttribute, given: list[str]) -> str | list[str]:
    """The checked answer: a string, or a list of keys for a multivaluelist."""
    values = [v.strip() for v in given if v.strip()]
    if attribute.datatype == Datatype.MULTIVALUELIST:
        if any(v not in attribute.value_keys() for v in values):
            raise ValueError
        return sorted(set(values))
    if len(values) > 1:
        raise ValueError
    value = values[0]
    if len(value) > MAX_ANSWER or (attribute.datatype == Datatype.STRING and "\n" in value):
        raise ValueError
    if attribute.datatype == Datatype.SINGLEVALUELIST and value not in attribute.value_keys():
        raise ValueError
    if attribute.datatype == Datatype.NUMBER:
        return _check_number(value)
    if attribute.datatype == Datatype.DATETIME:
        return _check_datetime(value)
    return value


def check_attributes(category: Category, given: dict[str, list[str]]) -> dict[str, Any]:
    """The answers to the category's questions; unknown codes are ignored.

    A required attribute without an answer, or an answer that does not fit the datatype (a
    key not in the list, a number that is not one), is refused with the attribute named.
    """
    answers: dict[str, Any] = {}
    questions = category.open311_attributes.filter(is_active=True, variable=True)
    for attribute in questions:
        values = [v for v in given.get(attribute.code, []) if v.strip()]
        if not values:
            if attribute.required:
                raise _invalid(_("attribute[%s]: required.") % attribute.code)
            continue
        try:
            answers[attribute.code] = _answer(attribute, values)
        except ValueError:
            raise _invalid(
                _("attribute[%(code)s]: not a valid %(datatype)s.")
                % {"code": attribute.code, "datatype": attribute.datatype}
            ) from None
    return answers
