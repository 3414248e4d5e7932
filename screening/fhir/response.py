"""A canonical answer set <-> a `QuestionnaireResponse`, in both directions.

Writing: answers are grouped like the Questionnaire (one group per section), the surgeries group
repeats once per entry, and an empty multi answer (`[]`) is simply absent.

Reading (`screening evaluate` and `screening pdf` accept a response from any FHIR client): the
response's structure is checked against the definition here, each problem naming the linkId
(unknown linkIds, a value of the wrong type, a code not in the list, two answers to a question
that takes one, a question given twice or in another section's group, questions inside an
answer), then against FHIR R4 itself (fhir.resources' R4B model: a date that is no
date, an unknown element), and the answers it yields then go through the web form's own
validator, which checks limits, requirements and "applies when". Two readings keep the result
identical to the canonical set: a number answered as a listed code becomes the number again,
and a multi question left empty in a completed response is `[]` when it applies (the web form
stores unticked boxes that way).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from screening.fhir.naming import Canonical, fhir_id
from screening.fhir.questionnaire import is_coded, typed_value
from screening.questionnaire.model import N_, Item, ItemType, Questionnaire
from screening.questionnaire.validation import AnswerError

T = ItemType
READABLE_STATUSES = ("completed", "amended")


def _answers(item: Item, value: Any, canonical: Canonical) -> list[dict[str, Any]]:
    values = value if item.type is T.MULTI else [value]
    answers = []
    for one in values:
        suffix, fhir_value = typed_value(item, one, canonical)
        answers.append({f"value{suffix}": fhir_value})
    return answers


def _response_items(
    items: tuple[Item, ...], answers: Mapping[str, Any], canonical: Canonical
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        value = answers.get(item.id)
        if value is None or value == []:
            continue
        if item.type is T.GROUP:
            for entry in value:
                children = _response_items(item.items, entry, canonical)
                out.append({"linkId": item.id, "text": item.question, "item": children})
            continue
        out.append(
            {"linkId": item.id, "text": item.question, "answer": _answers(item, value, canonical)}
        )
    return out


def build_questionnaire_response(
    answers: Mapping[str, Any],
    questionnaire: Questionnaire,
    canonical: Canonical,
    *,
    version: str | None = None,
    resource_id: str | None = None,
    patient_id: str | None = None,
    authored: str | None = None,
    last_updated: str | None = None,
) -> dict[str, Any]:
    """A completed QuestionnaireResponse holding `answers` (a validated canonical answer set).

    `version` is the questionnaire version the answers were given under (default: the
    definition's). With `resource_id`, `patient_id`, `authored` (ISO 8601) it is a stored
    screening's response; without, a stand-alone one (tests, round trips).
    """
    resource: dict[str, Any] = {"resourceType": "QuestionnaireResponse"}
    if resource_id:
        resource["id"] = fhir_id(resource_id)
    if last_updated:
        resource["meta"] = {"lastUpdated": last_updated}
    resource["questionnaire"] = canonical.questionnaire_reference(version or questionnaire.version)
    resource["status"] = "completed"
    if patient_id:
        resource["subject"] = {"reference": f"Patient/{fhir_id(patient_id)}"}
    if authored:
        resource["authored"] = authored
    groups = []
    for section in questionnaire.sections:
        children = _response_items(section.items, answers, canonical)
        if children:
            groups.append({"linkId": section.id, "text": section.title, "item": children})
    resource["item"] = groups
    return resource


# -- reading ---------------------------------------------------------------------------------


@dataclass
class ImportedAnswers:
    """What a QuestionnaireResponse says, as a raw answer set for the validator, and problems."""

    answers: dict[str, Any] = field(default_factory=dict)
    errors: list[AnswerError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def is_fhir_resource(document: Any) -> bool:
    """A JSON document that says it is a FHIR resource (detected by `resourceType`)."""
    return isinstance(document, dict) and "resourceType" in document


class _Reader:
    def __init__(self, questionnaire: Questionnaire, canonical: Canonical) -> None:
        self.questionnaire = questionnaire
        self.canonical = canonical
        self.errors: list[AnswerError] = []
        self.sections = {section.id: section for section in questionnaire.sections}
        # The questions met so far in each answer set read (the whole response, or one
        # surgery entry), answered or not: a question given twice is refused even when its
        # first copy holds no answer.
        self._seen: dict[int, set[str]] = {}
        # While an entry of a repeating group is read, the group and the entry's index: a
        # problem with one operation's year names that operation ("surgeries[1].year"), as
        # the answer-set validator does.
        self._entry: tuple[str, int] | None = None

    def error(self, link_id: str | None, template: str, **params: Any) -> None:
        """A problem with `link_id`; inside a group entry, with the entry's question
        `link_id` (None: the entry itself)."""
        if self._entry is None:
            self.errors.append(AnswerError(link_id or "", template, params))
        else:
            group, index = self._entry
            self.errors.append(AnswerError(group, template, params, index=index, sub_id=link_id))

    def read_top(self, items: Any) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        top_items = {item.id: item for item in self.questionnaire.items}
        section_of = {
            item.id: section.id for section in self.questionnaire.sections for item in section.items
        }
        seen_sections: set[str] = set()
        for node in self._nodes(items, "item"):
            link_id = node["linkId"]
            if link_id in self.sections:
                # A section group: its questions belong to the one flat answer set, and to
                # this section (the response follows the Questionnaire's hierarchy).
                if link_id in seen_sections:
                    self.error(link_id, N_("This section appears twice; give it once."))
                    continue
                seen_sections.add(link_id)
                if "answer" in node:
                    self.error(link_id, N_("A group holds questions, not answers."))
                own = {item.id: item for item in self.sections[link_id].items}
                for child in self._nodes(node.get("item", []), link_id):
                    elsewhere = section_of.get(child["linkId"])
                    if child["linkId"] not in own and elsewhere is not None:
                        self.error(
                            child["linkId"],
                            N_("This question belongs in section %(section)s, not %(here)s."),
                            section=elsewhere,
                            here=link_id,
                        )
                        continue
                    self._read_into(answers, child, own)
            else:
                # Accept a flat response too (questions not wrapped in section groups).
                self._read_into(answers, node, top_items)
        return answers

    def _nodes(self, items: Any, where: str | None) -> list[dict[str, Any]]:
        if not isinstance(items, list):
            self.error(where, N_("`item` must be a list."))
            return []
        nodes = []
        for node in items:
            if not isinstance(node, dict) or not isinstance(node.get("linkId"), str):
                self.error(where, N_("Every item needs a linkId."))
                continue
            nodes.append(node)
        return nodes

    def _read_into(self, answers: dict[str, Any], node: dict[str, Any], known: dict) -> None:
        link_id = node["linkId"]
        item = known.get(link_id)
        if item is None:
            self.error(link_id, N_("Unknown linkId: it is not a question of this questionnaire."))
            return
        if item.type is T.GROUP:
            if "answer" in node:
                self.error(link_id, N_("A group holds questions, not answers."))
                return
            entry: dict[str, Any] = {}
            inner = {sub.id: sub for sub in item.items}
            self._entry = (link_id, len(answers.get(link_id, [])))
            try:
                for child in self._nodes(node.get("item", []), None):
                    self._read_into(entry, child, inner)
            finally:
                self._entry = None
            answers.setdefault(link_id, []).append(entry)
            return
        seen = self._seen.setdefault(id(answers), set())
        if link_id in seen or link_id in answers:
            self.error(link_id, N_("This question appears twice; give it once."))
            return
        seen.add(link_id)
        if "item" in node:
            self.error(link_id, N_("This question has no sub-questions."))
            return
        raw_answers = node.get("answer", [])
        if not isinstance(raw_answers, list):
            self.error(link_id, N_("`answer` must be a list."))
            return
        if not raw_answers:
            return
        if item.type is not T.MULTI and len(raw_answers) > 1:
            self.error(
                link_id,
                N_("This question takes one answer, not %(count)d."),
                count=len(raw_answers),
            )
            return
        values = []
        for raw in raw_answers:
            value = self._value(item, raw)
            if value is _INVALID:
                return
            values.append(value)
        answers[link_id] = values if item.type is T.MULTI else values[0]

    def _value(self, item: Item, answer: Any) -> Any:
        expected = "value" + typed_value_suffix(item)
        if isinstance(answer, dict) and "item" in answer:
            # FHIR allows questions under an answer; this questionnaire has none, so what is
            # there would be lost without a word.
            self.error(
                item.id,
                N_(
                    "This answer holds questions (`item`); this questionnaire has none inside "
                    "an answer. Give each question at its own place."
                ),
            )
            return _INVALID
        given = (
            [key for key in answer if key.startswith("value")] if isinstance(answer, dict) else []
        )
        if given != [expected]:
            self.error(
                item.id,
                N_("Wrong answer type %(given)s: this question takes %(expected)s."),
                given=", ".join(given) or "none",
                expected=expected,
            )
            return _INVALID
        value = answer[expected]
        if is_coded(item):
            return self._code(item, value)
        return value

    def _code(self, item: Item, value: Any) -> Any:
        system = self.canonical.code_system(item.id)
        if not isinstance(value, dict) or not isinstance(value.get("code"), str):
            self.error(item.id, N_("A coded answer needs a code."))
            return _INVALID
        if value.get("system") not in (None, system):
            self.error(
                item.id,
                N_("Code system %(given)s is not this question's (%(system)s)."),
                given=value.get("system"),
                system=system,
            )
            return _INVALID
        by_code = {str(code.value): code.value for code in item.codes}
        if value["code"] not in by_code:
            self.error(
                item.id,
                N_("Code %(code)s is not an option here. Choose from: %(codes)s."),
                code=repr(value["code"]),
                codes=", ".join(by_code),
            )
            return _INVALID
        return by_code[value["code"]]


_INVALID = object()


def typed_value_suffix(item: Item) -> str:
    """The `value[x]` type suffix the definition expects for `item` (e.g. "Coding")."""
    sample = item.codes[0].value if item.codes else None
    return typed_value(item, sample, Canonical("urn:check"))[0]


def _empty_multis_as_none_chosen(answers: dict[str, Any], questionnaire: Questionnaire) -> None:
    for item in questionnaire.items:
        if item.type is T.MULTI and item.id not in answers and item.applies(answers):
            answers[item.id] = []


def _place_at(
    document: dict[str, Any], location: tuple[Any, ...], groups: frozenset[str]
) -> tuple[str, int | None, str | None] | None:
    """Where a pydantic error's `loc` points, as an AnswerError names it: the linkId of the
    innermost item on that path, or, inside an entry of one of the repeating `groups`, the
    group, the entry's index (its place among the group's items in the same list, as the
    reader counts them) and the entry's question (None: the entry itself)."""
    node: Any = document
    place: tuple[str, int | None, str | None] | None = None
    for step in location:
        siblings = node
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        if not (isinstance(node, dict) and isinstance(node.get("linkId"), str)):
            continue
        link_id = node["linkId"]
        if link_id in groups and isinstance(step, int):
            earlier = [
                sibling
                for sibling in siblings[:step]
                if isinstance(sibling, dict) and sibling.get("linkId") == link_id
            ]
            place = (link_id, len(earlier), None)
        elif place is not None and place[1] is not None:
            place = (place[0], place[1], link_id)
        else:
            place = (link_id, None, None)
    return place


