"""The true facts of the seed article (2023, Zhangjiagang), as demo data with sources.

Nothing here is invented: each figure is in the seed article or in the public
reporting named by its source. Where a fact is not known (a project's township
unit, a day of the month) it is left empty rather than guessed. Industry codes
and chains are our classification of the named activity, as a ledger clerk
would enter them.
"""

from __future__ import annotations

import calendar
import datetime

# The demo's latest month: the last month the real figures cover (the 2023 provincial list
# and its annual plans, the city's 2023 trade and foreign-capital figures). Nothing synthetic
# is dated after it (stage dates, monthly reports, yearly figures), so the cockpit never
# shows invented activity in the month a user happens to open it.
LATEST_MONTH = (2023, 12)


def latest_day() -> datetime.date:
    """The last day of `LATEST_MONTH`: the latest date any synthetic figure may carry."""
    year, month = LATEST_MONTH
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


SEED = "seed"
SHENGHONG_REPORTS = "shenghong_reports"
CITY_PAGE = "city_page"
STEEL_MAKERS = "steel_makers"

SOURCES = {
    SEED: {
        "title": "硬核发力！就要大项目！",
        "publisher": "张家港融媒（记者 徐苗 李语馨 吴思晔）",
        "url": "",
        "document": "shared/seed/000_d3082454bf6b9b55.txt",
        "note": "2023年初报道；转载页面更新于2024-03-19。 / Early-2023 report; "
        "mirror page updated 2024-03-19.",
    },
    SHENGHONG_REPORTS: {
        "title": "公开报道：盛虹储能电池超级工厂项目签约（60GWh，首期24GWh及研究院140亿元）",
        "publisher": "公开报道 / public reporting",
        "url": "",
        "document": "",
        "note": "首期24GWh及新能源电池研究院，总投资140亿元，年营收240亿元。 / First phase "
        "24GWh plus the institute, CNY 14 bn, yearly revenue CNY 24 bn.",
    },
    CITY_PAGE: {
        "title": "张家港市情简介（市政府网站，2024）",
        "publisher": "张家港市人民政府",
        "url": "",
        "document": "",
        "note": "外资企业、世界500强与外贸外资数据。 / Foreign-invested firms, Fortune "
        "Global 500 and trade figures.",
    },
    STEEL_MAKERS: {
        "title": "公开信息：张家港的钢铁企业（企业官网与公开报道）",
        "publisher": "公开信息 / public company information",
        "url": "",
        "document": "",
        "note": "沙钢、永钢、浦项不锈钢的所在镇与主营产品；沙钢是中国最大的民营钢铁企业。种子报道未"
        "提及这些企业。 / Where Shagang, Yonggang and POSCO stainless are and what they make; "
        "Shagang is China's largest private steel maker. The seed article does not name them.",
    },
}

CHAINS = [
    # code, name, English name, group
    ("metallurgy", "钢铁冶金", "Steel and metallurgy", "traditional"),
    ("equipment", "装备", "Equipment", "traditional"),
    ("chemicals", "化工", "Chemicals", "traditional"),
    ("textiles", "纺织", "Textiles", "traditional"),
    ("semiconductors", "特色半导体", "Specialty semiconductors", "emerging"),
    ("biomedicine", "生物医药及高端医疗器械", "Biomedicine and medical devices", "emerging"),
    ("new-energy", "新能源", "New energy", "emerging"),
    ("digital-economy", "数字经济", "Digital economy", "emerging"),
    ("energy-storage", "新型储能", "New energy storage", "future"),
    ("third-gen-semiconductors", "第三代半导体", "Third-generation semiconductors", "future"),
    ("commercial-aerospace", "商业航天", "Commercial aerospace", "future"),
    ("hydrogen", "氢能", "Hydrogen", "future"),
]

