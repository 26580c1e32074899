"""Money amounts in normalised text, and the role each one plays.

Roles (see ``ROLES``): ``total_investment`` (one project or one phase),
``batch_total_investment`` (a group of projects: an event's or a list's total and each
sub-group's subtotal, ``其中工业项目N个，总投资X亿元``), ``annual_revenue``,
``annual_output_value``, ``annual_tax``, ``annual_plan_investment``, ``registered_capital``
(``注册资本``), ``additional_investment`` (``追加投资``, ``增加投资``, ``加码投资``: added to a
project, not its total) and ``other`` (cumulative and completed figures, statistics, trade and
macro figures such as ``进出口总额`` or ``对华投资``, cluster targets, programme-level
pledges, increments such as ``比上年增加X亿元``, thresholds such as ``10亿元以上项目``, funds,
subsidies, profits ...). A conversion in parentheses right after an amount
(``X亿元人民币（约合Y亿欧元）``) is not a second amount: it is dropped from the list and kept
on the amount it converts (``Amount.conversion``).

Amounts with a bare ``元`` are in the text's own currency: New Taiwan dollars in a text that
names ``新台币`` or Taiwan's investment programmes, Hong Kong dollars in one that names
``港币``/``港元`` or the Hong Kong government's bodies (``document_currency``).

The role comes from the nearest keyword before the amount in its sentence (``年营收``,
``总投资``, ``注册资本``), then from what surrounds it: a count of projects nearby makes an
investment a batch's (``8个项目参会，总投资86.6亿元``); a cumulative or statistical marker
earlier in the sentence (``累计``, ``以来``, ``1-4月``), a growth rate right after it, a
cluster or above-scale-industry context, or a threshold shape (``超10亿元项目11个``,
``10亿元以上的制造业项目``) make it ``other``. ``A和B分别为X和Y`` pairs keywords and amounts
in order. A yearly figure needs the yearly word (``年销售收入``, ``年产值``, ``年纳税``) or a
"once in production" context (``达产后``); ``2022年营业收入`` is a past actual, so ``other``.

Pure Python, no Django.
"""

from __future__ import annotations

import bisect
import re
import threading
from dataclasses import dataclass, field
from decimal import Decimal

from zhaoshang.lib.money import AmountError, Qualifier, convert_to_cny_wan, parse_amount

from .prefilter import Anchored