def r4_problems(
    document: dict[str, Any], groups: frozenset[str] = frozenset()
) -> list[AnswerError]:
    """What the FHIR R4 structure rules (fhir.resources' R4B model) reject, by linkId (inside
    an entry of one of the repeating `groups`, by the entry's place: "surgeries[1].year")."""
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
    from pydantic import ValidationError

    try:
        QuestionnaireResponse.model_validate(document)
    except RecursionError:
        # Nested deeper than the model can follow (answers inside answers, extensions inside
        # extensions): no real response is.
        return [
            AnswerError(
                "QuestionnaireResponse",
                N_("The response is nested too deeply to read; no questionnaire needs that."),
                {},
            )
        ]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            location = tuple(error["loc"])
            where = ".".join(str(step) for step in location)
            # One line per problem: pydantic's message may quote a pattern holding line breaks.
            problem = " ".join(str(error["msg"]).split())
            item_id, index, sub_id = _place_at(document, location, groups) or (
                "QuestionnaireResponse",
                None,
                None,
            )
            problems.append(
                AnswerError(
                    item_id,
                    N_("Not valid FHIR R4 at %(where)s: %(problem)s"),
                    {"where": where, "problem": problem},
                    index=index,
                    sub_id=sub_id,
                )
            )
        return problems
    return []


