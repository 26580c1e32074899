"""Builds dev.jsonl and test.jsonl from real_rows.py and composed_rows.txt (labels are fixed in
those two files, written before the classifier was run). Run once; the jsonl files are what the
tests and bench/quality_chains.py read:

    python tests/data/scopes/build.py

Composed rows get the registry's own tail items (the generic activities almost every scope lists:
technical services, import and export, software development, selling electronic components …)
and its boilerplate; which and how many is drawn with a fixed seed. The split is stratified by
chain (first label) and by negative type, alternating within each stratum.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from real_rows import GH, ROWS, ROWS_2, ROWS_3, ROWS_4, ROWS_5, ROWS_6, THS, URL  # noqa: E402

COMPOSED_SOURCE = (
    "composed in registry style by helper place, 2026-12-07; main activities and label written "
    "by hand, tail items and boilerplate from the registry's standard wording"
)
TAIL = [
    "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广", "货物进出口", "技术进出口",
    "进出口代理", "软件开发", "软件销售", "电子元器件销售", "电子元器件制造", "模具制造",
    "模具销售", "新材料技术研发", "金属基复合材料和陶瓷基复合材料销售", "机械设备销售",
    "五金产品批发", "金属材料销售", "普通货物仓储服务（不含危险化学品等需许可审批的项目）",
    "非居住房地产租赁", "信息咨询服务（不含许可类信息咨询服务）", "企业管理咨询",
    "机械零件、零部件加工", "通用设备修理", "电子产品销售", "人工智能应用软件开发",
    "信息系统集成服务", "储能技术服务", "合同能源管理", "工业设计服务",
    "以自有资金从事投资活动", "塑料制品销售", "化工产品销售（不含许可类化工产品）",
    "仪器仪表销售", "物联网技术服务", "计算机软硬件及辅助设备零售", "第二类医疗器械销售",
    "汽车零配件零售", "光伏设备及元器件销售", "电池销售", "针纺织品销售", "特种设备销售",
    "新兴能源技术研发", "工程和技术研究和试验发展", "国内贸易代理", "劳务服务（不含劳务派遣）",
    "专用设备修理", "电气设备修理", "智能控制系统集成", "数据处理服务", "传感器销售",
]  # fmt: skip
GENERAL_END = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
LICENSED_END = (
    "（依法须经批准的项目，经相关部门批准后方可开展经营活动，具体经营项目以相关部门批准文件"
    "或许可证件为准）"
)
OLD_END = "（依法须经批准的项目，经相关部门批准后方可开展经营活动）"


def compose(rng: random.Random, style: str, main: str) -> str:
    k = rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 10, 12])
    tail = rng.sample(TAIL, k)
    if style == "o":
        text = main
        if tail:
            text += "；" + "；".join(t for t in tail if "（" not in t)
        return text + "。" + OLD_END
    items = [i.strip() for i in main.split("；") if i.strip()]
    licensed = [i.removeprefix("许可:") for i in items if i.startswith("许可:")]
    general = [i for i in items if not i.startswith("许可:")] + [t for t in tail if t not in items]
    general_text = "一般项目：" + "；".join(general) + GENERAL_END if general else ""
    licensed_text = "许可项目：" + "；".join(licensed) + LICENSED_END if licensed else ""
    if style == "l" or (licensed and rng.random() < 0.5):
        return licensed_text + general_text
    return general_text + licensed_text


def real(rows_in) -> list[dict]:
    out = []
    for name, chains, kind, code, scope in rows_in:
        out.append(
            {
                "name": name, "scope": scope, "chains": chains, "kind": kind, "real": True,
                "source": THS if code else GH,
                "url": URL.format(code=code) if code else "",
                "date": "2026-06-27" if code else "",
            }
        )  # fmt: skip
    return out


def rows() -> list[dict]:
    out = real(ROWS)
    rng = random.Random(20261207)
    for line in (HERE / "composed_rows.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, chains, kind, style, main = (p.strip() for p in line.split("|"))
        out.append(
            {
                "name": name, "scope": compose(rng, style, main),
                "chains": [] if chains == "-" else chains.split(","), "kind": kind,
                "real": False, "source": COMPOSED_SOURCE, "url": "", "date": "2026-12-07",
            }
        )  # fmt: skip
    return out


def split(data: list[dict], dev: list[dict], test: list[dict]) -> None:
    strata: dict[str, list[dict]] = {}
    for row in data:
        key = row["chains"][0] if row["chains"] else f"none:{row['kind']}"
        strata.setdefault(f"{key}:{row['real']}", []).append(row)
    flip = 0
    for key in sorted(strata):
        for row in strata[key]:
            (dev if flip % 2 == 0 else test).append(row)
            flip += 1


def main() -> None:
    dev: list[dict] = []
    test: list[dict] = []
    split(rows(), dev, test)
    # later batches are split on their own and appended: no earlier row changes split
    for batch in (ROWS_2, ROWS_3, ROWS_4, ROWS_5, ROWS_6):
        split(real(batch), dev, test)
    data = dev + test
    for name, items in (("dev", dev), ("test", test)):
        with (HERE / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for i, row in enumerate(items, start=1):
                fh.write(json.dumps({"id": f"{name}-{i:03d}", **row}, ensure_ascii=False) + "\n")
    negatives = sum(1 for r in data if not r["chains"])
    print(
        f"{len(data)} rows ({sum(r['real'] for r in data)} real), {negatives} negatives "
        f"({negatives / len(data):.0%}); dev {len(dev)}, test {len(test)}"
    )


if __name__ == "__main__":
    main()
