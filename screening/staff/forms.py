"""Staff forms: shape and plain validation only; the services decide everything else."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
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

from screening.forms_base import ClinicForm
from screening.models import RedFlagOutcome, StaffRole
from screening.questionnaire.text_input import (
    CONTROL_CHARACTERS_MESSAGE,
    has_control_characters,
    without_bidi_controls,
)
from screening.questionnaire.validation import MAX_AGE, MIN_AGE, age_on
from screening.services.invitations import (
    PATIENT_LANGUAGES,
    REISSUE_NOTE_MAX,
    REISSUE_REASONS,
    InvitationError,
    appointment_to_utc,
    check_appointment,
    clean_email,
    clean_phone,
)
from screening.services.screenings import clinic_zone
from screening.services.staff import NAME_MAX_LENGTH, PASSWORD_MAX_LENGTH, ROLE_LABELS


class StaffForm(ClinicForm):
    """A FlaskForm whose error messages are plain strings once validated.

    Messages are lazy (translated per request); the shared error-summary macro lists only
    plain strings, so they are resolved here, in the request's language.
    """

    def validate(self, extra_validators: Any = None) -> bool:
        self._strip_bidi_controls()
        valid = super().validate(extra_validators)
        valid = self._refuse_control_characters() and valid
        for form_field in self:
            form_field.errors = [
                str(error) if not isinstance(error, dict | list) else error
                for error in form_field.errors
            ]
        return valid

    def _strip_bidi_controls(self) -> None:
        """Names and notes keep exactly what was typed, minus direction overrides (which would
        make "RTL" print as "LTR"). Passwords are left as typed."""
        for form_field in self:
            if form_field.type in ("CSRFTokenField", "HiddenField", "PasswordField"):
                continue
            if isinstance(form_field.data, str):
                form_field.data = without_bidi_controls(form_field.data)

    def _refuse_control_characters(self) -> bool:
        """Every typed text field: control characters (NUL...) are refused with a message
        (PostgreSQL cannot store NUL, and such text is never typed on purpose)."""
        clean = True
        for form_field in self:
            if form_field.type in ("CSRFTokenField", "HiddenField"):
                continue
            data = form_field.data
            if isinstance(data, str) and has_control_characters(data):
                form_field.errors = [*form_field.errors, _l(CONTROL_CHARACTERS_MESSAGE)]
                clean = False
        return clean


def typed_length(text: str) -> int:
    """The length of a typed text as the person sees it (a line break counts once, though the
    browser sends it as two characters)."""
    return len(text.replace("\r\n", "\n").strip())


class TextLimit:
    """At most `limit` characters, refused with the count (as the patient's forms say it):
    "Please keep this to 2000 characters or fewer (it has 2126)."

    Unlike WTForms' Length it sets no `maxlength` flag: with that attribute a browser silently
    cuts a pasted note at the limit, mid-word, and sends what is left as if it were complete.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, form: Any, field: Any) -> None:
        count = typed_length(field.data or "")
        if count > self.limit:
            raise ValidationError(
                _l(
                    "Please keep this to %(max)d characters or fewer (it has %(count)d).",
                    max=self.limit,
                    count=count,
                )
            )


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


# What a confirmation page's "Yes" button posts as `confirm` (see screening.staff.confirm).
CONFIRMED = "yes"


class ConfirmForm(ActionForm):
    """A button one mis-tap should not act on (deactivate, a new temporary password, revoke a
    patient's link): posted without `confirm=yes` the view changes nothing and asks first."""

    confirm = HiddenField()

    @property
    def confirmed(self) -> bool:
        return self.confirm.data == CONFIRMED


class ReissueForm(StaffForm):
    """Reissuing a patient's link: why (recorded in the audit trail with who did it)."""

    reissue_reason = SelectField(
        _l("Why is a new link needed?"),
        choices=[SelectChoice(code, _l(label)) for code, label in REISSUE_REASONS.items()],
        # No default: a post that does not say why is refused (the browser sends the first
        # option, which the page shows as chosen).
        validators=[DataRequired(_l("Choose why the link is being reissued."))],
        validate_choice=False,
    )
    reissue_note = StringField(
        _l("Details (needed for another reason)"),
        validators=[TextLimit(REISSUE_NOTE_MAX)],
    )

    def validate_reissue_reason(self, field: SelectField) -> None:
        if field.data not in REISSUE_REASONS:
            raise ValidationError(_l("Choose why the link is being reissued."))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # "Another reason" needs the details: said beside them (the service refuses it too).
        if self.reissue_reason.data == "other" and not (self.reissue_note.data or "").strip():
            self.reissue_note.errors = [
                *self.reissue_note.errors,
                str(_l("Say why the link is being reissued.")),
            ]
            valid = False
        return valid