def read_questionnaire_response(
    document: Any, questionnaire: Questionnaire, canonical: Canonical
) -> ImportedAnswers:
    """Read a QuestionnaireResponse (parsed JSON) into a raw answer set, naming each problem.

    The answers still need `validate_answer_set` (limits, requirements, "applies when").
    """
    reader = _Reader(questionnaire, canonical)
    if not isinstance(document, dict) or document.get("resourceType") != "QuestionnaireResponse":
        kind = document.get("resourceType") if isinstance(document, dict) else None
        reader.error(
            "resourceType",
            N_("Only a QuestionnaireResponse can be read here, not %(kind)s."),
            kind=json.dumps(kind),
        )
        return ImportedAnswers({}, reader.errors)
    reference = document.get("questionnaire")
    if reference is not None and (
        not isinstance(reference, str) or reference.split("|")[0] != canonical.questionnaire_url
    ):
        reader.error(
            "questionnaire",
            N_("This response answers another questionnaire (%(given)s), not %(ours)s."),
            given=str(reference),
            ours=canonical.questionnaire_url,
        )
    status = document.get("status")
    if status not in READABLE_STATUSES:
        reader.error(
            "status",
            N_("Only a completed response can be evaluated (its status is %(status)s)."),
            status=json.dumps(status),
        )
    answers = reader.read_top(document.get("item", []))
    # Every problem at once: FHIR R4's own, except where the reader already named the item.
    named = {error.path for error in reader.errors}
    groups = frozenset(item.id for item in questionnaire.items if item.type is T.GROUP)
    errors = reader.errors + [e for e in r4_problems(document, groups) if e.path not in named]
    _empty_multis_as_none_chosen(answers, questionnaire)
    return ImportedAnswers(answers, errors)
