from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grassroots.organizations import services
from grassroots.organizations.enums import Role
from grassroots.organizations.errors import OrganizationError
from grassroots.organizations.models import Membership, Unit
from grassroots.organizations.permissions import has_role, scope_q, units_for_user
from tests.factories.organizations import UserFactory, make_tree

pytestmark = pytest.mark.django_db


def test_a_role_at_a_street_covers_its_subtree_only() -> None:
    tree = make_tree()
    user = UserFactory()
    services.grant_role(user, unit=tree["s1"], role=Role.HANDLER, actor=None)

    codes = set(units_for_user(user, [Role.HANDLER]).values_list("code", flat=True))

    assert codes == {"TS1", "TC1", "TG1"}


def test_units_for_user_is_one_query() -> None:
    tree = make_tree()
    user = UserFactory()
    services.grant_role(user, unit=tree["s1"], role=Role.HANDLER, actor=None)
    services.grant_role(user, unit=tree["s2"], role=Role.HANDLER, actor=None)

    with CaptureQueriesContext(connection) as ctx:
        codes = set(units_for_user(user).values_list("code", flat=True))

    assert len(ctx.captured_queries) == 1
    assert codes == {"TS1", "TC1", "TG1", "TS2"}


def test_roles_are_distinguished() -> None:
    tree = make_tree()
    user = UserFactory()
    services.grant_role(user, unit=tree["city"], role=Role.DISPATCHER, actor=None)

    assert units_for_user(user, [Role.HANDLER]).count() == 0
    assert units_for_user(user, [Role.DISPATCHER]).count() == Unit.objects.count()
    assert has_role(user, tree["g1"], [Role.DISPATCHER]) is True
    assert has_role(user, tree["g1"], [Role.SUPERVISOR]) is False


def test_scope_q_filters_rows_by_unit_subtree() -> None:
    tree = make_tree()
    user = UserFactory()
    services.grant_role(user, unit=tree["d1"], role=Role.HANDLER, actor=None)
    services.grant_role(user, unit=tree["s1"], role=Role.HANDLER, actor=None)  # nested: no effect

    members = Membership.objects.filter(scope_q(user, field="unit"))

    assert {m.unit.code for m in members} == {"TD1", "TS1"}


def test_anonymous_users_act_for_no_unit() -> None:
    from django.contrib.auth.models import AnonymousUser

    make_tree()

    assert units_for_user(AnonymousUser()).count() == 0


def test_granting_twice_is_idempotent_and_revoking_removes() -> None:
    tree = make_tree()
    user = UserFactory()

    services.grant_role(user, unit=tree["s1"], role=Role.HANDLER, actor=None)
    services.grant_role(user, unit=tree["s1"], role=Role.HANDLER, actor=None)
    assert Membership.objects.filter(user=user).count() == 1

    assert services.revoke_role(user, unit=tree["s1"], role=Role.HANDLER, actor=None) is True
    assert Membership.objects.filter(user=user).count() == 0


def test_an_unknown_role_is_refused() -> None:
    tree = make_tree()
    user = UserFactory()

    with pytest.raises(OrganizationError):
        services.grant_role(user, unit=tree["s1"], role="emperor", actor=None)

    assert Membership.objects.count() == 0