def starting_with(first: str, pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``pattern`` compiled behind a lookahead for the characters ``first`` (a character-class
    body) that every one of its matches starts with.

    Python's ``re`` tries a pattern that opens with a group, an alternation of groups or a
    lookbehind at every position through the whole matcher; the lookahead rejects most
    positions at once. The matches, groups included, are the same: every such pattern is
    registered in ``PREFILTERED`` and tests/lib/test_extract_fast.py compares it with the plain
    one on the corpus and on random text.
    """
    compiled = re.compile(f"(?=[{first}])(?:{pattern})", flags)
    PREFILTERED.append((compiled, pattern, flags))
    return compiled


PREFILTERED: list[tuple[re.Pattern[str], str, int]] = []

ROLES = (
    "total_investment",
    "batch_total_investment",
    "annual_revenue",
    "annual_output_value",
    "annual_tax",
    "annual_plan_investment",
    "registered_capital",
    "additional_investment",
    "other",
)

_CN = "零〇一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟"
_AR = r"\d+(?:,\d{3})*(?:\.\d+)?"
_NUMBER = rf"(?:{_AR}[十百千]?|[{_CN}]+(?:点[{_CN}]+)?)"
_UNIT = r"(?:万亿|千万|百万|亿|万|千|兆)"
_CUR_AFTER = r"(?:元新台币|元台币|元港币|元人民币|美元|美金|欧元|港元|港币|日元|英镑|韩元|新加坡元|新台币|台币|元)"
_CUR_BEFORE = r"(?:人民币|新台币|台币|港币|RMB|CNY|USD|US\$|HK\$|NT\$|\$|¥)"
_PRE_Q = (
    r"(?:不超过|不少于|不低于|不高于|不足|不到|超过|超出|约合|约为|大约|将近|接近|至少|最高|"
    r"最多|超|逾|约|近)"
)
_SUF_Q = r"(?:以上|左右|上下|以内|以下|有余)"
# a Chinese number under 万 closing a compound amount: 五千五百一十一万[七千五百]美元
_SUB_WAN = (
    r"零?[一二三四五六七八九两]千(?:零?[一二三四五六七八九]百)?(?:零?[一二三四五六七八九]?十)?"
    r"[一二三四五六七八九]?"
)

AMOUNT_RE = re.compile(  # find_amounts unpacks its groups in this order
    rf"""
    (?=[超不约大将接至最逾近人RCU$¥\d{_CN}]|新台币|台币|港币|HK\$|NT\$)  # most positions fail here
    (?P<pre>{_PRE_Q})?
    (?P<cur1>{_CUR_BEFORE})?\ ?
    (?:(?P<lo>{_NUMBER}{_UNIT}?)(?:至|到|-|~|—|－))?
    (?P<num>{_NUMBER})
    (?P<inf>余|多)?
    (?P<unit>{_UNIT})?
    (?P<rest>(?<=[亿兆])零?(?:{_NUMBER}(?:千万|百万|万|亿)(?:零?\d+千(?=元)|{_SUB_WAN}(?={_CUR_AFTER}))?|\d+千(?=元))
    |(?<=万){_SUB_WAN}(?={_CUR_AFTER}))?
    # 三十亿四千八百万, 2兆6,218亿, 260亿129万5千元, 五千五百一十一万七千五百美元
    (?P<inf2>余|多)?
    (?P<eng>\ ?(?:million|billion|mn|bn)\b)?
    (?P<cur>{_CUR_AFTER})?
    (?P<suf>{_SUF_Q})?
    """,
    re.X,
)

# A bare 亿/万 is money only after one of these (within the clause) ...
_MONEY_WORDS = re.compile(
    r"投资|资金|资本|销售|营收|收入|产值|税|利润|金额|总额|额|基金|预算|补贴|补助|奖励|融资|"
    r"生产总值|GDP|开票|出口|进口|资产|市值|估值|贷款|存款|余额|投入|外资|揽资|引资|"
    r"开支|支出|造价|费用|花费|斥"
)
# ... and not before a counter (万吨, 亿颗, 万只) or a size word (百亿级).
_NOT_MONEY_AFTER = set(
    "只个件台套吨人户辆颗片张块株头家名位座栋间条支根米亩平方立千瓦度次级倍股份字"
)

# Keywords, most specific first; each group name is a keyword class.
_NOT_A_YEAR = r"(?<![\d去今明前上本当全近往历])"
_KEYWORDS = re.compile(
    r"(?=[年今本当全累已实新完投固工技设基民注到自资利外合计项总协签追拟开应销营主收产缴入纳税净补奖贷融存余预财生G进出市估认增加招引贸对在绿直研科斥耗砸盈建土流揽成费亩借造支所\d])(?:"
    + "|".join(
        [
            r"(?P<plan>(?:年度|今年|本年度?|年内|当年|全年|\d{4}年度?)(?:计划|预计)(?:完成)?投资(?:额)?"
            r"|年度投资计划|年度计划(?:投资)?|(?<!\d)年计划投资|(?<![\d今去明])年预计投资|年度投资(?!额|总))",
            r"(?P<capital>注册资本金?|注册资金|认缴出资(?:额)?)",
            r"(?P<additional>追加投资|增加投资|加码投资|追加投入|增资)",
            r"(?P<other_invest>(?:累计|已完成|实际完成|已|新增)?(?:完成(?:固定资产|工业)?投资|投资完成|"
            r"固定资产投资|工业投资|技改投资|设备投资|基础设施投资|民间投资|到位资金|"
            r"自有资金|资金|实际使用外资|实际利用外资|利用外资|注册外资|到账外资|外资到位|合同外资|"
            r"(?:招商)?引资总额|引进外资|协议注册外资|协议外资|外资到账|(?:增加|新增)注册资本|"
            r"建设投资|土建投资|建安投资|流动资金|(?:新兴)?产业投资(?!项目|基金)))",
            rf"(?P<revenue>{_NOT_A_YEAR}年(?:均|度)?(?:新增)?(?:开票|应税)?(?:销售收入|营业收入|"
            r"主营业务收入|营收|销售额|营业额|开票销售|销售|收入|开票)(?:总额)?)",
            rf"(?P<output>{_NOT_A_YEAR}年(?:均|度)?(?:新增)?(?:工业)?(?:总?产值|产量))",
            rf"(?P<tax>{_NOT_A_YEAR}年(?:均|度)?(?:新增)?(?:缴纳|上缴|入库|实缴)?(?:纳税|税收|利税|缴税|税金|创税)"
            r"(?:总额)?)",
            r"(?P<invest>计划总投资|项目总投资|总投资额?|投资总额|协议总投资|协议投资额?|签约总额|签约额|"
            r"(?:所需|建设|建造|工程|基建)费用|(?:拟|将|已|再|共)斥(?=\d|约|近|超|逾)|签约金额|协议金额|合同金额|(?:协议|签约|投资)?总金额|(?:工程)?造价|签约(?=\d|超|逾|约|近)|协议引资|揽资|(?<![产])总值|计划投资|新增投资|拟投资|投资额|投资(?!股份|有限|集团|控股|公司|促进|管理|顾问)|总额|斥资|耗资|砸下|"
            r"(?<!研发)(?<!科技)投入)",
            r"(?P<revenue_weak>开票销售|应税销售|销售收入|营业收入|主营业务收入|营收|销售额|营业额|开票|收入)",
            r"(?P<output_weak>总产值|产值)",
            r"(?P<tax_weak>(?:缴纳税收|入库税收|纳税|税收|利税|税金(?!及附加)|缴税)(?:总额)?)",
            r"(?P<other>利润总额|净利润|利润|基金|补贴|补助|奖励|资助|贷款|借款|融资|存款|余额|预算|财政|"
            r"生产总值|GDP|进出口总额|进出口额|进出口|出口总额|出口额|出口|进口|外贸|贸易额|市值|估值|"
            r"对华投资|在华投资|对外投资|绿地投资|直接投资|外商投资(?!项目|企业)|研发投入|科技投入|"
            r"投资收入|投资收益|资产总额|总资产|营运利润|盈利|收益|总成本费用|成本|费用|税金及附加|"
            r"增购|亩均\w{0,2}|增加值|工程量|开支|支出)",
        ]
    )
    + ")"
)
_STRONG = {
    "plan": "annual_plan_investment",
    "capital": "registered_capital",
    "additional": "additional_investment",
    "revenue": "annual_revenue",
    "output": "annual_output_value",
    "tax": "annual_tax",
}
_WEAK = {
    "revenue_weak": "annual_revenue",
    "output_weak": "annual_output_value",
    "tax_weak": "annual_tax",
}
# "once built / in production" makes 销售收入, 产值, 纳税 yearly figures.
_PRODUCTION_CONTEXT = re.compile(
    r"达产|达效|投产后|建成后|投产以后|满产|全部建成|全面建成|建成投产"
)
# a period the whole sentence reports on (今年1—6月，……): carries past the sentence's amounts
_PERIOD = starting_with(
    r"以截上前\d",
    r"(?<!有史)以来|截至|截止|上半年|前三季度|前\d+个月|前[一二三四五六七八九十]+个月|\d+[-—~至]\d+月",
)
_AVERAGE = re.compile(r"平均|均投资|户均|人均")
# each of a group above a line: 26个项目投资额均超过5000万元 (the qualifier is in the amount)
_EACH_BEFORE = re.compile(r"均(?:在|达到|达|为)?$")
_SCOPE_GROUP = re.compile(
    r"(?:全省|全市|全区|全县|全国|各地|我省|我市|我区|我县|省级|市级|县级)[^,，。;；的]{0,12}?项目"
    r"|(?:内资|外资|民资)项目"
    r"|[省市县区镇](?:今年|本年|年度)?(?:重点|重大)(?:建设|工业|产业)?项目"
)
# a project introduced as one of a group (作为今年的市重点项目, 列入省重大项目): the group names
# what the project is, the amount after it is still the project's
_MEMBER_OF_GROUP = re.compile(r"(?:作为|列入|列为|入选|纳入)[^,，。;；]{0,8}$")
_TOTAL_WORD = re.compile(r"(?:合计|共计|总计)$")
# the group named right after its money (揽资876亿元，签约项目74个): the next clause counts
# the projects the amount adds up to
_COUNT_NEXT = re.compile(
    r"[,，、 ]\s*(?:共|共计|涉及)?(?:签约|签下|引进|落地|落户|开工|集中签约|集中开工)?"
    r"(?:重大|重点|产业)?项目(?:共|达|共计)?(?P<n>\d+|[两二三四五六七八九十百]+)(?:个|项)"
)
_ALIAS_IN_PARENS = re.compile(r"[(（][^()（）]{1,8}[)）][^,，。;；]{0,6}")
_AGGREGATE_WORDS = ("签约金额", "签约总额", "协议总额")
# what a place attracts (协议引资, 揽资) is never one project's total: a group's with a count,
# else a statistic
_ATTRACTED_WORDS = ("协议引资", "揽资")
# a clause that opens with a sector and 项目 (医药项目总投资X, 工业和服务业项目投资X): the
# subtotal of that sector's projects in a batch, not one project's total
_SECTOR = (
    r"(?:先进|现代|高端|战略性新兴|新兴)?(?:工业|服务业|制造业|生物医药|医药|电子信息|电子|新能源|"
    r"新材料|装备制造|装备|文旅|文化旅游|旅游|农业|基础设施|社会民生|民生|商贸|物流|科技|外资|"
    r"内资|产业|城建|交通|水利|能源|数字经济|化工|纺织|汽车|信息技术|文化|教育|卫生|康养|"
    r"社会事业|现代农业)[类型]?"
)
_SECTOR_GROUP = re.compile(
    rf"(?:其中)?{_SECTOR}(?:(?:、|和|及|与){_SECTOR}){{0,3}}项目"
    r"(?:总投资额?|投资额?|计划总投资|投资总额)(?:达到|达|为|约为|约|共|合计|超过)?"
)
_THIS_PROJECT = re.compile(r"该项目|此项目|项目的")
_PROJECT_NOUN = re.compile(r"项目|案|园区|工程|基地|中心|工厂")
_BARE_TOTAL = re.compile(
    r"(?:计划|协议|项目|涉及)?(?:总投资额?|投资总额|投资金额|投资额|总值|总额)(?:达|为|约为|约|共|合计|超过)?"
)
_ENUMERATION = re.compile(r"分别是|分别为")
_SUBSIDIARY_CAPITAL = re.compile(r"子公司")
_COMPANY_END = re.compile(r"[^,，。;；]{0,30}?(?:公司|集团)")
_CUMULATIVE = starting_with(
    r"累先历以年至截全上前目陆已\d",
    r"累计|累积|先后|历年|(?<!有史)以来|年来|至今|截至|截止|全年|上半年|前三季度|前\d+个月|目前已有|陆续|"
    r"已(?:通过|吸引|带动|核准|审核通过|引进)|已经突破|已突破|"
    r"前[一二三四五六七八九十]+个月|\d+[-—~至]\d+月",
)
# ... and a share of a group (60%以上的项目投资额超10亿元): a statistic, not one project's total
_STATISTIC_CONTEXT = re.compile(r"集群|规上|规模以上|占比|比重|%(?:以上|以下|左右)?的(?:项目|企业)")
# a figure per unit (超80万/亩, 每吨3000元): a ratio, not a total
_PER_AFTER = re.compile(r"^(?:/|每)(?:亩|平方米|平米|吨|股|人|台|件|户)")
_GROWTH_AFTER = re.compile(r"^[,，]?(?:同比|比上年|较上年|增长|下降|增速)")
# an increment: 比上年增加X亿元, 较去年同期增长X亿元
_INCREMENT_BEFORE = re.compile(
    r"(?:比|较|同比)[^,，。;；]{0,8}?(?:增加|增长|减少|下降|多|少|提高)了?(?:约|近|超)?$"
)
# a programme-level pledge: 计划于2025年前在华新增投资至少X亿元, 未来五年将投资X亿元
_PLEDGE_BEFORE = re.compile(
    r"(?:\d{4}年(?:前|以前|之前|底前)|(?:到|至)\d{4}年|未来[一二三四五六七八九十\d]+年(?:内|里)?)"
    r"[^。;；]{0,16}?(?:在华|在中国|对华|新增)[^。;；]{0,8}?投资"
)
# ``N个和X亿元`` after 分别为/分别达到: a group of N and its amount
_COUNT_AND = re.compile(r"(?P<n>\d+|[两二三四五六七八九十百]+)(?:个|项)和$")
_RATIO_CLAUSE = re.compile(r"(?:占比|比重|占)[^,，。;；]{0,8}%[,，]")
_TARGET_AFTER = re.compile(
    r"^(?:的)?(?:年度|全年)?(?:目标|任务|门槛|大关)|^的有\d+个|^的项目有|^及以上"
)
_MACRO_BEFORE = re.compile(
    r"(?:为|给)[^,，。;；]{0,6}经济带来[^,，。;；]{0,4}$|每年(?:可|将|能)?带来$"
)
_TRADE_BEFORE = re.compile(r"贸易(?:额|成交|合同|总额)|外贸|进出口")
_EVENT_SIGNING = re.compile(r"大会|会上|活动|仪式|洽谈会|博览会|推介会|说明会|经贸周")
_THRESHOLD_AFTER = re.compile(
    r"^(?:及以上|以上|以下)?的?(?:重大|重点|建设|招商|产业|工业|制造业|服务业|外资|内资|新|科技型|签约|在建){0,3}"
    r"(?:项目|企业)"
)
_COUNT = r"(?:\d+|[两二三四五六七八九十百]+)"
# 福州115个、总投资802亿元: a count closing the previous clause, then a bare total
_COUNT_CLAUSE_END = re.compile(rf"(?P<n>{_COUNT})(?:个|项)[,，、]$")
_GROUP = starting_with(
    r"\d两二三四五六七八九十百项一工通专",
    rf"(?P<n1>{_COUNT})(?:个|项|大)(?!月|百分点|小时|工作日)[^,，。;；]{{0,14}}?(?:项目|工程|专案)"
    rf"|(?:项目|工程|专案)(?:共有|共|共计|合计|总计|有)?(?:近|约|超|逾)?(?P<n2>{_COUNT})(?:个|项)"
    rf"|(?P<n3>{_COUNT})(?:件|家)[^,，。;；]{{0,12}}?(?:投资)?(?:申请)?案"
    rf"|通过(?P<n4>{_COUNT})案"
    rf"|(?P<n5>{_COUNT})家[^,，。;；]{{0,6}}?(?:业者|企业|厂商|公司|台商)"
    r"(?=将|拟|计划|共|合计|扩大|投资|总投资|斥资)"
    r"|一批[^,，。;；]{0,8}项目"
    rf"|(?<![第期])(?P<n6>{_COUNT})项目",
)
_CLAUSE_SPLIT = re.compile(r"[,，;；:：、()（）]")
_SENTENCE_END = re.compile(r"[。！？!?;；\n]")
_TABLE_HEADER = re.compile(
    r"(?P<key>年度计划投资|计划总投资|总投资|投资额|计划投资)[(（]?(?P<unit>亿元|万元|亿|万)[)）]?"
)
_PAIR_STOP = re.compile(r"[,，。;；\n]")
_TABLE_TOTAL = re.compile(r"^(?:合计|总计|小计|共计)")
_NAMED_AFTER = re.compile(r"^[^,，。;；]{0,3}的[^,，。;；]{2,40}?(?:项目|基地|产业园|工厂)")
_AR_FULL = re.compile(_AR)


@dataclass
class Amount:
    """One amount: ``start``/``end`` index the normalised text (``AmountFinder`` maps them)."""

    start: int
    end: int
    text: str  # as in the normalised text
    value_wan: Decimal
    currency: str
    original_wan: Decimal
    qualifier: str
    role: str = "other"
    keyword: str = ""
    count: int | None = None  # projects in the group, for batch amounts
    in_table: bool = False
    table_total: bool = False
    table_row: list[str] = field(default_factory=list)
    table_header: list[str] = field(default_factory=list)
    conversion: Amount | None = None  # ``（约合Y亿美元）`` right after it, not an amount


def cn_count(text: str) -> int | None:
    """``"8"`` -> 8, ``"两"`` -> 2, ``"二十三"`` -> 23; None if it is not a count."""
    if text.isdigit():
        return int(text)
    try:
        return int(parse_amount(text, default_unit="元").value_wan * 10000)
    except AmountError:
        return None


class _TextIndexes(threading.local):
    """Indexes of the text `assign_roles` is reading, keyed by `id(text)`: the keyword
    matches, the sentence ends and the clause splits. One set per thread, so texts read at
    the same time by a server's threads neither share nor clear each other's."""

    def __init__(self) -> None:
        self.keywords: dict[int, _KeywordIndex] = {}
        self.ends: dict[int, list[int]] = {}
        self.splits: dict[int, list[int]] = {}  # the clause splits, in order


_TEXT = _TextIndexes()


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    ends = _TEXT.ends.get(id(text))
    if ends is None:
        ends = [m.start() for m in _SENTENCE_END.finditer(text)]
    i = bisect.bisect_left(ends, start)
    left = ends[i - 1] + 1 if i > 0 else 0
    j = bisect.bisect_left(ends, end)
    return left, (ends[j] if j < len(ends) else len(text))


def _clause_start(text: str, lo: int, start: int) -> int:
    splits = _TEXT.splits.get(id(text))
    if splits is not None:  # the last split in [lo, start), by bisection
        i = bisect.bisect_left(splits, start) - 1
        return splits[i] + 1 if i >= 0 and splits[i] >= lo else lo
    pos = lo
    for m in _CLAUSE_SPLIT.finditer(text, lo, start):
        pos = m.end()
    return pos


def _clause_end(text: str, end: int, hi: int) -> int:
    splits = _TEXT.splits.get(id(text))
    if splits is not None:  # the first split in [end, hi), by bisection
        i = bisect.bisect_left(splits, end)
        return splits[i] if i < len(splits) and splits[i] < hi else hi
    m = _CLAUSE_SPLIT.search(text, end, hi)
    return m.start() if m else hi


_QUALIFIER_BEFORE = {
    "超过": "at_least", "超": "at_least", "逾": "at_least", "不低于": "at_least",
    "不少于": "at_least", "至少": "at_least",
    "约": "approx", "近": "approx", "约合": "approx", "约为": "approx", "大约": "approx",
    "将近": "approx", "接近": "approx",
    "不超过": "at_most", "最高": "at_most", "最多": "at_most",
}  # fmt: skip
_QUALIFIER_AFTER = {"以上": "at_least", "左右": "approx"}
_CURRENCY_AFTER = {
    "元": "CNY", "元人民币": "CNY", "美元": "USD", "欧元": "EUR", "港元": "HKD", "日元": "JPY",
    "英镑": "GBP",
}  # fmt: skip
_COMMON = re.compile(
    r"(?P<pre>超过|超|逾|不低于|不少于|至少|约合|约为|约|近|大约|将近|接近|不超过|最高|最多)?"
    r"(?P<rmb>人民币)?(?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)"
    r"(?P<inf>余|多)?"
    r"(?P<unit>亿|万)(?P<cur>元人民币|元|美元|欧元|港元|日元|英镑)?(?P<suf>以上|左右)?"
)


def fast_amount(text: str) -> tuple[Decimal, str, Decimal, str] | None:
    """``parse_amount(text)`` as ``(value_wan, qualifier, original, currency)`` for the
    common shapes of news amounts (``80余亿元``, ``不超过人民币35亿元``, ``15亿美元``,
    ``12,000万元``), without the full parser; None for anything else, or when the shape holds
    two qualifiers or two currencies. Agrees with ``parse_amount`` (tested on every shape)."""
    m = _COMMON.fullmatch(text)
    if m is None:
        return None
    pre, rmb, num, inf, unit, cur, suf = m.groups()
    if (pre is not None) + (inf is not None) + (suf is not None) > 1:
        return None
    if rmb and cur not in (None, "元"):
        return None
    number = Decimal(num.replace(",", "") if "," in num else num)
    original = number.scaleb(4) if unit == "亿" else number
    original = original.normalize()
    if original == original.to_integral_value():
        original = original.quantize(Decimal(1))
    if pre:
        qualifier = _QUALIFIER_BEFORE[pre]
    elif suf:
        qualifier = _QUALIFIER_AFTER[suf]
    else:
        qualifier = "at_least" if inf else "exact"
    currency = "CNY" if rmb or cur is None else _CURRENCY_AFTER[cur]
    if currency == "CNY":
        return original, qualifier, original, currency
    return convert_to_cny_wan(original, currency)[0], qualifier, original, currency


def fast_value(text: str) -> tuple[Decimal, str] | None:
    """The value in 万元 and the qualifier of a common CNY shape (``306亿元``, ``超100亿元``,
    ``5000万元以上``) without the full parser; None for anything else (see ``fast_amount``)."""
    fast = fast_amount(text)
    if fast is None or fast[3] != "CNY":
        return None
    return fast[0], fast[1]


_READ: dict[str, tuple[str, Decimal, str]] = {}
_READ_MAX = 4096


def read_amount(text: str) -> tuple[Decimal, str, Decimal, str]:
    """``parse_amount(text)`` as ``(value_wan, qualifier, original, currency)``,
    remembered by text (news repeats its round figures).

    Only what depends on the text alone is kept (qualifier, amount in its own currency,
    currency); a foreign amount is converted again on each call, so a change to the rate
    table is seen at once. Errors are not kept. Agrees with ``parse_amount`` (tested).
    """
    known = _READ.get(text)
    if known is None:
        amount = parse_amount(text)
        if len(_READ) >= _READ_MAX:
            _READ.clear()
        _READ[text] = (amount.qualifier.value, amount.original, amount.currency)
        return amount.value_wan, amount.qualifier.value, amount.original, amount.currency
    qualifier, original, currency = known
    value = original if currency == "CNY" else convert_to_cny_wan(original, currency)[0]
    return value, qualifier, original, currency


_MATCHED: dict[tuple, tuple[str, Decimal, str]] = {}


def clear_caches() -> None:
    """Forget the amounts remembered between texts."""
    _READ.clear()
    _MATCHED.clear()


def _parse(match: re.Match[str]) -> tuple[Decimal, str, Decimal, str]:
    """``_parse_plain`` remembered by the match's text and groups, on the terms of
    ``read_amount`` (the conversion of a foreign amount is redone on each call)."""
    key = (match.group(), match.groups())
    known = _MATCHED.get(key)
    if known is None:
        value, qualifier, original, currency = _parse_plain(match)
        if len(_MATCHED) >= _READ_MAX:
            _MATCHED.clear()
        _MATCHED[key] = (qualifier, original, currency)
        return value, qualifier, original, currency
    qualifier, original, currency = known
    value = original if currency == "CNY" else convert_to_cny_wan(original, currency)[0]
    return value, qualifier, original, currency


def _parse_plain(match: re.Match[str]) -> tuple[Decimal, str, Decimal, str]:
    text = match.group()
    fast = fast_amount(text)
    if fast is not None:
        return fast
    if "兆" in text:  # 兆 = 万亿 (Taiwan: 2兆6,218亿元)
        return read_amount(text.replace("兆", "万亿"))
    lo = match.group("lo")
    if lo:
        # a range (30亿至50亿元): the lower bound, at least
        tail = (match.group("unit") or "") + (match.group("cur") or "")
        lo_text = lo if any(u in lo for u in "万亿千") else lo + (match.group("unit") or "")
        lo_text = (match.group("cur1") or "") + lo_text + tail[len(match.group("unit") or "") :]
        value, _qualifier, original, currency = read_amount(lo_text)
        return value, Qualifier.AT_LEAST.value, original, currency
    try:
        return read_amount(text)
    except AmountError:
        suffix = match.group("suf")
        if not suffix:
            raise
        # 近7亿元以上: two qualifiers that disagree; the one before the number is kept
        return read_amount(text[: -len(suffix)])


def _amount_matches(text: str):
    """``AMOUNT_RE.finditer(text)``, except that a leading 约 belonging to the word before it
    (``签约80亿元``, ``节约``) is not a qualifier: the amount is matched again after it."""
    for m in AMOUNT_RE.finditer(text):
        pre, start = m.group("pre"), m.start()
        if pre and pre[0] == "约" and start > 0 and text[start - 1] in _WORDS_BEFORE_YUE:
            again = AMOUNT_RE.match(text, start + 1)
            if again is not None and again.group("pre") is None:
                yield again
            continue
        yield m


def find_amounts(text: str) -> list[Amount]:
    """Every money amount in the normalised ``text``, in order, roles not yet set."""
    found: list[Amount] = []
    for m in AMOUNT_RE.finditer(text):
        groups = m.groups()
        if not (groups[5] or groups[9] or groups[1] or groups[8]):
            continue  # unit, currency after, currency before, million/billion: none (2023年)
        if (
            groups[0]
            and groups[0][0] == "约"
            and text[m.start() - 1 : m.start()] in _WORDS_BEFORE_YUE
        ):
            # 签约80亿元: the 约 of 签约 is no qualifier; the amount is matched again after it
            again = AMOUNT_RE.match(text, m.start() + 1)
            if again is None or again.group("pre") is not None:
                continue
            m = again
            groups = m.groups()
        pre, cur1, _lo, num, _inf, unit, _rest, _inf2, eng, cur, _suf = groups
        unit = unit or ""
        has_currency = bool(cur or cur1)
        if not (unit in ("万亿", "千万", "百万", "亿", "万", "兆") or has_currency or eng):
            continue
        if eng and not cur1:
            continue
        start, end = m.span()
        before = text[start - 1] if start > 0 else ""
        after = text[end] if end < len(text) else ""
        if (before and before in "数几第") or (before.isdigit() and not pre):
            continue
        if before == "上" and not pre and not cur1 and not num[0].isdigit():  # 上百亿元
            continue
        if after == "级" or text.startswith("元级", end):
            continue
        if not cur and not cur1:
            if after in _NOT_MONEY_AFTER:
                continue
            clause = text[_clause_start(text, max(0, start - 25), start) : start]
            if not _MONEY_WORDS.search(clause) and not text.startswith(("的", "资金"), end):
                continue
        if num[0] in _CN and not pre and before and before in "一二三四五六七八九十百千两":
            continue
        if num in ("十", "百", "千") and _THRESHOLD_AFTER.match(text[end : end + 20]):
            continue  # 超百亿元项目2个, 千万元以上企业: a bare magnitude drawing a line
        try:
            value, qualifier, original, currency = _parse(m)
        except AmountError:
            continue
        found.append(Amount(start, end, m.group(), value, currency, original, qualifier))
    found.extend(_table_amounts(text, found))
    found.sort(key=lambda a: a.start)
    found = pair_conversions(text, found)
    apply_document_currency(text, found)
    return found


_WORDS_BEFORE_YUE = set("签契公条节制规预合简")
_CONVERSION_GAP = re.compile(r"^[(（](?:约合|折合|合|约|相当于|即)?$")
# currencies a bare 元 stands for, from what the text names (literal words: ``in`` tests)
_TWD_CUES = ("新台币", "台币", "NT$", "投资台湾", "台商回台", "台商回流", "根留台湾", "-TW)")
_HKD_CUES = (
    "港币", "港元", "HK$", "港投公司", "投资推广署", "特区政府", "香港交易所", "港交所",
    # the Hong Kong government's own words: its budget, legislature and bureaus
    "立法会", "财政司", "施政报告", "港府", "香港政府", "港铁",
)  # fmt: skip
_CNY_CUES = ("人民币", "RMB", "CNY")


def document_currency(text: str) -> str:
    """The currency a bare ``元`` (or ``亿`` with no currency) means in this normalised text:
    TWD where it names the New Taiwan dollar or Taiwan's investment programmes, HKD where it
    names the Hong Kong dollar or Hong Kong's government bodies, CNY otherwise (and always
    when it also names 人民币)."""
    if any(cue in text for cue in _CNY_CUES):
        return "CNY"
    if any(cue in text for cue in _TWD_CUES):
        return "TWD"
    if any(cue in text for cue in _HKD_CUES):
        return "HKD"
    return "CNY"


_EXPLICIT_CNY = re.compile(r"人民币|RMB|CNY|¥")


def apply_document_currency(text: str, amounts: list[Amount]) -> None:
    """Amounts read as CNY only because no currency was written take the text's currency."""
    currency = document_currency(text)
    if currency == "CNY":
        return
    for a in amounts:
        if a.currency == "CNY" and not _EXPLICIT_CNY.search(a.text):
            a.currency = currency
            a.value_wan = convert_to_cny_wan(a.original_wan, currency)[0]


