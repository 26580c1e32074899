"""Demo of who answers for the chains and their tasks: all of it synthetic and marked so.

The seed names no city official, so every 链长 and 副链长 here is a role-style placeholder
(“（合成）市领导甲”), never a real person's name; the lead bureaus are the kind of bureau a
city puts in charge of such a chain. Tasks build on the seed's facts where it has them
(盛虹's storage-battery factory, 采埃孚's chassis project, 信义's PV glass, 大族激光's base,
the data-centre park at 乐余) and say so in their goal; their owners, deadlines, targets and
progress are invented. Deadlines sit around 2023 so that the demo's months show every light.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from zhaoshang.chains import tasks
from zhaoshang.chains.models import Chain, ChainOfficial, ChainTask, TaskStatus

SYN = "（合成）"
D = datetime.date

# chain code: (链长 title, 副链长 title, lead bureau)
OFFICIALS = {
    "metallurgy": ("市领导甲", "市领导乙", "市工业和信息化局"),
    "equipment": ("市领导丙", "市领导丁", "市工业和信息化局"),
    "chemicals": ("市领导戊", "市领导己", "市工业和信息化局"),
    "textiles": ("市领导庚", "市领导辛", "市工业和信息化局"),
    "semiconductors": ("市领导壬", "市领导癸", "市科学技术局"),
    "biomedicine": ("市领导子", "市领导丑", "市科学技术局"),
    "new-energy": ("市领导寅", "市领导卯", "市发展和改革委员会"),
    "digital-economy": ("市领导辰", "市领导巳", "市数据局"),
    "energy-storage": ("市领导寅", "市领导午", "市发展和改革委员会"),
    "third-gen-semiconductors": ("市领导壬", "市领导未", "市科学技术局"),
    "commercial-aerospace": ("市领导申", "市领导酉", "市商务局"),
    "hydrogen": ("市领导戌", "市领导亥", "市发展和改革委员会"),
}

# chain, node, kind, goal, target, unit, owner, deadline, status, done_on, notes
TASKS = [
    (
        "energy-storage",
        "li-storage",
        "strengthen",
        "推动盛虹储能电池超级工厂首期（24GWh）开工",
        1,
        "个项目",
        "市发展和改革委员会",
        D(2023, 6, 30),
        TaskStatus.DONE,
        D(2023, 6, 16),
        [(D(2023, 3, 10), "首期用地预审完成"), (D(2023, 6, 16), "首期开工")],
    ),
    (
        "energy-storage",
        "lfp-materials",
        "fill",
        "引进储能锂电材料配套企业 3 家",
        3,
        "家企业",
        "市商务局",
        D(2023, 7, 15),
        TaskStatus.IN_PROGRESS,
        None,
        [(D(2023, 5, 20), "与两家正极材料企业洽谈")],
    ),
    (
        "energy-storage",
        "recycling",
        "extend",
        "谋划电池回收利用项目 1 个",
        1,
        "个项目",
        "市工业和信息化局",
        D(2023, 12, 31),
        TaskStatus.OPEN,
        None,
        [],
    ),
    (
        "new-energy",
        "pv-glass",
        "strengthen",
        "支持信义光伏（苏州）扩大光伏玻璃产能",
        None,
        "",
        "冶金工业园（锦丰镇）",
        D(2023, 9, 30),
        TaskStatus.IN_PROGRESS,
        None,
        [(D(2023, 4, 12), "走访企业，梳理扩产所需要素")],
    ),
    (
        "new-energy",
        "pv-module",
        "fill",
        "引进光伏组件企业 2 家",
        2,
        "家企业",
        "市商务局",
        D(2023, 5, 31),
        TaskStatus.IN_PROGRESS,
        None,
        [(D(2023, 5, 8), "签约 1 家")],
    ),
    (
        "equipment",
        "chassis",
        "strengthen",
        "服务采埃孚底盘零部件系统及后轮主动转向系统项目开工",
        1,
        "个项目",
        "市商务局",
        D(2023, 6, 30),
        TaskStatus.IN_PROGRESS,
        None,
        [(D(2023, 4, 25), "施工许可材料已报送")],
    ),
    (
        "equipment",
        "laser",
        "extend",
        "围绕大族激光华东区域总部基地引进激光器配套企业 2 家",
        2,
        "家企业",
        "张家港保税区",
        D(2023, 10, 31),
        TaskStatus.OPEN,
        None,
        [],
    ),
    (
        "equipment",
        "wind-equipment",
        "strengthen",
        "推进广大鑫盛风电装备关键部件项目完成年度投资",
        None,
        "",
        "市发展和改革委员会",
        D(2023, 12, 31),
        TaskStatus.IN_PROGRESS,
        None,
        [(D(2023, 6, 5), "完成年度计划投资过半")],
    ),
    (
        "digital-economy",
        "data-centre",
        "strengthen",
        "港城智能智造产业园算力机房一期投运",
        1,
        "个项目",
        "乐余镇",
        D(2023, 8, 31),
        TaskStatus.OPEN,
        None,
        [],
    ),
    (
        "metallurgy",
        "special-steel",
        "extend",
        "延伸特钢精深加工，签约项目 2 个",
        2,
        "个项目",
        "冶金工业园（锦丰镇）",
        D(2023, 4, 30),
        TaskStatus.OPEN,
        None,
        [],
    ),
    (
        "semiconductors",
        "specialty-gases",
        "fill",
        "补齐电子特气环节，引进企业 1 家",
        1,
        "家企业",
        "市科学技术局",
        D(2023, 11, 30),
        TaskStatus.OPEN,
        None,
        [],
    ),
    (
        "biomedicine",
        "devices",
        "strengthen",
        "医疗器械产业集群产值迈向 100 亿元：新增规上企业 5 家",
        5,
        "家企业",
        "市科学技术局",
        D(2024, 12, 31),
        TaskStatus.IN_PROGRESS,
        None,
        [(D(2023, 6, 28), "新增规上企业 2 家")],
    ),
]


def load_demo() -> None:
    """Idempotent: officials and tasks only for chains that have none yet."""
    chains = {c.code: c for c in Chain.objects.all()}
    with transaction.atomic():
        staffed = set(ChainOfficial.objects.values_list("chain__code", flat=True))
        for code, (chief, deputy, bureau) in OFFICIALS.items():
            chain = chains.get(code)
            if chain is None or code in staffed:
                continue
            for role, name, title, unit in (
                ("chief", SYN + chief, "市领导（合成）", ""),
                ("deputy", SYN + deputy, "市领导（合成）", ""),
                ("lead_bureau", bureau + "产业链专班", "", bureau),
            ):
                tasks.add_official(
                    user=None, chain=chain, is_synthetic=True, check_rights=False,
                    data={"role": role, "name": name, "title": title, "unit": unit},
                )  # fmt: skip
        with_tasks = set(ChainTask.objects.values_list("chain__code", flat=True))
        for (code, node, kind, goal, target, unit, owner, deadline, status, done_on,
             notes) in TASKS:  # fmt: skip
            chain = chains.get(code)
            if chain is None or code in with_tasks:
                continue
            if not chain.nodes.filter(code=node).exists():
                node = ""
            task = tasks.add_task(
                user=None, chain=chain, is_synthetic=True, check_rights=False,
                data={"node": node, "kind": kind, "goal": goal, "target_count": target,
                      "target_unit": unit, "owner": owner, "deadline": deadline},
            )  # fmt: skip
            for i, (on, text) in enumerate(notes):
                last = i == len(notes) - 1
                task = tasks.record_progress(
                    user=None, task=task, expected_version=task.version, on=on, text=text,
                    status=(status if last else TaskStatus.IN_PROGRESS),
                    done_on=(done_on if last else None), check_rights=False, is_synthetic=True,
                )  # fmt: skip
