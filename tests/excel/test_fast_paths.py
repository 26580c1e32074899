"""The import's fast paths give exactly what the straightforward code gives."""

import datetime
import gc
import random
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from zhaoshang.core.bulk import BulkInserter
from zhaoshang.excel import bulk, services
from zhaoshang.lib import excel as xl
from zhaoshang.lib.dates import PartialDate
from zhaoshang.lib.textnorm import remove_whitespace, to_halfwidth
from zhaoshang.projects import rules
from zhaoshang.projects.models import Project, StageDate

# every character of the basic plane but the surrogates, alone and inside a name
CHARS = [chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000]


def plain_name_key(text):
    return (
        remove_whitespace(to_halfwidth(xl.to_simplified(str(text)))).translate(xl._BRACKETS).lower()
    )


def plain_normalise_name(text):
    text = xl.to_simplified(str(text))
    return " ".join(xl._SPACE_BETWEEN_CJK.sub("", text).split())


def mixed_texts(count=3000, seed=4):
    rng = random.Random(seed)
    pool = "信義光伏（苏州）【】[]ＡＢｃ１２ 　\u200b\t\n项目二期Phase II 薴苧著乾"
    return ["".join(rng.choice(pool) for _ in range(rng.randrange(12))) for _ in range(count)]


def test_name_key_is_the_three_steps_in_one_pass():
    texts = CHARS + [f"a{c}（Ｂ）" for c in CHARS] + mixed_texts()
    assert [t for t in texts if xl.name_key(t) != plain_name_key(t)] == []


def test_normalise_name_without_spaces_is_the_same():
    texts = CHARS + [f"信義{c}光伏 A" for c in CHARS] + mixed_texts()
    assert [t for t in texts if xl.normalise_name(t) != plain_normalise_name(t)] == []


def test_the_whitespace_pattern_is_what_split_splits_on():
    assert [c for c in CHARS if bool(xl._WHITESPACE.match(c)) != c.isspace()] == []


@pytest.mark.parametrize("unit", ["万元", "亿元", "元", "千元"])
def test_whole_number_amounts_read_as_through_their_text(unit):
    rng = random.Random(7)
    numbers = [1.0, 2.0, 100.0, 1234500.0, 1e14, 999999999999999.0, 1e15, 0.0, -0.0, 2.5, -3.0]
    numbers += [float(rng.randrange(1, 10**15)) for _ in range(3000)]
    _default, power = xl.UNITS[unit]
    parse = xl.amount_parser(unit)

    def through_text(value):  # what amount_parser did for every number before
        text = xl._number_text(value)
        number = Decimal(text)
        if power == 0 and "." not in text and "e" not in text and number >= 0:
            return xl.Money(number, "exact", "", "CNY", number, None)
        wan = xl._canonical(number.scaleb(power))
        return xl.Money(wan, "exact", "", "CNY", wan, None)

    for value in numbers:
        if value < 0:
            continue
        got, expected = parse(value), through_text(value)
        assert (type(got), [str(v) for v in got]) == (xl.Money, [str(v) for v in expected])


def test_decimal_places_read_from_the_text_match_as_tuple():
    rng = random.Random(5)
    texts = ["NaN", "-NaN", "sNaN", "Infinity", "-Infinity", "0", "-0", "0E-7", "0E+3",
             "1E-7", "1.0000000", "1.000000", "100.0000000", "1.23E+5", "0.0000001"]  # fmt: skip
    for _ in range(5000):
        digits = str(rng.randrange(10 ** rng.randrange(1, 20)))
        texts.append(("-" if rng.random() < 0.2 else "") + f"{digits}E{rng.randrange(-25, 25)}")
    for text in texts:
        value = Decimal(text)
        exponent = value.as_tuple().exponent
        expected = isinstance(exponent, int) and exponent < -6
        assert rules._too_fine(value) == expected, text


def test_is_before_is_partial_date_is_before():
    days = [datetime.date(2022, 12, 31), datetime.date(2023, 1, 1), datetime.date(2023, 1, 31),
            datetime.date(2023, 2, 1), datetime.date(2023, 3, 15), datetime.date(2024, 1, 1)]  # fmt: skip
    dates = [PartialDate(d, p) for d in days for p in ("day", "month", "year")]
    for a in dates:
        for b in dates:
            assert rules._before(a, b) == a.is_before(b), (a, b)


