"""#13 item 6: NUL, ESC and bidi-override characters were accepted in names. One character
rule (`projects.rules.characters`) now refuses control characters, lone surrogates and
bidi embeddings/overrides/isolates by code point, drops zero-width characters and the BOM,
and every stored text goes through it: the ledger's fields (form, API, admin, import: see
test_parity.py), the monthly reports and problems, the enterprise registry."""

from __future__ import annotations

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import ProjectFactory
from tests.progress.factories import DepartmentFactory
from zhaoshang.core.errors import InputError
from zhaoshang.enterprises import services as enterprise_services
from zhaoshang.enterprises.models import Enterprise
from zhaoshang.progress import services as progress_services
from zhaoshang.progress.models import MonthlyProgress, Problem
from zhaoshang.projects import rules


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _refusal(field: str, code: str) -> str:
    return (
        f"{field} contains the character {code} (a control or text-direction character), "
        "which cannot be stored; remove it"
    )


@pytest.mark.parametrize(
    ("char", "code"),
    [
        ("\x00", "U+0000"),
        ("\x07", "U+0007"),
        ("\x1b", "U+001B"),
        ("\x7f", "U+007F"),
        ("\x9b", "U+009B"),  # C1 CSI
        ("\u202a", "U+202A"),
        ("\u202d", "U+202D"),
        ("\u202e", "U+202E"),
        ("\u2066", "U+2066"),
        ("\u2069", "U+2069"),
        ("\ud800", "U+D800"),
    ],
)
@pytest.mark.parametrize("lines", [False, True])
def test_characters_refuses_control_bidi_and_surrogates_by_code_point(char, code, lines):
    with pytest.raises(rules.RuleError) as caught:
        rules.characters("name", f"信义{char}光能", lines=lines)

    assert str(caught.value) == _refusal("project name", code)


@pytest.mark.parametrize(
    ("value", "lines", "kept"),
    [
        ("\ufeff信义\u200b光能\u200d", False, "信义光能"),  # BOM and zero-width dropped
        ("第一行\n第二行\t备注", True, "第一行\n第二行\t备注"),  # a text of lines keeps them
        ("信义 \n光能\x1c二期", False, "信义 光能 二期"),  # one line: whitespace collapsed
        ("\ue000字", False, "\ue000字"),  # a private-use character (rare names) is kept
        ("\u200f", False, "\u200f"),  # RLM is a mark, not an override
    ],
)
def test_characters_keeps_what_can_be_read(value, lines, kept):
    assert rules.characters("name", value, lines=lines) == kept


@pytest.mark.django_db
def test_monthly_report_text_with_esc_is_refused_naming_field_and_code_point(town_editor):
    project = ProjectFactory()

    with pytest.raises(InputError) as caught:
        progress_services.record_progress(
            user=town_editor,
            project=project,
            month="2023-06",
            data={"completed_wan": "1", "physical_progress": "桩基\x1b[31m完成"},
        )

    assert caught.value.fields == {
        "physical_progress": [_refusal("physical progress (形象进度)", "U+001B")]
    }
    assert MonthlyProgress.objects.count() == 0


@pytest.mark.django_db
def test_problem_title_with_a_bidi_override_is_refused(town_editor):
    DepartmentFactory()

    with pytest.raises(InputError) as caught:
        progress_services.create_problem(
            user=town_editor,
            project=ProjectFactory(),
            data={
                "title": "用地\u202e指标",
                "department": "自然资源和规划局",
                "raised_on": "2023-03-01",
                "deadline": "2023-04-30",
            },
        )

    assert caught.value.fields == {"title": [_refusal("problem", "U+202E")]}
    assert Problem.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "采埃孚\x00有限公司"}, "name", _refusal("name", "U+0000")),
        (
            {"name": "长" * 240},
            "name",
            "name: 240 characters, longer than the limit of 200",
        ),
        (
            {"name": "采埃孚", "aliases": ["ZF\u2066"]},
            "aliases",
            _refusal("alias", "U+2066"),
        ),
    ],
)
def test_enterprise_texts_go_through_the_same_rule(bureau_editor, data, field, message):
    with pytest.raises(InputError) as caught:
        enterprise_services.create_enterprise(user=bureau_editor, data=data)

    assert caught.value.fields == {field: [message]}
    assert Enterprise.objects.count() == 0


@pytest.mark.django_db
def test_enterprise_name_loses_its_bom(bureau_editor):
    enterprise = enterprise_services.create_enterprise(
        user=bureau_editor, data={"name": "\ufeff采埃孚\u200b有限公司"}
    )

    assert enterprise.name == "采埃孚有限公司"


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(" \t\n\u3000\u200b\ufeff")))
@pytest.mark.parametrize("lines", [False, True])
def test_characters_fast_path_decides_as_the_full_rule(lines, value):
    """The scan that lets plain texts through untouched agrees with the full rule."""
    from zhaoshang.lib.textnorm import forbidden_character, strip_invisible

    expected = strip_invisible(value)
    if not lines:
        expected = " ".join(expected.split())
    try:
        got = rules.characters("name", value, lines=lines)
    except rules.RuleError:
        assert forbidden_character(expected) is not None
    else:
        assert (got, forbidden_character(expected)) == (expected, None)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh-hans", "“x”不在可选值之列：线索、洽谈、签约、注册、开工、竣工、投产、达产"),
        ("en", "“x” is not one of Lead, Negotiating, Signed, Registered, Started"),
    ],
)
def test_a_refused_choice_lists_the_choices_in_the_readers_language(lang, expected):
    from django.utils import translation

    from zhaoshang.projects.rules import cell_message

    with translation.override(lang):
        assert cell_message("choice", "x", field="stage").startswith(expected)