NOTE_MAX = 2000


class ReviewForm(StaffForm):
    note = TextAreaField(_l("Note (optional)"), validators=[TextLimit(NOTE_MAX)])


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

    def validate_appointment_date(self, field: DateField) -> None:
        _check_appointment(self, field)

    def validate_date_of_birth(self, field: DateField) -> None:
        _check_date_of_birth(field)


class EditInvitationForm(StaffForm):
    """What front desk may change on an invitation; the link and code stay the same. The
    name and date of birth are there to put a typing mistake right (the date of birth is what
    the link asks for), checked as on a new invitation."""

    first_name = InvitationForm.first_name
    last_name = InvitationForm.last_name
    date_of_birth = InvitationForm.date_of_birth
    appointment_date = InvitationForm.appointment_date
    appointment_time = InvitationForm.appointment_time
    clinician_id = InvitationForm.clinician_id
    phone = InvitationForm.phone
    email = InvitationForm.email
    locale = InvitationForm.locale
    # The appointment stored now, set by the view: it may have passed, and stays allowed
    # while it is not changed (a new phone number after the visit, say).
    stored_appointment_at: datetime | None = None
    # The date of birth stored now, set by the view: checked again only when corrected.
    stored_date_of_birth: date | None = None
    # What the page showed when it was opened (invitations.invitation_version): a save from a
    # page opened before a colleague's change is refused, not applied over it.
    loaded = HiddenField()

    def validate_phone(self, field: TelField) -> None:
        _check(clean_phone, field)

    def validate_email(self, field: EmailField) -> None:
        _check(clean_email, field)

    def validate_appointment_date(self, field: DateField) -> None:
        _check_appointment(self, field, unchanged=self.stored_appointment_at)

    def validate_date_of_birth(self, field: DateField) -> None:
        if field.data is not None and field.data == self.stored_date_of_birth:
            return
        _check_date_of_birth(field)


def _check_date_of_birth(field: DateField) -> None:
    """In the past, and an age the questionnaire takes today (its own limits): a patient
    invited with a date it refuses could never finish, since the date the clinic enters
    is the one the link asks for and the form starts from."""
    if not field.data:
        return
    if field.data >= date.today():
        raise ValidationError(_l("The date of birth must be in the past."))
    age = age_on(field.data, date.today())
    if not MIN_AGE <= age <= MAX_AGE:
        raise ValidationError(
            _l(
                "This date of birth makes the patient %(age)d. The questionnaire is for "
                "adults aged %(min)d to %(max)d: check the date of birth.",
                age=age,
                min=MIN_AGE,
                max=MAX_AGE,
            )
        )


@contextmanager
def _service_refusal_as_field_error() -> Iterator[None]:
    """An InvitationError raised inside becomes the field's error (its message as it is)."""
    try:
        yield
    except InvitationError as error:
        raise ValidationError(str(error)) from error


def _check(clean: Any, field: Any) -> None:
    """Run one of the invitation service's checks; its message becomes the field's error."""
    with _service_refusal_as_field_error():
        clean(field.data)


def _check_appointment(form: Any, field: DateField, *, unchanged: datetime | None = None) -> None:
    """The invitation service's appointment rule (still to come, within two years) on the
    date and time typed, in the clinic's time zone, so that staff see it with every other
    mistake on the form instead of only once the rest is right. Not for `unchanged`."""
    if not (field.data and form.appointment_time.data):
        return
    appointment_at = appointment_to_utc(field.data, form.appointment_time.data, clinic_zone())
    if appointment_at == unchanged:
        return
    with _service_refusal_as_field_error():
        check_appointment(appointment_at, datetime.now(UTC))


