"""Forms of the pages: they parse and check input; the services decide everything else."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.errors import AccountError
from grassroots.accounts.services import check_credentials
from grassroots.cases.enums import CaseKind, Priority, Satisfaction
from grassroots.cases.models import Category
from grassroots.cases.services.attachments import sniff
from grassroots.cases.services.intake import PHONE_RE
from grassroots.core.ratelimit import client_address


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, checked by the accounts service so that failures are throttled
    exactly as for API tokens (per user name and client address)."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password") or ""
        if username and password:
            client = client_address(self.request) if self.request else ""
            try:
                self.user_cache = check_credentials(username, password, client=client)
            except AccountError as error:
                raise forms.ValidationError(error.message, code=str(error.code)) from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


def category_choices() -> list[tuple[str, Any]]:
    """Active categories in the active language, leaves under their parents' names."""
    rows = Category.objects.filter(is_active=True).select_related("parent")
    choices: list[tuple[str, Any]] = [("", _("— not sure —"))]
    for category in rows:
        label = f"{category.parent.name} › {category.name}" if category.parent else category.name
        choices.append((category.code, label))
    return choices


class ReportForm(forms.Form):
    """A resident's report. Works without JavaScript: the map only fills `lat` and `lng`."""

    kind = forms.ChoiceField(label=_("What is it?"), choices=CaseKind.choices, initial="complaint")
    subject = forms.CharField(label=_("In a few words"), max_length=200)
    description = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    category = forms.ChoiceField(label=_("Category"), required=False, choices=())
    address = forms.CharField(label=_("Address or landmark"), required=False, max_length=300)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    photo = forms.FileField(label=_("Photo"), required=False)
    name = forms.CharField(label=_("Your name"), required=False, max_length=100)
    phone = forms.CharField(label=_("Your phone"), required=False, max_length=32)
    anonymous = forms.BooleanField(
        label=_("Submit anonymously (we keep no name or phone)"), required=False
    )
    confidential = forms.BooleanField(
        label=_("Confidential (the unit you complain about will not see who you are)"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()  # type: ignore[attr-defined]

    def clean_photo(self) -> Any:
        """Refuse a wrong file before the case is stored, so the receipt never disappoints."""
        photo = self.cleaned_data.get("photo")
        if not photo:
            return None
        head = photo.read(16)
        photo.seek(0)
        if sniff(head) is None or not sniff(head)[0].startswith("image/"):  # type: ignore[index]
            raise forms.ValidationError(_("Only photos (JPEG, PNG, GIF, WebP, HEIC)."))
        if photo.size > settings.CASE_ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(
                _("At most %d MB.") % (settings.CASE_ATTACHMENT_MAX_BYTES // 2**20)
            )
        return photo

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("lat") is None) != (data.get("lng") is None):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."))
        return data


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=20)
    secret = forms.CharField(label=_("Secret"), max_length=16)

    def clean_secret(self) -> str:
        """The secret without the spaces it is shown and read out with ("GUU2 JWMJ")."""
        return "".join(str(self.cleaned_data["secret"]).split())


RESOLVED_CHOICES = [("yes", _("Yes, it is solved")), ("no", _("No, not solved"))]


class RateForm(forms.Form):
    """The resident's verdict on the answer."""

    resolved = forms.ChoiceField(
        label=_("Was your problem solved?"), choices=RESOLVED_CHOICES, widget=forms.RadioSelect
    )
    satisfaction = forms.ChoiceField(
        label=_("How satisfied are you?"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class UnitNoteForm(NoteForm):
    unit = forms.CharField(label=_("Unit code"), max_length=64)


class TransferForm(ReasonForm):
    unit = forms.CharField(label=_("Unit code"), max_length=64)


class CohandleForm(forms.Form):
    unit = forms.CharField(label=_("Unit code"), max_length=64)
    part = forms.CharField(
        label=_("Their part"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PartDoneForm(forms.Form):
    assignment = forms.IntegerField(label=_("Part"), widget=forms.HiddenInput)
    result = forms.CharField(
        label=_("Result"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtendForm(ReasonForm):
    working_days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=60)


class DecideExtensionForm(NoteForm):
    extension = forms.IntegerField(label=_("Request"), widget=forms.HiddenInput)
    approve = forms.ChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve")), ("no", _("Deny"))],
        widget=forms.RadioSelect,
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Reply to the resident"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class StaffFollowUpForm(RateForm):
    """A follow-up call recorded by the centre."""


class MergeForm(NoteForm):
    into = forms.CharField(label=_("Tracking code of the main case"), max_length=20)


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need to see it?"), max_length=300)


class PhoneIntakeForm(forms.Form):
    """An operator takes a call: the caller's number first, then what and where.

    Works without JavaScript; the map only fills `lat` and `lng`, the hints are optional.
    """

    phone = forms.CharField(
        label=_("Caller's number"),
        required=False,
        max_length=32,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel", "autofocus": True}
        ),
    )
    name = forms.CharField(label=_("Caller's name"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("What is it?"), choices=CaseKind.choices, initial="complaint")
    subject = forms.CharField(label=_("In a few words"), max_length=200)
    description = forms.CharField(
        label=_("What the caller says"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    category = forms.ChoiceField(label=_("Category"), required=False, choices=())
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial="normal")
    address = forms.CharField(label=_("Address or landmark"), required=False, max_length=300)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    anonymous = forms.BooleanField(label=_("Anonymous (keep no name or number)"), required=False)
    confidential = forms.BooleanField(
        label=_("Confidential (hide the caller from the unit complained about)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()  # type: ignore[attr-defined]

    def clean_phone(self) -> str:
        phone = str(self.cleaned_data.get("phone") or "").strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError(_("Not a phone number."))
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("lat") is None) != (data.get("lng") is None):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."))
        return data


class QuickDispatchForm(forms.Form):
    """One click in the dispatch queue: the unit triage proposed."""

    unit = forms.CharField(label=_("Unit code"), max_length=64)
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


class QuickMergeForm(forms.Form):
    """One click in the dispatch queue: merge into a likely duplicate."""

    into = forms.CharField(label=_("Tracking code of the main case"), max_length=20)
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
