"""Asking before an action one mis-tap should not take, without JavaScript.

The page's button (Deactivate, New temporary password, Revoke link) posts as it always did;
its view checks the role, then every refusal, and when the post does not carry
`confirm=yes` (`ConfirmForm.confirmed`) it changes nothing, writes no audit row and answers
with this page instead: what will happen, to whom (the colleague's name and email, the
patient's name and date of birth), a "Yes, ..." button that posts the same action again with
`confirm=yes`, the CSRF token and any choice the first post made, and Cancel back to the page
the button was on.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template


@dataclass(frozen=True)
class ConfirmationChoice:
    """A choice the "Yes" button posts with it (who takes over a colleague's patients): a
    labelled select, its first option chosen until the admin picks another."""

    name: str
    label: str
    options: tuple[tuple[str, str], ...]  # (value, words)


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page says and where its two ways out lead."""

    title: str  # the browser tab's title: no name in it (it stays in the history)
    question: str  # the page's heading, naming who the action is for
    consequence: str  # what happens, in plain words
    yes: str  # the button that acts: "Yes, deactivate"
    action: str  # the address the button posts to (the same as the first post's)
    cancel: str  # back to the page the button was on
    facts: tuple[tuple[str, str], ...] = ()  # more to tell the person or patient apart
    danger: bool = True  # the button in the danger colour (it takes something away)
    # What the "Yes" button posts besides the token and confirm=yes: what the first post
    # chose (a role), so the action acts on exactly what was confirmed.
    fields: tuple[tuple[str, str], ...] = ()
    choice: ConfirmationChoice | None = None


def confirmation_page(confirmation: Confirmation) -> str:
    """The page (status 200; every staff page is already sent `Cache-Control: no-store`)."""
    return render_template("staff/confirm.html", confirmation=confirmation)
