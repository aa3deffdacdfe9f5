"""Reading a GeoJSON file of areas into a checked plan, before anything is written.

`plan_import` validates every feature (code, names, geometry, parent) and raises a `GeoError`
naming the first bad feature; `services.import_areas` then writes the plan in one transaction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry import shape

from grassroots.organizations.enums import ALLOWED_PARENT_LEVELS, UnitLevel
from grassroots.organizations.models import Unit, code_validator

from .datum import Datum
from .errors import GeoError, GeoErrorCode
from .services import clean_geometry

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class ImportOptions:
    """How to read the features of one file (mirrors the command's options)."""

    level: str
    code_field: str = ""
    name_field: str = ""
    name_en_field: str = ""
    name_zh_field: str = ""
    code_prefix: str = ""
    code_template: str = ""
    parent_code: str = ""
    parent_by_containment: bool = False
    datum: Datum = Datum.WGS84


@dataclass
class PlannedArea:
    """One feature, checked: the unit it becomes (or updates) and its WGS84 geometry."""

    index: int
    code: str
    name_zh: str
    name_en: str
    geometry: shapely.Geometry
    parent: Unit | None = None
    existing: Unit | None = field(default=None)


def read_features(path: Path) -> list[dict[str, Any]]:
    """The features of a GeoJSON FeatureCollection file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _fail(_("Cannot read %(path)s: %(err)s") % {"path": path, "err": exc}) from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise _fail(_("%s is not a GeoJSON FeatureCollection.") % path)
    return features


def plan_import(features: Sequence[dict[str, Any]], options: ImportOptions) -> list[PlannedArea]:
    """Check every feature and resolve its parent; raises a GeoError naming a bad feature."""
    _check_level(options)
    fixed_parent = _fixed_parent(options)
    plan = [_plan_one(i, feature, options) for i, feature in enumerate(features)]
    _check_unique(plan)
    if options.parent_by_containment:
        _parents_by_containment(plan, options.level)
    else:
        for item in plan:
            item.parent = fixed_parent
    existing = Unit.objects.in_bulk([item.code for item in plan], field_name="code")
    for item in plan:
        item.existing = existing.get(item.code)
        _check_existing(item, options.level)
    return plan


def _fail(message: str) -> GeoError:
    return GeoError(GeoErrorCode.IMPORT_FAILED, message)


def _label(index: int, code: str) -> str:
    return _("feature %(index)s (code %(code)s)") % {"index": index, "code": code or "?"}


def _check_level(options: ImportOptions) -> None:
    if options.level not in UnitLevel.values:
        raise _fail(_("Unknown level “%s”.") % options.level)
    if not (options.code_field or options.code_template):
        raise _fail(_("Give --code-field or --code-template."))
    needs_parent = ALLOWED_PARENT_LEVELS[options.level] != (None,)
    if needs_parent and not (options.parent_code or options.parent_by_containment):
        raise _fail(
            _("Units of level “%s” need --parent-code or --parent-by-containment.") % options.level
        )


def _fixed_parent(options: ImportOptions) -> Unit | None:
    if not options.parent_code:
        return None
    parent = Unit.objects.filter(code=options.parent_code).first()
    if parent is None:
        raise _fail(_("No unit has the parent code “%s”.") % options.parent_code)
    return parent


def _plan_one(index: int, feature: dict[str, Any], options: ImportOptions) -> PlannedArea:
    props = (feature.get("properties") or {}) if isinstance(feature, dict) else {}
    code = _code(index, props, options)
    label = _label(index, code)
    name_zh, name_en = _names(label, props, options)
    if not (name_zh or name_en):
        name_en = code  # a unit needs a name; the code is the honest fallback
    raw = feature.get("geometry") if isinstance(feature, dict) else None
    geom = clean_geometry(raw or {}, label=label, datum=options.datum)
    return PlannedArea(index, code, name_zh, name_en, geom)


def _field(label: str, props: dict[str, Any], name: str) -> str:
    value = props.get(name)
    if value is None or str(value).strip() == "":
        raise _fail(
            _("%(label)s: the field “%(field)s” is missing.") % {"label": label, "field": name}
        )
    return str(value).strip()


def _code(index: int, props: dict[str, Any], options: ImportOptions) -> str:
    label = _label(index, "")
    if options.code_template:
        try:
            base = options.code_template.format(**props, code=props.get(options.code_field, ""))
        except (KeyError, IndexError, ValueError) as exc:
            raise _fail(
                _("%(label)s: the code template needs %(err)s.") % {"label": label, "err": exc}
            ) from exc
    else:
        base = _field(label, props, options.code_field)
    code = options.code_prefix + base
    try:
        code_validator(code)
    except ValidationError as exc:
        raise _fail(
            _("%(label)s: “%(code)s” is not a valid unit code.") % {"label": label, "code": code}
        ) from exc
    return code


def _names(label: str, props: dict[str, Any], options: ImportOptions) -> tuple[str, str]:
    """(name_zh, name_en): explicit fields win; --name-field goes where its script says."""
    zh = _field(label, props, options.name_zh_field) if options.name_zh_field else ""
    en = _field(label, props, options.name_en_field) if options.name_en_field else ""
    if options.name_field:
        name = _field(label, props, options.name_field)
        if _CJK.search(name):
            zh = zh or name
        else:
            en = en or name
    return zh, en


def _check_unique(plan: Iterable[PlannedArea]) -> None:
    seen: dict[str, int] = {}
    for item in plan:
        if item.code in seen:
            raise _fail(
                _("%(label)s: the same code as feature %(other)s.")
                % {"label": _label(item.index, item.code), "other": seen[item.code]}
            )
        seen[item.code] = item.index


def _check_existing(item: PlannedArea, level: str) -> None:
    if item.existing is not None and item.existing.level != level:
        raise _fail(
            _("%(label)s: a unit with this code exists at level “%(level)s”.")
            % {"label": _label(item.index, item.code), "level": item.existing.level}
        )


def _parents_by_containment(plan: Sequence[PlannedArea], level: str) -> None:
    """Each feature's parent: the parent-level unit covering its representative point, else
    the one it overlaps most."""
    levels = [lv for lv in ALLOWED_PARENT_LEVELS[level] if lv is not None]
    units = list(Unit.objects.filter(level__in=levels, area__isnull=False).select_related("area"))
    if not units:
        raise _fail(
            _("No unit of level %s has an area to contain the features.") % ", ".join(levels)
        )
    geoms = np.array([shape(u.area.geometry) for u in units], dtype=object)
    tree = shapely.STRtree(geoms)
    for item in plan:
        item.parent = _best_parent(item, units, geoms, tree)


def _best_parent(
    item: PlannedArea, units: Sequence[Unit], geoms: Any, tree: shapely.STRtree
) -> Unit:
    point = item.geometry.representative_point()
    covering = tree.query(point, predicate="intersects")
    if len(covering) == 1:
        return units[int(covering[0])]
    near = tree.query(item.geometry, predicate="intersects")
    overlaps = shapely.area(shapely.intersection(geoms[near], item.geometry)) if len(near) else []
    if not len(near) or max(overlaps) <= 0:
        raise _fail(
            _("%s: no unit of the parent level contains it.") % _label(item.index, item.code)
        )
    best = max(range(len(near)), key=lambda k: (overlaps[k], -int(near[k])))
    return units[int(near[best])]
