"""The news extractor: normalisation and offsets, amounts and roles, projects, batches, dates."""

import datetime
from decimal import Decimal

import pytest

from tests.lib.extract_corpus import home_gazetteer
from zhaoshang.lib.extract import extract, normalise
from zhaoshang.lib.extract.files import MAX_BYTES, FileRefused, decode_text, read_article

D = datetime.date


def roles(text, **kw):
    return [(a.text, a.value_wan, a.role) for a in extract(text, **kw).amounts]


@pytest.mark.parametrize(
    "original, normalised",
    [
        ("總投(tóu)資３０６億元", "总投资306亿元"),
        ("项(xiàng)目簽(qiān yuē)約", "项目签约"),
        ("总投资 3.2 亿元", "总投资3.2亿元"),
        ("苏州瑞芯电子有限公\n司正式签订投资协议", "苏州瑞芯电子有限公司正式签订投资协议"),
        ("标题\n\n正文第一段。", "标题\n正文第一段。"),
        ("序号\t项目\t总投资(亿元)\n1\tA项目\t\t12", "序号\t项目\t总投资(亿元)\n1\tA项目\t\t12"),
        ("US$ 150 million", "US$ 150 million"),
    ],
)
def test_normalise_cleans_text(original, normalised):
    assert normalise(original).text == normalised


def test_normalise_maps_spans_back_to_the_original():
    original = "該項(xiàng)目總投資　３０６億元。"
    norm = normalise(original)
    start = norm.text.index("306亿元")
    s, e = norm.span(start, start + len("306亿元"))
    assert original[s:e] == "３０６億元"


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "总投资306亿元的盛虹项目落户张家港",
            [("306亿元", Decimal("3060000"), "total_investment")],
        ),
        (
            "张家港共有8个项目参会，总投资86.6亿元",
            [("86.6亿元", Decimal("866000"), "batch_total_investment")],
        ),
        (
            "其中，光电和半导体项目5个，总投资125亿元",
            [("125亿元", Decimal("1250000"), "batch_total_investment")],
        ),
        (
            "其中首期24GWh项目及研究院总投资140亿元",
            [("140亿元", Decimal("1400000"), "total_investment")],
        ),
        (
            "达产后可实现年销售收入45亿元，年缴纳税收3.6亿元",
            [
                ("45亿元", Decimal("450000"), "annual_revenue"),
                ("3.6亿元", Decimal("36000"), "annual_tax"),
            ],
        ),
        ("投产后预计年营收超560亿元", [("超560亿元", Decimal("5600000"), "annual_revenue")]),
        ("达产后年产值约2亿元", [("约2亿元", Decimal("20000"), "annual_output_value")]),
        (
            "5个项目赫然在列，年度计划投资22亿元",
            [("22亿元", Decimal("220000"), "annual_plan_investment")],
        ),
        ("注册资本4000万元", [("4000万元", Decimal("4000"), "registered_capital")]),
        ("今年以来累计签约项目47个，协议总投资580亿元", [("580亿元", Decimal("5800000"), "other")]),
        (
            "建成产值超2000亿元的冶金玻璃新材料产业集群",
            [("超2000亿元", Decimal("20000000"), "other")],
        ),
        ("2022年营业收入超过6000亿元", [("超过6000亿元", Decimal("60000000"), "other")]),
        ("总投资超10亿元项目11个", [("超10亿元", Decimal("100000"), "other")]),
        ("战略性新兴产业产值2943亿元，同比增长8%", [("2943亿元", Decimal("29430000"), "other")]),
        (
            "两个项目总投资分别为48亿元和26亿元",
            [
                ("48亿元", Decimal("480000"), "total_investment"),
                ("26亿元", Decimal("260000"), "total_investment"),
            ],
        ),
        (
            "年产值、年纳税分别达10亿元、1亿元",
            [
                ("10亿元", Decimal("100000"), "annual_output_value"),
                ("1亿元", Decimal("10000"), "annual_tax"),
            ],
        ),
        ("预计投资30亿至50亿元", [("30亿至50亿元", Decimal("300000"), "total_investment")]),
        ("月产1000万只锂离子电池，年产5万吨，奔向千亿级集群", []),
        ("项目总投资五十亿元", [("五十亿元", Decimal("500000"), "total_investment")]),
    ],
)
def test_amounts_have_values_and_roles(text, expected):
    assert roles(text, published=D(2023, 3, 1)) == expected


def test_amount_in_foreign_currency_is_converted_and_keeps_its_text():
    amount = extract("总投资1.2亿美元", published=D(2023, 3, 1)).amounts[0]
    assert (amount.text, amount.currency, amount.original_wan, amount.value_wan) == (
        "1.2亿美元",
        "USD",
        Decimal("12000"),
        Decimal("12000") * Decimal("7.0467"),
    )


def test_project_has_investor_place_event_date_and_amounts():
    text = (
        "1月31日，在张家港保税区，总投资306亿元的盛虹控股集团储能电池超级工厂项目签约，"
        "规划建设60GWh储能电池产能。项目达产后预计年营收超560亿元。"
    )
    result = extract(text, published=D(2023, 2, 1), gazetteer=home_gazetteer())
    p = result.projects[0]
    assert (
        p.name,
        p.investor,
        p.location_code,
        p.event,
        p.event_date,
        p.wan("total_investment"),
        p.wan("annual_revenue"),
        p.capacity,
    ) == (
        "盛虹控股集团储能电池超级工厂项目",
        "盛虹控股集团",
        "320582403",
        "signed",
        "2023-01-31",
        Decimal("3060000"),
        Decimal("5600000"),
        "60GWh",
    )