# name, aliases [(alias, kind)], country, parent name, flags, stock code, note
ENTERPRISES = [
    {
        "name": "中粮集团有限公司",
        "aliases": [("中粮", "short"), ("COFCO Corporation", "english")],
        "country": "CN",
        "is_fortune500": True,
    },
    {
        "name": "中粮东海粮油工业(张家港)有限公司",
        "aliases": [("中粮东海粮油", "short")],
        "country": "CN",
        "parent": "中粮集团有限公司",
        "note": "全球最大的粮油加工产业园。 / The world's largest grain and oil processing park.",
    },
    {
        "name": "信义玻璃控股有限公司",
        "aliases": [("信义集团", "short"), ("Xinyi Glass Holdings Limited", "english")],
        "country": "HK",
        "is_listed": True,
        "stock_code": "HKEX 00868",
    },
    {
        "name": "信义光能控股有限公司",
        "aliases": [("信义光能", "short"), ("Xinyi Solar Holdings Limited", "english")],
        "country": "HK",
        "parent": "信义玻璃控股有限公司",
        "is_listed": True,
        "stock_code": "HKEX 00968",
        "note": "全球最大的太阳能光伏面板（光伏玻璃）制造商。 / The world's largest maker of PV glass.",
    },
    {
        "name": "信义光伏(苏州)有限公司",
        "aliases": [("信义光伏", "short")],
        "country": "CN",
        "parent": "信义光能控股有限公司",
        "region": "320582406",
    },
    {
        "name": "大族激光科技产业集团股份有限公司",
        "aliases": [("大族激光", "short"), ("Han's Laser Technology Industry Group", "english")],
        "country": "CN",
        "is_listed": True,
        "stock_code": "SZSE 002008",
        "note": "全球最大的工业激光设备生产商。 / The world's largest maker of industrial lasers.",
    },
    {
        "name": "盛虹控股集团有限公司",
        "aliases": [
            ("盛虹", "short"),
            ("盛虹控股", "short"),
            ("Shenghong Holding Group", "english"),
        ],
        "country": "CN",
        "is_fortune500": True,
    },
    {
        "name": "Amprius Technologies, Inc.",
        "aliases": [("安普瑞斯", "short"), ("Amprius", "english")],
        "country": "US",
        "is_listed": True,
        "stock_code": "NYSE AMPX",
    },
    {
        "name": "ZF Friedrichshafen AG",
        "aliases": [("采埃孚", "short"), ("ZF", "english"), ("采埃孚股份公司", "short")],
        "country": "DE",
        "is_fortune500": True,
        "note": "在张家港平均每15个月投资一个新项目；亚太区规模最大的生产基地在张家港。 / A new "
        "project here every 15 months on average; its largest Asia-Pacific base is here.",
    },
    {
        "name": "Jatco Ltd",
        "aliases": [("加特可", "short"), ("ジヤトコ", "other")],
        "country": "JP",
    },
    {
        "name": "光束汽车有限公司",
        "aliases": [
            ("光束汽车", "short"),
            ("Beam", "english"),
            ("Spotlight Automotive", "english"),
        ],
        "country": "CN",
    },
    {
        "name": "广大特材股份有限公司",
        "aliases": [("广大特材", "short")],
        "country": "CN",
        "is_listed": True,
        "stock_code": "SSE 688186",
    },
    {
        "name": "江苏广大鑫盛精密智造有限公司",
        "aliases": [("广大鑫盛", "short")],
        "country": "CN",
        "parent": "广大特材股份有限公司",
    },
    {
        "name": "Merck KGaA",
        "aliases": [("默克", "short"), ("默克半导体", "short")],
        "country": "DE",
    },
    {
        "name": "北京天兵科技有限公司",
        "aliases": [("天兵科技", "short"), ("Space Pioneer", "english")],
        "country": "CN",
    },
    # The city's steel makers: not in the seed article; public company information only.
    {
        "name": "江苏沙钢集团有限公司",
        "aliases": [("沙钢", "short"), ("沙钢集团", "short"), ("Shagang Group", "english")],
        "country": "CN",
        "region": "320582103",
        "is_fortune500": True,
        "note": "中国最大的民营钢铁企业，位于锦丰镇。 / China's largest private steel maker, in "
        "Jinfeng town.",
        "source": STEEL_MAKERS,
    },
    {
        "name": "江苏永钢集团有限公司",
        "aliases": [("永钢", "short"), ("永钢集团", "short"), ("Yonggang Group", "english")],
        "country": "CN",
        "region": "320582106",
        "note": "钢铁企业，位于南丰镇。 / Steel maker in Nanfeng town.",
        "source": STEEL_MAKERS,
    },
    {
        "name": "张家港浦项不锈钢有限公司",
        "aliases": [("浦项不锈钢", "short"), ("浦项(张家港)不锈钢", "short"), ("ZPSS", "english")],
        "country": "CN",
        "region": "320582103",
        "note": "不锈钢企业，位于锦丰镇。 / Stainless steel maker in Jinfeng town.",
        "source": STEEL_MAKERS,
    },
]

