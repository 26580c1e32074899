"""Words: a Chinese page shows no English word of ours, an English page no Chinese one.

Every page family is walked as each role, in zh-hans and in en: a crawler starts at the
cockpit and follows the site's own links (GET, HTML only), at most two pages per URL pattern,
so a page added tomorrow is walked without being listed here. Each page's text is read the
way a person reads it: text nodes and the `title`, `placeholder`, `aria-label` and `alt`
attributes; not scripts, styles, `json_script` data, form values or hidden inputs.

Our catalogue is the .po files under src/zhaoshang (Django's own are not ours).

* A Chinese page fails on a text equal to one of our English msgids that has a different
  Chinese translation (a word left untranslated: a missing `{% translate %}`, or a msgid not
  yet in the catalogue), on a code name (``cluster_output``, ``on_track``), and on any other
  English word, outside an allow-list of names people use as they are (Excel, CSV, API,
  GB/T ...).
* An English page fails on a text that equals one of our msgstrs (a Chinese label) and on
  any Chinese left once the data is taken out, except a Chinese gloss in brackets after an
  English term ("Start rate (开工率)", an input example "(超100亿元, 约5000万元)").

Data aside: people's data are in both languages (锦丰镇, "ZF Friedrichshafen"). What the
database holds in its text columns without choices (names, aliases, titles, article text,
codes, notes) is data: those strings are taken out of a text before it is judged. A column
with choices holds codes whose labels must be shown, so its values are NOT data: a page that
shows ``upstream`` or ``on_track`` raw fails. A template may also mark an element
``data-data`` when what it shows is data the database does not hold as such.
"""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client
from django.urls import Resolver404, resolve

from zhaoshang.lib.pofile import read_po

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parent.parent / "src" / "zhaoshang"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]")
CODE_NAME = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
# Names a Chinese page uses as they are: file formats, standards, units, products.
ALLOWED_WORDS = {
    "API", "CSV", "Excel", "GB", "T", "PNG", "PDF", "JSON", "OpenAPI", "XLSX", "xlsx", "docx",
    "txt", "csv", "xls", "ods", "html", "nnnn", "ID", "URL", "GWh", "MW", "GW", "kWh", "CNY", "USD", "HKD", "EUR", "JPY",
    "GBP", "KRW", "SGD", "TWD", "RMB", "SEI", "PBoC", "CFETS", "ISO", "htmx", "ECharts",
    "Argon", "e", "g", "vs", "YAML", "Playwright", "ZF", "UTF", "GBK", "MB", "KB",
    "Ctrl", "Alt", "Shift", "Enter", "Tab", "Esc",  # keys, as printed on them
    "OC", "IDS",  # OC4IDS, the open-data standard's name (the digit splits the word)
    *"ABCDEFGHIJKLMNOPQRST",  # GB/T 4754 sections (C 制造业) and the T of GB/T
}  # fmt: skip
# "e.g. 50亿": an example of what to type, in the language it is typed in.
# "如 CN、DE、US": examples of codes to type, on a Chinese page.
CODE_EXAMPLE = re.compile(r"(?:例如|如)\s*[A-Za-z0-9][A-Za-z0-9、,，/\s-]*")
EXAMPLE = re.compile(r"\b(?:e\.g\.|such as)[^()（）;]*")
# An English term followed by its Chinese name or Chinese examples in brackets.
GLOSS = re.compile(r"[(（][^()（）]*[\u3400-\u9fff][^()（）]*[)）]")
SKIP_PATHS = ("/admin/", "/api/", "/static/", "/accounts/logout", "/logout", "/i18n/")
SKIP_SUFFIXES = (".csv", ".xlsx", ".png", ".json", ".txt", "/export/", "/export")
ROLES = ("admin", "fgw", "jinfeng", "leader")
PER_PATTERN = 1
MAX_PAGES = 80


# --------------------------------------------------------------------------- catalogue