def test_phase_is_a_project_linked_to_its_parent():
    text = "总投资306亿元的盛虹储能电池超级工厂项目签约。其中首期24GWh项目总投资140亿元。"
    projects = extract(text, published=D(2023, 2, 1)).projects
    assert [(p.name, p.phase, p.parent, p.wan("total_investment")) for p in projects] == [
        ("盛虹储能电池超级工厂项目", "", None, Decimal("3060000")),
        ("首期24GWh项目", "首期", 0, Decimal("1400000")),
    ]


def test_batch_has_count_total_event_date_and_place():
    text = "3月16日，保税区举行集中签约仪式，签约项目32个，总投资412.8亿元。"
    b = extract(text, published=D(2023, 3, 17), gazetteer=home_gazetteer()).batches[0]
    assert (b.event, b.project_count, b.total_investment.value_wan, b.date, b.location_code) == (
        "signed",
        32,
        Decimal("4128000"),
        "2023-03-16",
        "320582403",
    )


@pytest.mark.parametrize(
    "text, published, event_date",
    [
        ("今年1月，A科技储能项目签约", D(2023, 2, 1), "2023-01"),
        ("去年11月，A科技储能项目签约", D(2023, 2, 1), "2022-11"),
        ("昨日上午，A科技储能项目开工", D(2023, 5, 19), "2023-05-18"),
        ("本月20日，A科技储能项目签约", D(2023, 5, 22), "2023-05-20"),
        ("2021年9月，A科技储能项目开工", D(2023, 5, 22), "2021-09"),
    ],
)
def test_event_dates_are_read_against_the_publication_date(text, published, event_date):
    assert extract(text, published=published).projects[0].event_date == event_date


def test_future_events_are_not_events():
    p = extract(
        "A科技储能项目计划于明年6月竣工投产，总投资5亿元", published=D(2023, 2, 1)
    ).projects[0]
    assert (p.event, p.event_date) == ("other", None)


@pytest.mark.parametrize("text", ["", "   \n\t ", "今天天气很好，没有任何金额。"])
def test_text_without_facts_gives_an_empty_result(text):
    result = extract(text)
    assert (result.amounts, result.projects, result.batches) == ([], [], [])


def test_json_contract_has_exactly_the_stable_keys():
    data = extract("总投资306亿元的盛虹项目落户。张家港共有8个项目参会，总投资86.6亿元。").as_json(
        "a.txt"
    )
    assert (
        sorted(data),
        sorted(data["amounts"][0]),
        sorted(data["projects"][0]),
        sorted(data["batches"][0]),
    ) == (
        ["amounts", "batches", "file", "projects"],
        ["currency", "end", "qualifier", "role", "start", "text", "value_wan"],
        [
            "annual_output_value_wan",
            "annual_revenue_wan",
            "annual_tax_wan",
            "capacity",
            "event",
            "event_date",
            "evidence",
            "investor",
            "location",
            "name",
            "total_investment_wan",
        ],
        ["date", "event", "location", "project_count", "total_investment_wan"],
    )


@pytest.mark.parametrize(
    "data, text",
    [
        ("总投资".encode("gbk"), "总投资"),
        ("总投资".encode(), "总投资"),
        ("\ufeff总投资".encode(), "总投资"),
        ("总投资\n".encode() + "年产值".encode("gbk"), "总投资\n年产值"),
    ],
)
def test_text_files_in_utf8_gbk_or_both_are_read(data, text):
    assert decode_text(data)[0] == text


def test_binary_file_is_refused_with_a_message():
    with pytest.raises(FileRefused, match="binary"):
        read_article(b"\x00\x01\x02PNG\x00" * 100, "x.txt")


def test_file_over_the_limit_is_refused_with_a_message():
    with pytest.raises(FileRefused, match="2 MB"):
        read_article(b"a" * (MAX_BYTES + 1), "big.txt")


def test_html_file_gives_visible_text_without_scripts():
    html = "<html><head><title>T</title><script>var x=1</script></head><body><p>总投资10亿元</p></body></html>"
    read = read_article(html.encode(), "a.html")
    assert (read.text, read.title) == ("总投资10亿元", "T")


def test_docx_file_gives_paragraphs_and_table_rows(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("总投资10亿元的A项目签约")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "B项目"
    table.rows[0].cells[1].text = "5"
    path = tmp_path / "a.docx"
    document.save(path)
    assert read_article(path.read_bytes(), "a.docx").text == "总投资10亿元的A项目签约\n\nB项目\t5"


def test_docx_that_is_not_a_word_file_is_refused():
    with pytest.raises(FileRefused, match="Word"):
        read_article(b"PK\x03\x04garbage", "a.docx")


@pytest.mark.parametrize(
    "text",
    [
        "306亿元",
        "超100亿元",
        "超过6000亿元",
        "约90亿元",
        "近1.5亿元",
        "逾10亿元",
        "5000万元以上",
        "60亿元左右",
        "0.5万元",
        "12.50亿元",
        "100万元",
    ],
)
def test_fast_value_agrees_with_parse_amount(text):
    from zhaoshang.lib.extract.amounts import fast_value
    from zhaoshang.lib.money import parse_amount

    amount = parse_amount(text)
    assert fast_value(text) == (amount.value_wan, amount.qualifier.value)
