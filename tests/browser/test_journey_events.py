"""Journey: the 发改委 plans a batch event ahead, sees what blocks the projects left out,
publishes it; a leader reads its report and the 开门红 batch's; the cockpit and the monthly
report count 四个一批 per township unit. Figures are checked against the demo server's own
database. Screenshots: events-plan-*, events-detail-*, events-report-*, batches-town-*."""

from __future__ import annotations

import io
import re
import sqlite3

MONTH = "2023-10"  # KMH projects due to complete then; some wait for their utilities
JINFENG = "锦丰镇"
JINFENG_CODE = "320582103"


def _ints(text: str) -> list[int]:
    return [int(x) for x in re.findall(r"\d+", text.replace(",", ""))]


def _due_in_october(db) -> set[str]:
    """Projects whose annual plan (or the ledger's planned date) puts a start or a
    completion in October 2023 and that had not reached that stage before October: what
    the planner must propose."""
    with sqlite3.connect(db) as c:
        rows = c.execute(
            "SELECT p.code, a.planned_start, a.planned_completion FROM progress_annualplan a "
            "JOIN projects_project p ON p.id = a.project_id WHERE a.year = 2023 "
            "AND p.status != 'dropped' AND (a.planned_start = '2023-10-01' "
            "OR a.planned_completion = '2023-10-01')"
        ).fetchall()
        rows += [
            (code, "2023-10-01" if stage == "started" else None, None if stage == "started"
             else "2023-10-01")
            for code, stage in c.execute(
                "SELECT p.code, s.stage FROM projects_stagedate s JOIN projects_project p "
                "ON p.id = s.project_id WHERE p.status != 'dropped' AND s.stage IN "
                "('started', 'completed') AND s.planned_on BETWEEN '2023-10-01' AND '2023-10-31'"
            )
        ]  # fmt: skip
        done_before = {
            (code, stage)
            for code, stage in c.execute(
                "SELECT p.code, s.stage FROM projects_stagedate s JOIN projects_project p "
                "ON p.id = s.project_id WHERE s.actual_on < '2023-10-01'"
            )
        }
    due = set()
    for code, start, completion in rows:
        if start == "2023-10-01" and (code, "started") not in done_before:
            due.add(code)
        if completion == "2023-10-01" and (code, "completed") not in done_before:
            due.add(code)
    return due


def test_office_plans_a_batch_event_and_leader_reads_it(login, shoot):
    page = login("fgw", locale="zh-CN")
    page.goto(page.base + "/progress/events/")
    page.click("[data-testid=plan-event]")
    page.select_option("[data-testid=plan-filters] select[name=kind]", "start_completion")
    page.fill("[data-testid=plan-filters] input[name=month]", MONTH)
    page.click("[data-testid=plan-filters] button[type=submit]")
    page.wait_for_url(re.compile(r"month=2023-10"))

    rows = page.locator("[data-testid=proposals] tbody tr[data-code]")
    codes = set(rows.evaluate_all("rs => rs.map(r => r.dataset.code)"))
    assert codes == _due_in_october(page.db)  # every project due, nothing else
    blocked = page.locator("[data-testid=proposals] tbody tr.blocked")
    ready = page.locator("[data-testid=proposals] tbody tr.ready")
    assert blocked.count() >= 1 and ready.count() >= 1
    summary = _ints(page.locator("[data-testid=proposal-summary]").inner_text())
    assert summary == [rows.count(), ready.count()]
    # a blocked project says what blocks it, and is not ticked; ready ones are
    first_blocked = blocked.first
    assert "尚未取得" in first_blocked.locator("ul.blockers").inner_text()
    assert not first_blocked.locator("input[type=checkbox]").is_checked()
    assert all(ready.nth(k).locator("input").is_checked() for k in range(ready.count()))
    n_ready = ready.count()
    shoot(page, "events-plan-zh")

    page.fill("#f-name", "2023年10月重大项目集中开竣工（旅程测试）")
    page.fill("#f-date", "2023-10-18")
    page.fill("#f-place", "张家港经济技术开发区")
    page.click("button.primary:has-text('存为草稿')")
    page.wait_for_url(re.compile(r"/progress/events/\d+/$"))
    assert page.locator("[data-testid=event-status]").first.inner_text() == "草稿"
    page.click("[data-testid=publish]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=event-status]").first.inner_text() == "已发布"
    listed = page.locator("table tbody tr").filter(has=page.locator("a[href^='/projects/']"))
    assert listed.count() == n_ready
    shoot(page, "events-detail-zh")
    event_url = page.url

    # the leader reads the report: as of the window's end, each project from its dates
    leader = login("leader", locale="en-US")
    leader.goto(event_url + "report/")
    done, total = _ints(leader.locator("[data-testid=report-done]").inner_text())
    assert total == n_ready
    with sqlite3.connect(leader.db) as c:
        event_id = int(re.search(r"/events/(\d+)/", event_url).group(1))
        truth = c.execute(
            "SELECT count(*) FROM projects_batchevent_projects m JOIN projects_stagedate s "
            "ON s.project_id = m.project_id WHERE m.batchevent_id = ? AND s.actual_on "
            "BETWEEN '2023-10-01' AND '2023-10-31' AND s.stage IN ('started', 'completed')",
            (event_id,),
        ).fetchone()[0]
    assert done == truth
    assert leader.locator("form button:has-text('Mark as reported')").count() == 0
    shoot(leader, "events-report-en")

    # the 开门红 first-quarter batch: 100 projects, 597.2亿元 (CNY 59.72 billion), all done
    leader.goto(leader.base + "/progress/events/")
    leader.click("a:has-text('开门红')")
    assert _ints(leader.locator("[data-testid=report-done]").inner_text()) == [100, 100]
    assert "CNY 59.72 billion" in leader.locator("[data-testid=report-done-total]").inner_text()


def test_leader_reads_four_batches_per_town_on_cockpit_and_report(login, shoot):
    from openpyxl import load_workbook

    page = login("leader", locale="zh-CN")
    page.goto(page.base + "/?month=2023-12")
    panel = page.locator("[data-testid=batches-by-town]")
    panel.scroll_into_view_if_needed()
    row = panel.locator("tbody tr").filter(has=page.locator(f"th:text-is('{JINFENG}')"))
    cells = row.locator("td").all_inner_texts()
    started_month, started_year = (_ints(line)[0] for line in cells[1].splitlines()[:2])
    with sqlite3.connect(page.db) as c:
        truth = [
            c.execute(
                "SELECT count(*) FROM projects_stagedate s JOIN projects_project p "
                "ON p.id = s.project_id WHERE s.stage = 'started' AND p.unit_id = ? "
                "AND s.actual_on BETWEEN ? AND '2023-12-31'",
                (JINFENG_CODE, start),
            ).fetchone()[0]
            for start in ("2023-12-01", "2023-01-01")
        ]
    assert [started_month, started_year] == truth
    shoot(page, "batches-town-zh")

    # the monthly report's fourth sheet says the same
    response = page.request.get(page.base + "/progress/report.xlsx?month=2023-12")
    assert response.ok
    book = load_workbook(io.BytesIO(response.body()), read_only=True)
    sheet = book.worksheets[3]
    assert sheet.title == "四个一批"
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    december = next(r for r in rows if r[0] == "2023-12" and r[1] == JINFENG)
    year = next(r for r in rows if r[0] == "1月至2023-12" and r[1] == JINFENG)
    assert [december[4], year[4]] == truth  # started: projects
