"""The pages speak Chinese by default and English on request, and no string is left untranslated.

Every app keeps its strings in its own catalog (``src/appraise/web/<app>/locale/zh_Hans``; the
pages' shared ones in ``src/appraise/web/locale``); a string counts as translated when any
catalog of zh_Hans translates it. The committed ``.mo`` files are what Django reads, so they must
hold exactly the translations of the ``.po`` files next to them (compiled by Babel).
"""

from __future__ import annotations

import gettext
import io
from pathlib import Path

import pytest
from django.test import Client

from appraise.web.pages import i18n

from ..conftest import People

FIX = "python -m appraise.web.pages.i18n"


def test_every_committed_mo_is_the_compilation_of_its_po() -> None:
    assert i18n.catalogs(), "no catalog found"
    stale = [str(p.relative_to(i18n.WEB)) for p in i18n.stale_catalogs()]
    assert stale == [], f"out of date (run `{FIX}`): {stale}"


def test_every_string_of_the_templates_and_the_code_has_a_chinese_translation() -> None:
    missing = i18n.untranslated("zh_Hans")
    listing = "\n".join(f"{m.where}: {m.msgid!r}" for m in missing)
    assert missing == [], (
        f"{len(missing)} strings without a zh_Hans translation (`{FIX} --missing` prints them "
        f"as .po entries for your app's catalog):\n{listing}"
    )


def test_translations_keep_the_placeholders_of_the_english() -> None:
    # A misspelled %(name)s fails when the page renders; a dropped one hides a number.
    assert i18n.placeholder_mismatches("zh_Hans") == []


def test_templates_strings_are_found_as_django_looks_them_up(tmp_path: Path) -> None:
    page = tmp_path / "templates" / "x.html"
    page.parent.mkdir()
    page.write_text(
        '{% load i18n %}<h1>{% trans "Hello" %}</h1>\n'
        "<p title=\"{% translate 'Tip' context 'hover' %}\">\n"
        "{% blocktrans with n=agent.name %}Rate {{ n }}{% endblocktrans %}\n"
        "{% blocktrans count n=rows|length %}{{ n }} row{% plural %}{{ n }} rows"
        "{% endblocktrans %}\n"
        "{% blocktranslate trimmed %}\n  one\n  two\n{% endblocktranslate %}"
        '{{ x|default:_("None") }}</p>\n',
        encoding="utf-8",
    )
    found = [
        (m.context, m.msgid, m.plural, m.where) for m in i18n.template_messages(page, tmp_path)
    ]
    assert found == [
        (None, "Hello", None, "templates/x.html:1"),
        ("hover", "Tip", None, "templates/x.html:2"),
        (None, "Rate %(n)s", None, "templates/x.html:3"),
        (None, "%(n)s row", "%(n)s rows", "templates/x.html:4"),
        (None, "one two", None, "templates/x.html:5"),
        (None, "None", None, "templates/x.html:8"),
    ]


def test_python_strings_are_found_under_any_name_gettext_is_imported_as(tmp_path: Path) -> None:
    code = tmp_path / "views.py"
    code.write_text(
        "from django.utils import translation\n"
        "from django.utils.translation import gettext as _, gettext_lazy, npgettext\n"
        "A = _('Saved.')\n"
        "B = gettext_lazy('Lazy')\n"
        "C = npgettext('menu', '%(n)d file', '%(n)d files', 3)\n"
        "D = translation.gettext('Attribute')\n"
        "E = _(some_variable)\n"
        "F = print('not a gettext call')\n",
        encoding="utf-8",
    )
    found = [(m.context, m.msgid, m.plural, m.where) for m in i18n.python_messages(code, tmp_path)]
    assert sorted(found, key=lambda f: f[3]) == [
        (None, "Saved.", None, "views.py:3"),
        (None, "Lazy", None, "views.py:4"),
        ("menu", "%(n)d file", "%(n)d files", "views.py:5"),
        (None, "Attribute", None, "views.py:6"),
    ]


def test_a_string_counts_as_translated_when_any_catalog_translates_it(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "a.html").write_text(
        '{% load i18n %}{% trans "Shared" %}{% trans "Only in the app" %}{% trans "Nowhere" %}',
        encoding="utf-8",
    )
    for folder, msgid in (("locale", "Shared"), ("qa/locale", "Only in the app")):
        po = tmp_path / folder / "zh_Hans" / "LC_MESSAGES" / "django.po"
        po.parent.mkdir(parents=True)
        po.write_text(f'msgid "{msgid}"\nmsgstr "译文"\n\nmsgid "Nowhere"\nmsgstr ""\n', "utf-8")
    # An English catalog does not count for Chinese.
    en = tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"
    en.parent.mkdir(parents=True)
    en.write_text('msgid "Nowhere"\nmsgstr "Nowhere"\n', encoding="utf-8")
    assert [m.msgid for m in i18n.untranslated("zh_Hans", tmp_path)] == ["Nowhere"]


def test_a_placeholder_misspelled_in_a_translation_is_caught(tmp_path: Path) -> None:
    po = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid "Rate %(name)s"\nmsgstr "为 %(nmae)s 评分"\n\n'
        'msgid "%(n)s row"\nmsgid_plural "%(n)s rows"\nmsgstr[0] "%(n)s 行"\n',
        encoding="utf-8",
    )
    bad = i18n.placeholder_mismatches("zh_Hans", tmp_path)
    assert len(bad) == 1 and "%(nmae)s" in bad[0]


