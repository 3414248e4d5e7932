"""Patient forms, generated from the one questionnaire definition: one import for the views.

The work is split by responsibility:

- `fields`: the form class of each step, built from the definition (field names are item ids);
- `form_data`: stored answers -> what the fields show when a step opens;
- `shaping`: posted strings -> canonical-typed answers (shape only; the service validates);
- `parsing`: reading typed numbers and dates;
- `units`: height and weight units and their conversions;
- `posted_names`: the names a step may post, and group entries added or removed without
  JavaScript.

This module re-exports their public names, so `from screening.patient.forms import ...` keeps
working for every caller.
"""

from __future__ import annotations

from screening.patient.fields import (
    AUTOCOMPLETE,
    BODY_MAP_GROUPS,
    MultiCheckboxField,
    StepForm,
    condition_attributes,
    field_errors_for_path,
    step_form_class,
)
from screening.patient.form_data import form_data_from_answers
from screening.patient.parsing import (
    DECIMAL_NUMBER,
    ISO_DATE,
    WHOLE_NUMBER,
    parse_date_typed,
    parse_number,
    parse_whole_number,
)
from screening.patient.posted_names import (
    ACTION_NAMES,
    MAX_GROUP_ENTRIES_POSTED,
    allowed_names,
    entry_position,
    formdata_without_entry,
    posted_positions,
    unknown_names,
)
from screening.patient.shaping import Shaped, shape_answers
from screening.patient.units import CM_PER_INCH, HEIGHT_UNITS, KG_PER_POUND, WEIGHT_UNITS

__all__ = [
    "ACTION_NAMES",
    "AUTOCOMPLETE",
    "BODY_MAP_GROUPS",
    "CM_PER_INCH",
    "DECIMAL_NUMBER",
    "HEIGHT_UNITS",
    "ISO_DATE",
    "KG_PER_POUND",
    "MAX_GROUP_ENTRIES_POSTED",
    "WEIGHT_UNITS",
    "WHOLE_NUMBER",
    "MultiCheckboxField",
    "Shaped",
    "StepForm",
    "allowed_names",
    "condition_attributes",
    "entry_position",
    "field_errors_for_path",
    "form_data_from_answers",
    "formdata_without_entry",
    "parse_date_typed",
    "parse_number",
    "parse_whole_number",
    "posted_positions",
    "shape_answers",
    "step_form_class",
    "unknown_names",
]
