"""The resident's identity: masked by default, every full view logged, confidential cases
never show it to the handling units."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.cases import services
from grassroots.cases.enums import CaseEventType
from grassroots.cases.masking import mask_email, mask_id_number, mask_name, mask_phone
from grassroots.cases.models import CaseEvent
from grassroots.core.models import AuditEntry
from tests.cases.conftest import Api
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fn", "value", "masked"),
    [
        (mask_phone, "13812345678", "138****5678"),
        (mask_phone, "+8613812345678", "+86*******5678"),
        (mask_phone, "12345", "***45"),
        (mask_name, "张三丰", "张**"),
        (mask_name, "John Smith", "J*** S****"),
        (mask_id_number, "110101199003071234", "110***********1234"),
        (mask_email, "resident@example.org", "r***@example.org"),
    ],
)
def test_masking(fn: Any, value: str, masked: str) -> None:
    assert fn(value) == masked


def _dispatched(tree: Any, people: Any, **kw: Any) -> Any:
    case = submit(resident_id_number="110101199003071233", **kw)
    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"])
    return case


def test_case_details_show_the_resident_masked(tree: Any, people: Any) -> None:
    case = _dispatched(tree, people)

    body = Api(people["handler1"]).get(f"/cases/{case.pk}").json()

    assert body["resident"] == {
        "name": "张**",
        "phone": "138****5678",
        "id_number": "110***********1233",
        "email": "",
        "masked": True,
    }
    assert "13812345678" not in str(body) and "张三丰" not in str(body)


def test_the_handling_unit_may_reveal_and_the_look_is_logged(tree: Any, people: Any) -> None:
    case = _dispatched(tree, people)

    response = Api(people["handler1"]).post(f"/cases/{case.pk}/resident", {"reason": "call back"})

    assert response.status_code == 200
    assert response.json()["phone"] == "13812345678" and response.json()["masked"] is False
    entry = AuditEntry.objects.get(action="cases.resident.viewed")
    assert (entry.actor, entry.data) == (people["handler1"], {"reason": "call back"})
    event = CaseEvent.objects.get(case=case, type=CaseEventType.IDENTITY_VIEWED)
    assert event.public is False and event.actor == people["handler1"]


def test_a_confidential_case_never_shows_the_resident_to_the_handling_unit(
    tree: Any, people: Any
) -> None:
    case = _dispatched(tree, people, confidential=True)

    handler = Api(people["handler1"]).post(f"/cases/{case.pk}/resident", {"reason": "call"})
    centre = Api(people["dispatcher"]).post(f"/cases/{case.pk}/resident", {"reason": "verify"})

    assert handler.status_code == 403
    assert centre.status_code == 200 and centre.json()["name"] == "张三丰"
    assert AuditEntry.objects.filter(action="cases.resident.viewed").count() == 1


def test_a_confidential_case_does_not_even_show_the_masked_resident_below_the_centre(
    tree: Any, people: Any
) -> None:
    from tests.factories.cases import person

    case = _dispatched(tree, people, confidential=True)
    district_dispatcher = person("d1dispatcher", "dispatcher", tree["d1"])

    handler = Api(people["handler1"]).get(f"/cases/{case.pk}").json()
    district = Api(district_dispatcher).get(f"/cases/{case.pk}").json()
    district_reveal = Api(district_dispatcher).post(
        f"/cases/{case.pk}/resident", {"reason": "check it"}
    )
    centre = Api(people["dispatcher"]).get(f"/cases/{case.pk}").json()

    # The handling unit and the district's own centre (either may be what the complaint is
    # about) see that the case is confidential, and nobody behind it.
    for body in (handler, district):
        assert body["confidential"] is True and body["resident"] is None
        assert "138" not in str(body) and "张" not in str(body)
    assert district_reveal.status_code == 403
    assert centre["resident"]["name"] == "张**" and centre["resident"]["masked"] is True
    assert AuditEntry.objects.filter(action="cases.resident.viewed").count() == 0


def test_a_district_centre_still_sees_and_reveals_an_ordinary_case_in_its_area(
    tree: Any, people: Any
) -> None:
    from tests.factories.cases import person

    case = _dispatched(tree, people)
    district_dispatcher = person("d1dispatcher", "dispatcher", tree["d1"])

    body = Api(district_dispatcher).get(f"/cases/{case.pk}").json()
    reveal = Api(district_dispatcher).post(f"/cases/{case.pk}/resident", {"reason": "call"})

    assert body["resident"]["phone"] == "138****5678"
    assert reveal.status_code == 200 and reveal.json()["phone"] == "13812345678"


def test_a_reveal_needs_a_reason(tree: Any, people: Any) -> None:
    case = _dispatched(tree, people)

    response = Api(people["handler1"]).post(f"/cases/{case.pk}/resident", {"reason": ""})

    assert response.status_code == 422
    assert AuditEntry.objects.filter(action="cases.resident.viewed").count() == 0


def test_an_anonymous_case_has_no_one_to_reveal(tree: Any, people: Any) -> None:
    case = _dispatched(tree, people, anonymous=True)

    response = Api(people["dispatcher"]).post(f"/cases/{case.pk}/resident", {"reason": "x" * 3})

    assert response.status_code == 404
    assert Api(people["dispatcher"]).get(f"/cases/{case.pk}").json()["resident"] is None


@pytest.mark.parametrize("channel", ["phone", "onsite", "letter"])
def test_an_operator_who_types_a_case_in_is_neither_its_resident_nor_its_owner(
    people: Any, channel: str
) -> None:
    from grassroots.cases.permissions import is_owner

    operator = people["dispatcher"]
    draft = services.CaseDraft(
        kind="complaint", subject="Noise at night", description="Loud music after midnight.",
        resident_name="李四", resident_phone="13700001111", channel=channel,
    )  # fmt: skip

    case = services.submit_case(draft, actor=operator).case

    assert case.submitted_by_id == operator.pk  # the record says who typed it in
    assert case.resident is not None and case.resident.user_id is None
    assert is_owner(operator, case) is False


def test_a_logged_in_resident_who_reports_on_the_web_owns_the_case(people: Any) -> None:
    from grassroots.cases.permissions import is_owner

    resident = people["dispatcher"]  # any logged-in person reporting for themselves
    draft = services.CaseDraft(
        kind="complaint", subject="Noise at night", description="Loud music after midnight.",
        resident_name="李四", channel="web",
    )  # fmt: skip

    case = services.submit_case(draft, actor=resident).case

    assert case.resident is not None and case.resident.user_id == resident.pk
    assert is_owner(resident, case) is True
