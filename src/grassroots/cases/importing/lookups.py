"""What an import resolves once per run: units by code, categories by label, deadlines."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from grassroots.core import audit
from grassroots.organizations.enums import UnitLevel
from grassroots.organizations.models import Unit

from ..deadlines import add_time, policy_spec
from ..models import Category
from .mapping import Mapping

Spec = tuple[float, str, float, str]


class Units:
    """Active units below the city, by code (a case goes to a unit below the city)."""

    def __init__(self) -> None:
        rows = Unit.objects.filter(is_active=True).exclude(level=UnitLevel.CITY)
        self.by_code: dict[str, int] = dict(rows.values_list("code", "id"))

    def get(self, code: str) -> int | None:
        return self.by_code.get(code) if code else None


def _category_code(source: str, label: str) -> str:
    """A stable category code for an unmapped source label (codes: a-z, 0-9, '.', '-')."""
    slug = re.sub(r"[^a-z0-9.\-]+", "-", slugify(label).replace("_", "-")).strip("-") or "x"
    prefix = re.sub(r"[^a-z0-9\-]+", "-", source.lower()).strip("-")[:20] or "import"
    digest = hashlib.sha1(label.encode(), usedforsecurity=False).hexdigest()[:6]
    return f"{prefix}.{slug[:34]}-{digest}"


class Categories:
    """Source label → category id; labels the mapping does not name get a category of their
    own, created on first sight, each with its audit entry."""

    def __init__(self, mapping: Mapping, actor: Any, run: str) -> None:
        self.mapping, self.actor, self.run = mapping, actor, run
        self.by_code: dict[str, Category] = {c.code: c for c in Category.objects.all()}
        self.by_label: dict[str, Category | None] = {"": None}
        self.created: list[str] = []

    def get(self, label: str) -> Category | None:
        try:
            return self.by_label[label]
        except KeyError:
            category = self.by_label[label] = self._resolve(label)
            return category

    def _resolve(self, label: str) -> Category | None:
        mapped = self.mapping.categories.get(label)
        if mapped:
            return self.by_code.get(mapped)  # a mapped code that does not exist: see `check`
        code = _category_code(self.mapping.source, label)
        if code not in self.by_code:
            self._create(code, label)
        return self.by_code[code]

    @transaction.atomic
    def _create(self, code: str, label: str) -> None:
        # Its own transaction, before the batch's: a batch retried after a conflict does not
        # roll a category back that this run already remembers.
        self.by_code[code] = Category.objects.create(
            code=code, name_zh=label[:200], name_en=label[:200]
        )
        self.created.append(code)
        audit.record(
            "cases.category.created",
            actor=self.actor,
            target=self.by_code[code],
            summary=code,
            data={"import": self.run, "label": label[:200]},
        )

    def missing_mapped(self) -> list[str]:
        """Mapped category codes that do not exist (the import refuses to start)."""
        return sorted(c for c in set(self.mapping.categories.values()) if c not in self.by_code)


class Deadlines:
    """Respond-by and resolve-by per (category, received moment), policies read once."""

    def __init__(self, priority: str) -> None:
        self.priority = priority
        self.specs: dict[int | None, Spec] = {}
        self.moments: dict[tuple[Spec, datetime], tuple[datetime, datetime]] = {}

    def _spec(self, category: Category | None) -> Spec:
        key = category.pk if category is not None else None
        try:
            return self.specs[key]
        except KeyError:
            spec = self.specs[key] = policy_spec(key, self.priority)[0]
            return spec

    def due(self, category: Category | None, received: datetime) -> tuple[datetime, datetime]:
        # Keyed by the policy, not the category: most categories share a few policies, and a
        # date-only source repeats each moment thousands of times.
        key = (self._spec(category), received)
        try:
            return self.moments[key]
        except KeyError:
            spec = key[0]
            respond = add_time(received, spec[0], spec[1])
            resolve = max(add_time(received, spec[2], spec[3]), respond)
            self.moments[key] = (respond, resolve)
            return respond, resolve