def test_a_po_edited_without_compiling_is_reported(tmp_path: Path) -> None:
    po = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid "Save"\nmsgstr "保存"\n', encoding="utf-8")
    assert i18n.stale_catalogs(tmp_path) == [po.with_suffix(".mo")]  # no .mo at all
    po.with_suffix(".mo").write_bytes(i18n.compile_po(po.read_text("utf-8")))
    assert i18n.stale_catalogs(tmp_path) == []
    po.write_text('msgid "Save"\nmsgstr "存盘"\n', encoding="utf-8")
    assert i18n.stale_catalogs(tmp_path) == [po.with_suffix(".mo")]


def test_a_mo_with_the_same_translations_is_up_to_date_whatever_wrote_its_header(
    tmp_path: Path,
) -> None:
    # Compiled on another day (or by GNU msgfmt): other bytes, the same translations.
    po = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    body = 'msgid "Save"\nmsgstr "保存"\n'
    header = 'msgid ""\nmsgstr ""\n"POT-Creation-Date: {}\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
    po.write_text(header.format("2026-01-01 00:00+0000") + body, encoding="utf-8")
    mo = i18n.compile_po(header.format("2027-06-30 12:00+0800") + body)
    assert mo != i18n.compile_po(po.read_text("utf-8"))
    po.with_suffix(".mo").write_bytes(mo)
    assert i18n.stale_catalogs(tmp_path) == []
    # A different Plural-Forms changes which form a count takes: that is out of date.
    po.with_suffix(".mo").write_bytes(
        i18n.compile_po(
            header.format("2026-01-01 00:00+0000").replace(
                "nplurals=1; plural=0", "nplurals=2; plural=(n != 1)"
            )
            + body
        )
    )
    assert i18n.stale_catalogs(tmp_path) == [po.with_suffix(".mo")]


def test_compiling_twice_gives_the_same_bytes() -> None:
    # No compilation date is stamped into the .mo, so committing it again changes nothing.
    po = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Save"\nmsgstr "保存"\n'
    assert i18n.compile_po(po) == i18n.compile_po(po)


def test_a_broken_po_is_an_error_not_a_catalog_with_strings_missing() -> None:
    from babel.messages.pofile import PoFileError

    # A misspelled keyword (msgtxt) and a msgid without its msgstr.
    with pytest.raises(PoFileError, match="misformatted keyword"):
        i18n.compile_po('msgid "Save"\nmsgstr "保存"\nmsgtxt "Open"\n')
    with pytest.raises(PoFileError, match="missing msgstr"):
        i18n.compile_po('msgid "Save"\nmsgid "Open"\nmsgstr "打开"\n')


def test_the_compiled_mo_reads_back_with_plurals_and_contexts() -> None:
    po = (
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n'
        'Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        'msgid "Save"\nmsgstr "保存"\n\n'
        'msgctxt "verb"\nmsgid "Rate"\nmsgstr "评分"\n\n'
        'msgid "%(n)s row"\nmsgid_plural "%(n)s rows"\nmsgstr[0] "%(n)s 行"\n\n'
        '#, fuzzy\nmsgid "Draft"\nmsgstr "草稿"\n'
    )
    t = gettext.GNUTranslations(io.BytesIO(i18n.compile_po(po)))
    assert t.gettext("Save") == "保存"
    assert t.pgettext("verb", "Rate") == "评分"
    assert t.ngettext("%(n)s row", "%(n)s rows", 5) == "%(n)s 行"
    assert t.gettext("Draft") == "Draft"  # a fuzzy entry is not used


# --- the pages themselves -----------------------------------------------------------------


def test_the_sign_in_page_is_chinese_by_default_and_english_when_switched() -> None:
    client = Client()
    body = client.get("/login/").content.decode()
    assert '<html lang="zh-hans">' in body
    assert "<h1>登录</h1>" in body and "用户名" in body
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    body = client.get("/login/").content.decode()
    assert '<html lang="en">' in body
    assert "<h1>Sign in</h1>" in body and "User name" in body


@pytest.mark.django_db
def test_a_signed_in_page_and_its_python_strings_follow_the_language(people: People) -> None:
    client = Client()
    client.force_login(people.sup1)
    body = client.get("/team/").content.decode()
    # The navigation comes from gettext in pages/common.py, the heading from the template.
    assert "<h1>团队看板</h1>" in body and ">申诉</a>" in body and "退出登录" in body
    client.post("/i18n/setlang/", {"language": "en"})
    body = client.get("/team/").content.decode()
    assert "<h1>Team dashboard</h1>" in body and ">Appeals</a>" in body and "Sign out" in body
    assert "团队看板" not in body


# What speaks to the operator of the server, not to the people who use the app: the settings'
# and the environment's errors at start-up and the restore drill's, in English like the
# server's own log (gunicorn, Django's checks).
OPERATOR = ("appraise/web/ops/", "appraise/web/env.py", "appraise/web/settings.py")


def test_the_web_app_says_nothing_to_its_users_in_english_only() -> None:
    # Every problem and refusal a page, the API or a delivery's status shows is gettext'd, so
    # that it is written in the reader's language; a raise that reports a bug says so with
    # "# internal" (the core's own rule, appraise.messages.plain_messages).
    from appraise import messages

    found = [
        line for line in messages.plain_messages(checked=("web",)) if not line.startswith(OPERATOR)
    ]
    assert found == [], "\n".join(found)
