"""Which step page a save comes from, so a page left behind in the browser's history cannot
save older answers over newer ones.

A browser keeps what was typed into a page. A patient who saved a step with a mistake, fixed
it, went on, and then pressed Back twice is shown the first page again, filled in with the
mistake, and Save would store it over the fix without a word. The same happens with two
tabs, or a phone and a tablet, open on one step.

So every step page carries a random id (`page`) and the step's version when it was shown
(`loaded`): a digest of the step's stored answers and of the page that last saved it. A save
from it is refused when the step has changed since, unless this same page made the change: a
page the browser brings back exactly as the patient left it after saving from it (Back once)
is still theirs to change. The id of the page that last saved each step is kept in that step's
draft, under `PAGE_KEY`. It is part of the version because answers can come back to what they
were (Jordan, then Jordx, then Jordan again): the version still moves on, so the page that
showed the first Jordan, and was typed over with Jordx, stays out of date.

A post without the two fields (a script of our own tests, a page from before this rule) is
not checked. The rule protects patients from their browser's history, not from a client
that leaves the fields out: such a client can only change its own patient's answers.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screening.questionnaire import Section, canonical_json

PAGE_KEY = "page"
# secrets.token_urlsafe(9): 12 URL-safe characters, 72 random bits. Anything else posted as
# a page id is not one of ours and is never stored.
PAGE_ID_SHAPE = re.compile(r"[A-Za-z0-9_-]{12}")
DIGEST_SHAPE = re.compile(r"[0-9a-f]{16}")


class StepChanged(Exception):
    """The step was saved after the page was shown, and not from that page."""


@dataclass(frozen=True)
class PageSeen:
    """The step page a save comes from: its id, and the step's version it showed."""

    page: str
    loaded: str

    @classmethod
    def posted(cls, page: str | None, loaded: str | None) -> PageSeen | None:
        """The page the posted fields name, or None when they are missing or not ours."""
        if page and loaded and PAGE_ID_SHAPE.fullmatch(page) and DIGEST_SHAPE.fullmatch(loaded):
            return cls(page, loaded)
        return None


def new_page_id() -> str:
    return secrets.token_urlsafe(9)


def step_version(
    section: Section, answers: Mapping[str, Any], step_draft: Mapping[str, Any] | None
) -> str:
    """The step as stored, in 16 hex digits: its own answers (other steps' do not count) and
    the page that last saved it (see the module's note)."""
    own = {item_id: answers[item_id] for item_id in section.item_ids if item_id in answers}
    saved_by = str((step_draft or {}).get(PAGE_KEY) or "")
    return hashlib.sha256(f"{canonical_json(own)}|{saved_by}".encode()).hexdigest()[:16]


def address_key(secret: str | bytes, public_id: str, section_id: str, loaded: str) -> str:
    """The part of a step form's address that changes when the step does (its version).

    Chromium (and WebKit, whose form restoring it shares) fills a page it fetches again for
    a history entry (Back, Forward, a phone bringing a discarded tab back) with what was
    typed into that entry, but only when the form posts to the same address as before. With
    this in the address, typing not yet saved comes back for as long as the step is as the
    page showed it, and a page shown before the step was last saved (Back twice, to a first
    attempt since fixed, even when the fix put the answers back as they were) shows the
    answers stored now instead. Keyed with the app's secret: a step of yes-or-no answers
    saved without a page id (a script) has few versions, and addresses reach access logs.
    """
    key = secret.encode() if isinstance(secret, str) else secret
    message = f"{public_id}:{section_id}:{loaded}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:16]


def out_of_date(
    seen: PageSeen,
    section: Section,
    answers: Mapping[str, Any],
    step_draft: Mapping[str, Any] | None,
) -> bool:
    """Whether a save from the page `seen` would store over answers it never showed."""
    if seen.loaded == step_version(section, answers, step_draft):
        return False
    return (step_draft or {}).get(PAGE_KEY) != seen.page