class ChangePasswordForm(StaffForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[
            DataRequired(_l("Enter your current password.")),
            Length(max=PASSWORD_MAX_LENGTH),
        ],
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Enter a new password.")),
            Length(max=PASSWORD_MAX_LENGTH, message=_l("The password is too long.")),
        ],
    )
    repeat_password = PasswordField(
        _l("New password again"),
        validators=[DataRequired(_l("Type the new password a second time."))],
    )


class SecondStepForm(StaffForm):
    """Sign-in's second step: a code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Enter the code.")), Length(max=20)],
    )


class TwoFactorSetupForm(StaffForm):
    code = StringField(
        _l("Code from the app"),
        validators=[DataRequired(_l("Enter the 6-digit code the app shows.")), Length(max=20)],
    )


class PasswordConfirmForm(StaffForm):
    """Confirms a change to two-factor sign-in with the account's password."""

    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX_LENGTH)],
    )


class NewUserForm(StaffForm):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter an email address.")),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter a valid email address.")),
            Length(max=254),
        ],
    )
    display_name = StringField(
        _l("Name shown to colleagues"), validators=[Length(max=NAME_MAX_LENGTH)]
    )
    # The least privileged role first and chosen by default (issue 16); the owner sets their
    # own password: the admin gets a temporary one to hand over, changed at first sign-in.
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice(str(key), _l(ROLE_LABELS[key]))
            for key in (StaffRole.FRONT_DESK, StaffRole.CLINICIAN, StaffRole.ADMIN)
        ],
        default=StaffRole.FRONT_DESK.value,
    )


class DeactivateForm(ConfirmForm):
    """Deactivate a colleague, asked first; for a clinician, who takes over the open
    invitations naming them ("keep": nobody, they stay as they are)."""

    hand_over_to = StringField()


class ChangeRoleForm(ConfirmForm):
    """A colleague's new role (a row of the Users page), asked first like Deactivate.

    A role that is not one of these (a tampered post) does not validate: the view answers 400.
    """

    role = SelectField(
        _l("New role"),
        choices=[
            SelectChoice(str(key), _l(ROLE_LABELS[key]))
            for key in (StaffRole.FRONT_DESK, StaffRole.CLINICIAN, StaffRole.ADMIN)
        ],
        validators=[DataRequired()],
    )
    # The role the confirmation described as "Role now": its Yes acts only while it still is.
    from_role = HiddenField()
    # A clinician given another role: who takes over the open invitations naming them ("keep":
    # nobody, they stay as they are), chosen on the confirmation.
    hand_over_to = StringField()


def plausible_filter_date(form: StaffForm, field: DateField) -> None:
    """A date filter from 1900 to 2199: a date picker can send 9999-12-31, whose next day
    (the end of a day range) is past the end of Python's calendar."""
    if field.data and not 1900 <= field.data.year <= 2199:
        raise ValidationError(_l("Enter a date from the year 1900 to 2199."))


class QueueFilterForm(StaffForm):
    """The queue's filters: a GET form, so no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name"), validators=[Optional(), Length(max=210)])
    status = SelectField(_l("Status"), validators=[Optional()])
    triage = SelectField(_l("Triage"), validators=[Optional()])
    clinician = SelectField(_l("Clinician"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional(), plausible_filter_date])
    date_to = DateField(_l("To"), validators=[Optional(), plausible_filter_date])

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
    date_from = DateField(_l("From"), validators=[Optional(), plausible_filter_date])
    date_to = DateField(_l("To"), validators=[Optional(), plausible_filter_date])

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must be on or after the start date."))


# redflag: what a clinician did about a screening's red flags.
class RedFlagActionForm(StaffForm):
    # The level the page showed: a record is only taken for the level the clinician saw.
    seen_level = HiddenField()
    outcome = RadioField(
        _l("What was done"),
        choices=[],  # filled from red_flags.OUTCOME_LABELS by the view
        validators=[DataRequired(message=_l("Choose what was done."))],
    )
    # Not "note": the review form on the same page has one (ids must be unique).
    action_note = TextAreaField(_l("What happened"), validators=[TextLimit(NOTE_MAX)])

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # "Other" needs the note: said beside the note, where the error summary links (the
        # service refuses it too, for any other caller).
        if (
            self.outcome.data == RedFlagOutcome.OTHER.value
            and not (self.action_note.data or "").strip()
        ):
            self.action_note.errors = [
                *self.action_note.errors,
                str(_l("Say in the note what was done.")),
            ]
            valid = False
        return valid