def pair_conversions(text: str, amounts: list[Amount]) -> list[Amount]:
    """Drop each amount that converts the one before it in parentheses
    (``847.6亿元人民币（约合122.6亿美元）``), keeping it as that amount's ``conversion``."""
    out: list[Amount] = []
    for a in amounts:
        prev = out[-1] if out else None
        if (
            prev is not None
            and not a.in_table
            and a.currency != prev.currency
            and _CONVERSION_GAP.match(text[prev.end : a.start])
            and text[a.end : a.end + 1] in (")", "）")
        ):
            prev.conversion = a
            continue
        out.append(a)
    return out


def _table_amounts(text: str, found: list[Amount]) -> list[Amount]:
    """Bare numbers in a table whose header names the unit: ``总投资（亿元）`` over ``12.5``."""
    out: list[Amount] = []
    if "\t" not in text:
        return out
    taken = {(a.start, a.end) for a in found}
    column: int | None = None
    unit = role_key = ""
    header: list[str] = []
    pos = 0
    for line in text.split("\n"):
        cells = line.split("\t")
        if column is None:
            for i, cell in enumerate(cells):
                m = _TABLE_HEADER.fullmatch(cell.strip())
                if m and len(cells) >= 3:
                    column, unit, role_key = i, m.group("unit"), m.group("key")
                    header = [c.strip() for c in cells]
        elif len(cells) > column and len(cells) >= 2:
            cell = cells[column]
            offset = pos + sum(len(c) + 1 for c in cells[:column])
            value = cell.strip()
            if _AR_FULL.fullmatch(value):
                s = offset + cell.index(value)
                if (s, s + len(value)) not in taken:
                    try:
                        parsed = parse_amount(value, default_unit=unit.rstrip("元") + "元")
                    except AmountError:
                        parsed = None
                    if parsed is not None:
                        total = bool(_TABLE_TOTAL.match(cells[0].strip()))
                        role = (
                            "annual_plan_investment"
                            if role_key == "年度计划投资"
                            else ("batch_total_investment" if total else "total_investment")
                        )
                        out.append(
                            Amount(
                                s,
                                s + len(value),
                                value,
                                parsed.value_wan,
                                parsed.currency,
                                parsed.original,
                                parsed.qualifier.value,
                                role=role,
                                keyword=role_key,
                                in_table=True,
                                table_total=total,
                                table_row=[c.strip() for c in cells],
                                table_header=header,
                            )
                        )
        elif len(cells) < 2:
            column = None
        pos += len(line) + 1
    return out


