"""Chinese is the default language: every message must have its translation, compiled."""

import gettext
from pathlib import Path

import pytest

import zhaoshang
from zhaoshang.lib.pofile import read_po

PACKAGE = Path(zhaoshang.__file__).resolve().parent
CATALOGUES = sorted(PACKAGE.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_i18n_catalogues_exist():
    assert PACKAGE / "locale/zh_Hans/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_i18n_every_message_translated(po):
    missing = [e.msgid for e in read_po(po) if not e.translated]
    assert missing == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_i18n_compiled_catalogue_matches_source(po):
    with po.with_suffix(".mo").open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = []
    for entry in read_po(po):
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        got = mo.ngettext(key, entry.msgid_plural, 1) if entry.msgid_plural else mo.gettext(key)
        if got != entry.msgstr[0]:
            stale.append(entry.msgid)
    assert stale == []


def test_i18n_login_page_in_chinese_by_default(client):
    page = client.get("/login/").content.decode()
    assert "登录" in page


def test_i18n_login_page_in_english_when_chosen(client):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign in" in page
