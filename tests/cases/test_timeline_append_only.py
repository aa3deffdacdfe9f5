"""The timeline is append-only: the model refuses to re-save or delete an event, and the
database refuses an UPDATE that changes what an event says, whatever path it comes by."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, InternalError, connection, transaction

from grassroots.cases import services
from grassroots.cases.models import CaseEvent, CaseEventImmutable
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db


def _event(tree: Any, people: Any) -> CaseEvent:
    case = submit()
    services.dispatch_case(case, unit=tree["s1"], actor=people["dispatcher"], note="to the street")
    return CaseEvent.objects.get(case=case, type="dispatched")


def test_an_event_cannot_be_saved_again_or_deleted(tree: Any, people: Any) -> None:
    event = _event(tree, people)
    event.note = "rewritten"

    with pytest.raises(CaseEventImmutable):
        event.save()
    with pytest.raises(CaseEventImmutable):
        event.delete()
    assert CaseEvent.objects.get(pk=event.pk).note == "to the street"


@pytest.mark.parametrize(
    ("column", "value"), [("note", "rewritten"), ("public", False), ("type", "closed")]
)
def test_the_database_refuses_to_rewrite_an_event(
    tree: Any, people: Any, column: str, value: Any
) -> None:
    event = _event(tree, people)

    with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(**{column: value})
    with (
        pytest.raises((IntegrityError, InternalError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE cases_caseevent SET note = 'raw' WHERE id = %s", [event.pk])
    assert CaseEvent.objects.get(pk=event.pk).note == "to the street"


def test_deleting_the_actor_only_clears_the_link(tree: Any, people: Any) -> None:
    event = _event(tree, people)

    people["dispatcher"].delete()

    event = CaseEvent.objects.get(pk=event.pk)
    assert event.actor_id is None and event.actor_label == "dispatcher"