_KEYWORD_FINDER = Anchored(_KEYWORDS)  # list(_KEYWORDS.finditer(text)), faster


class _KeywordIndex:
    """Every keyword of the text found once; ``between(lo, hi)`` in order."""

    def __init__(self, text: str) -> None:
        self.matches = _KEYWORD_FINDER.matches(text)
        self.starts = [m.start() for m in self.matches]
        self.ends = [m.end() for m in self.matches]

    def last_two(self, lo: int, hi: int) -> list[re.Match[str]]:
        """``between(lo, hi)[-2:]``: the matches do not overlap, so their ends are in order."""
        j = bisect.bisect_right(self.ends, hi)
        i = bisect.bisect_left(self.starts, lo, 0, j)
        return self.matches[max(i, j - 2) : j]

    def between(self, lo: int, hi: int) -> list[re.Match[str]]:
        i = bisect.bisect_left(self.starts, lo)
        out = []
        while i < len(self.matches) and self.matches[i].end() <= hi:
            out.append(self.matches[i])
            i += 1
        return out


def _last_keywords(text: str, lo: int, hi: int) -> list[re.Match[str]]:
    """``_keywords(text, lo, hi)[-2:]``, by bisection."""
    index = _TEXT.keywords.get(id(text))
    if index is None:
        return list(_KEYWORDS.finditer(text, lo, hi))[-2:]
    return index.last_two(lo, hi)


