"""The category tree the deployment edits: adding a category."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core import audit

from ..errors import CaseError, CaseErrorCode
from ..models import Category

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9.\-]{0,63}$")


def _check(code: str, name_zh: str, name_en: str) -> None:
    if not CODE_RE.match(code):
        raise CaseError(
            CaseErrorCode.INVALID,
            _("code: lower-case letters, digits, dots and hyphens, at most 64."),
        )
    if not name_zh.strip() or not name_en.strip():
        raise CaseError(CaseErrorCode.INVALID, _("name: give both the Chinese and English name."))
    if Category.objects.filter(code=code).exists():
        raise CaseError(CaseErrorCode.INVALID, _("A category “%s” exists already.") % code)


@transaction.atomic
def create_category(
    code: str,
    *,
    name_zh: str,
    name_en: str,
    parent: Category | None,
    keywords: str = "",
    actor: Any,
) -> Category:
    """Add a category to the tree (under `parent`, or at the top); audited."""
    _check(code, name_zh, name_en)
    category = Category.objects.create(
        code=code,
        name_zh=name_zh.strip()[:200],
        name_en=name_en.strip()[:200],
        parent=parent,
        keywords=keywords.strip()[:300],
    )
    audit.record(
        "cases.category.created",
        actor=actor,
        target=category,
        summary=code,
        data={"parent": parent.code if parent else None},
    )
    return category
