"""Read the project ledgers towns and bureaus keep in Excel, as they really are.

:func:`read_workbook` opens .xlsx, .xls, .ods (python-calamine) and .csv (UTF-8 or GBK,
comma, tab or semicolon) from bytes, whatever the file is called. :func:`parse_ledger`
then, sheet by sheet:

* finds the header row under title rows (``2023年张家港市重大项目推进情况表``,
  ``填报单位：… 单位：万元``), and a second header row under merged cells (``总投资`` over
  ``计划`` and ``完成``; ``开工时间`` over ``计划`` and ``实际``);
* maps headers to ledger fields through synonyms (项目名称/名称/项目; 建设地点/所在镇区/属地;
  总投资/计划总投资/总投资(亿元); 开工时间/计划开工 …), in simplified or traditional
  characters; a user's own mapping wins (:class:`Mapping`);
* reads the unit of each amount column from its header (``总投资（亿元）``) or the title
  (``单位：万元``); a bare number is in that unit, an amount with its own unit (``约3.5亿``,
  ``超10亿元``) is read literally, never rounded, the qualifier kept;
* reads cells as people type them: numbers or text, Chinese numerals, full-width digits,
  dates as ``2023年3月``/``2023.3``/``2023/03/15``/``23年3月`` or Excel serial numbers, names
  with stray spaces and line breaks;
* sets aside what is not a project and says why (blank rows, rows with only a serial
  number, ``合计``/``小计`` rows, section rows such as ``一、新开工项目`` whose text becomes the
  category of the rows below, repeated headers, notes under the table) and checks every
  stated total against the rows it covers.

It returns parsed values per row, problems per row and field with the value found, and
what it skipped. Resolving names against the database and writing is the caller's work.

Pure Python (python-calamine and OpenCC are libraries), no Django.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal
from typing import Any, NamedTuple

import opencc
import python_calamine

from zhaoshang.lib.dates import (
    EXCEL_SERIAL_MAX,
    EXCEL_SERIAL_MIN,
    DateError,
    excel_serial_to_date,
    parse_date_text,
)
from zhaoshang.lib.money import Amount, AmountError, parse_amount
from zhaoshang.lib.remarks import facts_in_remark
from zhaoshang.lib.textnorm import _HALFWIDTH, _ZERO_WIDTH, remove_whitespace, to_halfwidth
from zhaoshang.lib.uploads import (
    FileRefused,
    check_sheet_size,
    check_size,
    inspect_workbook,
    limits,
)

__all__ = [
    "AMOUNT_FIELDS",
    "DATE_FIELDS",
    "FIELD_KINDS",
    "CellError",
    "Column",
    "Ledger",
    "LedgerRow",
    "Mapping",
    "Money",
    "Problem",
    "RawSheet",
    "Skip",
    "WorkbookError",
    "header_key",
    "name_key",
    "normalise_name",
    "parse_ledger",
    "read_workbook",
]

_T2S = opencc.OpenCC("t2s")

# --------------------------------------------------------------------------------------------
# Fields
# --------------------------------------------------------------------------------------------

STAGES = ("lead", "negotiating", "signed", "registered", "started", "completed", "in_production",
          "full_production")  # fmt: skip
AMOUNT_FIELDS = ("total_investment", "signed_amount", "registered_capital", "foreign_investment",
                 "expected_revenue", "expected_tax", "expected_output")  # fmt: skip
DATE_FIELDS = tuple(f"{p}_{s}" for s in STAGES for p in ("planned", "actual"))
TEXT, NAME, AMOUNT, DATE, INT, BOOL, CHOICE, SERIAL = (
    "text", "name", "amount", "date", "int", "bool", "choice", "serial"
)  # fmt: skip
# An amount's qualifier (超/约/不超过) and its text as written, in columns of their own
# beside its number (as our exports write them, so that the amount column holds numbers
# that add up): `total_investment_qualifier`, `total_investment_text`. Merged into the
# amount's `Money` row by row (`_merge_amount_parts`).
QUALIFIER, AMOUNT_TEXT = "qualifier", "amount_text"
AMOUNT_PARTS = {f"{a}_{part}": a for a in AMOUNT_FIELDS for part in ("qualifier", "text")}
FIELD_KINDS: dict[str, str] = {
    "name": NAME, "code": TEXT, "national_code": TEXT, "description": TEXT, "category": TEXT,
    "unit": TEXT, "location": TEXT, "address": TEXT, "industry": TEXT, "chain": TEXT,
    "investors": TEXT, "parent": TEXT, "phase_label": TEXT, "capacity": TEXT,
    "status_reason": TEXT, "stage": CHOICE, "status": CHOICE, "nature": CHOICE,
    "is_foreign": BOOL, "is_synthetic": BOOL, "expected_jobs": INT, "serial": SERIAL,
    **dict.fromkeys(AMOUNT_FIELDS, AMOUNT), **dict.fromkeys(DATE_FIELDS, DATE),
    **{f"{a}_qualifier": QUALIFIER for a in AMOUNT_FIELDS},
    **{f"{a}_text": AMOUNT_TEXT for a in AMOUNT_FIELDS},
}  # fmt: skip
REMARKS = "remarks"  # read for facts (lib.remarks), never kept as a field of its own
FIELD_KINDS["remarks"] = REMARKS
# 建设起止年限 2023.3-2024.12: the planned start and the planned completion in one cell
PERIOD = "period"
FIELD_KINDS["planned_period"] = PERIOD
# What clerks write in a cell that has no value yet: read as a blank cell.
PLACEHOLDERS = frozenset({"-", "--", "—", "——", "－", "/", "／", "\\", "无", "暂无", "待定", "未定",
                          "不详", "n/a", "N/A", "NA", "空"})  # fmt: skip
# Fields whose text is kept exactly but compared and looked up in simplified characters.
LOOKUP_FIELDS = {"unit", "location", "industry", "chain", "investors", "parent"}

# Header synonyms, written as :func:`header_key` leaves them (simplified, half-width, no
# spaces, lower case, unit in brackets removed). None: a column we know and do not keep
# in the ledger (it is listed as ignored, with that reason).
_SYNONYMS: dict[str, str | None] = {}


def _syn(field_name: str | None, *words: str) -> None:
    for word in words:
        _SYNONYMS[word] = field_name


_syn("name", "项目名称", "名称", "项目", "项目名", "项目全称", "工程名称", "项目(工程)名称",
     "projectname", "project", "name")  # fmt: skip
_syn("code", "项目编号", "台账编号", "项目编码", "projectcode", "code")
_syn("national_code", "项目代码", "投资项目代码", "全国投资项目代码", "统一项目代码", "项目统一代码",
     "国家代码", "赋码", "项目赋码", "全国投资项目在线审批监管平台代码", "nationalcode")  # fmt: skip
_syn("investors", "建设单位", "项目单位", "投资主体", "投资方", "投资单位", "项目业主", "业主单位",
     "实施主体", "项目法人", "投资企业", "签约企业", "企业名称", "项目建设单位", "investor",
     "investors")  # fmt: skip
_syn("unit", "所在镇区", "属地", "镇区", "所在地区", "所属板块", "板块", "所在区镇", "区镇", "所属镇区",
     "责任单位", "责任主体", "属地镇区", "所在园区", "乡镇", "镇街", "所属区镇", "所在板块", "unit",
     "townshipunit")  # fmt: skip
_syn(
    "location", "建设地点", "地点", "项目地点", "项目地址", "建设地址", "所在地", "坐落", "location"
)
_syn("address", "详细地址", "具体地址", "具体位置", "address")
_syn("description", "建设内容及规模", "建设内容", "主要建设内容", "建设规模及内容", "建设内容和规模",
     "建设规模及主要内容", "项目内容", "项目概况", "项目简介", "建设规模", "主要建设内容及规模",
     "description")  # fmt: skip
_syn("category", "项目类别", "类别", "项目分类", "分类", "项目类型", "category")
_syn("industry", "行业代码", "国民经济行业代码", "行业分类代码", "所属行业代码", "国标行业代码", "行业",
     "所属行业", "国民经济行业分类", "industry")  # fmt: skip
_syn("chain", "所属产业链", "产业链", "产业链条", "所属链条", "chain")
_syn("nature", "建设性质", "项目性质", "新建/扩建", "新建或扩建", "nature")
_syn(
    "is_foreign",
    "内外资",
    "内资/外资",
    "外资/内资",
    "是否外资",
    "外资项目",
    "内外资类别",
    "isforeign",
)
_syn("stage", "项目阶段", "所处阶段", "推进阶段", "阶段", "stage")
_syn("status", "项目状态", "推进状态", "状态", "status")
_syn("status_reason", "状态原因", "滞后原因", "暂停原因", "原因说明", "statusreason")
_syn("capacity", "产能", "设计产能", "capacity")
_syn("phase_label", "分期", "期别", "期次", "建设期次", "phase")
_syn("parent", "母项目编号", "上级项目编号", "主项目编号", "所属项目编号", "parent")
_syn("expected_jobs", "就业人数", "新增就业", "新增就业人数", "用工人数", "达产就业人数", "达产后用工",
     "吸纳就业", "expectedjobs", "jobs")  # fmt: skip
_syn("is_synthetic", "合成数据", "是否合成", "synthetic", "issynthetic")
_syn("serial", "序号", "编号", "no.", "no", "#")
_syn("total_investment", "总投资", "计划总投资", "项目总投资", "总投资额", "投资总额", "估算总投资",
     "概算总投资", "计划投资总额", "总投资计划", "totalinvestment")  # fmt: skip
_syn("signed_amount", "签约额", "签约金额", "协议投资额", "协议投资", "签约投资额", "签约总投资",
     "signedamount")  # fmt: skip
_syn("registered_capital", "注册资本", "注册资金", "registeredcapital")
_syn("foreign_investment", "外资额", "利用外资", "合同外资", "协议外资", "外资金额", "注册外资",
     "foreigninvestment")  # fmt: skip
_syn("expected_revenue", "预计年销售", "预计年销售收入", "达产后年销售", "达产后年销售收入", "年销售收入",
     "预计年营业收入", "年营业收入", "达产年销售", "预计年开票", "达产后年开票销售", "年开票销售",
     "预计年营收", "预计销售收入", "达产销售收入", "预计营业收入", "expectedrevenue")  # fmt: skip
_syn("expected_tax", "预计年税收", "年税收", "达产后年税收", "年纳税", "预计年纳税", "达产年税收",
     "达产后年纳税", "预计税收", "达产税收", "预计纳税", "expectedtax")  # fmt: skip
_syn("expected_output", "年产值", "预计年产值", "达产后年产值", "达产年产值", "预计产值", "达产产值",
     "expectedoutput")  # fmt: skip
# an amount's qualifier and text as written, in columns of their own (总投资限定词, 总投资原文)
for _field, _words in {
    "total_investment": ("总投资",), "signed_amount": ("签约额",), "registered_capital": ("注册资本",),
    "foreign_investment": ("外资额",), "expected_revenue": ("预计年销售",),
    "expected_tax": ("预计年税收",), "expected_output": ("预计年产值", "年产值"),
}.items():  # fmt: skip
    for _word in _words:
        _syn(f"{_field}_qualifier", f"{_word}限定词", f"{_word}(限定词)", f"{_word}限定")
        _syn(f"{_field}_text", f"{_word}原文", f"{_word}(原文)", f"{_word}原始表述")
_syn(None, "年度计划投资", "本年计划投资", "年度计划", "年度投资计划", "本月完成", "本月完成投资",
     "累计完成", "累计完成投资", "自开工累计完成投资", "本年累计完成", "本年完成投资", "完成率",
     "形象进度", "项目进展", "进展情况", "工程形象进度", "存在问题", "存在的问题", "备注", "联系人",
     "联系电话", "分管领导", "挂钩领导", "责任人", "用地面积", "占地面积", "建筑面积",
     "总投资完成")  # fmt: skip
# More of the words towns write for the unit and the investor; a remarks column is read for
# the ledger facts it states (:mod:`zhaoshang.lib.remarks`), the rest of it is not kept.
_syn("unit", "所在镇", "所属镇", "镇(区)", "所在镇(区)", "所属镇(区)", "镇区(园区)", "所在镇街",
     "所在乡镇", "镇区名称", "区镇名称", "所在街道", "属地镇(区)", "所在区镇(街道)", "所在镇(街道)",
     "所在地镇区", "区镇(街道)", "镇(街道)")  # fmt: skip
_syn("investors", "外方投资者", "外方投资方", "外方", "投资者", "投资人", "投资企业名称", "企业")
_syn("remarks", "备注", "备注说明", "附注", "remarks", "remark", "notes")
_syn("planned_period", "建设起止年限", "起止年限", "建设起止时间", "起止时间", "建设起止年月",
     "开竣工时间", "计划开竣工时间", "建设期限(起止)", "建设年限(起止)", "plannedperiod")  # fmt: skip

# 签约时间, 计划开工, 实际竣工日期, 预计投产时间 ... and which of planned/actual a bare one is.
_DATE_WORDS = {"签约": "signed", "注册": "registered", "开工": "started", "竣工": "completed",
               "投产": "in_production", "达产": "full_production", "洽谈": "negotiating"}  # fmt: skip
_BARE_DATE_IS_ACTUAL = {"signed", "registered", "negotiating"}
_DATE_HEADER = re.compile(
    r"^(计划|预计|拟|实际|已)?(签约|注册|开工|竣工|投产|达产|洽谈)(时间|日期|年月|年份|时间节点)?$"
)
# A second header row refining the row above it.
_PLANNED_WORDS = {"计划", "预计", "拟", "计划时间", "预计时间", "planned"}
_ACTUAL_WORDS = {"实际", "已", "实际时间", "actual"}
_AMOUNT_SUB_IGNORED = {"完成", "已完成", "累计完成", "实际完成", "到位", "已到位"}
_AMOUNT_SUB_SAME = {"计划", "合计", "总计", "金额", "总额", "计划数"}
# Second-row headers holding part of the field above: the unit of each row's amount, the
# year, month or day of a date.
PARTS = {"unit": AMOUNT, "year": DATE, "month": DATE, "day": DATE}  # part -> kind of its field
_UNIT_PART_WORDS = {"单位", "计量单位", "金额单位", "币种", "货币", "货币单位", "unit", "currency"}
_DATE_PART_WORDS = {"年": "year", "年份": "year", "年度": "year", "月": "month", "月份": "month",
                    "日": "day", "year": "year", "month": "month", "day": "day"}  # fmt: skip

# Units of amount columns -> the `default_unit` of parse_amount and its power of ten in 万.
UNITS: dict[str, tuple[str, int | None]] = {
    "元": ("元", -4), "千元": ("千元", -1), "万元": ("万元", 0), "万": ("万元", 0),
    "百万元": ("百万元", 2), "千万元": ("千万元", 3), "亿元": ("亿元", 4), "亿": ("亿元", 4),
    "万亿元": ("万亿元", 8),
}  # fmt: skip
# Foreign units (注册资本（万美元）, a 单位 cell of 亿美元): a bare number is read in them and
# converted as `parse_amount` converts; power None marks them.
FOREIGN_UNITS = {f"{scale}{currency}": (f"{scale}{currency}", None)
                 for scale in ("", "千", "万", "百万", "千万", "亿")
                 for currency in ("美元", "美金", "港元", "港币", "欧元", "日元", "英镑")}  # fmt: skip
UNITS.update(FOREIGN_UNITS)
_UNIT_WORD = "|".join(sorted(UNITS, key=lambda word: (-len(word), word)))
_BRACKET = re.compile(r"\(([^()]*)\)")
_UNIT_ONLY = re.compile(rf"^(?:(?:金额)?单位[:：]?)?({_UNIT_WORD})$")
_TITLE_UNIT = re.compile(rf"(?:金额)?单位[:：]\s*({_UNIT_WORD})(?![a-z\u4e00-\u9fff])")
_UNIT_SUFFIX = re.compile(rf"^(.+?)[/、]?({_UNIT_WORD})$")

_CHOICES: dict[str, dict[str, str]] = {
    "stage": {
        "线索": "lead", "项目线索": "lead", "在谈": "negotiating", "洽谈": "negotiating",
        "洽谈中": "negotiating", "在洽谈": "negotiating", "签约": "signed", "已签约": "signed",
        "注册": "registered", "已注册": "registered", "开工": "started", "已开工": "started",
        "新开工": "started", "在建": "started", "续建": "started", "施工": "started",
        "竣工": "completed", "已竣工": "completed", "投产": "in_production",
        "已投产": "in_production", "试生产": "in_production", "达产": "full_production",
        "已达产": "full_production",
    },
    "status": {
        "正常": "on_track", "正常推进": "on_track", "推进中": "on_track", "按序时推进": "on_track",
        "滞后": "delayed", "进度滞后": "delayed", "延期": "delayed", "暂停": "paused",
        "停滞": "paused", "停工": "paused", "缓建": "paused", "终止": "dropped",
        "取消": "dropped", "放弃": "dropped", "退出": "dropped",
    },
    "nature": {
        "新建": "new", "扩建": "expansion", "增资": "expansion", "增资扩建": "expansion",
        "技改": "upgrade", "技术改造": "upgrade", "改建": "upgrade", "改扩建": "expansion",
    },
}  # fmt: skip
_CHOICES["stage"].update({
    "谈判中": "negotiating", "在谈判": "negotiating", "洽谈阶段": "negotiating",
    "签约待开工": "signed", "已签约待开工": "signed", "签约未开工": "signed",
    "已签约未开工": "signed", "开工建设": "started", "建设中": "started", "在建中": "started",
    "施工中": "started", "完工": "completed", "已完工": "completed", "建成": "completed",
    "已建成": "completed", "投用": "in_production", "已投用": "in_production",
    "投入使用": "in_production", "已投入使用": "in_production",
})  # fmt: skip
for _name in STAGES:
    _CHOICES["stage"][_name] = _name
for _name in ("on_track", "delayed", "paused", "dropped"):
    _CHOICES["status"][_name] = _name
for _name in ("new", "expansion", "upgrade"):
    _CHOICES["nature"][_name] = _name

_TRUE = {"是", "外资", "foreign", "synthetic", "中外合资", "合资", "外商独资", "独资", "港澳台资", "台资", "港资", "yes", "true",
         "y", "1", "√", "✓", "合成"}  # fmt: skip
_FALSE = {"否", "内资", "domestic", "民营", "国有", "no", "false", "n", "0", "×", "✗", "真实"}

# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------

_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")


@functools.lru_cache(maxsize=1 << 17)
def to_simplified(text: str) -> str:
    """Traditional characters made simplified (OpenCC t2s, a pure function). Remembered:
    an import simplifies each name three times (read, checked, keyed), and a name
    written in simplified characters comes out as it went in, so the second and third
    time are the first one's answer. `excel.services` empties the cache after imports."""
    return str(_T2S.convert(text))


