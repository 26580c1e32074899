"""Chain pages in Chromium, as a leader and as the development bureau (fgw), in Chinese and in
English: the chain index, a chain map in three columns 上游 | 中游 | 下游 with a 链主 badge and a
node panel readable at 1440 px, the gap list and a node's targets; nothing scrolls sideways on
a phone. Screenshots chain-*."""

from __future__ import annotations

import re

CHAIN = "new-energy"  # 新能源: 链主 信义光能控股有限公司 recorded on 光伏玻璃 (pv-glass)
LEADER_NODE = "光伏玻璃"
LEADER = "信义光能控股有限公司"


def _map_drawn(page) -> None:
    page.wait_for_function(
        "() => window.echarts && document.querySelector('#chain-map svg text') !== null"
    )


def _no_sideways_scroll(page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(200)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} scrolls sideways on a phone: {width}px"
    page.set_viewport_size({"width": 1440, "height": 900})


def _node_rows(page) -> list[tuple[str, str, str]]:
    """(node, position, class) of the map page's node table."""
    return [
        tuple(
            row.locator("td").nth(i).inner_text().strip() for i in range(3)
        )  # node, position, class
        for row in page.locator("table.nodes tbody tr").all()
    ]


def test_leader_reads_the_chain_map_in_chinese(login, shoot):
    page = login("leader", locale="zh-CN", viewport=(1440, 900))
    page.goto(page.base + "/chains/")
    assert page.locator("h1").inner_text() == "产业链"
    row = page.locator("table.chains tbody tr", has_text="新能源")
    counts = [row.locator("td").nth(i).inner_text().strip() for i in (2, 3, 4, 5)]
    assert counts[0] == "26"  # nodes of 新能源
    assert sum(int(n) for n in counts[1:]) == 26  # strong + weak + missing
    assert row.locator("td").nth(1).inner_text().strip() == "新兴产业链"
    assert "New energy" not in page.locator("main").inner_text()  # no English on a 中文 page
    shoot(page, "chain-index-zh")
    _no_sideways_scroll(page)

    row.get_by_role("link", name="新能源").click()
    page.wait_for_url(re.compile(rf"/chains/{CHAIN}/$"))
    _map_drawn(page)
    heads = page.locator(".chain-col-head").all_inner_texts()
    assert heads == ["上游", "中游", "下游"]
    text = page.locator("main").inner_text()
    assert not re.search(r"upstream|midstream|downstream", text, re.I)
    # the table under the map: positions in Chinese, 26 nodes, classes 强/弱/缺失
    rows = _node_rows(page)
    assert len(rows) == 26
    assert {position for _n, position, _k in rows} == {"上游", "中游", "下游"}
    assert {klass for _n, _p, klass in rows} <= {"强", "弱", "缺失"}
    assert ("光伏玻璃", "上游", "弱") in rows
    # the legend and the map's badge: 链主 on 光伏玻璃
    assert page.locator(".legend .leader-badge").inner_text() == "链主"
    assert page.locator("#chain-map svg text", has_text="链主").count() == 1
    # every node of the table is drawn in the map, in the column of its position
    columns = page.evaluate(
        """() => {
          const chart = echarts.getInstanceByDom(document.querySelector('#chain-map'));
          const out = {};
          chart.getOption().series[0].data.filter((d) => !d.badge).forEach((d) => {
            out[d.name] = d.node.position_label + ':' + Math.floor(d.value[0]);
          });
          return out;
        }"""
    )
    assert len(columns) == 26
    assert {name: columns[name] for name in ("光伏玻璃", "光伏组件", "风电场")} == {
        "光伏玻璃": "上游:0", "光伏组件": "中游:1", "风电场": "下游:2",
    }  # fmt: skip

    page.locator("#chain-map svg text", has_text=LEADER_NODE).first.click()
    panel = page.locator("#node-panel")
    panel.locator("h2", has_text=LEADER_NODE).wait_for()
    box = panel.bounding_box()
    assert box["width"] > 300, box
    assert panel.locator("h2 .leader-badge").inner_text() == "链主"
    assert LEADER in panel.locator(".panel-leaders").inner_text()
    assert panel.locator("p.muted").first.inner_text().startswith("上游")
    # each enterprise is a card wider than a column of characters
    for title in panel.locator("table.placements td.card-title").all()[:5]:
        assert title.bounding_box()["width"] > 250
    page.mouse.move(5, 5)
    shoot(page, "chain-map-zh")
    _no_sideways_scroll(page)


