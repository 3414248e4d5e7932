"""The single declarative questionnaire definition and the validation of answer sets."""

from screening.questionnaire.definition import QUESTIONNAIRE
from screening.questionnaire.model import Code, Item, ItemType, Questionnaire, Section
from screening.questionnaire.validation import (
    AnswerError,
    Validated,
    age_on,
    canonical_json,
    load_json,
    parse_answer_json,
    parse_iso_date,
    validate_answer_set,
    validate_section,
)

__all__ = [
    "QUESTIONNAIRE",
    "AnswerError",
    "Code",
    "Item",
    "ItemType",
    "Questionnaire",
    "Section",
    "Validated",
    "age_on",
    "canonical_json",
    "load_json",
    "parse_answer_json",
    "parse_iso_date",
    "validate_answer_set",
    "validate_section",
]