@pytest.mark.django_db
def test_inserter_rows_are_bulk_inserter_rows(admin_user):
    now = timezone.now()
    stamp = {"created_by_id": admin_user.pk, "created_at": now, "updated_at": now}
    rows = [
        {"name": "某项目", "code": "C-1", "total_investment_wan": Decimal("35000"),
         "total_investment_qualifier": "approx", "total_investment_text": "约3.5亿",
         "is_foreign": True, "expected_jobs": 300, "status_since": datetime.date(2023, 3, 1),
         "unit_id": None},
        {"name": "另一项目", "code": "C-2", "registered_capital_rate": Decimal("7.1"),
         "stage": "started"},
        {"code": "C-3", "created_at": datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)},
    ]  # fmt: skip
    varying = sorted({k for r in rows for k in r} | set(stamp))
    fast = bulk._Inserter(Project, varying, fixed=stamp)
    plain = BulkInserter(Project, varying)
    for row in rows:
        assert fast.row(row) == plain.row({**row, **stamp})
    columns = ["project_id", "stage", "planned_on", "planned_precision", "actual_on",
               "actual_precision", "recorded_by_id", "recorded_at"]  # fmt: skip
    dates = [{"project_id": 1, "stage": "signed", "actual_on": datetime.date(2023, 3, 1),
              "actual_precision": "month", "recorded_by_id": 1, "recorded_at": now},
             {"project_id": 2, "stage": "started", "planned_on": None}]  # fmt: skip
    fast, plain = bulk._Inserter(StageDate, columns), BulkInserter(StageDate, columns)
    assert [fast.row(r) for r in dates] == [plain.row(r) for r in dates]


def test_batches_keep_order_and_size():
    assert list(bulk._batches(iter(range(7)), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(bulk._batches(iter([]), 3)) == []


def test_the_collector_is_back_after_an_import_even_a_failing_one(admin_user):
    assert gc.isenabled()
    with pytest.raises(xl.WorkbookError):
        services.import_workbook(user=admin_user, data=b"", filename="zero.xlsx")
    assert gc.isenabled()
    xl.to_simplified("項目")
    with services._collector_paused():
        assert xl.to_simplified.cache_info().currsize > 0
    assert xl.to_simplified.cache_info().currsize == 0  # the names go with the import
    with services._collector_paused():
        with services._collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_date_labels_are_the_date_keys():
    assert {label: key for key, label in bulk._DATE_LABELS.items()} == bulk.DATE_KEYS
    assert all(re.fullmatch(r"(planned|actual)_[a-z_]+", k) for k in bulk.DATE_KEYS)


@pytest.mark.django_db
def test_rows_checked_in_batches_give_the_same_result(admin_user, monkeypatch):
    import io

    from tests.factories import ProjectFactory
    from zhaoshang.lib import xlsxwrite as xw

    stored = [ProjectFactory(name=f"已有项目{i}", total_investment_wan=Decimal(100 * i + 100))
              for i in range(7)]  # fmt: skip
    rows = [["项目编号", "项目名称", "所在镇区", "总投资（万元）", "项目阶段", "计划开工"]]
    for i, p in enumerate(stored):  # some the same, some changed, one moved on a stage
        amount = 100 * i + 100 + (50 if i % 2 else 0)
        rows.append([p.code, p.name, "锦丰镇", amount, "开工" if i == 3 else "签约", "2030年5月"])
    rows += [["", f"新项目{i}", "锦丰镇", 300 + i, "签约", ""] for i in range(5)]
    rows.append(["", "已有项目2", "锦丰镇", 1, "签约", ""])  # the same project twice: an error
    out = io.BytesIO()
    with xw.Workbook(out) as book:
        sheet = book.add_sheet("台账")
        for row in rows:
            sheet.row(row)

    def check():
        result = services.import_workbook(user=admin_user, data=out.getvalue(), filename="b.xlsx")
        report = result.report(limit=1000)
        report.pop("timings")
        return result.as_json(), report

    whole = check()
    monkeypatch.setattr(bulk, "CHECK_BATCH", 2)
    assert check() == whole
    assert whole[1]["counts"]["updated"] > 0 and whole[1]["counts"]["created"] > 0
