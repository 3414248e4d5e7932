"""Staff forms: shape and plain validation only; the services decide everything else."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from screening.services.invitations import (
    PATIENT_LANGUAGES,
    InvitationError,
    clean_email,
    clean_phone,
)
from screening.services.staff import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, ROLE_LABELS


class StaffForm(FlaskForm):
    """A FlaskForm whose error messages are plain strings once validated.

    Messages are lazy (translated per request); the shared error-summary macro lists only
    plain strings, so they are resolved here, in the request's language.
    """

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for form_field in self:
            form_field.errors = [
                str(error) if not isinstance(error, dict | list) else error
                for error in form_field.errors
            ]
        return valid


class SignInForm(StaffForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(_l("Enter your email.")), Length(max=254)]
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX_LENGTH)],
    )
    next = HiddenField()


class ActionForm(StaffForm):
    """A button that changes something (sign out, revoke, reissue): only the CSRF token."""


class ReviewForm(StaffForm):
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Keep the note under 2,000 characters.")),
        ],
    )


class InvitationForm(StaffForm):
    first_name = StringField(
        _l("First name"),
        validators=[DataRequired(_l("Enter the patient's first name.")), Length(max=100)],
    )
    last_name = StringField(
        _l("Last name"),
        validators=[DataRequired(_l("Enter the patient's last name.")), Length(max=100)],
    )
    date_of_birth = DateField(
        _l("Date of birth"),
        validators=[DataRequired(_l("Enter the date of birth as a full date."))],
    )
    appointment_date = DateField(
        _l("Appointment date"),
        validators=[DataRequired(_l("Enter the appointment date."))],
    )
    appointment_time = TimeField(
        _l("Appointment time"),
        validators=[DataRequired(_l("Enter the appointment time, for example 09:30."))],
    )
    clinician_id = SelectField(
        _l("Clinician"),
        coerce=int,
        validators=[DataRequired(_l("Choose the clinician the patient will see."))],
    )
    # Contact and language (issue 13); checked by the invitation service's own rules, the
    # same as questionnaire version 2's phone and email items.
    phone = TelField(_l("Phone"), validators=[Length(max=20)])
    email = EmailField(_l("Email (optional)"), validators=[Optional(), Length(max=254)])
    locale = SelectField(
        _l("Language for the patient"),
        choices=[SelectChoice(code, name) for code, name in PATIENT_LANGUAGES],
        default="en",
    )
    # Set once staff have seen "already invited?" and still want a second invitation.
    confirm_duplicate = HiddenField()

    def validate_phone(self, field: TelField) -> None:
        _check(clean_phone, field)

    def validate_email(self, field: EmailField) -> None:
        _check(clean_email, field)

    def validate_date_of_birth(self, field: DateField) -> None:
        if field.data and field.data >= date.today():
            raise ValidationError(_l("The date of birth must be in the past."))
        if field.data and field.data.year < 1900:
            raise ValidationError(_l("Check the year of birth."))


class EditInvitationForm(StaffForm):
    """What front desk may change on an invitation; the link and code stay the same."""

    appointment_date = InvitationForm.appointment_date
    appointment_time = InvitationForm.appointment_time
    clinician_id = InvitationForm.clinician_id
    phone = InvitationForm.phone
    email = InvitationForm.email
    locale = InvitationForm.locale

    def validate_phone(self, field: TelField) -> None:
        _check(clean_phone, field)

    def validate_email(self, field: EmailField) -> None:
        _check(clean_email, field)


def _check(clean: Any, field: Any) -> None:
    """Run one of the invitation service's checks; its message becomes the field's error."""
    try:
        clean(field.data)
    except InvitationError as error:
        raise ValidationError(str(error)) from error


class NewUserForm(StaffForm):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter an email address.")),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter a valid email address.")),
            Length(max=254),
        ],
    )
    display_name = StringField(_l("Name shown to colleagues"), validators=[Length(max=120)])
    role = SelectField(
        _l("Role"), choices=[SelectChoice(str(key), label) for key, label in ROLE_LABELS.items()]
    )
    password = PasswordField(
        _l("Initial password"),
        validators=[
            DataRequired(_l("Enter an initial password.")),
            Length(
                min=PASSWORD_MIN_LENGTH,
                max=PASSWORD_MAX_LENGTH,
                message=_l("The password must be at least 12 characters long."),
            ),
        ],
    )


class QueueFilterForm(StaffForm):
    """The queue's filters: a GET form, so no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name"), validators=[Optional(), Length(max=210)])
    status = SelectField(_l("Status"), validators=[Optional()])
    triage = SelectField(_l("Triage"), validators=[Optional()])
    clinician = SelectField(_l("Clinician"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must be on or after the start date."))


class AuditFilterForm(StaffForm):
    """The audit page's filters (GET, no CSRF)."""

    class Meta:
        csrf = False

    actor = StringField(_l("Who (email)"), validators=[Optional(), Length(max=254)])
    action = SelectField(_l("Action"), validators=[Optional()])
    screening = StringField(_l("Screening id"), validators=[Optional(), Length(max=32)])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])


# redflag: what a clinician did about a screening's red flags.
class RedFlagActionForm(StaffForm):
    outcome = RadioField(
        _l("What was done"),
        choices=[],  # filled from red_flags.OUTCOME_LABELS by the view
        validators=[DataRequired(message=_l("Choose what was done."))],
    )
    # Not "note": the review form on the same page has one (ids must be unique).
    action_note = TextAreaField(
        _l("What happened"),
        validators=[
            Optional(),
            Length(max=2000, message=_l("Keep the note under 2,000 characters.")),
        ],
    )