# Projects. Amount fields are text exactly as the source writes them.
PROJECTS = [
    {
        "code": "320582-2023-0001",
        "name": "盛虹控股集团储能电池超级工厂和新能源电池研究院项目",
        "investors": ["盛虹控股集团有限公司"],
        "stage": "signed",
        "actual_signed": "2023-01-31",
        "total_investment": "306亿元",
        "expected_revenue": "超560亿元",
        "capacity": "60GWh",
        "industry": "3841",
        "chain": "new-energy",
        "sources": [
            (SEED, "总投资306亿元；投产后预计年营收超560亿元；2023年1月落户"),
            (SHENGHONG_REPORTS, "60GWh；2023年1月31日签约"),
        ],
    },
    {
        "code": "320582-2023-0002",
        "parent": "320582-2023-0001",
        "phase_label": "首期",
        "name": "盛虹储能电池超级工厂首期24GWh项目及新能源电池研究院",
        "investors": ["盛虹控股集团有限公司"],
        "stage": "signed",
        "actual_signed": "2023-01-31",
        "total_investment": "140亿元",
        "expected_revenue": "240亿元",
        "capacity": "24GWh",
        "industry": "3841",
        "chain": "new-energy",
        "sources": [(SHENGHONG_REPORTS, "首期24GWh及研究院，总投资140亿元，年营收240亿元")],
    },
    {
        "code": "320582-2023-0003",
        "name": "信义张家港工业园（节能玻璃、光伏面板、储能电源）",
        "investors": ["信义玻璃控股有限公司"],
        "unit": "320582406",
        "is_foreign": True,
        "nature": "expansion",
        "stage": "in_production",
        "foreign_investment": "15亿美元",
        "chain": "new-energy",
        "description": "2018年以来信义集团先后投资15亿美元，形成节能玻璃、光伏面板、储能电源三大业务板块。",
        "sources": [(SEED, "2018年以来，信义集团先后投资15亿美元")],
    },
    {
        "code": "320582-2023-0004",
        "parent": "320582-2023-0003",
        "name": "信义光伏(苏州)有限公司光伏玻璃生产基地",
        "investors": ["信义光伏(苏州)有限公司"],
        "unit": "320582406",
        "is_foreign": True,
        "stage": "in_production",
        "expected_revenue": "45亿元",
        "expected_tax": "3.6亿元",
        "industry": "3042",
        "chain": "new-energy",
        "description": "省内最大的光伏玻璃生产基地。",
        "sources": [(SEED, "预计实现年销售收入45亿元，年缴纳税收3.6亿元")],
    },
    {
        "code": "320582-2023-0005",
        "name": "大族激光华东区域总部基地项目",
        "investors": ["大族激光科技产业集团股份有限公司"],
        "unit": "320582403",
        "stage": "started",
        "total_investment": "超100亿元",
        "capacity": "大族激光总产能的60%至70%",
        "industry": "3424",
        "chain": "equipment",
        "sources": [(SEED, "总投资超100亿元；未来产能可达大族激光总产能的60%至70%")],
    },
    {
        "code": "320582-2023-0006",
        "name": "港城智能智造产业园",
        "unit": "320582104",
        "stage": "started",
        "total_investment": "约90亿元",
        "expected_revenue": "25亿元",
        "expected_tax": "1.2亿元",
        "industry": "6450",
        "chain": "digital-economy",
        "description": "为字节跳动、三大电信运营商及阿里等提供算力基础的数据产业园。",
        "sources": [(SEED, "总投资约90亿元；达产后年收入预计25亿元，年纳税1.2亿元")],
    },
    {
        "code": "320582-2023-0007",
        "name": "安普瑞斯硅负极高能量密度锂离子电池项目",
        "investors": ["Amprius Technologies, Inc."],
        "is_foreign": True,
        "stage": "signed",
        "capacity": "月产1000万只锂离子电池",
        "industry": "3841",
        "chain": "new-energy",
        "sources": [(SEED, "正式签约，达产后将实现月产1000万只锂离子电池")],
    },
    {
        "code": "320582-2022-0001",
        "name": "采埃孚底盘零部件系统及后轮主动转向系统项目",
        "investors": ["ZF Friedrichshafen AG"],
        "is_foreign": True,
        "nature": "expansion",
        "stage": "signed",
        "actual_signed": "2022-11",
        "industry": "3670",
        "chain": "equipment",
        "sources": [(SEED, "去年11月签约")],
    },
    {
        "code": "320582-2023-0008",
        "name": "采埃孚新能源汽车核心零部件项目",
        "investors": ["ZF Friedrichshafen AG"],
        "is_foreign": True,
        "nature": "expansion",
        "stage": "signed",
        "industry": "3670",
        "chain": "equipment",
        "sources": [(SEED, "列入2023年江苏省重大项目清单")],
    },
    # "加特可、采埃孚、光束汽车等一批优质项目相继落户": the article names the two firms'
    # projects as settled here and says nothing else (no amount, place, date or stage), so
    # they are entered at the first stage "settled" implies and with nothing more.
    {
        "code": "320582-2023-0010",
        "name": "加特可项目",
        "investors": ["Jatco Ltd"],
        "is_foreign": True,
        "stage": "signed",
        "industry": "3670",
        "chain": "equipment",
        "description": "报道列为相继落户张家港的汽车产业链优质项目；金额、地点、时间与进度报道未说明。",
        "sources": [(SEED, "加特可、采埃孚、光束汽车等一批优质项目相继落户")],
    },
    {
        "code": "320582-2023-0011",
        "name": "光束汽车项目",
        "investors": ["光束汽车有限公司"],
        "stage": "signed",
        "industry": "3612",
        "chain": "equipment",
        "description": "报道列为相继落户张家港的汽车产业链优质项目；金额、地点、时间与进度报道未说明。",
        "sources": [(SEED, "加特可、采埃孚、光束汽车等一批优质项目相继落户")],
    },
    {
        "code": "320582-2023-0009",
        "name": "广大鑫盛风电装备关键部件项目",
        "investors": ["江苏广大鑫盛精密智造有限公司"],
        "stage": "signed",
        "industry": "3415",
        "chain": "equipment",
        "sources": [(SEED, "列入2023年江苏省重大项目清单")],
    },
]