def _keywords(text: str, lo: int, hi: int) -> list[re.Match[str]]:
    index = _TEXT.keywords.get(id(text))
    if index is None:
        return list(_KEYWORDS.finditer(text, lo, hi))
    return index.between(lo, hi)


def _group_count(segment: str) -> int | None:
    for m in _GROUP.finditer(segment):
        if segment.startswith("中", m.end()):
            continue  # 五家回台投资案中: one among them
        raw = (
            m.group("n1")
            or m.group("n2")
            or m.group("n3")
            or m.group("n4")
            or m.group("n5")
            or m.group("n6")
        )
        if raw is None:
            return 0  # 一批: a group, size unknown
        n = cn_count(raw)
        if n is not None and n >= 2:
            return n
    return None


def assign_roles(text: str, amounts: list[Amount]) -> None:
    """Set ``role`` (and ``count`` for batches) on each amount of the normalised ``text``."""
    _TEXT.keywords.clear()
    _TEXT.keywords[id(text)] = _KeywordIndex(text)
    _TEXT.ends.clear()
    _TEXT.ends[id(text)] = [m.start() for m in _SENTENCE_END.finditer(text)]
    _TEXT.splits.clear()
    _TEXT.splits[id(text)] = [m.start() for m in _CLAUSE_SPLIT.finditer(text)]
    try:
        _assign_roles(text, amounts)
    finally:
        _TEXT.keywords.clear()
        _TEXT.ends.clear()
        _TEXT.splits.clear()


