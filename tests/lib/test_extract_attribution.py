"""A project's amount and investor come from its own clause (issue 15): an amount of the
sentence before is not taken by a project whose own sentence gives another, a company named
in another sentence is not the investor of a project of its own sentence, and a text of one
line has no headline to lend its amounts to the project named next."""

from __future__ import annotations

from zhaoshang.lib.extract import extract


def projects(text: str) -> dict[str, tuple[str | None, str | None]]:
    result = extract(text)
    return {
        p.name: (p.investor, p.total_investment.text if p.total_investment else None)
        for p in result.projects
    }


def test_back_reference_amount_stays_with_the_project_before_in_a_one_line_text():
    got = projects(
        "恒力集团在锦丰镇投资建设的高性能纤维项目于昨日开工。该项目总投资60亿元。"
        "另外，东华能源投资的氢能产业园项目同日开工，总投资25亿元。"
    )
    assert got["高性能纤维项目"] == ("恒力集团", "60亿元")
    assert got["氢能产业园项目"] == ("东华能源", "25亿元")


def test_subjectless_total_of_the_next_sentence_is_not_the_later_projects():
    got = projects(
        "江苏永钢集团有限公司投资建设的特钢项目开工。项目总投资45亿元。"
        "沙洲电厂扩建项目由江苏沙洲电力有限公司投资，总投资30亿元。"
    )
    assert got["特钢项目"] == ("江苏永钢集团有限公司", "45亿元")
    assert got["沙洲电厂扩建项目"] == ("江苏沙洲电力有限公司", "30亿元")


def test_a_headline_amount_still_goes_to_the_project_named_next_on_its_line():
    got = projects("总投资30亿元！恒力高性能纤维项目开工\n\n昨日，该项目在锦丰镇举行开工仪式。")
    assert got["恒力高性能纤维项目"][1] == "30亿元"


def test_company_of_another_sentence_with_its_own_project_is_not_the_investor():
    got = projects(
        "据悉，江苏国泰国际集团投资18亿元建设锂电池材料项目。"
        "同日签约的还有固德威光伏逆变器项目，总投资6亿元。"
    )
    assert got["锂电池材料项目"] == ("江苏国泰国际集团", "18亿元")
    assert got["固德威光伏逆变器项目"] == (None, "6亿元")


def test_investor_named_in_the_projects_own_sentence_without_a_company_suffix():
    got = projects(
        "沙钢集团年产200万吨板材项目总投资80亿元。"
        "年产10万吨氢能装备项目，总投资15亿元，由国富氢能投资建设。"
    )
    assert got["沙钢集团年产200万吨板材项目"] == ("沙钢集团", "80亿元")
    assert got["年产10万吨氢能装备项目"] == ("国富氢能", "15亿元")


def test_company_of_the_sentence_before_naming_no_project_is_still_the_investor():
    got = projects("昨日，盛虹控股集团与张家港保税区签订协议。储能电池超级工厂项目总投资306亿元。")
    assert got["储能电池超级工厂项目"] == ("盛虹控股集团", "306亿元")


def test_a_phase_keeps_the_investor_of_its_project_named_in_the_sentence_before():
    result = extract(
        "1月31日，盛虹控股集团储能电池超级工厂项目签约。该项目总投资306亿元。"
        "其中首期项目总投资140亿元，预计投产后年营业收入240亿元。"
    )
    phase = next(p for p in result.projects if p.phase)
    assert phase.investor == "盛虹控股集团"
