from decimal import Decimal

import pytest

from zhaoshang.clusters.formula import Formula, FormulaError, Value


def lookup_from(values):
    """values: {(code, lag): Value}"""
    return lambda code, lag: values.get((code, lag))


@pytest.mark.parametrize(
    ("text", "inputs", "expected", "qualifier", "worked"),
    [
        (
            "sei_output / sei_share * 100",
            {
                ("sei_output", 0): Value(Decimal(2400), "at_least"),
                ("sei_share", 0): Value(Decimal("41.0")),
            },
            "5853.658536585365853658536585",
            "at_least",
            "≥2400 ÷ 41 × 100",
        ),
        (
            "sei_output / above_scale_output * 100",
            {
                ("sei_output", 0): Value(Decimal(2400)),
                ("above_scale_output", 0): Value(Decimal(6000), "at_least"),
            },
            "40",
            "at_most",
            "2400 ÷ ≥6000 × 100",
        ),
        (
            "(x / prev(x) - 1) * 100",
            {("x", 0): Value(Decimal(110)), ("x", 1): Value(Decimal(100))},
            "10",
            "exact",
            "(110 ÷ 100 − 1) × 100",
        ),
        (
            "(x / prev(x) - 1) * 100",
            {("x", 0): Value(Decimal(110), "at_least"), ("x", 1): Value(Decimal(100), "at_least")},
            "10",
            "approx",
            "(≥110 ÷ ≥100 − 1) × 100",
        ),
        (
            "a - b",
            {("a", 0): Value(Decimal(5), "at_least"), ("b", 0): Value(Decimal(2), "at_most")},
            "3",
            "at_least",
            "≥5 − ≤2",
        ),
        (
            "a / (1 + g / 100)",
            {("a", 0): Value(Decimal(2400), "at_least"), ("g", 0): Value(Decimal(8))},
            "2222.222222222222222222222222",
            "at_least",
            "≥2400 ÷ (1 + 8 ÷ 100)",
        ),
    ],
)
def test_formula_evaluates_exactly_with_qualifier(text, inputs, expected, qualifier, worked):
    value, shown = Formula(text).evaluate(lookup_from(inputs))

    assert (value.amount, value.qualifier, shown) == (Decimal(expected), qualifier, worked)


def test_formula_missing_input_gives_none():
    assert Formula("a / b").evaluate(lookup_from({("a", 0): Value(Decimal(1))})) is None


def test_formula_division_by_zero_gives_none():
    values = {("a", 0): Value(Decimal(1)), ("b", 0): Value(Decimal(0))}
    assert Formula("a / b").evaluate(lookup_from(values)) is None


@pytest.mark.parametrize(
    "text",
    ["__import__('os')", "a ** 2", "a.b", "max(a, b)", "prev(a, 1)", "a if b else c", "", "a +"],
)
def test_formula_refuses_what_is_not_arithmetic(text):
    with pytest.raises(FormulaError):
        Formula(text)


def test_formula_names_and_lagged_names():
    formula = Formula("(x / prev(x) - 1) * 100 + y")

    assert (formula.names, formula.lagged) == ({"x", "y"}, {"x"})


def test_formula_renders_names_for_people():
    names = {"sei_output": "战略性新兴产业产值", "sei_share": "占比"}

    text = Formula("sei_output / (sei_share / 100)").render(names.__getitem__)

    assert text == "战略性新兴产业产值 ÷ (占比 ÷ 100)"
