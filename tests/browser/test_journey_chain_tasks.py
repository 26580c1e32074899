"""Journey: the development bureau (fgw) opens 新能源's 链长制 and tasks page, adds a 补链 task
due at the end of June 2023, sees it red as of June's end, records its progress as done, and
sees it green on the chain's page, in the section of the chain map and in the city's view of
June's due tasks. A leader reads the same page without the forms. Screenshots chain-tasks-*."""

from __future__ import annotations

CHAIN = "new-energy"
MONTH = "2023-06"
GOAL = "浏览器旅程：引进光伏边框企业 1 家"


def _row(page):
    return page.locator("tr.task-row", has_text=GOAL)


def test_a_bureau_adds_a_chain_task_and_marks_progress(login, shoot):
    page = login("fgw", locale="zh-CN")
    page.goto(page.base + f"/chains/{CHAIN}/tasks/?month={MONTH}")
    assert page.locator("h1").inner_text() == "新能源：链长制与任务"
    officials = page.locator(".chain-officials").inner_text()
    assert "链长" in officials and "（合成）市领导寅" in officials
    assert "信义光能控股有限公司" in page.locator(".chain-anchor-firms").inner_text()
    assert page.locator("tr.task-row").count() >= 2  # the demo's tasks of 新能源

    # a refused form keeps what was typed and writes nothing
    page.locator("details.task-form summary", has_text="添加任务").click()
    form = page.locator("#task-form")
    form.locator("select[name=kind]").select_option("fill")
    form.locator("select[name=node]").select_option("pv-materials")
    form.locator("input[name=goal]").fill(GOAL)
    form.locator("input[name=target_count]").fill("一家")
    form.locator("input[name=owner]").fill("市商务局")
    form.locator("input[name=deadline]").fill("2023-06-28")
    form.locator("button[type=submit]").click()
    assert "“一家”不是大于等于 0 的整数。" in page.locator("#task-form .errorlist").inner_text()
    assert _row(page).count() == 0
    form = page.locator("#task-form")
    assert form.locator("input[name=goal]").input_value() == GOAL
    form.locator("input[name=target_count]").fill("1")
    form.locator("input[name=target_unit]").fill("家企业")
    form.locator("button[type=submit]").click()
    assert "已添加任务" in page.locator(".messages").inner_text()
    row = _row(page)
    assert row.locator(".light").inner_text() == "红灯"  # due 06-28, open at 06-30
    assert "0 / 1 家企业" in row.inner_text()
    shoot(page, "chain-tasks-added-zh")

    page.goto(page.base + f"/chains/tasks/?month={MONTH}")
    due = _row(page)
    assert due.locator(".light").inner_text() == "红灯"

    page.goto(page.base + f"/chains/{CHAIN}/tasks/?month={MONTH}")
    row = _row(page)
    row.locator("details.task-form summary").click()
    row.locator("input[name=on]").fill("2023-06-27")
    row.locator("input[name=text]").fill("与一家边框企业签约")
    row.locator("select[name=status]").select_option("done")
    row.locator("input[name=achieved_count]").fill("1")
    row.locator("button[type=submit]").click()
    assert "已记录进展" in page.locator(".messages").inner_text()
    row = _row(page)
    assert row.locator(".light").inner_text() == "绿灯"
    assert "1 / 1 家企业" in row.inner_text()
    assert "2023-06-27 与一家边框企业签约" in row.inner_text()
    shoot(page, "chain-tasks-done-zh")

    page.goto(page.base + f"/chains/tasks/?month={MONTH}")
    due = _row(page)
    assert due.locator(".light").inner_text() == "绿灯"
    assert "与一家边框企业签约" in due.inner_text()
    shoot(page, "chain-tasks-due-zh")

    page.goto(page.base + f"/chains/{CHAIN}/")
    section = page.locator("#chain-tasks-section")
    assert "链长制与产业链任务" in section.inner_text()
    assert "（合成）市领导寅" in section.inner_text()


def test_a_leader_reads_chain_tasks_in_english_without_forms(login, shoot):
    page = login("leader")
    page.goto(page.base + f"/chains/{CHAIN}/tasks/?month={MONTH}")
    assert page.locator("h1").inner_text() == "Who answers for 新能源, and its tasks"
    assert page.locator("#task-form").count() == 0
    assert page.locator("details.task-form").count() == 0
    heads = page.locator("table.chain-task-table thead th").all_inner_texts()
    assert heads[:3] == ["Light", "Kind", "Goal"]
    shoot(page, "chain-tasks-leader-en")