def _catalogue() -> list:
    entries = []
    for po in sorted(SRC.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")):
        entries.extend(e for e in read_po(po) if e.translated)
    return entries


@pytest.fixture(scope="module")
def catalogue():
    entries = _catalogue()
    english = {
        e.msgid.strip()
        for e in entries
        if re.search("[A-Za-z]{2}", e.msgid)
        and not CJK.search(e.msgid)
        and "%(" not in e.msgid
        and e.msgstr[0].strip() != e.msgid.strip()
    }
    chinese = {s.strip() for e in entries for s in e.msgstr if CJK.search(s) and "%(" not in s} | {
        e.msgid.strip()
        for e in entries
        if CJK.search(e.msgid) and not re.search("[A-Za-z]", e.msgid) and "%(" not in e.msgid
    }
    return english, chinese


# --------------------------------------------------------------------------- data


def _data_strings() -> list[str]:
    """Every value of our text columns that have no choices, longest first."""
    found: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("zhaoshang.") and model is not get_user_model():
            continue
        columns = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            and not f.choices
        ]
        if not columns:
            continue
        for row in model.objects.values_list(*columns):
            for value in _strings(row):
                if len(value) >= 2:
                    found.add(value.strip())
                    found.update(p.strip() for p in re.split(r"[\n;；、]", value) if len(p) >= 2)
    return sorted(found, key=len, reverse=True)


_LONG: dict[int, list[str]] = {}


def _strings(value) -> list[str]:
    """The strings in a row of column values, JSON lists and objects included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _strings(list(value.keys())) + _strings(list(value.values()))
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def _without_data(text: str, data: list[str]) -> str:
    long_texts = _LONG.get(id(data))
    if long_texts is None:
        long_texts = _LONG[id(data)] = [" ".join(v.split()) for v in data if len(v) > 200]
    piece = text.strip().rstrip("…").rstrip(".").strip()  # an excerpt cut short with …
    if CJK.search(piece) and any(piece in value for value in long_texts):
        return ""  # a piece of a long text of the data (an article shown with its highlights)
    for value in data:
        if value in text:
            if CJK.search(value):
                text = text.replace(value, " ")
            elif len(value) >= 3:  # a Latin name only as whole words ("li" is not in "English")
                text = re.sub(rf"(?<![A-Za-z]){re.escape(value)}(?![A-Za-z])", " ", text)
    return text


# --------------------------------------------------------------------------- reading a page


class _Reader(HTMLParser):
    """Text a person reads on the page, and the page's own links."""

    SKIP = {"script", "style", "template", "textarea", "noscript"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}  # fmt: skip
    ATTRS = ("title", "placeholder", "aria-label", "alt")

    def __init__(self, language: str = ""):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []
        self.links: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = tag in self.SKIP or "data-data" in attrs or attrs.get("type") == "hidden"
        # an element in another language on purpose (the language buttons: English)
        if attrs.get("lang") and self.language and tag != "html":
            skip = skip or not attrs["lang"].lower().startswith(self.language[:2])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if not skip and not self._skipping():
            self.texts.extend(attrs[a] for a in self.ATTRS if attrs.get(a))
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.texts.append(attrs["value"])
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        for k in range(len(self.stack) - 1, -1, -1):
            if self.stack[k][0] == tag:
                del self.stack[k:]
                break

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.texts.append(data)


def _read(html: str, language: str = "") -> _Reader:
    reader = _Reader(language)
    reader.feed(html)
    return reader


