"""Levels of the unit tree and the roles people hold at a unit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    CITY = "city", _("City")  # the whole deployment, root of the territorial tree
    DISTRICT = "district", _("District")  # 区
    STREET = "street", _("Street / township")  # 街道·乡镇
    COMMUNITY = "community", _("Community / village")  # 社区·村
    GRID = "grid", _("Grid")  # 网格, the smallest area, each with a grid worker
    DEPARTMENT = "department", _("Department")  # a government department beside the tree
    UTILITY = "utility", _("Public utility")  # water, power, gas, heating, telecoms


TERRITORIAL_LEVELS: tuple[UnitLevel, ...] = (
    UnitLevel.CITY,
    UnitLevel.DISTRICT,
    UnitLevel.STREET,
    UnitLevel.COMMUNITY,
    UnitLevel.GRID,
)

# Which level a unit's parent must have. Departments and utilities sit beside the territorial
# tree under a city, district or street.
ALLOWED_PARENT_LEVELS: dict[str, tuple[str | None, ...]] = {
    UnitLevel.CITY: (None,),
    UnitLevel.DISTRICT: (UnitLevel.CITY,),
    UnitLevel.STREET: (UnitLevel.DISTRICT,),
    UnitLevel.COMMUNITY: (UnitLevel.STREET,),
    UnitLevel.GRID: (UnitLevel.COMMUNITY,),
    UnitLevel.DEPARTMENT: (UnitLevel.CITY, UnitLevel.DISTRICT, UnitLevel.STREET),
    UnitLevel.UTILITY: (UnitLevel.CITY, UnitLevel.DISTRICT, UnitLevel.STREET),
}


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")  # configures units, people and policies
    DISPATCHER = "dispatcher", _("Dispatcher")  # 派单员: routes cases to units
    SUPERVISOR = "supervisor", _("Supervisor")  # 督办: presses overdue cases, approves extensions
    HANDLER = "handler", _("Handler")  # 承办人: acts on the cases of a unit
    GRID_WORKER = "grid_worker", _("Grid worker")  # 网格员
    MEDIATOR = "mediator", _("Mediator")  # 调解员
    VOLUNTEER_ORGANIZER = "volunteer_organizer", _("Volunteer organizer")
