"""The vocabulary of triage: where a routing proposal comes from, what triage did on its own."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoutingSource(models.TextChoices):
    MATRIX = "matrix", _("Responsibility matrix")  # the deployment's category → level table
    LEARNED = "learned", _("Learned from history")  # who closed similar cases, resident satisfied
    NONE = "", _("No proposal")


class RoutingLevel(models.TextChoices):
    """The level of the territorial tree that acts; the case's place picks the unit."""

    GRID = "grid", _("Grid")
    COMMUNITY = "community", _("Community / village")
    STREET = "street", _("Street / township")
    DISTRICT = "district", _("District")
    DEPARTMENT = "department", _("A named department")  # RoutingRule.unit says which


class AutoAction(models.TextChoices):
    NONE = "", _("None")  # the case waits in the dispatch queue with the suggestions
    DISPATCHED = "dispatched", _("Dispatched automatically")
    MERGED = "merged", _("Merged automatically")


class Language(models.TextChoices):
    ANY = "", _("Any language")
    ZH = "zh", _("Chinese")
    EN = "en", _("English")


class OverrideKind(models.TextChoices):
    UNIT = "unit", _("Another unit")  # dispatched elsewhere than proposed
    CATEGORY = "category", _("Another category")  # put in another category than proposed
