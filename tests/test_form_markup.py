"""The hand-written choice markup is exactly what the WTForms widgets write."""

from __future__ import annotations

from flask import Flask, render_template_string
from wtforms import SelectChoice

from screening.patient.forms import step_form_class


def _widget_markup(option: object, invalid: bool) -> str:
    return render_template_string(
        '<div class="choice">\n  {{ option(**attrs) }}\n  {{ option.label() }}\n</div>',
        option=option,
        attrs={"aria-invalid": "true"} if invalid else {},
    )


def test_every_choice_of_every_step_matches_the_widgets(app: Flask) -> None:
    """choices_markup writes each option exactly as WTForms' option widget and label do, one
    chosen and the rest not, with and without an error."""
    from screening.form_markup import choices_markup

    groups = 0
    with app.test_request_context("/"):
        for section_id in ("about", "surgery", "symptoms", "warning_signs", "wellbeing"):
            form = step_form_class(section_id)(meta={"csrf": False})
            for field in form:
                if field.type not in ("RadioField", "MultiCheckboxField"):
                    continue
                # One option chosen, as after a save.
                first = next(iter(field.iter_choices()))
                field.data = [first.value] if field.type == "MultiCheckboxField" else first.value
                for invalid in (False, True):
                    widgets = "\n    ".join(_widget_markup(option, invalid) for option in field)
                    assert str(choices_markup(field, invalid)) == widgets
                groups += 1
    assert groups > 10


def test_labels_and_values_are_escaped(app: Flask) -> None:
    from screening.form_markup import choices_markup

    with app.test_request_context("/"):
        form = step_form_class("about")(meta={"csrf": False})
        form.sex.choices = [SelectChoice('"x"><b>', '<b>"x"</b>')]
        html = str(choices_markup(form.sex))
        assert "<b>" not in html and "&lt;b&gt;" in html and 'value="&#34;x&#34;&gt;' in html


def test_a_field_ties_its_label_hint_and_error_to_the_input(app: Flask) -> None:
    from screening.form_markup import field_markup

    with app.test_request_context("/"):
        form = step_form_class("about")(meta={"csrf": False})
        form.first_name.errors = ["Enter your first name."]
        html = str(field_markup(form.first_name, hint="As on your ID.", optional=True))
        assert '<label class="field-label" for="first_name">' in html
        assert 'id="first_name-hint">As on your ID.</p>' in html
        assert 'id="first_name-error">' in html and "Enter your first name." in html
        assert 'aria-describedby="first_name-hint first_name-error"' in html
        assert 'aria-invalid="true"' in html and "(optional)" in html

        form.sex.errors = ["Choose one."]
        group = str(field_markup(form.sex))
        assert group.startswith('<fieldset class="field field-group  has-error" id="sex"')
        assert 'aria-describedby="sex-error"' in group and "<legend" in group
        assert group.count('aria-invalid="true"') == len(list(form.sex.iter_choices()))

        hostile = str(field_markup(form.first_name, label='<script>"x"</script>'))
        assert "<script>" not in hostile and "&lt;script&gt;" in hostile


def test_every_input_text_area_and_drop_down_matches_its_widget(app: Flask) -> None:
    """widget_markup writes what the WTForms widget writes, for every other field of every
    step (empty, filled with hostile text, with the attributes field_markup passes)."""
    from screening.form_markup import widget_markup
    from screening.questionnaire import QUESTIONNAIRE

    attribute_sets: list[dict[str, str]] = [
        {},
        {"aria-describedby": "x-hint x-error", "aria-invalid": "true", "aria-required": "true"},
        {"autocomplete": "off", "inputmode": "numeric"},
    ]
    kinds: set[str] = set()
    with app.test_request_context("/"):
        for section in QUESTIONNAIRE.sections:
            form = step_form_class(section.id)(meta={"csrf": False})
            fields = list(form)
            for field in form:
                if field.type == "FieldList":
                    field.append_entry()
                    fields.extend(field.entries[-1].form)
            for field in fields:
                if field.type in (
                    "RadioField",
                    "MultiCheckboxField",
                    "FieldList",
                    "CSRFTokenField",
                ):
                    continue
                for data in (None, '<b>"Ann" & Co</b>', "3"):
                    field.data = data
                    field.raw_data = None
                    for attributes in attribute_sets:
                        assert str(widget_markup(field, **attributes)) == str(
                            field(**attributes)
                        ), (section.id, field.name, data, attributes)
                kinds.add(field.type)
    assert {"StringField", "TextAreaField", "SelectField", "HiddenField", "BooleanField"} <= kinds


def test_hidden_fields_match_flask_wtf(app: Flask) -> None:
    """ClinicForm.hidden_tag writes what Flask-WTF's writes (the CSRF token included)."""
    from flask_wtf import FlaskForm

    with app.test_request_context("/"):
        form = step_form_class("about")(meta={"csrf": True})
        form.return_to.data = 'review"<x>'
        ours = str(form.hidden_tag())
        assert ours == str(FlaskForm.hidden_tag(form))
        assert 'name="csrf_token"' in ours and "&#34;&lt;x&gt;" in ours
        assert str(form.hidden_tag("return_to", "no_such_field", form.first_name)) == str(
            FlaskForm.hidden_tag(form, "return_to", "no_such_field", form.first_name)
        )
