"""Demo leads: invented (is_synthetic, shown as 合成) for the seed's chains, in every stage and
status, some overdue, with interactions, hand-overs and teams, all written through the
lead services so the history and the stage log read as they would in use.

Dates are counted back from the day the demo is loaded, so "overdue" stays true to the
service levels whenever it runs. The won lead points to the seed's ZF project signed in
November 2022 (the lead is invented; the project is the seed's); the demo makes no new
ledger project, so the ledger's figures stay those of the seed.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from zhaoshang.core.history import save_tracked
from zhaoshang.enterprises.models import Enterprise, Lead, LeadStage, LeadStatus
from zhaoshang.leads import services, sla
from zhaoshang.leads.models import StageChange, Team, TeamKind

TEAMS = [
    # name, kind, unit as written, members
    ("新能源招商专班", TeamKind.TASK_FORCE, None, ["fgw", "admin"]),
    ("锦丰镇招商办", TeamKind.TOWN, "锦丰镇", ["jinfeng"]),
    ("商务局外资科", TeamKind.DIVISION, None, ["admin"]),
]

# Invented firms (marked synthetic): name, country.
FIRMS = {
    "苏州瀚储新材料科技有限公司": "CN",
    "江苏锂源电池材料有限公司": "CN",
    "上海晶芯功率半导体有限公司": "CN",
    "Nordwind Hydrogen GmbH": "DE",
    "深圳迈康医疗器械有限公司": "CN",
    "无锡智驱精密传动有限公司": "CN",
    "浙江光拓光伏科技有限公司": "CN",
    "Kanto Specialty Gases Co., Ltd.": "JP",
    "合肥钠晶储能科技有限公司": "CN",
    "北京星链测控技术有限公司": "CN",
}

# title, firm, node, team, owner, stage, status, amount, unit, created days ago,
# interactions [(days ago, kind, notes, outcome)], next action, next action in days,
# expected signing in days, status reason
LEADS = [
    (
        "瀚储新材料 储能电池正极材料基地",
        "苏州瀚储新材料科技有限公司",
        "energy-storage/lfp-materials",
        "新能源招商专班",
        "fgw",
        "lead",
        "active",
        "约8亿元",
        "",
        0,
        [],
        "首次电话联系",
        3,
        None,
        "",
    ),
    (
        "锂源电池材料 六氟磷酸锂项目",
        "江苏锂源电池材料有限公司",
        "new-energy/lithium-salt",
        "新能源招商专班",
        "fgw",
        "lead",
        "active",
        "约3亿元",
        "",
        20,
        [],
        "首次拜访",
        -6,
        None,
        "",
    ),
    (
        "晶芯功率 车规级IGBT模块封测线",
        "上海晶芯功率半导体有限公司",
        "semiconductors/power-devices",
        "新能源招商专班",
        "fgw",
        "contact",
        "active",
        "超10亿元",
        "保税区",
        35,
        [(30, "call", "与投资总监电话沟通扩产选址需求", "对方有意在长三角新设封测线")],
        "寄送保税区产业政策材料",
        -2,
        None,
        "",
    ),
    (
        "Nordwind 碱性电解槽中国工厂",
        "Nordwind Hydrogen GmbH",
        "hydrogen/electrolyser",
        "商务局外资科",
        "admin",
        "contact",
        "paused",
        "1.5亿美元",
        "",
        90,
        [(80, "meeting", "在上海进博会洽谈，介绍园区氢能配套", "对方年内预算冻结")],
        "明年一季度回访",
        100,
        None,
        "企业总部预算冻结至明年一季度",
    ),
    (
        "迈康医疗 高端影像设备生产基地",
        "深圳迈康医疗器械有限公司",
        "biomedicine/imaging",
        "锦丰镇招商办",
        "jinfeng",
        "negotiating",
        "active",
        "约6亿元",
        "冶金工业园",
        70,
        [
            (60, "visit", "赴深圳总部拜访，参观产线", "确认选址需求 80 亩"),
            (4, "meeting", "企业来张家港考察冶金工业园地块", "对地块满意，要求测算配套政策"),
        ],
        "报送政策测算方案",
        5,
        45,
        "",
    ),
    (
        "智驱精密 机器人减速器项目",
        "无锡智驱精密传动有限公司",
        "equipment/gears",
        "新能源招商专班",
        "fgw",
        "negotiating",
        "active",
        "4.5亿元",
        "锦丰镇",
        120,
        [
            (110, "visit", "上门拜访，了解扩产计划", "企业计划新建减速器工厂"),
            (70, "meeting", "在市商务局会谈投资协议框架", "协议条款基本一致"),
        ],
        "约请企业确认协议文本",
        -12,
        20,
        "",
    ),
    (
        "光拓光伏 N型TOPCon组件项目",
        "浙江光拓光伏科技有限公司",
        "new-energy/pv-module",
        "锦丰镇招商办",
        "jinfeng",
        "signed",
        "active",
        "约20亿元",
        "锦丰镇",
        200,
        [
            (190, "visit", "拜访企业，介绍冶金工业园光伏玻璃配套", "企业认可就近配套"),
            (150, "meeting", "双方签订投资意向书", "进入协议谈判"),
            (12, "meeting", "正式签约仪式", "签订投资协议"),
        ],
        "跟进注册公司",
        10,
        None,
        "",
    ),
    (
        "关东特气 电子特种气体工厂",
        "Kanto Specialty Gases Co., Ltd.",
        "semiconductors/specialty-gases",
        "商务局外资科",
        "admin",
        "negotiating",
        "lost",
        "约2亿元",
        "保税区",
        160,
        [
            (150, "meeting", "在苏州洽谈会上接洽", "企业在比较三个园区"),
            (60, "call", "电话回访", "企业选择了外省园区"),
        ],
        "电话回访选址结果",
        -50,
        None,
        "企业选址外省园区（土地价格）",
    ),
    (
        "钠晶储能 钠离子电池电芯项目",
        "合肥钠晶储能科技有限公司",
        "energy-storage/sodium-ion",
        "新能源招商专班",
        "fgw",
        "contact",
        "active",
        "约12亿元",
        "",
        60,
        [(5, "visit", "拜访企业合肥总部", "企业有意在苏南布局")],
        "邀请企业来张家港考察",
        3,
        None,
        "",
    ),
    (
        "星链测控 卫星地面站设备项目",
        "北京星链测控技术有限公司",
        "commercial-aerospace",
        "锦丰镇招商办",
        "jinfeng",
        "lead",
        "active",
        "约1.2亿元",
        "锦丰镇",
        1,
        [],
        "首次拜访",
        2,
        None,
        "",
    ),
]

LANDED_AFTER_SIGNING = 21  # days from the won lead's signing to its ledger project (invented)
WON = ("采埃孚 底盘零部件系统项目（线索）", "ZF Friedrichshafen AG",
       "采埃孚底盘零部件系统及后轮主动转向系统项目", "商务局外资科", "admin")  # fmt: skip


def _users() -> dict[str, object]:
    User = get_user_model()
    return {u.username: u for u in User.objects.filter(username__in=["fgw", "admin", "jinfeng"])}


def _teams(users) -> dict[str, Team]:
    from zhaoshang.projects.services import resolve_unit

    out = {}
    for name, kind, unit, members in TEAMS:
        team, _created = Team.objects.get_or_create(
            name=name, defaults={"kind": kind, "unit": resolve_unit(unit) if unit else None}
        )
        team.members.add(*[users[m] for m in members if m in users])
        out[name] = team
    return out


def _node(path: str):
    from zhaoshang.chains.models import Chain, Node

    if "/" not in path:
        chain = Chain.objects.filter(code=path).first()
        return Node.objects.filter(chain=chain).order_by("order", "pk").first()
    chain, code = path.split("/", 1)
    return Node.objects.filter(chain__code=chain, code=code).first()


def _ago(today: datetime.date, days: int) -> datetime.date:
    return today - datetime.timedelta(days=days)


@transaction.atomic
def load_demo() -> None:
    users = _users()
    if "admin" not in users:
        return  # the demo's users come first (demo.load.ensure_users)
    teams = _teams(users)
    today = timezone.localdate()
    for spec in LEADS:
        _lead(spec, users, teams, today)
    _won(users, teams, today)


def _lead(spec, users, teams, today) -> None:
    (title, firm, node_path, team, owner_name, stage, status, amount, unit, created_ago,
     interactions, next_action, next_in, signing_in, reason) = spec  # fmt: skip
    if Lead.objects.filter(title=title).exists():
        return
    owner = users.get(owner_name) or users["admin"]
    enterprise, _created = Enterprise.objects.get_or_create(
        name=firm, defaults={"country": FIRMS[firm], "is_synthetic": True}
    )
    node = _node(node_path)
    lead = services.create_lead(
        user=owner, title=title, enterprise=enterprise, origin="chain_target" if node else "manual",
        origin_note=f"{node.chain.name} / {node.name}" if node else "", node=node,
        team=teams[team], owner=owner, estimated_investment=amount, unit=unit or None,
        is_synthetic=True,
    )  # fmt: skip
    created = _ago(today, created_ago)
    Lead.objects.filter(pk=lead.pk).update(
        created_at=timezone.make_aware(datetime.datetime.combine(created, datetime.time(9)))
    )
    StageChange.objects.filter(lead=lead).update(on=created)
    lead.refresh_from_db()
    for days, kind, notes, outcome in interactions:
        services.add_interaction(user=owner, lead=lead, data={
            "kind": kind, "date": _ago(today, days), "notes": notes, "outcome": outcome,
            "our_participants": f"{owner.username}（{teams[team].name}）",
            "their_participants": "企业投资部负责人", "is_synthetic": True,
        })  # fmt: skip
        lead.refresh_from_db()
    data = {"next_action": next_action,
            "next_follow_up": today + datetime.timedelta(days=next_in) if next_in is not None
            else None,
            "expected_signing_on": today + datetime.timedelta(days=signing_in)
            if signing_in is not None else None}  # fmt: skip
    lead = services.update_lead(user=owner, lead=lead, data=data)
    order = [s for s in LeadStage.values if s != LeadStage.LANDED]
    target = order.index(stage)
    moves = order[1 : target + 1]
    for i, to_stage in enumerate(moves):
        # each move dated between creation and the latest interaction
        last = lead.last_contact_on or today
        span = max((last - created).days, 1)
        on = created + datetime.timedelta(days=span * (i + 1) // (len(moves) + 1) or 1)
        if to_stage == LeadStage.CONTACT and lead.last_contact_on:
            on = min(on, lead.last_contact_on)
        lead = services.advance_lead(user=owner, lead=lead, to_stage=to_stage, on=min(on, today))
    if status != LeadStatus.ACTIVE:
        services.set_lead_status(user=owner, lead=lead, status=status, reason=reason,
                                 on=_ago(today, 10))  # fmt: skip


def _won(users, teams, today) -> None:
    from zhaoshang.projects.models import Project

    title, firm, project_name, team, owner_name = WON
    project = Project.objects.filter(name=project_name).first()
    enterprise = Enterprise.objects.filter(name=firm).first()
    if project is None or Lead.objects.filter(title=title).exists():
        return
    owner = users.get(owner_name) or users["admin"]
    lead = services.create_lead(
        user=owner, title=title, enterprise=enterprise, origin="referral",
        origin_note="采埃孚在张家港已有项目，集团投资部推荐", team=teams[team], owner=owner,
        node=_node("equipment/gears"), unit=project.unit_id or "经开区", is_synthetic=True,
        # the seed gives no amount for this project: the lead's estimate is invented with it
        estimated_investment=project.total_investment_text or "约5亿元",
    )  # fmt: skip
    signed = datetime.date(2022, 11, 15)
    Lead.objects.filter(pk=lead.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2022, 3, 1, 9))
    )
    StageChange.objects.filter(lead=lead).update(on=datetime.date(2022, 3, 1))
    lead.refresh_from_db()
    services.add_interaction(user=owner, lead=lead, data={
        "kind": "meeting", "date": datetime.date(2022, 6, 20), "is_synthetic": True,
        "notes": "与采埃孚亚太投资部会谈底盘零部件新项目", "outcome": "确定在张家港落地",
    })  # fmt: skip
    lead.refresh_from_db()
    lead = services.update_lead(user=owner, lead=lead, data={
        "next_action": "签约", "next_follow_up": signed})  # fmt: skip
    for to_stage, on in (
        ("contact", datetime.date(2022, 4, 1)),
        ("negotiating", datetime.date(2022, 7, 1)),
        ("signed", signed),
    ):
        lead = services.advance_lead(user=owner, lead=lead, to_stage=to_stage, on=on)
    # the seed's project is the one it became (no new ledger project in the demo), entered
    # in the ledger some weeks after the signing (invented), so the stay at 签约 is not 0 days
    landed = signed + datetime.timedelta(days=LANDED_AFTER_SIGNING)
    lead.project = project
    lead.stage, lead.stage_since = LeadStage.LANDED, landed
    lead.status, lead.status_since = LeadStatus.WON, landed
    sla.refresh(lead)
    save_tracked(lead, user=owner, reason=f"became project {project.code}")
    StageChange.objects.create(lead=lead, from_stage=LeadStage.SIGNED,
                               to_stage=LeadStage.LANDED, on=landed, by=owner)  # fmt: skip