def normalise_name(text: str) -> str:
    """A project or enterprise name as it is kept: simplified characters, no line breaks
    or spaces between Chinese characters, single spaces between Latin words.

    >>> normalise_name("信義光伏\\n二期 項目  Phase II")
    '信义光伏二期项目 Phase II'
    """
    text = to_simplified(str(text))
    if _WHITESPACE.search(text) is None:  # most names: nothing to take out
        return text
    return " ".join(_SPACE_BETWEEN_CJK.sub("", text).split())


_WHITESPACE = re.compile(r"\s")  # what str.split() splits on
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "[": "(", "]": ")"})


def _name_key_table() -> dict[int, int | str | None]:
    """One table doing what `to_halfwidth`, dropping zero-width characters and `_BRACKETS`
    do one after the other (whitespace goes after, with split: no step makes or takes
    a space from another's output)."""
    table: dict[int, int | str | None] = {}
    for code in {*_HALFWIDTH, *_ZERO_WIDTH, *_BRACKETS}:
        half = _HALFWIDTH.get(code, code)
        table[code] = None if half in _ZERO_WIDTH else _BRACKETS.get(half, half)
    return table


_NAME_KEY = _name_key_table()


def name_key(text: str) -> str:
    """The key two names are the same project by: :func:`normalise_name` less every space,
    full-width forms and bracket styles, letter case (``信义光伏（苏州）`` = ``信義光伏(苏州)``).

    The same as ``remove_whitespace(to_halfwidth(to_simplified(text))).translate(_BRACKETS)
    .lower()`` with one pass over the text instead of three (a 10^5-row import keys every
    name)."""
    return "".join(to_simplified(str(text)).translate(_NAME_KEY).split()).lower()


