"""Both languages are complete, the compiled catalogues are current, pages switch language."""

from __future__ import annotations

import gettext
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

LOCALE = Path(settings.LOCALE_PATHS[0])


def _catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))


def test_every_message_has_a_chinese_translation() -> None:
    po = _catalogue("zh_Hans")

    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]

    assert missing == [], f"{len(missing)} untranslated zh_Hans messages, e.g. {missing[:5]}"
    assert len(po) > 300


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_compiled_catalogue_matches_its_source(lang: str) -> None:
    po = _catalogue(lang)
    with open(LOCALE / lang / "LC_MESSAGES" / "django.mo", "rb") as fh:
        mo = gettext.GNUTranslations(fh)

    stale = [
        e.msgid
        for e in po
        if e.msgstr and not e.fuzzy and not e.msgid_plural and _compiled(mo, e) != e.msgstr
    ]

    assert stale == [], f"django.mo is older than django.po: run `make messages` ({stale[:3]})"


def _compiled(mo: gettext.GNUTranslations, entry: polib.POEntry) -> str:
    if entry.msgctxt:
        return mo.pgettext(entry.msgctxt, entry.msgid)
    return mo.gettext(entry.msgid)


@pytest.mark.django_db
def test_the_home_page_speaks_chinese_by_default_and_english_on_request() -> None:
    zh = Client().get("/")
    en = Client(headers={"Accept-Language": "en"}).get("/")

    assert 'lang="zh-hans"' in zh.content.decode() and "工作人员登录" in zh.content.decode()
    assert 'lang="en"' in en.content.decode() and "Staff log in" in en.content.decode()


@pytest.mark.django_db
def test_the_language_switch_remembers_the_choice() -> None:
    client = Client()

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert 'lang="en"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_switch_names_each_language_in_its_own_words() -> None:
    zh = Client().get("/").content.decode()
    en = Client(headers={"Accept-Language": "en"}).get("/").content.decode()

    assert 'value="en" class="link" lang="en">English<' in zh
    assert 'lang="zh-hans">简体中文<' in en
