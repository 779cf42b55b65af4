"""Every text the handlers use exists in both languages, and the catalogs agree."""

from __future__ import annotations

import re
from pathlib import Path

from bot.i18n import Translator, catalog

ROOT = Path(__file__).resolve().parent.parent
# Literal keys only: keys built at run time ("join.outcome." + status) end in a dot and are skipped.
LITERAL_KEY = re.compile(r"""\b(?:t|st|told|guest_t)(?:\.plain)?\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    ru, en = catalog("ru"), catalog("en")
    assert ru.keys() == en.keys()
    for key in ru:
        assert set(re.findall(r"{(\w+)}", ru[key])) == set(re.findall(r"{(\w+)}", en[key])), key


def test_every_literal_key_in_the_code_exists() -> None:
    used = {key for path in [*ROOT.glob("handlers/*.py"), *ROOT.glob("bot/*.py")]
            for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 50
    assert not used - catalog("ru").keys()


def test_arguments_are_escaped_but_plain_text_is_not() -> None:
    t = Translator("en")
    assert "&lt;b&gt;" in t("join.verdict.approved", name="<b>", organisation="A & B")
    assert t.plain("join.verdict.approved", name="<b>", organisation="A & B").endswith("<b> (A & B)")