def header_key(text: Any) -> str:
    """A header as the synonym table is written: simplified, half-width, no spaces, lower
    case, no required-field marks (``*项目名称`` -> ``项目名称``)."""
    key = remove_whitespace(to_halfwidth(to_simplified(_cell_text(text)))).lower()
    return key.translate(_BRACKETS).strip("*※★:：")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    kind = type(value)
    if isinstance(value, str):
        return value
    if kind is float:
        return "%.15g" % value  # noqa: UP031 - Excel's own 15 significant digits
    if kind is bool:
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _split_unit(key: str) -> tuple[str, str | None]:
    """(header key without its unit, the unit) for ``总投资(亿元)``, ``总投资(单位:万元)``."""
    unit = None

    def take(match: re.Match[str]) -> str:
        nonlocal unit
        found = _UNIT_ONLY.match(match[1])
        if found:
            unit = UNITS[found[1]][0]
            return ""
        return match[0]

    key = _BRACKET.sub(take, key)
    return key, unit


# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------


class WorkbookError(Exception):
    """A file that cannot be read as a ledger. `code` says why, `params` give the detail:

    ``empty_file``, ``encrypted``, ``unreadable`` (detail), ``empty`` (no cells at all),
    ``not_a_ledger`` (headers seen), ``no_name_column`` (headers seen), and the codes of
    :class:`zhaoshang.lib.uploads.FileRefused` for a file refused before it is read
    (``too_large``, ``unpacks_too_large``, ``damaged``, ``sheet_too_large``, ``xlsb``).
    """

    MESSAGES = {
        "empty_file": "文件为空（0字节） / The file is empty (0 bytes)",
        "encrypted": "文件有密码保护，请去掉密码后再导入 / The file is password-protected; "
        "remove the password and import it again",
        "unreadable": "无法读取此文件，它不是有效的 xlsx、xls、ods 或 csv 文件（{detail}） / "
        "Cannot read this file: it is not a valid xlsx, xls, ods or csv file ({detail})",
        "empty": "工作簿中没有任何数据 / The workbook holds no data",
        "not_a_ledger": "找不到项目台账的表头（至少要有“项目名称”列）；前几行是：{headers} / "
        "No ledger header found (a ledger needs at least a project-name column); "
        "the first rows hold: {headers}",
        **FileRefused.MESSAGES,  # too_large, unpacks_too_large, damaged, sheet_too_large, xlsb
    }

    def __init__(self, code: str, **params: Any) -> None:
        self.code, self.params = code, params
        super().__init__(self.MESSAGES[code].format(**{k: params.get(k, "") for k in params}))


@dataclass
class RawSheet:
    """One sheet's cells (row and column 0 = Excel's row 1 and column A)."""

    name: str
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = dc_field(default_factory=list)  # r0, c0, r1, c1
    visible: bool = True
    # formula errors (#DIV/0!, #N/A …), which python-calamine reads as empty cells:
    # {row: [(column, "#DIV/0!"), …]}, 0-based like `rows`
    formula_errors: dict[int, list[tuple[int, str]]] = dc_field(default_factory=dict)


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


def read_workbook(data: bytes, filename: str = "") -> list[RawSheet]:
    """The sheets of a workbook given as bytes. The format is told from the content; the
    file name only helps to tell a CSV file. Raises :class:`WorkbookError`.

    The file is bounded before it is read (:mod:`zhaoshang.lib.uploads`): its size, a
    zip's unpacked size, each sheet's extent; a sheet past the limits is refused naming
    its cell range instead of being handed to a reader that would exhaust the memory."""
    if not data:
        raise WorkbookError("empty_file")
    if data[:8] == _OLE and _ENCRYPTED_STREAM in data:
        raise WorkbookError("encrypted")  # an encrypted xlsx is an OLE file with this stream
    try:
        if data[:4] == b"PK\x03\x04" or data[:8] == _OLE:
            shape = inspect_workbook(data)
            sheets = _read_calamine(data, shape.errors)
        elif _looks_binary(data):
            raise WorkbookError("unreadable", detail=_describe(filename))
        else:
            sheets = [_read_csv(data, filename)]
    except FileRefused as exc:
        if exc.code == "damaged":  # as calamine would have said, with the zip's own words
            raise WorkbookError("unreadable", **exc.params) from None
        raise WorkbookError(exc.code, **exc.params) from None
    if not any(any(v not in ("", None) for v in row) for s in sheets for row in s.rows):
        if not any(s.formula_errors for s in sheets):
            raise WorkbookError("empty")
    return sheets


def rows_under_header(
    sheets: list[RawSheet], column_of, required: str, header_rows: int, cell
) -> list[tuple[int, dict[str, str]]] | None:
    """(row number as the file shows it, {key: cell(value)}) for each non-empty row under
    the first header, within a sheet's first `header_rows` rows, whose columns
    (`column_of(header text)` → key or None) include `required`; None when no sheet has
    such a header ([] when it has nothing under it)."""
    for sheet in sheets:
        for at, header in enumerate(sheet.rows[:header_rows]):
            columns = {i: column_of(c) for i, c in enumerate(header)}
            columns = {i: k for i, k in columns.items() if k is not None}
            if required not in columns.values():
                continue
            out = []
            for number, row in enumerate(sheet.rows[at + 1 :], start=at + 2):
                cells = {k: cell(row[i]) if i < len(row) else "" for i, k in columns.items()}
                if any(cells.values()):
                    out.append((number, cells))
            return out
    return None


def _describe(filename: str) -> str:
    return filename.rsplit("/", 1)[-1] or "?"


def _looks_binary(data: bytes) -> bool:
    head = data[:4096]
    return b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff"))


def _is_panic(exc: BaseException) -> bool:
    """A Rust panic inside python-calamine (pyo3's PanicException derives from
    BaseException, so that ``except Exception`` does not catch it)."""
    return type(exc).__name__ == "PanicException"


def _read_calamine(
    data: bytes, formula_errors: dict[str, dict[tuple[int, int], str]] | None = None
) -> list[RawSheet]:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise WorkbookError("encrypted") from None
    except Exception as exc:  # calamine raises several error types for broken files
        raise WorkbookError("unreadable", detail=str(exc)[:200]) from None
    except BaseException as exc:
        if not _is_panic(exc):
            raise
        raise WorkbookError("unreadable", detail=str(exc)[:200]) from None
    out = []
    lim = limits()
    try:
        for index, meta in enumerate(book.sheets_metadata):
            if str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "SheetTypeEnum.MacroSheet"):
                continue
            sheet = book.get_sheet_by_index(index)
            # an .xls is bounded by its format only: refuse a large sheet before its cells
            # become Python values (every other format was bounded before reading)
            check_sheet_size(meta.name, sheet.height, sheet.width, lim)
            rows = sheet.to_python(skip_empty_area=False)
            merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
            visible = str(meta.visible) == "SheetVisibleEnum.Visible"
            raw = RawSheet(meta.name, rows, merged, visible)
            for (r, c), text in sorted((formula_errors or {}).get(meta.name, {}).items()):
                raw.formula_errors.setdefault(r, []).append((c, text))
            out.append(raw)
    except python_calamine.PasswordError:
        raise WorkbookError("encrypted") from None
    except FileRefused:
        raise
    except Exception as exc:
        raise WorkbookError("unreadable", detail=str(exc)[:200]) from None
    except BaseException as exc:
        if not _is_panic(exc):
            raise
        raise WorkbookError("unreadable", detail=str(exc)[:200]) from None
    finally:
        book.close()
    return out


def _decode(data: bytes) -> str:
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # GBK and its superset, what Chinese Excel saves as CSV
    except UnicodeDecodeError:
        raise WorkbookError("unreadable", detail="text is neither UTF-8 nor GBK") from None


def _read_csv(data: bytes, filename: str) -> RawSheet:
    lim = limits()
    check_size(len(data), lim.max_bytes)
    text = _decode(data)
    sample = text[:8192]
    counts = {d: sample.count(d) for d in (",", "\t", ";", "|")}
    delimiter = max(counts, key=counts.__getitem__) if any(counts.values()) else ","
    name = _describe(filename).rsplit(".", 1)[0] or "csv"
    lines = text.count("\n") + 1
    if lines > lim.max_rows:  # 20 MB of line breaks would be 20 million rows
        check_sheet_size(name, lines, 1, lim)
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    return RawSheet(name, rows)


# --------------------------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------------------------


class Money(NamedTuple):
    """An amount read from a cell: 万元 CNY, qualifier, the text as written ("" for a plain
    number, which says nothing more than its value), and the original currency."""

    value_wan: Decimal
    qualifier: str
    text: str
    currency: str = "CNY"
    original: Decimal | None = None
    rate: Decimal | None = None


_new_tuple = tuple.__new__  # Money(...) without the generated __new__: 10^6 amounts


def money_of(amount: Amount) -> Money:
    """The cell reader's form of a parsed amount (`lib.money.Amount`)."""
    return Money(amount.value_wan, amount.qualifier.value, amount.text, amount.currency,
                 amount.original, amount.rate)  # fmt: skip