def _assign_roles(text: str, amounts: list[Amount]) -> None:
    previous: Amount | None = None
    paired: dict[int, str] = _respectively(text, amounts)
    starts = [a.start for a in amounts]  # in order
    for amount in amounts:
        if amount.in_table:
            previous = amount
            continue
        s_lo, s_hi = _sentence_bounds(text, amount.start, amount.end)
        left = text[s_lo : amount.start]
        c_lo = _clause_start(text, s_lo, amount.start)
        c_hi = _clause_end(text, amount.end, s_hi)
        right = text[amount.end : s_hi]
        gap = text[previous.end : amount.start] if previous else ""
        if (
            previous is not None
            and gap in ("(", "（")
            and amount.text.startswith(("约合", "折合", "合"))
        ):
            amount.role, amount.keyword, amount.count = (
                previous.role,
                previous.keyword,
                previous.count,
            )
            previous = amount
            continue
        kw_at = 0  # where a keyword after the amount ends (增资 after it)
        if id(amount) in paired:
            kind, word = paired[id(amount)], ""
        else:
            kws = _last_keywords(text, s_lo, amount.start)
            kind, word = "", ""
            kw_at = 0
            if kws:
                kind, word = kws[-1].lastgroup or "", kws[-1].group()
                if (
                    len(kws) > 1
                    and text[kws[-2].end() : kws[-2].end() + 1] in ("(", "（")
                    and _ALIAS_IN_PARENS.fullmatch(text, kws[-2].end(), amount.start)
                ):
                    # 年总产值（销售额）将达300亿元: the word in parentheses is an alias
                    kind, word = kws[-2].lastgroup or "", kws[-2].group()
            else:
                after = _keywords(text, amount.end, min(c_hi + 1, amount.end + 8))
                if after:
                    kind, word = after[0].lastgroup or "", after[0].group()
                    kw_at = after[0].end()
        amount.keyword = word
        ahead = text[max(s_lo, amount.start - 18) : amount.start]  # the words right before
        count_and = (
            _COUNT_AND.search(text, max(s_lo, amount.start - 8), amount.start)
            if ahead.endswith("和")
            else None
        )
        if count_and and kind in ("", "invest"):
            kind = "invest"
        total_word = kind == "" and _TOTAL_WORD.search(text, c_lo, amount.start)
        if kind == "" and (total_word or ("的" in right[:4] and _NAMED_AFTER.match(right))):
            kind = "invest"  # 签定的9000万美元的电子项目 / 合计2.1亿美元
        role = _base_role(kind, left)
        # a cumulative marker counts from the previous amount of the sentence on: what an
        # earlier amount's clause says of itself does not carry over to the next project
        own_lo = s_lo
        period_hi = amount.start
        if previous is not None and s_lo <= previous.end <= amount.start:
            own_lo = previous.end
            # a period heads the sentence's figures (今年1—6月，……) or follows the previous
            # amount; one in an earlier amount's clause (1-6月累计完成X，其中……) is that one's
            if "其中" in text[own_lo : amount.start]:
                period_hi = starts[bisect.bisect_left(starts, s_lo)]  # the first amount
        if role != "other" and (
            (
                ("比" in ahead or "较" in ahead)
                and _INCREMENT_BEFORE.search(text, max(s_lo, amount.start - 16), amount.start)
            )
            or (_pledge_words(left) and _PLEDGE_BEFORE.search(text, s_lo, amount.start))
            or (
                "带来" in ahead
                and _MACRO_BEFORE.search(text, max(s_lo, amount.start - 18), amount.start)
            )
            or _TARGET_AFTER.match(right)
            or _PER_AFTER.match(right)
            or (role == "investment" and _TRADE_BEFORE.search(text, own_lo, amount.start))
        ):
            role = "other"
        if (
            role == "additional_investment"
            and word == "增资"
            and (
                _SUBSIDIARY_CAPITAL.search(left)
                or (amount.end < kw_at and _COMPANY_END.match(text, kw_at, s_hi))
            )
        ):
            # 向全资子公司增资4.5亿元, 汇出1050万美元增资上海佳格食品有限公司: capital put
            # into a company, not added to a project
            role = "other"
        if role == "annual_plan_investment" and (
            _THRESHOLD_AFTER.match(right)
            or (
                amount.text.endswith(("以上", "以下"))
                and right[:1] not in ("", ",", "，", "。", "、", ")", "）")
            )
        ):
            role = "other"  # 年度计划投资5000万元以上项目431个: a line, not a plan
        if role in ("registered_capital", "additional_investment"):
            pass
        elif role != "annual_plan_investment" and role != "other":
            if (
                _CUMULATIVE.search(text, own_lo, amount.start)
                or _PERIOD.search(text, s_lo, period_hi)
                or _GROWTH_AFTER.match(right)
                or _AVERAGE.search(text, c_lo, amount.start)
                or (
                    "均" in ahead[-3:]
                    and _EACH_BEFORE.search(text, max(c_lo, amount.start - 3), amount.start)
                )
            ):
                role = "other"
            elif _STATISTIC_CONTEXT.search(text, c_lo, c_hi):
                role = "other"
            elif _THRESHOLD_AFTER.match(right) or (
                amount.text.endswith(("以上", "以下"))
                and right[:1] not in ("", ",", "，", "。", "、", ")", "）")
            ):
                role = "other"
        if role == "investment":
            prev_clause_lo = _clause_start(text, s_lo, max(s_lo, c_lo - 1))
            window = text[prev_clause_lo:c_hi]
            count = _group_count(window)
            if (
                count is not None
                and "其中" in text[c_lo : amount.start]
                and _group_count(text[c_lo:c_hi]) is None
            ):
                count = None  # 再添四家企业……，其中光阳工业投入四十四亿元: one of the group
            if (
                count is None
                and _BARE_TOTAL.fullmatch(text, c_lo, amount.start)
                and not _ENUMERATION.search(text, s_lo, c_lo)
            ):
                # 本次参加的开工项目9个，包括……，总投资409.3亿元: a clause with no subject of
                # its own speaks of the sentence's subject (not after 分别是: each has its own)
                count = _group_count(text[s_lo:c_hi])
            if count is None and _RATIO_CLAUSE.match(text, prev_clause_lo, c_lo):
                # 集群项目近400项，占比近90%，总投资超9500亿元: the ratio clause between the
                # group and its amount does not end the group
                before = _clause_start(text, s_lo, max(s_lo, prev_clause_lo - 1))
                count = _group_count(text[before:c_hi])
            respectively = "分别" in text[c_lo : amount.start]
            named = _NAMED_AFTER.match(right) if "的" in right[:4] else None
            if count_and:
                role = "batch_total_investment"
                amount.count = cn_count(count_and.group("n"))
            elif total_word or (
                count is None
                and (group := _SCOPE_GROUP.search(text, s_lo, amount.start))
                and not _MEMBER_OF_GROUP.search(text, max(s_lo, group.start() - 12), group.start())
            ):
                role = "batch_total_investment"
            elif (
                count is None
                and _BARE_TOTAL.fullmatch(text, c_lo, amount.start)
                and (bare_count := _COUNT_CLAUSE_END.search(text, max(s_lo, c_lo - 8), c_lo))
                and (cn_count(bare_count.group("n")) or 0) >= 2
            ):
                role = "batch_total_investment"
                amount.count = cn_count(bare_count.group("n"))
            elif (
                word in _AGGREGATE_WORDS
                and not _THIS_PROJECT.search(text, s_lo, amount.start)
                and not _PROJECT_NOUN.search(text, c_lo, amount.start)
            ):
                role = "batch_total_investment"  # 签约金额达到95亿元: what a signing adds up to
            elif word == "签约" and _EVENT_SIGNING.search(left):
                role = "batch_total_investment"  # 大会签约X亿元: the event's total
            elif (
                count is None
                and (next_count := _COUNT_NEXT.match(text, c_hi))
                and (cn_count(next_count.group("n")) or 0) >= 2
                and not _PROJECT_NOUN.search(text, c_lo, amount.start)
                and amount.end >= c_hi - 2
            ):
                role = "batch_total_investment"
                amount.count = cn_count(next_count.group("n"))
            elif (
                count is not None
                and not respectively
                and not (
                    named
                    and _group_count(named.group()) is None
                    and _group_count(text[c_lo : amount.start]) is None
                )
            ):
                role = "batch_total_investment"
                amount.count = count or None
            elif text[c_lo - 1 : c_lo] not in (")", "）") and _SECTOR_GROUP.fullmatch(
                text, c_lo, amount.start
            ):  # (not a heading: （一）先进制造业项目)
                role = "batch_total_investment"  # 医药项目总投资10.83亿元: a sector's subtotal
            elif word in _ATTRACTED_WORDS:
                role = "other"  # 全县……协议引资7.78亿元: what the place attracted
            else:
                role = "total_investment"
        if role == "annual_plan_investment":
            prev_clause_lo = _clause_start(text, s_lo, max(s_lo, c_lo - 1))
            count = _group_count(text[prev_clause_lo:c_hi])
            amount.count = count or None
        amount.role = role
        previous = amount


