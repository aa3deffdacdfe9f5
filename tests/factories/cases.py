"""Cases built through the intake service, and the people who handle them."""

from __future__ import annotations

from typing import Any

from grassroots.cases import services
from grassroots.cases.models import Case
from grassroots.organizations import services as org
from grassroots.organizations.enums import Role
from grassroots.organizations.models import Unit

from .organizations import UserFactory


def submit(**overrides: Any) -> Case:
    """A resident's complaint in the dispatch queue (anonymous intake, no location)."""
    fields: dict[str, Any] = {
        "kind": "complaint",
        "subject": "Streetlight out on Elm Road",
        "description": "The streetlight outside number 12 has been dark for a week.",
        "resident_name": "张三丰",
        "resident_phone": "13812345678",
        **overrides,
    }
    return services.submit_case(services.CaseDraft(**fields), actor=None).case


def person(username: str, role: str, unit: Unit) -> Any:
    """A user holding `role` at `unit`."""
    user = UserFactory(username=username)
    org.grant_role(user, unit=unit, role=role, actor=None)
    return user


def staff(tree: dict[str, Unit]) -> dict[str, Any]:
    """The usual cast: city dispatcher and supervisor, handlers at two streets and a grid."""
    return {
        "dispatcher": person("dispatcher", Role.DISPATCHER, tree["city"]),
        "supervisor": person("supervisor", Role.SUPERVISOR, tree["city"]),
        "handler1": person("handler1", Role.HANDLER, tree["s1"]),
        "handler2": person("handler2", Role.HANDLER, tree["s2"]),
        "grid": person("gridworker", Role.GRID_WORKER, tree["g1"]),
        "dept": person("depthandler", Role.HANDLER, tree["dept"]),
    }
