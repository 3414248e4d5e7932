"""The admin pages name audit actions in words ("Signed in"); the stored codes stay for exports."""

from __future__ import annotations

import re

from screening.extensions import db
from screening.services import audit
from screening.staff.audit_labels import ACTION_LABELS, action_label
from tests.staff.helpers import make_user, sign_in


def test_every_recorded_action_and_every_neutral_name_has_its_own_words() -> None:
    codes = set(audit.ACTIONS) | set(audit.NEUTRAL_NAMES.values())
    assert codes - set(ACTION_LABELS) == set(), "give the new audit action words in audit_labels"
    assert set(ACTION_LABELS) - codes == set(), "words for an action the app no longer records"
    words = [str(label) for label in ACTION_LABELS.values()]
    assert len(set(words)) == len(words), "two actions read the same"
    assert all("_" not in word for word in words)


def test_an_action_without_words_is_shown_as_its_code() -> None:
    assert action_label("sign_in") == "Signed in"
    assert action_label("something_new") == "something_new"


def test_the_audit_page_and_its_filter_use_the_words(app, client) -> None:
    admin = make_user("admin")
    audit.record("sign_in", actor="dr@clinic.example", ip="127.0.0.1")
    audit.record("enable_two_factor", actor="dr@clinic.example")
    db.session.commit()
    sign_in(client, admin)
    html = client.get("/staff/audit").get_data(as_text=True)
    rows = html[html.index("<tbody>") :]
    assert ">Signed in<" in rows and ">Turned on two-step sign-in<" in rows
    assert ">sign_in<" not in rows and ">enable_two_factor<" not in rows
    # The filter lists words and still sends the code.
    assert re.search(r'<option value="enable_two_factor">Turned on two-step sign-in</option>', html)
    filtered = client.get("/staff/audit?action=enable_two_factor").get_data(as_text=True)
    filtered_rows = filtered[filtered.index("<tbody>") :]
    assert ">Turned on two-step sign-in<" in filtered_rows and ">Signed in<" not in filtered_rows


def test_the_users_page_names_account_changes_in_words(app, client) -> None:
    admin = make_user("admin")
    other = make_user("clinician")
    sign_in(client, admin)
    client.post(f"/staff/users/{other.id}/deactivate", data={"confirm": "yes"})
    html = client.get("/staff/users").get_data(as_text=True)
    changes = html[html.index("Recent account changes") :]
    assert ">Deactivated an account<" in changes and "deactivate_user" not in changes