def _pattern(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route or match.view_name


def _crawl(client: Client, start: str = "/") -> dict[str, str]:
    """{url: html} of the pages reachable from `start`, at most PER_PATTERN per URL pattern."""
    seen: set[str] = set()
    per_pattern: dict[str, int] = defaultdict(int)
    queue = [start]
    pages: dict[str, str] = {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        path = urlsplit(url).path
        pattern = _pattern(path)
        if pattern is None or per_pattern[pattern] >= PER_PATTERN:
            continue
        try:
            response = client.get(url)
        except Exception as exc:  # a page that breaks is reported with the words it shows
            pages[url] = f"<p>page error: {type(exc).__name__}: {exc}</p>"
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        per_pattern[pattern] += 1
        html = response.content.decode()
        pages[url] = html
        for href in _read(html).links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or (parts.fragment and not parts.path):
                continue
            if parts.path.startswith(SKIP_PATHS) or parts.path.endswith(SKIP_SUFFIXES):
                continue
            if "export" in parts.query or "format=" in parts.query:
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages


# --------------------------------------------------------------------------- judging


def _chinese_page_problems(text: str, english: set[str], data: list[str]) -> list[str]:
    shown = " ".join(text.split())
    if shown in english:
        return [f"untranslated: {shown!r}"]
    if not re.search("[A-Za-z]", shown):
        return []
    rest = CODE_EXAMPLE.sub(" ", _without_data(shown, data))
    problems = [f"code name {m!r} in {shown!r}" for m in CODE_NAME.findall(rest)]
    words = [w for w in WORD.findall(rest) if w not in ALLOWED_WORDS]
    if words and not problems:
        problems.append(f"English {words!r} in {shown!r}")
    return problems


def _english_page_problems(text: str, chinese: set[str], data: list[str]) -> list[str]:
    shown = " ".join(text.split())
    if shown in chinese and shown not in data:
        return [f"our Chinese: {shown!r}"]
    if not CJK.search(shown):
        return []
    rest = _without_data(shown, data)
    if re.search("[A-Za-z]", rest):
        rest = EXAMPLE.sub(" ", GLOSS.sub(" ", rest))
    if CJK.search(rest):
        return [f"Chinese {''.join(CJK.findall(rest))!r} in {shown!r}"]
    return []


def _problems(pages: dict[str, str], judge, words, data, language) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for url, html in pages.items():
        found: list[str] = []
        for text in _read(html, language).texts:
            for problem in judge(text, words, data):
                if problem not in found:
                    found.append(problem)
        if found:
            out[url] = found
    return out


def _client(username: str, language: str) -> Client:
    from django.conf import settings

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture(scope="module")
def data(demo_once, django_db_blocker):
    with django_db_blocker.unblock():
        return _data_strings()


def _report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{url}\n    " + "\n    ".join(found) for url, found in problems.items())


@pytest.mark.parametrize("role", ROLES)
def test_no_english_word_of_ours_on_a_chinese_page(demo_once, catalogue, data, role):
    english, _chinese = catalogue
    pages = _crawl(_client(role, "zh-hans"))
    assert len(pages) >= 15, sorted(pages)
    problems = _problems(pages, _chinese_page_problems, english, data, "zh")
    assert not problems, _report(problems)


@pytest.mark.parametrize("role", ROLES)
def test_no_chinese_word_of_ours_on_an_english_page(demo_once, catalogue, data, role):
    _english, chinese = catalogue
    pages = _crawl(_client(role, "en"))
    assert len(pages) >= 15, sorted(pages)
    problems = _problems(pages, _english_page_problems, chinese, data, "en")
    assert not problems, _report(problems)


# --------------------------------------------------------------------------- the judges


def test_judges_catch_what_they_are_for():
    """The judges themselves, on the known cases of issue #14 (so a crawl that finds
    nothing has not simply stopped looking)."""
    english = {"Completed", "Problems"}
    chinese = {"竣工", "英语", "问题督办"}
    data = ["锦丰镇", "ZF Friedrichshafen"]
    assert _chinese_page_problems(" Completed ", english, data) == ["untranslated: 'Completed'"]
    assert _chinese_page_problems("定位：upstream", english, data) == [
        "English ['upstream'] in '定位：upstream'"
    ]
    assert _chinese_page_problems("指标 cluster_output 未填报", english, data) == [
        "code name 'cluster_output' in '指标 cluster_output 未填报'"
    ]
    assert _chinese_page_problems(
        '无法识别的金额：“abc” / Unrecognised amount: "abc"', english, data
    ) == ["English ['abc', 'Unrecognised', 'amount', 'abc'] in "
          "'无法识别的金额：“abc” / Unrecognised amount: \"abc\"'"]  # fmt: skip
    assert _chinese_page_problems("锦丰镇 ZF Friedrichshafen 导出 Excel、CSV", english, data) == []
    assert _english_page_problems("英语", chinese, data) == ["our Chinese: '英语'"]
    assert _english_page_problems("Start rate (开工率)", chinese, data) == []
    assert _english_page_problems("Projects in 锦丰镇", chinese, data) == []
    assert _english_page_problems("Total 竣工", chinese, data) == ["Chinese '竣工' in 'Total 竣工'"]
