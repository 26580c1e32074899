"""Content-Security-Policy (issue #13, item 3): every HTML page, the admin and the API docs
carry a policy that runs scripts from our own static files only, and nothing in our templates
or JavaScript needs more (no inline script, no inline handler, no javascript: URL, no HTML
built from strings outside the charts' escaped tooltips)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import zhaoshang

PACKAGE = Path(zhaoshang.__file__).parent


def _policy(response) -> dict[str, list[str]]:
    """'a b; c d e' → {'a': ['b'], 'c': ['d', 'e']}."""
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _assert_strict(response) -> None:
    policy = _policy(response)
    assert policy.get("script-src") == ["'self'"], policy
    assert policy.get("default-src") == ["'self'"], policy
    assert policy.get("object-src") == ["'none'"], policy
    assert policy.get("frame-ancestors") == ["'none'"], policy
    assert policy.get("base-uri") == ["'self'"], policy
    for directive in ("script-src", "script-src-elem", "script-src-attr", "default-src"):
        for loose in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"):
            assert loose not in policy.get(directive, []), (directive, policy)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, url",
    [
        (None, "/login/"),
        (None, "/api/v1/docs"),
        (None, "/admin/login/"),
        ("leader", "/"),
        ("leader", "/projects/"),
        ("leader", "/enterprises/"),
        ("leader", "/chains/"),
        ("leader", "/clusters/"),
        ("leader", "/indicators/"),
        ("leader", "/progress/"),
        ("leader", "/intel/"),
        ("admin", "/excel/"),
        ("admin", "/admin/"),
        ("admin", "/admin/projects/project/"),
        ("admin", "/admin/auth/user/add/"),
    ],
)
def test_csp_header_on_html_pages_scripts_from_self_only(client, request, who, url):
    """Reproduction 3 of #13: 'There is no Content-Security-Policy to stop it.'"""
    if who:
        client.force_login(request.getfixturevalue({"admin": "admin_user"}.get(who, who)))
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    _assert_strict(response)


@pytest.mark.django_db
def test_csp_header_on_error_pages(client, leader):
    """A 404 and a 403 are HTML pages too: an attacker's link lands there first."""
    client.force_login(leader)
    missing = client.get("/projects/no-such-project-xyz/")
    forbidden = client.get("/admin/")
    assert missing.status_code == 404
    _assert_strict(missing)
    assert forbidden.status_code in (302, 403)
    _assert_strict(forbidden)


def _templates() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("templates/**/*.html"))


def _our_js() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("static/**/*.js") if "vendor" not in p.parts)


class _Inline(HTMLParser):
    """Collects what a strict script-src would refuse in one template."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = {name.lower(): value or "" for name, value in attrs}
        for name, value in names.items():
            if re.fullmatch(r"on[a-z]+", name):
                self.found.append(f"<{tag} {name}=…> inline event handler")
            if name.startswith(("hx-on", "data-hx-on")):
                self.found.append(f"<{tag} {name}=…> htmx handler (evaluated code)")
            if value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}> javascript: URL")
            if name == "hx-vals" and value.strip().startswith(("js:", "javascript:")):
                self.found.append(f"<{tag} hx-vals={value!r}> evaluated hx-vals")
        if tag == "script":
            kind = names.get("type", "").lower()
            if "src" not in names and kind not in ("application/json", "application/ld+json"):
                self._in_script = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"inline <script> with code: {data.strip()[:60]!r}")


def test_csp_templates_have_no_inline_script_handler_or_javascript_url():
    """No inline <script> with code, no on* attribute, no javascript: URL in any template
    (the progress app's 'refused' page had `href="javascript:history.back()"`)."""
    assert len(_templates()) > 50
    found = []
    for path in _templates():
        text = path.read_text()
        parser = _Inline()
        parser.feed(text)
        found += [f"{path.relative_to(PACKAGE)}: {what}" for what in parser.found]
        if re.search(r"javascript\s*:", text, re.IGNORECASE):
            found.append(f"{path.relative_to(PACKAGE)}: 'javascript:' in the source")
    assert found == []


@pytest.mark.parametrize(
    "snippet, expected",
    [
        ('<a href="javascript:history.back()">x</a>', "javascript: URL"),
        ('<a href=" JavaScript:alert(1)">x</a>', "javascript: URL"),
        ('<img src="x" onerror="alert(1)">', "inline event handler"),
        ('<button onClick="go()">', "inline event handler"),
        ('<div hx-on:click="alert(1)"></div>', "htmx handler"),
        ("<script>alert(1)</script>", "inline <script> with code"),
    ],
)
def test_csp_template_check_finds_what_it_looks_for(snippet, expected):
    parser = _Inline()
    parser.feed(snippet)
    assert len(parser.found) == 1 and expected in parser.found[0]


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="/static/cockpit/cockpit.js" defer></script>',
        '<script type="application/json" id="d">{"a": "<b>"}</script>',
        '<a href="/progress/">back</a>',
        '<form hx-vals=\'{"field": "name"}\'></form>',
    ],
)
def test_csp_template_check_lets_what_is_allowed_pass(snippet):
    parser = _Inline()
    parser.feed(snippet)
    assert parser.found == []


