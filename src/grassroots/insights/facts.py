"""The KPI facts of a case, as SQL expressions over the cases table.

One definition serves three readers: the projection into `CaseFact` (an INSERT … SELECT, so
a rebuild of a million cases never leaves the database), the naive GROUP BY the benchmark and
the tests compare against, and through `CaseFact` every roll-up and drill-down list.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Case as CaseExpr
from django.db.models import Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import TruncDate, TruncMonth

from grassroots.cases.enums import CaseStatus, Satisfaction
from grassroots.cases.models import Case

from .models import COUNTERS, DemandMark

OPEN_HANDLING = (CaseStatus.DISPATCHED, CaseStatus.ACCEPTED)  # as `CaseQuerySet.overdue`


class Seconds(models.Func):
    """Whole seconds from `start` to `end` (rounded), the same on SQLite and PostgreSQL."""

    output_field = models.BigIntegerField()

    def __init__(self, end: Any, start: Any) -> None:
        super().__init__(end, start)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND((julianday(%(expressions)s)) * 86400.0) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(ROUND(EXTRACT(EPOCH FROM (%(expressions)s))) AS BIGINT)",
            arg_joiner=" - ",
            **extra,
        )


def zone() -> ZoneInfo:
    """Days and months are the deployment's local ones."""
    return ZoneInfo(settings.TIME_ZONE)


def flag(condition: Q) -> CaseExpr:
    return CaseExpr(
        When(condition, then=Value(1)), default=Value(0), output_field=models.IntegerField()
    )


def conditions() -> dict[str, Q]:
    """Each counter as a condition on a case annotated with `_excluded`."""
    kept = Q(_excluded=False)
    dispatched = Q(dispatched_at__isnull=False)
    closed = kept & Q(status=CaseStatus.CLOSED)
    return {
        "received": Q(pk__isnull=False),
        "dispatched": dispatched,
        "excluded": Q(_excluded=True),
        "response_base": dispatched & kept,
        "responded_on_time": dispatched
        & kept
        & Q(responded_at__isnull=False)
        & (Q(respond_due__isnull=True) | Q(responded_at__lte=F("respond_due"))),
        "followed_up": kept & Q(resolved__isnull=False),
        "resolved": kept & Q(resolved=True),
        "rated": kept & Q(satisfaction__in=Satisfaction.values),
        "satisfied": kept & Q(satisfaction=Satisfaction.SATISFIED),
        "basic": kept & Q(satisfaction=Satisfaction.BASIC),
        "unsatisfied": kept & Q(satisfaction=Satisfaction.UNSATISFIED),
        "closed": closed,
        "closed_on_time": closed
        & (Q(resolve_due__isnull=True) | Q(closed_at__lte=F("resolve_due"))),
        "returned": Q(return_count__gt=0),
        "reopened": Q(reopen_count__gt=0),
        "handled": closed & Q(closed_at__isnull=False),
    }


def with_excluded(qs: models.QuerySet[Case]) -> models.QuerySet[Case]:
    """Cases annotated with whether an active unreasonable-demand mark takes them out."""
    marks = DemandMark.objects.filter(case=OuterRef("pk"), withdrawn_at__isnull=True)
    return qs.annotate(_excluded=Exists(marks))


def fact_rows(qs: models.QuerySet[Case]) -> models.QuerySet[Case]:
    """`qs` (cases with a handling unit) as rows in the column order of `FACT_COLUMNS`."""
    conds = conditions()
    local = TruncDate("received_at", tzinfo=zone())
    annotated = with_excluded(qs.filter(unit__isnull=False)).annotate(
        _day=local,
        _month=TruncMonth(local, output_field=models.DateField()),
        _handling=CaseExpr(
            When(conds["handled"], then=Seconds(F("closed_at"), F("received_at"))),
            default=None,
            output_field=models.BigIntegerField(),
        ),
        _open_due=CaseExpr(
            When(Q(_excluded=False, status__in=OPEN_HANDLING), then=F("resolve_due")),
            default=None,
            output_field=models.DateTimeField(),
        ),
        **{f"_{name}": flag(conds[name]) for name in COUNTERS},
    )
    return annotated.order_by().values_list(
        "pk", "unit_id", "_day", "_month", "_handling", "_open_due", *(f"_{c}" for c in COUNTERS)
    )


FACT_COLUMNS = (
    "case_id",
    "unit_id",
    "day",
    "month",
    "handling_seconds",
    "open_due",
    *COUNTERS,
)
