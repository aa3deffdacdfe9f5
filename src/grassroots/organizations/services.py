"""The only code that changes units and memberships. One transaction each, audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _

from grassroots.core import audit

from .enums import ALLOWED_PARENT_LEVELS, Role, UnitLevel
from .errors import OrganizationError
from .errors import OrganizationErrorCode as Code
from .models import Membership, Unit, code_validator
from .querysets import PATH_STEP, subtree_q

CONTACT_FIELDS = ("phone", "email", "address")


def _check_code(code: str, *, exclude_pk: int | None = None) -> None:
    try:
        code_validator(code)
    except ValidationError as exc:
        raise OrganizationError(Code.INVALID_CODE, _("Invalid unit code “%s”.") % code) from exc
    others = Unit.objects.filter(code=code)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise OrganizationError(
            Code.DUPLICATE_CODE, _("Another unit already has the code “%s”.") % code, status=409
        )


def _check_parent(level: str, parent: Unit | None) -> None:
    if level not in ALLOWED_PARENT_LEVELS:
        raise OrganizationError(Code.INVALID_PARENT, _("Unknown level “%s”.") % level)
    allowed = ALLOWED_PARENT_LEVELS[level]
    if (parent.level if parent else None) not in allowed:
        raise OrganizationError(
            Code.INVALID_PARENT,
            _("A unit of level “%(level)s” cannot sit under “%(parent)s”.")
            % {"level": level, "parent": parent.level if parent else "-"},
        )


@transaction.atomic
def create_unit(
    code: str,
    *,
    level: str,
    name_zh: str = "",
    name_en: str = "",
    parent: Unit | None = None,
    actor: Any | None,
    **contact: str,
) -> Unit:
    """Add a unit under `parent` (None only for the city at the root)."""
    _check_code(code)
    _check_parent(level, parent)
    if not (name_zh or name_en):
        raise OrganizationError(Code.INVALID_CODE, _("A unit needs a name."))
    fields = {k: v for k, v in contact.items() if k in CONTACT_FIELDS}
    unit = Unit.objects.create(
        code=code, level=level, name_zh=name_zh, name_en=name_en, parent=parent, **fields
    )
    unit.path = (parent.path if parent else "") + str(unit.pk).zfill(PATH_STEP)
    unit.depth = parent.depth + 1 if parent else 0
    unit.save(update_fields=["path", "depth"])
    audit.record("organizations.unit.created", actor=actor, target=unit, summary=code)
    return unit


@transaction.atomic
def update_unit(unit: Unit, *, actor: Any | None, **changes: Any) -> Unit:
    """Change a unit's code, names, contact details or active flag (not its place in the tree)."""
    allowed = {"code", "name_zh", "name_en", "is_active", *CONTACT_FIELDS}
    unknown = set(changes) - allowed
    if unknown:
        raise OrganizationError(Code.INVALID_CODE, _("Cannot change: %s") % ", ".join(unknown))
    if "code" in changes and changes["code"] != unit.code:
        _check_code(changes["code"], exclude_pk=unit.pk)
    before = {k: getattr(unit, k) for k in changes}
    for key, value in changes.items():
        setattr(unit, key, value)
    unit.save(update_fields=[*changes, "updated_at"])
    audit.record(
        "organizations.unit.updated",
        actor=actor,
        target=unit,
        data={"before": before, "after": changes},
    )
    return unit


@transaction.atomic
def move_unit(unit: Unit, *, parent: Unit, actor: Any | None) -> Unit:
    """Put a unit (with its whole subtree) under another parent, in one UPDATE."""
    if parent.path.startswith(unit.path):
        raise OrganizationError(Code.CYCLE, _("A unit cannot move under its own subtree."))
    _check_parent(unit.level, parent)
    old_path, new_path = unit.path, parent.path + str(unit.pk).zfill(PATH_STEP)
    depth_shift = parent.depth + 1 - unit.depth
    Unit.objects.filter(subtree_q(old_path)).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
        depth=F("depth") + depth_shift,
    )
    Unit.objects.filter(pk=unit.pk).update(parent=parent)
    audit.record(
        "organizations.unit.moved",
        actor=actor,
        target=unit,
        data={"from": unit.parent_id, "to": parent.pk},
    )
    unit.refresh_from_db()
    return unit


@transaction.atomic
def grant_role(user: Any, *, unit: Unit, role: str, actor: Any | None) -> Membership:
    """Give `user` a role at `unit` (and so over its subtree). Granting twice is a no-op."""
    if role not in Role.values:
        raise OrganizationError(Code.INVALID_ROLE, _("Unknown role “%s”.") % role)
    membership, created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        audit.record(
            "organizations.membership.granted",
            actor=actor,
            target=membership,
            summary=f"{user.username} {role} @ {unit.code}",
        )
    return membership


@transaction.atomic
def revoke_role(user: Any, *, unit: Unit, role: str, actor: Any | None) -> bool:
    """Take a role away; returns whether there was one to take."""
    deleted, _rows = Membership.objects.filter(user=user, unit=unit, role=role).delete()
    if deleted:
        audit.record(
            "organizations.membership.revoked",
            actor=actor,
            summary=f"{user.username} {role} @ {unit.code}",
            data={"user": user.pk, "unit": unit.pk, "role": role},
        )
    return bool(deleted)


def territorial_level_below(level: str) -> str | None:
    """The next territorial level down (district → street), or None under a grid."""
    order = [
        UnitLevel.CITY,
        UnitLevel.DISTRICT,
        UnitLevel.STREET,
        UnitLevel.COMMUNITY,
        UnitLevel.GRID,
    ]
    return order[order.index(UnitLevel(level)) + 1] if level in order[:-1] else None