class CellError(ValueError):
    """A cell that cannot be read; `code` is amount, date, number, jobs, bool or choice."""

    def __init__(self, code: str, value: Any, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code, self.value, self.detail = code, value, detail


_SPACED_NUMBER = re.compile(r"^\d{1,3}(?: \d{3})+(?:\.\d+)?$", re.ASCII)
_PLAIN_NUMBER = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$", re.ASCII)


def _canonical(value: Decimal) -> Decimal:
    value = value.normalize()
    if value.as_tuple().exponent > 0:  # type: ignore[operator]
        value = value.quantize(Decimal(1))
    return value


def _number_text(value: Any) -> str | None:
    kind = type(value)
    if kind is float:
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return "%.15g" % value  # noqa: UP031
    if kind is int:
        return str(value)
    return None


def amount_parser(unit: str = "万元") -> Callable[[Any], Money]:
    """A cell reader for an amount column in `unit` (what a bare number means)."""
    default_unit, power = UNITS[unit]
    if power is None:
        return _foreign_amount_parser(unit)
    scale: int = power

    def parse(value: Any) -> Money:
        if value.__class__ is float and 0 < value < 1e15 and value.is_integer():
            # what "%.15g" writes for these is the whole number's digits: no need to format
            number = Decimal(int(value))
            if scale == 0:
                return _new_tuple(Money, (number, "exact", "", "CNY", number, None))
            wan = _canonical(number.scaleb(scale))
            return _new_tuple(Money, (wan, "exact", "", "CNY", wan, None))
        text = _number_text(value)
        if text is not None:
            number = Decimal(text)
            if scale == 0 and "." not in text and "e" not in text and number >= 0:
                return Money(number, "exact", "", "CNY", number, None)  # already canonical
        elif type(value) is str:
            text = value.strip()
            if " " in text and _SPACED_NUMBER.match(text):
                text = text.replace(" ", "")  # 3 500: a space between thousands
            if _PLAIN_NUMBER.match(text):
                number = Decimal(text.replace(",", ""))
            else:
                try:
                    amount = parse_amount(text, default_unit=default_unit)
                except AmountError as exc:
                    raise CellError("amount", value, str(exc)) from None
                return money_of(amount)
        else:
            raise CellError("amount", _cell_text(value))
        if number < 0:
            raise CellError("amount", text, "negative")
        wan = _canonical(number.scaleb(scale))
        return Money(wan, "exact", "", "CNY", wan, None)

    return parse


# A number written with its own unit or currency (约3亿, 1.5亿美元, USD 2m): read as written.
_OWN_UNIT = re.compile(r"[万萬亿億元圆]|美金|港币|[a-zA-Z$€£¥₩]")


def _foreign_amount_parser(unit: str) -> Callable[[Any], Money]:
    """An amount column in a foreign unit (注册资本（万美元）): ``1000`` is 1000万美元,
    ``约500`` about 500万美元, converted to 万元 as `parse_amount` converts; an amount with
    its own unit (``3000万元``) is read as written. The text kept is the amount with the
    unit it was read in (``1000万美元``), which says what the bare number meant."""

    def parse(value: Any) -> Money:
        text = _number_text(value)
        if text is None:
            if type(value) is not str:
                raise CellError("amount", _cell_text(value))
            text = value.strip()
        if not _OWN_UNIT.search(text):
            text = f"{text}{unit}"
        try:
            amount = parse_amount(text)
        except AmountError as exc:
            raise CellError("amount", _cell_text(value), str(exc)) from None
        return money_of(amount)

    return parse


def parse_date_cell(value: Any) -> tuple[datetime.date, str]:
    """(date, precision) from a date cell, an Excel serial number or text."""
    kind = type(value)
    if kind is datetime.datetime:
        return value.date(), "day"
    if kind is datetime.date:
        return value, "day"
    if kind is float or kind is int:
        if value == int(value) and EXCEL_SERIAL_MIN <= value <= EXCEL_SERIAL_MAX:
            return excel_serial_to_date(value), "day"
        text = _number_text(value) or ""
    elif kind is str:
        text = value.strip()
        if text.isdigit() and len(text) == 5 and EXCEL_SERIAL_MIN <= int(text) <= EXCEL_SERIAL_MAX:
            return excel_serial_to_date(int(text)), "day"
    else:
        raise CellError("date", _cell_text(value))
    try:
        return parse_date_text(_as_month(to_simplified(text)))
    except DateError as exc:
        raise CellError("date", text, str(exc)) from None


# What clerks add to a month or a year: 6月底, 6月上旬, 6月底前, 2023年底 (December).
_MONTH_WORDS = re.compile(r"^(.*\d\s*月)\s*份?\s*(?:底|末|初|上旬|中旬|下旬)?\s*(?:前|以前|之前)?$")
_YEAR_END = re.compile(r"^(\d{2}|\d{4})\s*年\s*(?:年底|年末|底|末)\s*(?:前|以前|之前)?$")


def _as_month(text: str) -> str:
    """``2023年6月底`` -> ``2023年6月``, ``2023年底`` -> ``2023年12月``: the month a clerk
    means, at month precision. Quarters and halves (``23年Q3``, ``上半年``) span months and
    are left to be refused: the ledger keeps days, months and years."""
    found = _YEAR_END.match(text)
    if found:
        return f"{found[1]}年12月"
    found = _MONTH_WORDS.match(text)
    if found and found[1] != text:
        return found[1]
    return text


_JOBS_SUFFIX = re.compile(r"(人次|人|名|个)$")


def parse_int_cell(value: Any) -> int:
    """A whole number such as a count of jobs: 500, "1,200人", "五百人"."""
    if type(value) in (float, int):
        if value != int(value) or value < 0:
            raise CellError("number", _cell_text(value))
        return int(value)
    text = _JOBS_SUFFIX.sub("", str(value).strip()).strip()
    if _PLAIN_NUMBER.match(text) and "." not in text:
        return int(text.replace(",", ""))
    try:
        amount = parse_amount(text, default_unit="元")
    except (AmountError, ValueError):
        raise CellError("number", value) from None
    count = amount.value_wan.scaleb(4)
    if amount.qualifier.value != "exact" or amount.currency != "CNY" or count != int(count):
        raise CellError("number", value)
    return int(count)


def parse_bool_cell(value: Any) -> bool:
    if type(value) is bool:
        return value
    key = header_key(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError("bool", _cell_text(value))


_QUALIFIER_VALUES = {"exact", "at_least", "approx", "at_most"}
_EXACT_WORDS = {"", "-", "—", "－", "exact", "精确", "准确", "确数"}


def parse_qualifier_cell(value: Any) -> str:
    """A qualifier cell: 超, 约, 不超过 (or any word `parse_amount` reads as one, 以上,
    about, at most ...), blank or 精确 for exact; the stored values too."""
    text = _cell_text(value).strip()
    if text in _QUALIFIER_VALUES:
        return text
    if to_simplified(text).lower() in _EXACT_WORDS:
        return "exact"
    for probe in (f"{text}1", f"1{text}", f"{text} 1", f"1 {text}"):
        try:
            found = parse_amount(probe).qualifier.value
        except AmountError:
            continue
        if found != "exact":
            return found
    raise CellError(
        "amount", text, "不是限定词（超、约、不超过）/ not a qualifier (超, 约, 不超过)"
    )


def choice_parser(field_name: str, extra: dict[str, str] | None = None) -> Callable[[Any], str]:
    table = {**_CHOICES[field_name], **{header_key(k): v for k, v in (extra or {}).items()}}

    def parse(value: Any) -> str:
        found = table.get(header_key(value))
        if found is None:
            raise CellError("choice", _cell_text(value))
        return found

    return parse


def _text_parser(lookup: bool) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = " ".join(_cell_text(value).split()) if type(value) is not str else value.strip()
        return to_simplified(text) if lookup else text

    return parse


def _name_parser(value: Any) -> str:
    return normalise_name(_cell_text(value))


def _serial_parser(value: Any) -> str:
    return _cell_text(value)


def _cached(parse: Callable[[Any], Any], limit: int = 50_000) -> Callable[[Any], Any]:
    """`parse` remembering its answers: ledgers repeat units, stages, dates thousands of times."""
    seen: dict[Any, Any] = {}  # text by itself, anything else with its type (1 == 1.0 == True)

    def cached(value: Any) -> Any:
        key = value if value.__class__ is str else (value.__class__, value)
        try:
            found = seen[key]
        except KeyError:
            try:
                found = parse(value)
            except CellError as exc:
                found = exc
            if len(seen) >= limit:
                seen.clear()
            seen[key] = found
        if found.__class__ is CellError:
            raise found
        return found

    return cached


def _parser_for(
    field_name: str, unit: str | None, choices: dict[str, dict[str, str]]
) -> Callable[[Any], Any]:
    parse = _uncached_parser_for(field_name, unit, choices)
    kind = FIELD_KINDS[field_name]
    if (
        kind in (DATE, BOOL, CHOICE, INT, QUALIFIER)
        or field_name in LOOKUP_FIELDS
        or field_name == "category"
    ):
        return _cached(parse)
    return parse


def _uncached_parser_for(
    field_name: str, unit: str | None, choices: dict[str, dict[str, str]]
) -> Callable[[Any], Any]:
    kind = FIELD_KINDS[field_name]
    if kind == AMOUNT:
        return amount_parser(unit or "万元")
    if kind == DATE:
        return parse_date_cell
    if kind == INT:
        return parse_int_cell
    if kind == BOOL:
        return parse_bool_cell
    if kind == CHOICE:
        return choice_parser(field_name, choices.get(field_name))
    if kind == NAME:
        return _name_parser
    if kind == SERIAL:
        return _serial_parser
    if kind == QUALIFIER:
        return parse_qualifier_cell
    if kind == AMOUNT_TEXT:
        return lambda v: _cell_text(v).strip()
    if kind == REMARKS:
        return _remark_parser
    if kind == PERIOD:
        return parse_period_cell
    if field_name == "description":
        return lambda v: _cell_text(v).strip()
    return _text_parser(field_name in LOOKUP_FIELDS)


_PERIOD_SPLIT = re.compile(r"\s*(?:-|—|–|－|~|～|至|到)+\s*")


def parse_period_cell(
    value: Any,
) -> tuple[tuple[datetime.date, str], tuple[datetime.date, str]]:
    """(start, end) of a 建设起止年限 cell: ``2023-2025``, ``2023.3-2024.12``,
    ``2023年3月至2024年12月``, ``2023-03～2024-06``. The split is the first separator
    with a date on both sides (``2023-03-2024-12`` splits after ``2023-03``)."""
    text = _cell_text(value).strip()
    for found in _PERIOD_SPLIT.finditer(text):
        start, end = text[: found.start()], text[found.end() :]
        if not start or not end:
            continue
        try:
            return parse_date_cell(start), parse_date_cell(end)
        except CellError:
            continue
    raise CellError(
        "date", text, "请写开始和结束，如 2023.3-2024.12 / write a start and an end: 2023.3-2024.12"
    )


def _remark_parser(value: Any) -> dict[str, Any]:
    """The ledger fields a remark states (``含外资2000万美元``), amounts as :class:`Money`."""
    facts: dict[str, Any] = {}
    for field_name, fact in facts_in_remark(to_simplified(_cell_text(value))).items():
        if isinstance(fact, Amount):
            fact = money_of(fact)
        facts[field_name] = fact
    return facts


# --------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------


@dataclass
class Column:
    """One column of a sheet and what it holds. `key` is what a user's mapping is saved by."""

    index: int
    header: str
    key: str
    field: str | None
    unit: str | None = None
    # how it was mapped: synonym, user, not_stored, unknown, duplicate (of `duplicate_of`)
    how: str = "synonym"
    duplicate_of: int | None = None
    # part of `field` under a merged header: "unit" (总投资 over 金额 | 单位, the unit of
    # each row's amount), "year", "month", "day" (计划开工时间 over 年 | 月); None: all of it
    part: str | None = None

    @property
    def target(self) -> str:
        """What a user's mapping names this column's reading by: ``total_investment``, or
        ``total_investment#unit`` for a part of it."""
        if not self.field:
            return ""
        return f"{self.field}#{self.part}" if self.part else self.field

    @property
    def letter(self) -> str:
        letters, index = "", self.index + 1
        while index:
            index, rest = divmod(index - 1, 26)
            letters = chr(65 + rest) + letters
        return letters


class Mapping:
    """How headers map to fields beyond the built-in synonyms.

    `user` maps a column key (:attr:`Column.key`) to ``"field"``, ``"field@亿元"`` (an amount
    column and its unit) or ``""`` (ignore the column); it wins over everything. `synonyms`
    adds header words (e.g. the headers of our own exports in every language); `choices`
    adds labels of stage, status and nature values.
    """

    def __init__(
        self,
        user: dict[str, str] | None = None,
        synonyms: dict[str, str | None] | None = None,
        choices: dict[str, dict[str, str]] | None = None,
    ) -> None:
        self.user = {k: v for k, v in (user or {}).items()}
        self.synonyms = {**_SYNONYMS, **{header_key(k): v for k, v in (synonyms or {}).items()}}
        self.choices = choices or {}

    def lookup(self, key: str) -> tuple[bool, str | None, str | None]:
        """(known, field, unit) for a single header key."""
        base, unit = _split_unit(key)
        for candidate in (key, base):
            if candidate in self.synonyms:
                target = self.synonyms[candidate]
                if target and "@" in target:
                    target, _at, written = target.partition("@")
                    unit = UNITS[written][0] if written in UNITS else unit
                return True, target, unit
        m = _UNIT_SUFFIX.match(base)
        if m and m[1] in self.synonyms and FIELD_KINDS.get(self.synonyms[m[1]] or "x") == AMOUNT:
            return True, self.synonyms[m[1]], UNITS[m[2]][0]
        m = _DATE_HEADER.match(base)
        if m:
            stage = _DATE_WORDS[m[2]]
            actual = m[1] in ("实际", "已") or (not m[1] and stage in _BARE_DATE_IS_ACTUAL)
            return True, f"{'actual' if actual else 'planned'}_{stage}", None
        bare = _BRACKET.sub("", base)  # 项目名称（全称）, 总投资（含外资）, 建设单位（业主）
        if bare and bare != base:
            known, field_name, bare_unit = self.lookup(bare)
            if known:
                return known, field_name, unit or bare_unit
        return False, None, unit

    def column(self, index: int, parent: Any, child: Any, title_unit: str | None) -> Column:
        parent_text, child_text = _cell_text(parent).strip(), _cell_text(child).strip()
        parent_key, child_key = header_key(parent_text), header_key(child_text)
        key = f"{parent_key}/{child_key}" if child_key and parent_key != child_key else parent_key
        key = key or child_key
        header = " / ".join(t for t in dict.fromkeys((parent_text, child_text)) if t)
        if key in self.user:
            chosen = self.user[key]
            name, _at, written = chosen.partition("@")
            name, _hash, part = name.partition("#")
            if name and name not in FIELD_KINDS:
                name = ""
            if part and (not name or PARTS.get(part) != FIELD_KINDS[name]):
                name = part = ""
            return Column(
                index, header, key, name or None, written or title_unit, "user", part=part or None
            )
        part = self._part(parent_key, child_key)
        if part is not None:
            return Column(index, header, key, part[0], None, "synonym", part=part[1])
        known, field_name, unit = self._guess(parent_key, child_key)
        if not known:
            return Column(index, header, key, None, None, "unknown")
        if field_name is None:
            return Column(index, header, key, None, None, "not_stored")
        if FIELD_KINDS[field_name] != AMOUNT:
            unit = None
        else:
            unit = unit or title_unit
        return Column(index, header, key, field_name, unit, "synonym")

    def _part(self, parent: str, child: str) -> tuple[str, str] | None:
        """(field, part) of a column holding part of one field under a merged header."""
        if not parent or not child or child == parent:
            return None
        _known, field_name, _unit = self.lookup(parent)
        if field_name is None:
            return None
        kind = FIELD_KINDS[field_name]
        if kind == AMOUNT and child in _UNIT_PART_WORDS:
            return field_name, "unit"
        if kind == DATE and child in _DATE_PART_WORDS:
            return field_name, _DATE_PART_WORDS[child]
        return None

    def _guess(self, parent: str, child: str) -> tuple[bool, str | None, str | None]:
        if not child or child == parent:
            return self.lookup(parent)
        if not parent:
            return self.lookup(child)
        p_known, p_field, p_unit = self.lookup(parent)
        c_base, c_unit = _split_unit(child)
        unit_only = _UNIT_ONLY.match(child) or (not c_base and c_unit)
        if unit_only:  # 总投资 over （亿元）
            unit = c_unit or UNITS[_UNIT_ONLY.match(child)[1]][0]  # type: ignore[index]
            return p_known, p_field, unit
        if p_field and FIELD_KINDS[p_field] == DATE:
            stage = p_field.split("_", 1)[1]
            if c_base in _PLANNED_WORDS:
                return True, f"planned_{stage}", None
            if c_base in _ACTUAL_WORDS or c_base in {"完成", "实际完成"}:
                return True, f"actual_{stage}", None
        if p_field and FIELD_KINDS[p_field] == AMOUNT:
            if c_base in _AMOUNT_SUB_SAME:
                return True, p_field, c_unit or p_unit
            if c_base in _AMOUNT_SUB_IGNORED:
                return True, None, None
        for combined in (parent + child, child + parent):
            known, field_name, found_unit = self.lookup(combined)
            if known:
                return known, field_name, found_unit or p_unit
        c_known, c_field, c_unit2 = self.lookup(child)
        if c_known:
            return c_known, c_field, c_unit2 or p_unit
        if p_known:
            return p_known, p_field, p_unit
        return False, None, None


@dataclass
class SheetLayout:
    name: str
    header_rows: tuple[int, int]  # first and last header row, 0-based
    columns: list[Column]
    title: str = ""
    title_unit: str | None = None
    # the township unit named by a 填报单位 line (凤凰镇人民政府 -> 凤凰镇), for a sheet
    # without a unit or location column: the unit of each of its rows
    reporting_unit: str = ""
    reporting_row: int = 0  # the row of that line, 1-based

    @property
    def mapped(self) -> list[Column]:
        return [c for c in self.columns if c.field]


_HEADER_SCAN_ROWS = 40


def _row_texts(row: list[Any]) -> list[str]:
    return [_cell_text(v).strip() for v in row]


def _fill_merges(
    rows: list[list[Any]],
    merged: list[tuple[int, int, int, int]],
    first: int,
    last: int,
    *,
    across: bool,
) -> None:
    """Copy each merged range's value into its cells, within rows first..last."""
    for r0, c0, r1, c1 in merged:
        if r1 < first or r0 > last or r0 >= len(rows):
            continue
        top = rows[r0][c0] if c0 < len(rows[r0]) else ""
        for r in range(max(r0, first), min(r1, last, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, (c1 if across else c0) + 1):
                if c < len(row) and (r, c) != (r0, c0) and row[c] in ("", None):
                    row[c] = top


def find_header(sheet: RawSheet, mapping: Mapping) -> tuple[int, int] | None:
    """(first, last) header row: the row in the first 40 with the most known headers, one
    of them the project name; plus the row below when it refines it (two-row headers)."""
    best, best_score = None, 0
    limit = min(len(sheet.rows), _HEADER_SCAN_ROWS)
    for r in range(limit):
        keys = [header_key(t) for t in _row_texts(sheet.rows[r]) if t]
        if not keys or len(keys) < 2:
            continue
        found = [mapping.lookup(k) for k in keys]
        fields = [f for known, f, _u in found if known and f]
        known = sum(1 for k, _f, _u in found if k) + sum(1 for k in keys if k in mapping.user)
        has_name = "name" in fields or any(
            mapping.user.get(k, "").partition("@")[0] == "name" for k in keys
        )
        score = known + (3 if has_name else 0)
        strong = "项目名称" in keys or "projectname" in keys
        if has_name and (known >= 2 or strong) and score > best_score:
            best, best_score = r, score
    if best is None:
        return None
    return best, best + (1 if _is_subheader(sheet, best, mapping) else 0)


def _is_subheader(sheet: RawSheet, r: int, mapping: Mapping) -> bool:
    """Whether row r+1 refines header row r: no project name in it, only short labels
    (计划, 实际, （亿元）…), no section or total."""
    if r + 1 >= len(sheet.rows):
        return False
    above, below = _row_texts(sheet.rows[r]), sheet.rows[r + 1]
    name_cols = [c for c, t in enumerate(above) if t and mapping.lookup(header_key(t))[1] == "name"]
    if any(c < len(below) and not _blank(below[c]) for c in name_cols):
        return False
    cells = [v for v in below if not _blank(v)]
    if not cells or any(type(v) is not str for v in cells):
        return False
    texts = [v.strip() for v in cells]
    if any(len(t) > 16 or _SECTION.match(t) or _TOTAL.match(header_key(t)) for t in texts):
        return False
    if len(texts) == 1 and _section(0, texts[0], None, "", True) is not None:
        return False  # 工业项目 right under the header: a section, not a second header row
    return not any(t.strip("（）()").isdigit() for t in texts)


_REPORTER = re.compile(r"填报(?:单位|部门)[:：]\s*(\S+)")
_SEAL = re.compile(r"[(（]\s*(?:盖章|公章|签章|章)\s*[)）]")
# the name of a township unit at the start of an office's name: 凤凰镇人民政府 -> 凤凰镇,
# 冶金工业园（锦丰镇）经济发展和科技局 -> 冶金工业园（锦丰镇）
_UNIT_AT_START = re.compile(r"^(.+?(?:街道|园区|镇|乡|区|园)(?:[(（][^()（）]+[)）])?)")


_NOT_A_UNIT = re.compile(r"[和与局委厅办科处]")  # words of an office's name, never a unit's
_ZONE_AFTER_CITY = re.compile(
    r"[市县][^市县]*(?:镇|街道|园|园区|开发区|保税区|高新区|度假区|示范区)$"
)


def _reporting_unit(line: str) -> str:
    """The township unit a 填报单位 line names, or "" when it names none (a city bureau,
    several units) — as the line writes it; the caller resolves the name."""
    text = _SEAL.sub("", to_simplified(line))
    found = _REPORTER.search(text)
    if found is None:
        return ""
    reporter = re.split(r"填报(?:日期|时间)|日期[:：]|单位[:：]", found[1])[0]
    if any(mark in reporter for mark in "、,，;；/"):
        return ""
    unit = _UNIT_AT_START.match(reporter)
    if unit is None or _NOT_A_UNIT.search(unit[1]):
        return ""
    head = re.split(r"[(（]", unit[1])[0]
    if re.search(r"[市县]", head) and not _ZONE_AFTER_CITY.search(head):
        return ""  # a county's own office (苏州市吴江区, 张家港市住房和城乡…)
    # a town is named without its city (张家港市锦丰镇 -> 锦丰镇); a zone's name keeps it
    return re.sub(r"^.+?[市县](?=[^市县(（]+(?:镇|街道|乡)(?:[(（]|$))", "", unit[1])


def layout(sheet: RawSheet, mapping: Mapping) -> SheetLayout | None:
    header = find_header(sheet, mapping)
    if header is None:
        return None
    first, last = header
    _fill_merges(sheet.rows, sheet.merged, first, last, across=True)
    title_lines = [" ".join(t for t in _row_texts(sheet.rows[r]) if t) for r in range(first)]
    title_lines = [t for t in title_lines if t]
    title_unit = None
    for line in title_lines:
        m = _TITLE_UNIT.search(to_halfwidth(to_simplified(line)).replace(" ", ""))
        if m:
            title_unit = UNITS[m[1]][0]
    reporting_unit, reporting_row = "", 0
    for r in range(first):
        reporting_unit = _reporting_unit(" ".join(t for t in _row_texts(sheet.rows[r]) if t))
        if reporting_unit:
            reporting_row = r + 1
            break
    if not reporting_unit:  # a workbook with a sheet per town: 锦丰镇, 乐余镇 …
        reporting_unit = _reporting_unit(f"填报单位：{sheet.name}")
        if reporting_unit != to_simplified(sheet.name.strip()) or len(reporting_unit) < 3:
            reporting_unit = ""
    top = sheet.rows[first]
    sub = sheet.rows[last] if last > first else []
    width = max(len(top), len(sub))
    parents = [top[c] if c < len(top) else "" for c in range(width)]
    children = [sub[c] if c < len(sub) else "" for c in range(width)] if sub else [""] * width
    if sub:  # a CSV of a merged header leaves the parent blank over its second child
        for c in range(1, width):
            if parents[c] in ("", None) and children[c] not in ("", None):
                parents[c] = parents[c - 1] if children[c - 1] not in ("", None) else ""
    columns: list[Column] = []
    seen: dict[tuple[str, str | None], int] = {}
    for c in range(width):
        if parents[c] in ("", None) and children[c] in ("", None):
            continue
        column = mapping.column(c, parents[c], children[c], title_unit)
        if column.field:
            slot = (column.field, column.part)
            if slot in seen and column.field != "serial":
                column.how, column.duplicate_of, column.field, column.part = (
                    "duplicate",
                    seen[slot],
                    None,
                    None,
                )
            else:
                seen[slot] = c
        columns.append(column)
    return SheetLayout(
        sheet.name,
        header,
        columns,
        title_lines[0] if title_lines else "",
        title_unit,
        reporting_unit=reporting_unit,
        reporting_row=reporting_row,
    )


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------

_CN_NUM = "一二三四五六七八九十百零〇"
_SECTION = re.compile(rf"^([{_CN_NUM}]+)\s*[、.．]\s*(.+)$|^[（(]\s*([{_CN_NUM}]+)\s*[）)]\s*(.+)$")
_SECTION_COUNT = re.compile(r"\s*[（(]\s*(?:共)?\s*\d+\s*(?:个|项)?(?:项目)?\s*[）)]\s*$|[:：]\s*$")
_SECTION_WORDS = ("新开工", "续建", "竣工", "在建", "储备", "签约", "投产", "前期", "计划", "预备",
                  "工业", "服务业", "基础设施", "社会事业", "民生", "农业", "外资", "内资")  # fmt: skip
_TOTAL = re.compile(
    r"^(?:全市|本页|总|合|小)?(?:合计|小计|总计|共计)(?:[:：(（].*)?$|^(?:合计|小计|总计|共计).*$"
    r"|^(?:grand)?(?:sub)?totals?\b.*$"
)
_NOTE = re.compile(r"^(注|备注|说明|填表|填报人|审核|制表|联系人|联系电话|负责人|单位负责人)")


@dataclass
class Problem:
    """A problem found in one row (row is Excel's row number, 1-based)."""

    sheet: str
    row: int
    field: str
    value: str
    code: str
    detail: str = ""
    params: dict[str, Any] = dc_field(default_factory=dict)


@dataclass
class Skip:
    sheet: str
    row: int | None
    code: str  # title, header, blank, serial_only, total, section, note, header_repeat,
    # hidden_sheet, no_header
    params: dict[str, Any] = dc_field(default_factory=dict)


@dataclass
class LedgerRow:
    sheet: str
    row: int
    values: dict[str, Any]
    errors: list[Problem]
    category: str = ""


@dataclass
class Ledger:
    layouts: list[SheetLayout]
    rows: list[LedgerRow]
    skipped: list[Skip]
    warnings: list[Problem]

    @property
    def error_count(self) -> int:
        return sum(len(r.errors) for r in self.rows)


@dataclass
class _Stated:
    """A row stating a total (合计, 小计 or a section row with amounts) and its scope."""

    row: int
    label: str
    values: dict[str, tuple[Money, Decimal]]
    first: int  # index into the sheet's data rows
    last: int | None = None
    level: int = 0


def _section(
    first_col: int, first: str, name_col: int | None, name_text: str, single: bool
) -> tuple[int, str] | None:
    """(level, title) of a section row such as 一、新开工项目 or （二）续建项目."""
    m = _SECTION.match(first)
    if m and (not name_text or name_text == first or first_col == name_col):
        level = 1 if m[1] else 2
        body = m[2] if m[1] else m[4]
        return level, to_simplified(_SECTION_COUNT.sub("", body).strip())
    if single and first_col in (0, name_col) and len(first) <= 20:
        bare = to_simplified(_SECTION_COUNT.sub("", first).strip())  # 工業項目（12个） too
        if (
            bare.endswith(("项目", "类"))
            and len(bare) <= 16
            and any(w in bare for w in _SECTION_WORDS)
            and not _NOTE.match(bare)
        ):
            return 1, bare
    return None


_CN_SERIAL = re.compile(rf"^[（(]?\s*[{_CN_NUM}]+\s*[）)]?\s*[、.．]?$")


def _numbered_section(serial: str, name_text: str, raw: list[Any]) -> tuple[int, str] | None:
    """(level, title) of a row numbered 一 / （一） in the serial column with its title in the
    name column (projects are numbered 1, 2, 3): a section when the row holds nothing
    else or its title reads as one (工业项目, 续建项目)."""
    if not name_text:
        return None
    title = to_simplified(_SECTION_COUNT.sub("", name_text).strip())
    filled = sum(1 for v in raw if not _blank(v))
    looks = len(title) <= 16 and any(w in title for w in _SECTION_WORDS)
    if filled > 2 and not looks:
        return None
    return (2 if serial.startswith(("（", "(")) else 1), title


def parse_ledger(
    sheets: Iterable[RawSheet],
    mapping: Mapping | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Ledger:
    """Parse every visible sheet that has a ledger header. Raises
    :class:`WorkbookError` ``not_a_ledger`` when none has one."""
    mapping = mapping or Mapping()
    sheets = list(sheets)
    total = sum(len(s.rows) for s in sheets)
    layouts: list[SheetLayout] = []
    rows: list[LedgerRow] = []
    skipped: list[Skip] = []
    warnings: list[Problem] = []
    done = 0
    first_texts: list[str] = []
    for sheet in sheets:
        if not sheet.visible:
            skipped.append(Skip(sheet.name, None, "hidden_sheet"))
            done += len(sheet.rows)
            continue
        found = layout(sheet, mapping)
        if found is None:
            if any(any(v not in ("", None) for v in r) for r in sheet.rows):
                skipped.append(Skip(sheet.name, None, "no_header"))
                first_texts += [t for r in sheet.rows[:6] for t in _row_texts(r) if t][:12]
            done += len(sheet.rows)
            continue
        layouts.append(found)
        for parsed in _sheet_rows(sheet, found, mapping, skipped, warnings):
            rows.append(parsed)
            if progress and len(rows) % 2000 == 0:
                progress(done + parsed.row, total)
        done += len(sheet.rows)
        if progress:
            progress(done, total)
    if not layouts:
        headers = "、".join(dict.fromkeys(first_texts)) or "—"
        raise WorkbookError("not_a_ledger", headers=headers[:300])
    return Ledger(layouts, rows, skipped, warnings)


def _blank(value: Any) -> bool:
    return value is None or value == "" or (type(value) is str and not value.strip())


def _column_numbers(nonempty: list[tuple[int, Any]]) -> bool:
    """A row numbering the columns (1 2 3 … or （1）（2）…) under an official form's header."""
    if len(nonempty) < 3:
        return False
    numbers = []
    for _c, v in nonempty:
        text = _cell_text(v).strip().strip("（）()")
        if not text.isdigit():
            return False
        numbers.append(int(text))
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _sheet_rows(
    sheet: RawSheet,
    lay: SheetLayout,
    mapping: Mapping,
    skipped: list[Skip],
    warnings: list[Problem],
) -> Iterator[LedgerRow]:
    first, last = lay.header_rows
    name = sheet.name
    for r in range(first):
        text = " ".join(t for t in _row_texts(sheet.rows[r]) if t)
        if text:
            skipped.append(Skip(name, r + 1, "title", {"text": text[:200]}))
    skipped.append(Skip(name, first + 1, "header"))
    if last > first:
        skipped.append(Skip(name, last + 1, "header"))
    data_first = last + 1
    vertical = [m for m in sheet.merged if m[2] > m[0]]
    _fill_merges(sheet.rows, vertical, data_first, len(sheet.rows), across=False)
    mapped = [(c, c.field) for c in lay.mapped if c.field and not c.part]
    joined, unit_cols = _joined_readers(lay)
    implied_unit = ""
    if lay.reporting_unit and not any(f in ("unit", "location") for _c, f in mapped):
        implied_unit = lay.reporting_unit
        warnings.append(
            Problem(name, lay.reporting_row, "unit", implied_unit, "reporting_unit")
            if lay.reporting_row
            else Problem(name, first + 1, "unit", implied_unit, "sheet_unit")
        )
    # the serial number is read for nothing but to be dropped (its parser cannot fail)
    columns = [
        (c.index, f, _parser_for(f, c.unit, mapping.choices))
        for c, f in mapped
        if f != "serial" and f not in unit_cols
    ]
    field_col = {f: c.index for c, f in mapped}
    name_col = field_col.get("name")
    serial_col = field_col.get("serial")
    amount_cols = [(c.index, f, c.unit or "万元") for c, f in mapped if FIELD_KINDS[f] == AMOUNT]
    # qualifier / as-written columns: which amounts have them, and each amount's unit
    parts = {f for _c, f in mapped if f in AMOUNT_PARTS}
    units = {f: u for _c, f, u in amount_cols}
    header_texts = {c.header.split(" / ")[0] for c in lay.columns} | {
        c.header.split(" / ")[-1] for c in lay.columns
    }
    width = max((c.index for c in lay.columns), default=0) + 1
    sections: list[str] = ["", ""]
    category = ""  # "/".join of the sections, the rows' category
    stated: list[_Stated] = []
    open_sections: list[_Stated] = []
    data: list[LedgerRow] = []  # this sheet's project rows, for the totals check
    rows = sheet.rows
    last_filled = next(
        (r for r in range(len(rows) - 1, -1, -1) if any(not _blank(v) for v in rows[r])), -1
    )
    formula_errors = sheet.formula_errors
    column_fields = {c.index: c for c in lay.mapped if c.field and c.field != "serial"}
    blank_from = -1  # the first of the blank rows met since the last filled one
    for r in range(data_first, len(rows)):
        raw = rows[r]
        if len(raw) > width:
            raw = raw[:width]
        # a row of empty cells, told at C speed (a stray cell far below the table leaves
        # 10^5 of them: they cost nothing and are reported once)
        if not raw or (
            (raw[0] == "" or raw[0] is None) and raw.count("") + raw.count(None) == len(raw)
        ):
            lead_cells: list[tuple[int, Any]] = []
        else:
            # the first three filled cells, found without looking at every cell of the row
            lead_cells = []
            for c, v in enumerate(raw):
                if v != "" and v is not None and (v.__class__ is not str or v.strip()):
                    lead_cells.append((c, v))
                    if len(lead_cells) == 3:
                        break
        if not lead_cells and r not in formula_errors:
            if r < last_filled and blank_from < 0:
                blank_from = r
            continue
        if blank_from >= 0:
            skipped.append(_blank_skip(name, blank_from, r))
            blank_from = -1
        if not lead_cells:  # nothing but formula errors
            errors = _formula_problems(formula_errors[r], column_fields, name, r)
            if errors:
                row = LedgerRow(name, r + 1, {}, errors, category)
                data.append(row)
                yield row
            continue
        name_value = raw[name_col] if name_col is not None and name_col < len(raw) else ""
        name_text = "" if _blank(name_value) else _cell_text(name_value).strip()
        lead = [_cell_text(v).strip() for _c, v in lead_cells]
        label = None
        for t in lead:
            if (
                len(t) <= 20
                and ("计" in t or "計" in t or "otal" in t)
                and _TOTAL.match(header_key(t))
            ):
                label = t
                break
        if label is not None and not _SECTION.match(name_text):
            skipped.append(Skip(name, r + 1, "total", {"label": label}))
            amounts = _amounts(raw, amount_cols, unit_cols)
            if amounts:
                if "小计" in header_key(label) or "subtotal" in header_key(label):
                    start = _subtotal_start(stated, open_sections, len(data))
                    entry = _Stated(r + 1, label, amounts, start, len(data) - 1)
                    if start == len(data) and open_sections:  # 小计 at the top of its section
                        entry.last, entry.level = None, open_sections[-1].level
                        open_sections.append(entry)
                    stated.append(entry)
                else:
                    stated.append(_Stated(r + 1, label, amounts, 0, None, level=-1))
            continue
        if lead[0].startswith("其中") or lead[0][:8].lower() == "of which":
            skipped.append(Skip(name, r + 1, "breakdown", {"label": lead[0][:100]}))
            continue
        single = len(lead_cells) == 1
        section = _section(lead_cells[0][0], lead[0], name_col, name_text, single)
        if (
            section is None
            and lead_cells[0][0] == serial_col
            and not lead[0][:1].isdigit()  # 1, 2, 3: a project, as nearly every row is
            and _CN_SERIAL.match(lead[0])
        ):
            section = _numbered_section(lead[0], name_text, raw)
        if section is not None:
            level, title = section
            sections = [title, ""] if level == 1 else [sections[0], title]
            category = "/".join(s for s in sections if s)
            skipped.append(Skip(name, r + 1, "section", {"category": category}))
            for s in open_sections:
                if s.level >= level and s.last is None:
                    s.last = len(data) - 1
            open_sections = [s for s in open_sections if s.last is None]
            amounts = _amounts(raw, amount_cols, unit_cols)
            if amounts:
                entry = _Stated(r + 1, title, amounts, len(data), None, level)
                stated.append(entry)
                open_sections.append(entry)
            continue
        nonempty = lead_cells
        if name_text in header_texts or name_text.isdigit() or not name_text:
            nonempty = [(c, v) for c, v in enumerate(raw) if not _blank(v)]
        if name_text in header_texts and sum(
            1 for _c, v in nonempty if _cell_text(v).strip() in header_texts
        ) >= max(2, len(nonempty) // 2):
            skipped.append(Skip(name, r + 1, "header_repeat"))
            continue
        if (not name_text or name_text.isdigit()) and _column_numbers(nonempty):
            skipped.append(Skip(name, r + 1, "column_numbers"))
            continue
        if not name_text:
            only = nonempty[0][0] if len(nonempty) == 1 else None
            if only == serial_col and lead[0].strip("（）()、.").isdigit():
                skipped.append(Skip(name, r + 1, "serial_only", {"value": lead[0]}))
                continue
            if (len(nonempty) == 1 and nonempty[0][1].__class__ is str) or (
                _NOTE.match(to_simplified(lead[0]))
                and all(v.__class__ is str for _c, v in nonempty)
            ):  # 注：… ; 审核人：… 填表人：… 联系电话：… spread over the row
                text = " ".join(_cell_text(v).strip() for _c, v in nonempty)
                skipped.append(Skip(name, r + 1, "note", {"text": text[:200]}))
                continue
        values: dict[str, Any] = {}
        errors: list[Problem] = []
        size = len(raw)
        for c, field_name, parse in columns:
            if c >= size:
                continue
            value = raw[c]
            if value is None or value == "":
                continue
            if value.__class__ is str and len(value) <= 6 and value.strip() in PLACEHOLDERS:
                if field_name != "name":
                    continue  # 待定, —, / : no value yet
            try:
                parsed_value = parse(value)
            except CellError as exc:
                errors.append(
                    Problem(name, r + 1, field_name, _cell_text(exc.value), exc.code, exc.detail)
                )
                continue
            if parsed_value != "":
                values[field_name] = parsed_value
        if joined or implied_unit or "remarks" in values or "planned_period" in values:
            _add_implied(raw, joined, implied_unit, values, errors, name, r + 1)
        if parts:
            _merge_amount_parts(values, errors, parts, units, name, r + 1)
        if formula_errors and r in formula_errors:
            errors += _formula_problems(formula_errors[r], column_fields, name, r)
        if not name_text and not any(e.field == "name" for e in errors):
            errors.append(Problem(name, r + 1, "name", "", "missing_name"))
        row = LedgerRow(name, r + 1, values, errors, category)
        data.append(row)
        yield row
    for s in open_sections:
        if s.last is None:
            s.last = len(data) - 1
    for entry in stated:
        end = len(data) - 1 if entry.last is None else entry.last
        _check_total(entry, data[entry.first : end + 1], warnings, name)


def _blank_skip(sheet: str, first: int, end: int) -> Skip:
    """One notice for the blank rows `first` to `end` - 1 (0-based)."""
    if end - first == 1:
        return Skip(sheet, first + 1, "blank")
    return Skip(sheet, first + 1, "blank_rows", {"first": first + 1, "last": end})


def _formula_problems(
    cells: list[tuple[int, str]], columns: dict[int, Column], sheet: str, r: int
) -> list[Problem]:
    """A problem for each formula error (#DIV/0!, #N/A …) in a column read as a field: the
    cell was read as empty, and an empty cell would silently drop what the sheet meant."""
    return [
        Problem(sheet, r + 1, col.field or "", text, "formula_error", params={"header": col.header})
        for c, text in cells
        if (col := columns.get(c)) is not None
    ]


# A foreign amount's figure in 万元 is its conversion, perhaps at another date's rate than
# today's table: within this share of the conversion it is taken to say the same amount.
FOREIGN_SPREAD = Decimal("0.2")


def _merge_amount_parts(
    values: dict[str, Any],
    errors: list[Problem],
    parts: set[str],
    units: dict[str, str],
    sheet: str,
    row: int,
) -> None:
    """Fold an amount's qualifier and as-written columns into its `Money`.

    The number column holds the amount in its unit; the as-written text (``超100亿元``,
    ``2亿美元``) keeps what it was and must read to the same amount (a foreign one to
    within FOREIGN_SPREAD of its conversion), and the qualifier column must agree with it
    (a blank qualifier cell is exact). A qualifier alone qualifies the number. When they
    disagree the row gets an error on the amount naming both: a number edited without
    its text is never silently replaced by one or the other.
    """
    for field_name in AMOUNT_FIELDS:
        has_q, has_t = f"{field_name}_qualifier" in parts, f"{field_name}_text" in parts
        if not (has_q or has_t):
            continue
        qualifier = values.pop(f"{field_name}_qualifier", "exact" if has_q else None)
        text = values.pop(f"{field_name}_text", "")
        if any(e.field in (field_name, f"{field_name}_qualifier") for e in errors):
            continue
        number = values.get(field_name)
        if not text:
            if number is not None and qualifier is not None:
                values[field_name] = number._replace(qualifier=qualifier)
            elif number is None and qualifier not in (None, "exact"):
                errors.append(
                    Problem(
                        sheet,
                        row,
                        field_name,
                        qualifier,
                        "amount",
                        "限定词没有金额 / a qualifier without an amount",
                    )
                )
            continue
        try:
            written = amount_parser(units.get(field_name, "万元"))(text)
        except CellError as exc:
            errors.append(Problem(sheet, row, field_name, text, "amount", exc.detail))
            continue
        if qualifier is not None and qualifier != written.qualifier:
            errors.append(
                Problem(
                    sheet,
                    row,
                    field_name,
                    text,
                    "amount",
                    "限定词与原文不符 / the qualifier column disagrees with the text as written",
                )
            )
            continue
        if number is not None:
            if written.currency == "CNY":
                same = number.value_wan == written.value_wan
            else:
                same = abs(number.value_wan - written.value_wan) <= (
                    written.value_wan * FOREIGN_SPREAD
                )
            if not same:
                shown = _plain(number.value_wan)
                errors.append(
                    Problem(
                        sheet,
                        row,
                        field_name,
                        f"{shown} / {text}",
                        "amount",
                        f"金额（{shown}万元）与原文“{text}”（{_plain(written.value_wan)}万元）"
                        "不符，请改正其一或清空原文 / the amount in 10k CNY differs from "
                        "the text as written; correct one of them or clear the text",
                    )
                )
                continue
        values[field_name] = written


def _joined_readers(
    lay: SheetLayout,
) -> tuple[list[tuple[str, Callable[[list[Any]], Any]]], dict[str, int]]:
    """Readers of the fields written over several columns under a merged header, each
    taking a row: an amount with the unit of each row beside it (总投资 over 金额 | 单位),
    a date in year, month and day columns (计划开工时间 over 年 | 月). Also the unit
    column of each amount, for the totals rows."""
    pieces: dict[str, dict[str, int]] = {}
    for c in lay.mapped:
        if c.part and c.field:
            pieces.setdefault(c.field, {})[c.part] = c.index
    whole = {c.field: c for c in lay.mapped if c.field and not c.part}
    joined: list[tuple[str, Callable[[list[Any]], Any]]] = []
    unit_cols: dict[str, int] = {}
    for field_name, where in pieces.items():
        kind = FIELD_KINDS[field_name]
        if kind == AMOUNT and "unit" in where and field_name in whole:
            column = whole[field_name]
            unit_cols[field_name] = where["unit"]
            joined.append(
                (
                    field_name,
                    functools.partial(
                        _joined_amount,
                        c=column.index,
                        unit_col=where["unit"],
                        unit=column.unit or "万元",
                    ),
                )
            )
        elif kind == DATE and "year" in where and field_name not in whole:
            joined.append((field_name, functools.partial(_joined_date, where=where)))
    return joined, unit_cols


def _empty(value: Any) -> bool:
    """A blank cell, or one holding only a placeholder (待定, —, /)."""
    return _blank(value) or (value.__class__ is str and value.strip() in PLACEHOLDERS)


def _joined_amount(raw: list[Any], *, c: int, unit_col: int, unit: str) -> Money | None:
    """The amount in column `c` read in the unit its row writes in `unit_col` (亿元, 万元,
    万美元), or in the column's `unit` when that cell is blank."""
    value = raw[c] if c < len(raw) else None
    if _empty(value):
        return None
    written = raw[unit_col] if unit_col < len(raw) else None
    if _empty(written):
        return amount_parser(unit)(value)
    found = _UNIT_ONLY.match(header_key(written).strip("()"))
    if found is None:
        shown = f"{_cell_text(value)} {_cell_text(written).strip()}"
        raise CellError(
            "amount", shown, f"不认识的单位“{_cell_text(written).strip()}” / unknown unit"
        )
    return amount_parser(UNITS[found[1]][0])(value)


def _joined_date(raw: list[Any], *, where: dict[str, int]) -> tuple[datetime.date, str] | None:
    """A date written in year, month and day columns: 2023 | 6 is June 2023, 2023 | (blank)
    the year 2023."""

    def piece(part: str, suffix: str) -> str:
        c = where.get(part)
        value = raw[c] if c is not None and c < len(raw) else None
        return "" if _empty(value) else _cell_text(value).strip().removesuffix(suffix).strip()

    year, month, day = piece("year", "年"), piece("month", "月"), piece("day", "日")
    if not (year or month or day):
        return None
    if not year or (day and not month):
        shown = "/".join(p for p in (year, month, day) if p)
        raise CellError("date", shown, "缺少年份或月份 / the year or month is missing")
    text = f"{year}年" + (f"{month}月" if month else "") + (f"{day}日" if day else "")
    return parse_date_cell(text)


def _add_implied(
    raw: list[Any],
    joined: list[tuple[str, Callable[[list[Any]], Any]]],
    unit: str,
    values: dict[str, Any],
    errors: list[Problem],
    sheet: str,
    row: int,
) -> None:
    """Add to `values` the fields written over several columns, the unit of the sheet's
    填报单位 line (`unit`, for a sheet without a unit column), the planned start and
    completion of a 建设起止年限 cell and the fields the row's remark states
    (``含外资2000万美元``); a field's own column wins over its period or remark."""
    if unit:
        values["unit"] = unit
    for field_name, read in joined:
        if field_name in values:
            continue
        try:
            found = read(raw)
        except CellError as exc:
            errors.append(
                Problem(sheet, row, field_name, _cell_text(exc.value), exc.code, exc.detail)
            )
            continue
        if found is not None:
            values[field_name] = found
    period = values.pop("planned_period", None)
    if period is not None:
        values.setdefault("planned_started", period[0])
        values.setdefault("planned_completed", period[1])
    facts = values.pop("remarks", None)
    for field_name, fact in (facts or {}).items():
        if field_name not in values and not any(e.field == field_name for e in errors):
            values[field_name] = fact


def _subtotal_start(stated: list[_Stated], open_sections: list[_Stated], here: int) -> int:
    starts = [s.first for s in open_sections]
    ends = [s.last + 1 for s in stated if s.last is not None and s.level >= 0 and s.last < here]
    return max(starts + ends, default=0)


_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def _amounts(
    raw: list[Any],
    amount_cols: list[tuple[int, str, str]],
    unit_cols: dict[str, int] | None = None,
) -> dict[str, tuple[Money, Decimal]]:
    """The amounts a totals row states, each with half a unit of its last written digit."""
    out = {}
    for c, field_name, unit in amount_cols:
        if c >= len(raw) or _blank(raw[c]):
            continue
        try:
            if unit_cols and field_name in unit_cols:
                money = _joined_amount(raw, c=c, unit_col=unit_cols[field_name], unit=unit)
            else:
                money = amount_parser(unit)(raw[c])
        except CellError:
            continue
        if money is None:
            continue
        written = _number_text(raw[c]) or str(raw[c])
        digits = _DIGITS.search(written.replace(",", ""))
        if digits is None or money.value_wan == 0:
            tolerance = Decimal("0.000001")
        else:
            number = Decimal(digits[0])
            scale = money.value_wan / number if number else Decimal(1)
            tolerance = (Decimal(5).scaleb(int(number.as_tuple().exponent) - 1) * scale).normalize()
        out[field_name] = (money, tolerance)
    return out


def _check_total(
    entry: _Stated, rows: list[LedgerRow], warnings: list[Problem], sheet: str
) -> None:
    codes = {r.values.get("code") for r in rows if r.values.get("code")}
    counted = [r for r in rows if not (r.values.get("parent") and r.values["parent"] in codes)]
    for field_name, (stated, tolerance) in entry.values.items():
        if any(e.field == field_name for r in counted for e in r.errors):
            continue
        total = sum((r.values[field_name].value_wan for r in counted if field_name in r.values),
                    Decimal(0))  # fmt: skip
        # a total may count each investment once (phases left out, as we do) or add every
        # row, as Excel's SUM does (our exports state both when phases are left out)
        every = sum((r.values[field_name].value_wan for r in rows if field_name in r.values),
                    Decimal(0))  # fmt: skip
        if abs(total - stated.value_wan) > tolerance and abs(every - stated.value_wan) > tolerance:
            warnings.append(
                Problem(
                    sheet,
                    entry.row,
                    field_name,
                    stated.text or _plain(stated.value_wan),
                    "total_mismatch",
                    params={
                        "label": entry.label,
                        "stated": _plain(stated.value_wan),
                        "sum": _plain(total),
                        "rows": len(counted),
                    },
                )
            )


def _plain(value: Decimal) -> str:
    text = format(_canonical(value), "f")
    return text


def cell_text(value: Any) -> str:
    """A cell's value as text, numbers with Excel's 15 significant digits."""
    return _cell_text(value)