def _pledge_words(left: str) -> bool:
    """Cheap test before _PLEDGE_BEFORE: the words every pledge holds."""
    return "投资" in left and (
        "在华" in left or "在中国" in left or "新增" in left or "对华" in left
    )


def _base_role(kind: str, left: str) -> str:
    if kind in _STRONG:
        return _STRONG[kind]
    if kind == "invest":
        return "investment"
    if kind in _WEAK:
        return _WEAK[kind] if _PRODUCTION_CONTEXT.search(left) else "other"
    return "other"


def _respectively(text: str, amounts: list[Amount]) -> dict[int, str]:
    """``年销售收入和税收分别达45亿元和3.6亿元``: pair keywords and amounts in order."""
    out: dict[int, str] = {}
    for m in re.finditer("分别", text):
        floor = max(0, m.start() - 40)
        lo = max((x.end() for x in _PAIR_STOP.finditer(text, floor, m.start())), default=floor)
        kws = _keywords(text, lo, m.start())
        if len(kws) < 2:
            continue
        _s, hi = _sentence_bounds(text, m.end(), m.end())
        after = [a for a in amounts if m.end() <= a.start < hi]
        if after and _keywords(text, m.end(), after[0].start):
            continue  # 分别新增协议外资X、Y: the word after 分别 names them all
        if len(after) >= len(kws):
            for kw, amount in zip(kws, after, strict=False):
                out[id(amount)] = kw.lastgroup or ""
    return out