# HTML from strings outside ECharts tooltips, and code from strings: a stored name passed to
# any of these would be markup or code. Charts build tooltip HTML only with every piece of
# text passed through echarts.format.encodeHTML (see the browser test tests/browser/test_csp.py).
RISKY_JS = re.compile(
    r"\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|\beval\s*\(|new\s+Function\b"
    r"|setTimeout\s*\(\s*['\"]|setInterval\s*\(\s*['\"]|javascript:",
)


def test_csp_our_javascript_builds_no_html_or_code_from_strings():
    """The cockpit's escape helper wrote through a span's innerHTML; all our JS now uses
    textContent/DOM nodes, or ECharts' encodeHTML inside tooltip formatters."""
    files = _our_js()
    assert {p.name for p in files} >= {"cockpit.js", "map.js", "panel.js", "cluster.js"}
    found = [
        f"{p.relative_to(PACKAGE)}:{n}: {line.strip()}"
        for p in files
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if RISKY_JS.search(line)
    ]
    assert found == []


def test_csp_every_tooltip_that_builds_html_escapes_with_the_shared_function():
    """A formatter returning markup ("<br>") must escape its text: every file that writes a
    tag into a string uses echarts.format.encodeHTML (the clusters' bullet tooltips joined
    translated labels raw)."""
    markup = re.compile(r"[\"']<\/?[a-z]+[ >]")
    missing = [
        str(p.relative_to(PACKAGE))
        for p in _our_js()
        if markup.search(p.read_text()) and "echarts.format.encodeHTML" not in p.read_text()
    ]
    assert missing == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["javascript:alert(document.cookie)", " JavaScript:alert(1)", "data:text/html,x"]
)
def test_stored_link_that_is_not_http_is_shown_as_text_not_linked(client, leader, url):
    """An enterprise's website and a source's URL were written into href as stored: a
    `javascript:` value (from before the edge checked URLs, an import, the admin's raw data)
    became a link a colleague would click. Only http(s) is linked now."""
    from zhaoshang.core.models import Source
    from zhaoshang.enterprises.models import Enterprise

    e = Enterprise.objects.create(name="链接测试有限公司", country="CN", website=url)
    e.sources.add(Source.objects.create(title="来源标题", url=url))
    client.force_login(leader)
    html = client.get(f"/enterprises/{e.pk}/").content.decode()
    assert "链接测试有限公司" in html and "来源标题" in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert [h for h in hrefs if not h.strip().lower().startswith(("/", "http", "?", "#"))] == []


@pytest.mark.django_db
def test_stored_http_links_are_still_links(client, leader):
    from zhaoshang.core.models import Source
    from zhaoshang.enterprises.models import Enterprise

    e = Enterprise.objects.create(name="链接测试有限公司", country="CN", website="https://x.cn/")
    e.sources.add(Source.objects.create(title="来源标题", url="http://y.cn/a"))
    client.force_login(leader)
    html = client.get(f"/enterprises/{e.pk}/").content.decode()
    assert '<a href="https://x.cn/" rel="noopener noreferrer">https://x.cn/</a>' in html
    assert '<a href="http://y.cn/a" rel="noopener noreferrer">来源标题</a>' in html
