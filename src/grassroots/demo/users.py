"""The demo logins: one user per role, all with the public password `grassroots-demo`.

They exist only where the demo data is loaded; never in a real deployment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from grassroots.organizations.duty import add_shift
from grassroots.organizations.enums import Role
from grassroots.organizations.models import Unit
from grassroots.organizations.services import grant_role

from . import catalog

DEMO_PASSWORD = "grassroots-demo"  # noqa: S105 (public on purpose: demo data only)
# Streets whose first grid gets a demo grid worker.
GRID_WORKER_STREETS = ("101", "301")
# Departments with a demo handler.
HANDLER_AGENCIES = ("DSNY",)
# The demo dispatchers' roster: day shifts for a week from the load, local time.
SHIFT_DAYS, DAY_STARTS, SHIFT_HOURS = 7, time(8, 0), 12


@dataclass(frozen=True)
class DemoLogin:
    """A demo user, the role it holds and the unit it holds it at."""

    username: str
    display_name: str
    role: str
    unit_code: str
    superuser: bool = False


def demo_logins(street_codes: list[str]) -> list[DemoLogin]:
    """Every demo login, city-level ones first."""
    city, district = catalog.CITY_CODE, catalog.BOROUGHS[1].unit_code
    logins = [
        DemoLogin("demo-admin", "演示管理员 Demo admin", Role.ADMIN, city, superuser=True),
        DemoLogin("demo-dispatcher", "演示派单员 Demo dispatcher", Role.DISPATCHER, city),
        DemoLogin("demo-supervisor", "演示督办员 Demo supervisor", Role.SUPERVISOR, city),
        DemoLogin("demo-mediator", "演示调解员 Demo mediator", Role.MEDIATOR, district),
        DemoLogin(
            "demo-volunteer-organizer",
            "演示志愿服务组织者 Demo volunteer organizer",
            Role.VOLUNTEER_ORGANIZER,
            district,
        ),
    ]
    logins += [
        DemoLogin(
            f"demo-handler-{agency.lower()}",
            f"演示承办人 {agency} Demo handler",
            Role.HANDLER,
            catalog.department_code(agency),
        )
        for agency in HANDLER_AGENCIES
    ]
    logins += [
        DemoLogin(
            f"demo-grid-worker-{street}",
            f"演示网格员 {street} Demo grid worker",
            Role.GRID_WORKER,
            catalog.grid_code(catalog.community_code(street, 1), 1),
        )
        for street in GRID_WORKER_STREETS
    ]
    logins += [
        DemoLogin(f"demo-handler-{code}", f"演示承办人 {code} Demo handler", Role.HANDLER, code)
        for code in street_codes
    ]
    return logins


def ensure_demo_users(logins: list[DemoLogin], units: dict[str, Unit]) -> int:
    """Create the missing demo users and roles; returns how many users were created."""
    user_model: Any = get_user_model()
    existing = {u.username: u for u in user_model.objects.filter(username__startswith="demo-")}
    missing = [login for login in logins if login.username not in existing]
    if missing:
        # One hash for all: the password is public and PBKDF2 takes a good part of a second.
        password_hash = make_password(DEMO_PASSWORD)
        existing |= {m.username: _create_user(user_model, m, password_hash) for m in missing}
    for login in logins:
        user = existing[login.username]
        grant_role(user, unit=units[login.unit_code], role=login.role, actor=None)
    return len(missing)


def _create_user(user_model: Any, login: DemoLogin, password_hash: str) -> Any:
    extra = {"is_staff": True, "is_superuser": True} if login.superuser else {}
    user = user_model.objects.create_user(
        login.username, password=None, display_name=login.display_name, **extra
    )
    user.password = password_hash
    user.save(update_fields=["password"])
    return user


def ensure_demo_shifts(logins: list[DemoLogin], units: dict[str, Unit], *, now: datetime) -> int:
    """Put each demo dispatcher on the duty roster (day shifts 08:00–20:00 for a week, and
    the night shift running at `now` when loaded at night), unless they have a shift still to
    come; returns how many shifts were added."""
    user_model: Any = get_user_model()
    added = 0
    for login in logins:
        user = user_model.objects.get(username=login.username)
        if login.role != Role.DISPATCHER or user.duty_shifts.filter(ends_at__gt=now).exists():
            continue
        for start in _shift_starts(now):
            end = start + timedelta(hours=SHIFT_HOURS)
            unit = units[login.unit_code]
            add_shift(user, unit=unit, starts_at=start, ends_at=end, note="demo", actor=None)
            added += 1
    return added


def _shift_starts(now: datetime) -> list[datetime]:
    zone = timezone.get_current_timezone()
    today = timezone.localdate(now)
    span = timedelta(hours=SHIFT_HOURS)
    dates = [today + timedelta(days=i) for i in range(SHIFT_DAYS)]
    days = [datetime.combine(day, DAY_STARTS, zone) for day in dates]
    nights = [day - span for day in days[:2]]  # yesterday's and today's 20:00
    running = [night for night in nights if night <= now < night + span]
    return sorted([*running, *(day for day in days if day + span > now)])