LISTS = [
    {
        "name": "2023年江苏省重大项目清单",
        "level": "province",
        "year": 2023,
        "issuer": "江苏省发展和改革委员会",
        "declared_project_count": 5,
        "planned_investment": "22亿元",
        "members": ["320582-2023-0009", "320582-2023-0008"],
        "source": SEED,
    }
]

BATCH_EVENTS = [
    {
        "name": "2023年张家港市重大项目“开门红”现场推进会",
        "kind": "start_completion",
        "date": ("2023-01-01", "month"),
        "place": "张家港市",
        "unit": "320582",
        "declared_project_count": 100,
        "declared_total": "597.2亿元",
        "source": SEED,
    },
    {
        "name": "苏州市新能源汽车产业创新集群建设推进大会（张家港参会项目）",
        "kind": "promotion",
        "date": ("2023-01-01", "month"),
        "place": "苏州市",
        "unit": "320582",
        "declared_project_count": 8,
        "declared_total": "86.6亿元",
        "source": SEED,
    },
]

# Targets the article states without a year. An indicator target needs one, so these are not
# entered as targets of any year; they are shown with the indicator's definition instead.
# code, value, unit of measure, qualifier, source, the article's words
TARGETS_WITHOUT_YEAR = [
    (
        "emerging_services_revenue",
        "780",
        "亿元",
        "exact",
        SEED,
        "培育规上新兴服务业重点领域营收规模达780亿元",
    ),
]

CLUSTERS = [
    # name, unit code, target (亿元), qualifier, year
    ("冶金玻璃新材料产业集群", "320582406", "2000", "at_least", 2024),
    ("光伏新能源产业集群", "320582406", "200", "at_least", 2024),
    ("医疗器械与美容新医疗产业集群", "320582406", "100", "at_least", 2024),
]

# code, name, period, kind, value, unit of measure, qualifier, source, note
INDICATORS = [
    ("sei_output", "战略性新兴产业产值", "2022", "actual", "2400", "亿元", "at_least", SEED, ""),
    (
        "sei_output_growth",
        "战略性新兴产业产值同比增长",
        "2022",
        "actual",
        "8",
        "%",
        "exact",
        SEED,
        "",
    ),
    (
        "sei_share",
        "战略性新兴产业产值占规上工业总产值比重",
        "2022",
        "actual",
        "41.0",
        "%",
        "exact",
        SEED,
        "",
    ),
    (
        "foreign_invested_firms",
        "外资企业数",
        "2024",
        "actual",
        "1000",
        "家",
        "at_least",
        CITY_PAGE,
        "",
    ),
    (
        "foreign_investment_cumulative",
        "外资企业累计总投资",
        "2024",
        "actual",
        "352",
        "亿美元",
        "at_least",
        CITY_PAGE,
        "",
    ),
    (
        "fortune500_firms",
        "投资的世界500强企业",
        "2024",
        "actual",
        "41",
        "家",
        "exact",
        CITY_PAGE,
        "",
    ),
    (
        "fortune500_projects",
        "世界500强企业投资项目",
        "2024",
        "actual",
        "67",
        "个",
        "exact",
        CITY_PAGE,
        "",
    ),
    ("trade", "进出口总额", "2023", "actual", "405", "亿美元", "exact", CITY_PAGE, ""),
    ("fdi_utilised", "实际使用外资", "2023", "actual", "4.52", "亿美元", "exact", CITY_PAGE, ""),
]
