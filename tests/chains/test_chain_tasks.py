"""Who answers for a chain (链长, 副链长, 专班) and its tasks: validation, lights as of a
month's end, rights, history, the progress page, the city's due view, API and command."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from zhaoshang.chains import tasks
from zhaoshang.chains.models import ChainTask, ChainTaskNote, TaskStatus, TaskThresholds
from zhaoshang.core.errors import ConflictError, InputError, NotAllowed
from zhaoshang.core.models import ChangeLog
from zhaoshang.progress.months import Month

D = datetime.date
JUNE = Month(2023, 6)


def _task(chain, user=None, **over):
    data = {"kind": "fill", "goal": "引进甲材料企业 2 家", "owner": "市商务局",
            "deadline": D(2023, 6, 20), "node": "up-a", "target_count": 2,
            "target_unit": "家企业"}  # fmt: skip
    data.update(over)
    return tasks.add_task(user=user, chain=chain, data=data, check_rights=user is not None)


# --------------------------------------------------------------------------- lights


@pytest.mark.parametrize(
    ("deadline", "status", "done_on", "level"),
    [
        (D(2023, 8, 15), TaskStatus.OPEN, None, "green"),  # 46 days after 06-30
        (D(2023, 7, 30), TaskStatus.OPEN, None, "amber"),  # exactly 30 days: amber
        (D(2023, 7, 31), TaskStatus.OPEN, None, "green"),  # 31 days away
        (D(2023, 6, 30), TaskStatus.IN_PROGRESS, None, "amber"),  # due on the day
        (D(2023, 6, 29), TaskStatus.IN_PROGRESS, None, "red"),  # one day past
        (D(2023, 6, 1), TaskStatus.DONE, D(2023, 6, 10), "green"),  # done late, by 06-30
        (D(2023, 6, 1), TaskStatus.DONE, D(2023, 7, 10), "red"),  # done after the month
        (D(2023, 6, 1), TaskStatus.DROPPED, None, "none"),
    ],
)
def test_task_level_by_deadline_as_of_month_end(db, deadline, status, done_on, level):
    th = tasks.task_thresholds()
    got = tasks.task_level(status=status, deadline=deadline, done_on=done_on,
                           as_of=JUNE.last_day, th=th)  # fmt: skip
    assert got == level


def test_task_thresholds_are_data(small_chain):
    TaskThresholds.objects.create(name="default", amber_days=5, red_days=10)
    _task(small_chain, deadline=D(2023, 7, 10))  # 10 days after 06-30: green with 5
    _task(small_chain, deadline=D(2023, 6, 25), goal="乙")  # 5 days late: amber until 10
    rows = tasks.task_rows(chain=small_chain, month=JUNE)
    assert [(r.deadline, r.level) for r in rows] == [
        (D(2023, 6, 25), "amber"),
        (D(2023, 7, 10), "green"),
    ]


# --------------------------------------------------------------------------- writes


def test_add_task_refuses_bad_fields_naming_each_and_writes_nothing(small_chain, bureau_editor):
    with pytest.raises(InputError) as exc:
        tasks.add_task(
            user=bureau_editor, chain=small_chain,
            data={"kind": "grow", "goal": " ", "owner": "", "deadline": "2023-13-01",
                  "node": "nowhere", "target_count": "-2"},
        )  # fmt: skip
    fields = exc.value.fields
    assert sorted(fields) == ["deadline", "goal", "kind", "node", "owner", "target_count"]
    assert "2023-13-01" in fields["deadline"][0]
    assert "nowhere" in fields["node"][0]
    assert "grow" in fields["kind"][0]
    assert ChainTask.objects.count() == 0


def test_add_task_kept_in_history_with_its_author(small_chain, bureau_editor):
    task = _task(small_chain, user=bureau_editor)
    log = ChangeLog.objects.get(object_id=str(task.pk), content_type__model="chaintask")
    assert (log.action, log.user) == ("create", bureau_editor)
    assert task.node.code == "up-a"
    assert task.created_by == bureau_editor


@pytest.mark.parametrize("role", ["town_editor", "leader"])
def test_only_city_side_edits_officials_and_tasks(small_chain, request, role):
    user = request.getfixturevalue(role)
    with pytest.raises(NotAllowed):
        _task(small_chain, user=user)
    with pytest.raises(NotAllowed):
        tasks.add_official(user=user, chain=small_chain, data={"role": "chief", "name": "甲"})
    assert ChainTask.objects.count() == 0


def test_record_progress_marks_done_keeps_note_and_turns_green(small_chain, admin_user):
    task = _task(small_chain)
    assert tasks.task_rows(chain=small_chain, month=JUNE)[0].level == "red"  # due 06-20
    task = tasks.record_progress(
        user=admin_user, task=task, expected_version=task.version, on="2023-06-18",
        text="签约 2 家", status="done", achieved_count="2",
    )  # fmt: skip
    row = tasks.task_rows(chain=small_chain, month=JUNE)[0]
    assert (row.status, row.done_on, row.achieved_count, row.level) == (
        "done", D(2023, 6, 18), 2, "green",
    )  # fmt: skip
    assert row.notes == ((D(2023, 6, 18), "签约 2 家"),)
    assert ChangeLog.objects.filter(object_id=str(task.pk), action="update").count() == 1


def test_record_progress_refuses_a_stale_version(small_chain, admin_user):
    task = _task(small_chain)
    tasks.record_progress(user=admin_user, task=task, expected_version=1, text="一")
    with pytest.raises(ConflictError):
        tasks.record_progress(user=admin_user, task=task, expected_version=1, text="二")
    assert list(ChainTaskNote.objects.values_list("text", flat=True)) == ["一"]


def test_record_progress_refuses_future_day_and_done_on_without_done(small_chain, admin_user):
    task = _task(small_chain)
    with pytest.raises(InputError) as exc:
        tasks.record_progress(user=admin_user, task=task, expected_version=1, text="x",
                              on="2999-01-01")  # fmt: skip
    assert "2999-01-01" in exc.value.fields["on"][0]
    with pytest.raises(InputError) as exc:
        tasks.record_progress(user=admin_user, task=task, expected_version=1, text="x",
                              status="in_progress", done_on="2023-06-01")  # fmt: skip
    assert list(exc.value.fields) == ["done_on"]
    assert ChainTaskNote.objects.count() == 0


def test_due_only_keeps_month_and_overdue_open_tasks(small_chain):
    _task(small_chain, goal="六月到期", deadline=D(2023, 6, 20))
    _task(small_chain, goal="五月逾期未完成", deadline=D(2023, 5, 20))
    done = _task(small_chain, goal="五月已完成", deadline=D(2023, 5, 20))
    tasks.record_progress(user=None, task=done, expected_version=1, text="完成", status="done",
                          on="2023-05-19", check_rights=False)  # fmt: skip
    _task(small_chain, goal="七月到期", deadline=D(2023, 7, 20))
    goals = [r.goal for r in tasks.task_rows(month=JUNE, due_only=True)]
    assert goals == ["五月逾期未完成", "六月到期"]


def test_removed_official_leaves_the_view_and_history(small_chain, admin_user):
    o = tasks.add_official(user=admin_user, chain=small_chain,
                           data={"role": "chief", "name": "（合成）市领导甲"})  # fmt: skip
    tasks.remove_official(user=admin_user, official=o, expected_version=o.version)
    assert tasks.officials_of(small_chain) == []
    assert ChangeLog.objects.filter(object_id=str(o.pk), action="delete").count() == 1


# --------------------------------------------------------------------------- pages


def test_progress_page_shows_officials_tasks_and_lights(client, small_chain, leader):
    tasks.add_official(user=None, chain=small_chain, check_rights=False,
                       data={"role": "chief", "name": "（合成）市领导甲", "title": "副市长"})  # fmt: skip
    _task(small_chain, goal="<b>补链</b>任务")
    client.force_login(leader)
    r = client.get(reverse("chains:tasks", args=["test-chain"]) + "?month=2023-06")
    html = r.content.decode()
    assert r.status_code == 200
    assert "（合成）市领导甲" in html
    assert "&lt;b&gt;补链&lt;/b&gt;任务" in html
    assert '<span class="light red">' in html  # due 06-20, open at 06-30
    assert 'id="task-form"' not in html  # leaders read only


def test_add_task_page_refusal_keeps_input_and_writes_nothing(client, small_chain, bureau_editor):
    client.force_login(bureau_editor)
    url = reverse("chains:task_add", args=["test-chain"])
    r = client.post(url, {"kind": "fill", "goal": "引进企业", "owner": "市商务局",
                          "deadline": "2023-02-30"})  # fmt: skip
    html = r.content.decode()
    assert r.status_code == 422
    assert "2023-02-30" in html and 'value="引进企业"' in html
    assert ChainTask.objects.count() == 0
    r = client.post(url, {"kind": "fill", "goal": "引进企业", "owner": "市商务局",
                          "deadline": "2023-06-30"})  # fmt: skip
    assert r.status_code == 302
    assert ChainTask.objects.get().goal == "引进企业"


def test_town_editor_cannot_add_task_by_page(client, small_chain, town_editor):
    client.force_login(town_editor)
    client.post(reverse("chains:task_add", args=["test-chain"]),
                {"kind": "fill", "goal": "g", "owner": "o", "deadline": "2023-06-30"})  # fmt: skip
    assert ChainTask.objects.count() == 0


def test_chain_map_has_the_section(client, small_chain, leader):
    _task(small_chain, goal="地图上的任务")
    client.force_login(leader)
    html = client.get(reverse("chains:map", args=["test-chain"])).content.decode()
    assert 'id="chain-tasks-section"' in html and "地图上的任务" in html


@pytest.mark.parametrize("n", [1, 3])
def test_due_page_queries_do_not_grow_with_rows(client, small_chain, leader, n,
                                                 django_assert_max_num_queries):  # fmt: skip
    for i in range(n):
        _task(small_chain, goal=f"任务{i}")
    client.force_login(leader)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("chains:tasks_due") + "?month=2023-06")
    assert r.content.decode().count('class="task-row"') == n


# --------------------------------------------------------------------------- API, command


def test_api_add_task_progress_and_read(client, small_chain, bureau_editor):
    client.force_login(bureau_editor)
    r = client.post("/api/v1/chains/test-chain/tasks", {"kind": "extend", "goal": "延链",
                    "owner": "市工信局", "deadline": "2023-06-10"}, content_type="application/json")  # fmt: skip
    assert r.status_code == 201, r.content
    task = r.json()
    assert (task["kind"], task["status"], task["notes"]) == ("extend", "open", [])
    r = client.post(f"/api/v1/chain-tasks/{task['id']}/progress",
                    {"version": task["version"], "text": "完成", "status": "done", "on": "2023-06-05"},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["done_on"]) == ("done", "2023-06-05")
    r = client.post(f"/api/v1/chain-tasks/{task['id']}/progress",
                    {"version": task["version"], "text": "旧版本"},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 409
    r = client.get("/api/v1/chains/test-chain/tasks?month=2023-06")
    body = r.json()
    assert [(t["goal"], t["level"]) for t in body["tasks"]] == [("延链", "green")]
    assert body["done"] == 1
    r = client.get("/api/v1/chain-tasks?month=2023-13")
    assert r.status_code == 422


def test_api_refuses_writes_of_a_leader(client, small_chain, leader):
    client.force_login(leader)
    r = client.post("/api/v1/chains/test-chain/officials", {"role": "chief", "name": "甲"},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 403


def test_command_prints_tasks_as_json(small_chain):
    _task(small_chain, goal="命令行任务")
    out = StringIO()
    call_command("chains", "tasks", "--chain", "test-chain", "--month", "2023-06",
                 "--format", "json", stdout=out)  # fmt: skip
    rows = json.loads(out.getvalue())
    assert [(r["goal"], r["deadline"], r["level"], r["node"]) for r in rows] == [
        ("命令行任务", "2023-06-20", "red", "up-a")
    ]


def test_nul_character_is_refused_not_a_server_error(small_chain):
    with pytest.raises(InputError) as exc:
        _task(small_chain, goal="a\x00b", node="up\x00")
    assert sorted(exc.value.fields) == ["goal", "node"]
