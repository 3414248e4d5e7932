"""What each audit action is called on the staff pages: "Signed in", not `sign_in`.

The audit trail stores short codes (screening.services.audit.ACTIONS), and `screening audit`
prints them, since scripts and investigators filter on them. People reading the admin pages
get words instead. An action without words here is shown as its code, so a new
action is never hidden; tests/staff/test_audit_labels.py fails until it has its words.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "sign_in": _l("Signed in"),
    "sign_in_failed": _l("Sign-in refused"),
    "sign_in_second_step_failed": _l("Sign-in refused at the two-step code"),
    "sign_out": _l("Signed out"),
    "access_refused": _l("Refused: not allowed for this role"),
    "fhir_token_throttled": _l("FHIR API: too many refused tokens, address held"),
    "change_password": _l("Changed own password"),
    "reset_password": _l("Gave a temporary password"),
    "temporary_password_expired": _l("Temporary password too old, refused"),
    "enable_two_factor": _l("Turned on two-step sign-in"),
    "disable_two_factor": _l("Turned off two-step sign-in"),
    "new_recovery_codes": _l("Made new recovery codes"),
    "create_user": _l("Created an account"),
    "deactivate_user": _l("Deactivated an account"),
    "reactivate_user": _l("Reactivated an account"),
    "change_role": _l("Gave an account another role"),
    "hand_over_invitation": _l("Gave an open invitation to another clinician"),
    "view_queue": _l("Opened the queue"),
    "view_screening": _l("Opened a summary"),
    "download_pdf": _l("Downloaded a summary PDF"),
    "rerender_summary": _l("Made a summary PDF again"),
    "review": _l("Marked as reviewed"),
    "acknowledge_flags": _l("Acknowledged red flags"),
    "create_invitation": _l("Created an invitation"),
    "edit_invitation": _l("Changed an invitation"),
    "view_invitation_edit": _l("Opened an invitation to change it"),
    "revoke_invitation": _l("Cancelled an invitation"),
    "reissue_invitation": _l("Gave a patient a new link"),
    "view_invitation_letter": _l("Opened an invitation letter"),
    "email_invitation": _l("Emailed an invitation"),
    "send_reminder": _l("Sent a reminder"),
    "stop_reminders": _l("Patient stopped reminders"),
    "open_patient_link": _l("Patient opened their link"),
    "patient_date_of_birth_refused": _l("Date of birth did not match at a patient link"),
    "patient_acknowledged_warning": _l("Patient confirmed they read the warning"),
    "export": _l("Exported answers"),
    "export_audit": _l("Exported the audit trail"),
    "purge": _l("Deleted old unsent screenings"),
    "fhir_read": _l("EHR read through the FHIR API"),
    "create_api_token": _l("Created an API token"),
    "revoke_api_token": _l("Revoked an API token"),
    "view_audit": _l("Opened the audit trail"),
    # The names non-clinicians read instead of clinical ones (audit.NEUTRAL_NAMES).
    "clinical_action": _l("Clinical action"),
    "patient_activity": _l("Patient activity"),
}


def action_label(code: str) -> str:
    """The words for an audit action code (the code itself when it has none)."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code
