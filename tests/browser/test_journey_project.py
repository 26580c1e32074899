"""一项目一档 in Chromium: the project page as a town editor and as a leader reads and works
it, in Chinese and English; screenshots project-*."""

from __future__ import annotations

import re
import sqlite3
import struct
import zlib

import pytest

JINFENG = "320582103"
SEED = "320582-2023-0005"  # 大族激光华东区域总部基地项目 (保税区), invented plan 200000万元


def png(width: int = 64, height: int = 48, rgb=(30, 110, 200)) -> bytes:
    """A real PNG (so the thumbnail decodes), made with the standard library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def own_project(page) -> tuple[str, str]:
    """A 锦丰镇 project with a plan and reports (the demo's 开门红 projects)."""
    with sqlite3.connect(page.db) as db:
        code, name = db.execute(
            "SELECT p.code, p.name FROM projects_project p "
            "JOIN progress_annualplan a ON a.project_id = p.id "
            "WHERE p.unit_id = ? AND p.code LIKE '320582-KMH-%' ORDER BY p.code LIMIT 1",
            [JINFENG],
        ).fetchone()
    return code, name


def chart_drawn(page) -> bool:
    page.locator("#dossier-chart canvas").first.wait_for()
    return page.locator("#dossier-chart canvas").count() >= 1


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_town_editor_works_the_file_of_an_own_project(login, shoot, locale, tmp_path):
    zh = locale == "zh-CN"
    page = login("jinfeng", locale=locale, viewport=(1440, 900))
    code, name = own_project(page)
    page.goto(page.base + f"/projects/{code}/")
    assert page.locator("h1").inner_text().startswith(name)
    nav = page.locator("nav.dossier-nav")
    assert nav.get_by_text("问题督办" if zh else "Problems").count() == 1
    plan = page.locator("#plan")
    assert plan.locator("h2").inner_text() == ("2023年计划" if zh else "Plan 2023")
    assert plan.locator("#plan-amount").inner_text().strip() != "—"
    assert chart_drawn(page)
    june = page.locator("#monthly-table tbody tr").nth(5)
    assert june.locator("th").inner_text() == "2023-06"
    assert june.locator("td").nth(4).inner_text() == "50%"  # 序时进度 at the end of June
    head = page.locator("#monthly-table thead").inner_text()
    assert "竣工" not in head if zh else "Completed in the month" in head

    # add a contact
    contact = "（测试）何静" if zh else "(test) He Jing"
    page.locator("#people summary").click()
    page.select_option("#id_person-role", "enterprise_contact")
    page.fill("#id_person-name", contact)
    page.fill("#id_person-title", "行政总监")
    page.fill("#id_person-phone", "0512-5550 8888")
    page.click("#person-form button[type=submit]")
    page.wait_for_url(re.compile(r"#people$"))
    people = page.locator("#people")
    assert people.locator(".dossier-person b", has_text=contact).count() == 1
    assert people.locator('a[href="tel:0512-55508888"]').count() >= 1

    # upload a photo and see its thumbnail
    photo = tmp_path / "工地现场.png"
    photo.write_bytes(png())
    page.set_input_files("#id_document-file", str(photo))
    page.fill("#id_document-title", "工地现场" if zh else "Site")
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r"#files$"))
    thumb = page.locator(".dossier-photos img").first
    thumb.wait_for()
    # the thumbnail loads lazily: bring it into view, then wait for it to decode
    thumb.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete", arg=thumb.element_handle(), timeout=15_000)
    assert page.evaluate("img => img.naturalWidth", thumb.element_handle()) == 64
    page.evaluate("document.getElementById('people').scrollIntoView()")
    shoot(page, f"project-editor-people-files-{'zh' if zh else 'en'}", sizes=("1440",))

    # an .exe named .pdf is refused, naming the file
    fake = tmp_path / "批复.pdf"
    fake.write_bytes(b"MZ\x90\x00" + bytes(200))
    page.set_input_files("#id_document-file", str(fake))
    page.click("#upload-form button[type=submit]")
    error = page.locator("#upload-form .field-error").inner_text()
    assert "“批复.pdf”" in error
    page.goto(page.base + f"/projects/{code}/")

    # the history line of the new contact
    history = page.locator("#history")
    line = history.locator("tr", has_text=contact).first
    assert "jinfeng" in line.inner_text()
    assert ("创建" if zh else "created") in line.inner_text()
    shoot(page, f"project-editor-{'zh' if zh else 'en'}")
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_sideways_scroll(page)


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_leader_reads_a_seed_projects_file_with_no_form(login, shoot, locale):
    zh = locale == "zh-CN"
    page = login("leader", locale=locale, viewport=(1440, 900))
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto(page.base + f"/projects/{SEED}/")
    assert page.locator("#plan-amount").inner_text() == ("20.00亿元" if zh else "CNY 2.00 billion")
    assert chart_drawn(page)
    warnings = page.locator("#warnings")
    assert warnings.locator("h2").inner_text().endswith("2023-12")
    assert warnings.locator(".light").count() >= 1
    approvals = page.locator("#approvals-table tbody tr")
    assert approvals.count() == 7
    assert (
        page.locator("#people").get_by_text("挂钩领导" if zh else "Leader in charge").count() >= 1
    )
    for form in ("#person-form", "#approval-form", "#upload-form"):
        assert page.locator(form).count() == 0
    assert (
        page.locator("#approvals").get_by_role("link", name="编辑" if zh else "Edit").count() == 0
    )
    assert refused == []  # chart, scripts and styles within the CSP
    shoot(page, f"project-leader-{'zh' if zh else 'en'}")
    page.evaluate("document.getElementById('monthly').scrollIntoView()")
    shoot(page, f"project-leader-monthly-{'zh' if zh else 'en'}", sizes=("1440",))
    page.set_viewport_size({"width": 390, "height": 844})
    assert no_sideways_scroll(page)
    page.locator("#approvals").scroll_into_view_if_needed()
    shoot(page, f"project-leader-approvals-{'zh' if zh else 'en'}", sizes=("390",))
