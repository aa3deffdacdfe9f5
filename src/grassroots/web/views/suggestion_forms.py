"""Forms of the suggestion and meeting pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.deliberation.enums import AnswerOutcome
from grassroots.deliberation.models.meetings import DecisionStatus, ParticipantRole
from grassroots.deliberation.models.suggestions import ImplementationStatus
from grassroots.deliberation.permissions import MODERATOR_ROLES
from grassroots.organizations.models import Membership, Unit

TEXTAREA = {"rows": 4}


def my_units(user: Any) -> list[tuple[str, str]]:
    """The units where the user holds a staff role, as select choices (code, name)."""
    rows = (
        Membership.objects.filter(user=user, role__in=MODERATOR_ROLES)
        .select_related("unit")
        .order_by("unit__path")
    )
    seen: dict[str, str] = {}
    for m in rows:
        seen.setdefault(m.unit.code, m.unit.name)
    return list(seen.items())


class UnitCodeField(forms.CharField):
    """A unit given by its code; cleans to the active `Unit`."""

    def clean(self, value: Any) -> Any:
        code = super().clean(value)
        if not code:
            return None
        unit = Unit.objects.filter(code=code.strip(), is_active=True).first()
        if unit is None:
            raise forms.ValidationError(_("No unit with this code."))
        return unit


class PhotosInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input (checked by content in the service)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", PhotosInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ProposalForm(forms.Form):
    """A resident's proposal."""

    title = forms.CharField(label=_("Your suggestion in a few words"), max_length=200)
    text = forms.CharField(
        label=_("Details"), max_length=5000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    address = forms.CharField(
        label=_("Place (address or landmark)"), required=False, max_length=300
    )
    photos = PhotosField(label=_("Photos (up to 6)"), required=False)


class OfflineProposalForm(forms.Form):
    """A suggestion collected offline, typed in by a worker."""

    title = forms.CharField(label=_("Suggestion in a few words"), max_length=200)
    text = forms.CharField(
        label=_("Details"), max_length=5000, widget=forms.Textarea(attrs=TEXTAREA)
    )
    address = forms.CharField(label=_("Place"), required=False, max_length=300)
    author_name = forms.CharField(
        label=_("Who made it (staff only, optional)"), required=False, max_length=100
    )
    source_note = forms.CharField(
        label=_("Where and when it was collected"),
        max_length=300,
        help_text=_("For example: residents' meeting, 3 May, community hall."),
    )
    meeting = forms.TypedChoiceField(
        label=_("Meeting"), required=False, coerce=int, empty_value=None, choices=()
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CallForm(forms.Form):
    """A new call for suggestions."""

    unit = forms.ChoiceField(label=_("Unit"), choices=())
    title = forms.CharField(label=_("Topic"), max_length=200)
    description = forms.CharField(
        label=_("What do you ask residents?"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    area = UnitCodeField(label=_("Area (unit code, optional)"), required=False, max_length=32)
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(
        label=_("Closes on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    support_threshold = forms.IntegerField(
        label=_("Supports that require an official answer"), min_value=1, initial=50
    )
    answer_days = forms.IntegerField(
        label=_("Working days to answer"), min_value=1, max_value=120, initial=15
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=AnswerOutcome.choices, widget=forms.RadioSelect
    )
    answer = forms.CharField(
        label=_("Answer, with the reasons"), max_length=5000, widget=forms.Textarea(attrs=TEXTAREA)
    )


class FollowThroughForm(forms.Form):
    implementation = forms.ChoiceField(
        label=_("Implementation"), choices=ImplementationStatus.choices
    )
    note = forms.CharField(
        label=_("What was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PromoteCaseForm(forms.Form):
    case = forms.IntegerField(label=_("Case number (id)"), min_value=1)
    title = forms.CharField(label=_("Title (optional)"), required=False, max_length=200)
    text = forms.CharField(
        label=_("Text (rewrite it without personal details)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MeetingForm(forms.Form):
    unit = forms.ChoiceField(label=_("Organising unit"), choices=())
    title = forms.CharField(label=_("Issue"), max_length=200)
    description = forms.CharField(
        label=_("Background"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=300)
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    agenda = forms.CharField(
        label=_("Agenda (one point per line)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Agenda point"), max_length=200)


class ParticipantForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    role = forms.ChoiceField(label=_("Role"), choices=ParticipantRole.choices)
    affiliation = forms.CharField(label=_("Affiliation"), required=False, max_length=200)


class MinutesForm(forms.Form):
    """Minutes with attendance and up to three decisions (more can be added afterwards)."""

    minutes = forms.CharField(
        label=_("Minutes"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )
    attended = forms.TypedMultipleChoiceField(
        label=_("Present"),
        required=False,
        coerce=int,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, participants: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["attended"].choices = participants  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner_unit = UnitCodeField(label=_("Owner unit (code)"), max_length=32)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))


class DecisionUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=DecisionStatus.choices)
    note = forms.CharField(
        label=_("Follow-up note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