def test_gap_list_agrees_with_the_map_and_targets_are_ranked(login, shoot):
    page = login("fgw", locale="zh-CN", viewport=(1440, 900))
    page.goto(page.base + f"/chains/{CHAIN}/")
    missing = [n for n, _p, k in _node_rows(page) if k == "缺失"]
    page.goto(page.base + f"/chains/gaps/?chain={CHAIN}&class=missing")
    assert page.locator("h1").inner_text() == "产业链缺口"
    names = page.locator("table.gaps tbody td.card-title").all_inner_texts()
    assert names == missing  # the same nodes, in the same order
    positions = set(page.locator("table.gaps tbody td[data-label='位置']").all_inner_texts())
    assert positions <= {"上游", "中游", "下游"} and positions
    shoot(page, "chain-gaps-zh")
    _no_sideways_scroll(page)

    page.goto(page.base + f"/chains/{CHAIN}/nodes/pv-module/targets/")
    assert page.locator("h1").inner_text().startswith("光伏组件的招商目标")
    rows = page.locator("table.targets tbody tr")
    assert rows.count() >= 1
    scores = [float(s) for s in page.locator("table.targets td.score").all_inner_texts()]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 100 for s in scores)
    assert rows.first.locator("button", has_text="转为线索").count() == 1  # fgw may make leads
    shoot(page, "chain-targets-zh")
    _no_sideways_scroll(page)


def test_english_chain_pages_read_in_english(login, shoot):
    page = login("fgw", locale="en-US", viewport=(1440, 900))
    page.goto(page.base + "/chains/")
    assert page.locator("h1").inner_text() == "Industrial chains"
    row = page.locator("table.chains tbody tr", has_text="新能源")
    assert row.locator("td").nth(1).inner_text().strip() == "Emerging chains"
    assert "New energy" in row.inner_text()  # the English name beside the chain's own
    page.goto(page.base + f"/chains/{CHAIN}/")
    _map_drawn(page)
    assert page.locator(".chain-col-head").all_inner_texts() == [
        "Upstream",
        "Midstream",
        "Downstream",
    ]
    rows = _node_rows(page)
    assert {p for _n, p, _k in rows} == {"Upstream", "Midstream", "Downstream"}
    assert {k for _n, _p, k in rows} <= {"strong", "weak", "missing"}
    legend = page.locator(".legend").inner_text()
    assert "Chain leader" in legend and not re.search(r"[强弱缺链主]", legend)
    page.locator("#chain-map svg text", has_text="光伏组件").first.click()
    panel = page.locator("#node-panel")
    panel.locator("h2", has_text="光伏组件").wait_for()
    assert panel.locator("p.muted").first.inner_text().startswith("Midstream")
    assert panel.bounding_box()["width"] > 300
    page.mouse.move(5, 5)
    shoot(page, "chain-map-en")
    _no_sideways_scroll(page)


def test_every_chain_map_draws_every_node(login):
    """Each chain of the demo, two 链主 on one chain (装备) included: the map draws every node
    of the table under it, a badge per node a leader works on, and no script error."""
    page = login("leader", locale="zh-CN", viewport=(1440, 900))
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page.base + "/chains/")
    codes = [
        href.strip("/").split("/")[-1]
        for href in page.locator("table.chains td.card-title a").evaluate_all(
            "(links) => links.map((a) => a.getAttribute('href'))"
        )
    ]
    assert len(codes) == 12
    for code in codes:
        page.goto(page.base + f"/chains/{code}/")
        _map_drawn(page)
        drawn = page.evaluate(
            """() => {
              const chart = echarts.getInstanceByDom(document.querySelector('#chain-map'));
              const data = chart.getOption().series[0].data;
              return [data.filter((d) => !d.badge).length,
                      data.filter((d) => d.badge).map((d) => d.node.name)];
            }"""
        )
        rows = page.locator("table.nodes tbody tr").count()
        assert drawn[0] == rows, code
        assert page.locator("#chain-map svg text").count() >= rows, code
        if code == "equipment":
            assert sorted(drawn[1]) == ["激光加工设备", "风电装备"]
    assert errors == []
