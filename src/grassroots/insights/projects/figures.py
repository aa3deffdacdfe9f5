"""A project's before/after figures: cases per month on its problem (its category and the
categories under it) in its area (cases placed in the area's subtree, or handled there when
placed nowhere), for the months before the project's month and from it on."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Count, DateField, Q
from django.db.models.functions import TruncDate, TruncMonth

from grassroots.cases.enums import CaseStatus
from grassroots.cases.models import Case, Category
from grassroots.organizations.querysets import subtree_q

from ..facts import zone
from ..models import GovernanceProject
from ..periods import add_months

WINDOW_MONTHS = 6  # months compared on each side of the project's month


def _categories(category: Category) -> list[int]:
    ids, frontier = [category.pk], [category.pk]
    while frontier:
        frontier = list(
            Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids.extend(frontier)
    return ids


def problem_cases(project: GovernanceProject) -> Any:
    """The cases on the project's problem in its area (not merged, not rejected)."""
    path = project.area.path
    here = subtree_q(path, "place_unit__path") | (
        Q(place_unit__isnull=True) & subtree_q(path, "unit__path")
    )
    return Case.objects.filter(here, category_id__in=_categories(project.category)).exclude(
        status__in=(CaseStatus.MERGED, CaseStatus.REJECTED)
    )


def _moment(month: date) -> datetime:
    return datetime(month.year, month.month, 1, tzinfo=zone())


def before_after(project: GovernanceProject, *, now: datetime) -> dict[str, Any]:
    """Cases per month in the window around the project's month, and the monthly averages
    before it and from it on (months after the current one are left out)."""
    first = add_months(project.month, -WINDOW_MONTHS)
    current = now.astimezone(zone()).date().replace(day=1)
    last = min(add_months(project.month, WINDOW_MONTHS - 1), current)
    months = [add_months(first, i) for i in range(_span(first, last))]
    counts = dict(
        problem_cases(project)
        .filter(received_at__gte=_moment(first), received_at__lt=_moment(add_months(last, 1)))
        .annotate(m=TruncMonth(TruncDate("received_at", tzinfo=zone()), output_field=DateField()))
        .values("m")
        .annotate(n=Count("id"))
        .values_list("m", "n")
    )
    series = [{"month": f"{m:%Y-%m}", "cases": counts.get(m, 0)} for m in months]
    before = [s["cases"] for s, m in zip(series, months, strict=True) if m < project.month]
    after = [s["cases"] for s, m in zip(series, months, strict=True) if m >= project.month]
    avg_before = round(sum(before) / len(before), 2) if before else None
    avg_after = round(sum(after) / len(after), 2) if after else None
    change = (
        round((avg_after - avg_before) / avg_before, 4)
        if avg_before and avg_after is not None
        else None
    )
    return {
        "months": series,
        "before_average": avg_before,
        "after_average": avg_after,
        "change": change,
    }


def _span(first: date, last: date) -> int:
    return max(0, (last.year - first.year) * 12 + last.month - first.month + 1)
