"""Every text the code uses exists in both languages, the catalogs agree, and counts are rendered
through the plural rule."""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

from bot.i18n import Translator, catalog

ROOT = Path(__file__).resolve().parent.parent
# Every package of the application (those the wheel ships, as pyproject.toml lists them), however
# deep: texts may be rendered anywhere, the services and the scheduler's jobs included.
WHEEL = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
PACKAGES = [pattern.rstrip("*") for pattern in WHEEL["packages"]["find"]["include"]]
SOURCES = sorted(path for package in PACKAGES for path in ROOT.glob(f"{package}/**/*.py"))
# Literal keys only: keys built at run time ("join.outcome." + status) end in a dot and are skipped.
LITERAL_KEY = re.compile(r"""\b(?:t|st|told|guest_t)(?:\.plain)?\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")


def test_the_scan_covers_every_package() -> None:
    """A package of the checkout is shipped, so scanned; and nested modules are scanned with it."""
    assert {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"tests"} <= set(PACKAGES)
    folders = {path.parent.relative_to(ROOT).as_posix() for path in SOURCES}
    assert {"scheduler", "bot/services", "bot/services/reports", "handlers/reports", "models"} <= folders


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    ru, en = catalog("ru"), catalog("en")
    assert ru.keys() == en.keys()
    for key in ru:
        assert set(re.findall(r"{(\w+)}", ru[key])) == set(re.findall(r"{(\w+)}", en[key])), key


def test_every_literal_key_in_the_code_exists() -> None:
    used = {key for path in SOURCES for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 50
    assert not used - catalog("ru").keys()


def test_arguments_are_escaped_but_plain_text_is_not() -> None:
    t = Translator("en")
    assert "&lt;b&gt;" in t("join.verdict.approved", name="<b>", organisation="A & B")
    assert t.plain("join.verdict.approved", name="<b>", organisation="A & B").endswith("<b> (A & B)")


# The placeholders that carry a number are named for it. A text puts a noun after one of them only
# through the plural construct (keys `x.one`, `x.few`, `x.many`, rendered by `Translator.plural`);
# otherwise the noun comes first, as a label: «пунктов: {n}», never «{n} пунктов» (1 пунктов).
COUNTS = {
    "n",
    "count",
    "total",
    "shown",
    "limit",
    "length",
    "hours",
    "seconds",
    "weeks",
    "pending",
    "sent",
    "failed",
    "remaining",
    "cancelled",
}
PLURAL_FORM = re.compile(r"\.(one|few|many)$")
# After a number, what does not agree with it: a unit symbol or a short preposition (ч, h, s, из,
# of, in, so), an abbreviation with its dot (нед.), and "more".
COUNT_THEN_WORD = re.compile(r"{(\w+)}[ \u00a0]*([^\W\d_]+)(\.?)")


def _agrees_with_a_number(word: str, dot: str) -> bool:
    return len(word) > 2 and not dot and word != "more"


def test_no_text_puts_a_count_before_a_noun_outside_the_plural_rule() -> None:
    wrong = [
        f"{language} {key}: «{match.group(0)}»"
        for language in ("ru", "en")
        for key, text in catalog(language).items()
        if not PLURAL_FORM.search(key)
        for match in COUNT_THEN_WORD.finditer(re.sub(r"<[^>]+>", "", text))
        if match.group(1) in COUNTS and _agrees_with_a_number(match.group(2), match.group(3))
    ]
    assert not wrong, "a count before a noun: use a plural key (Translator.plural) or put the noun first"


def _text_calls() -> Iterator[tuple[str, ast.Call, str, dict[str, ast.expr]]]:
    """(where, call, key, the module's constants) of every call with a literal catalog key or
    plural key as its first argument."""
    keys = catalog("ru").keys()
    plural_keys = {PLURAL_FORM.sub("", key) for key in keys if PLURAL_FORM.search(key)}
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            target.id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value in keys | plural_keys
            ):
                yield f"{path.relative_to(ROOT)}:{node.lineno}", node, node.args[0].value, constants


def _is_a_number(value: ast.expr, constants: dict[str, ast.expr]) -> bool:
    """An expression that is plainly a number: a literal, a length or sum, arithmetic, a constant."""
    if isinstance(value, ast.Constant):
        return isinstance(value.value, int) and not isinstance(value.value, bool)
    if isinstance(value, ast.Call):
        return isinstance(value.func, ast.Name) and value.func.id in {"len", "min", "max", "sum", "abs", "round"}
    if isinstance(value, ast.BinOp):
        return not any(
            isinstance(side, ast.Constant) and isinstance(side.value, str) for side in (value.left, value.right)
        )
    if isinstance(value, ast.Name) and value.id in constants:
        return _is_a_number(constants[value.id], {})
    name = value.attr if isinstance(value, ast.Attribute) else value.id if isinstance(value, ast.Name) else ""
    return name.isupper() or name in COUNTS


def test_counts_are_passed_under_count_names_and_plurals_exist() -> None:
    """What makes the rule above hold: a number passed to a text is passed as a count, so a text
    cannot put a noun after it unseen; and every plural key has its forms in both languages."""
    misnamed = [
        f"{where} {key}: {kw.arg}={ast.unparse(kw.value)}"
        for where, call, key, constants in _text_calls()
        for kw in call.keywords
        if kw.arg
        and kw.arg not in COUNTS
        and _is_a_number(kw.value, constants)
        and kw.arg not in ("number", "id", "hour")
    ]  # an item's number, a row's id, an hour of the day
    assert not misnamed
    for where, call, key, _ in _text_calls():
        if isinstance(call.func, ast.Attribute) and call.func.attr == "plural":
            for language in ("ru", "en"):
                assert {f"{key}.{form}" for form in ("one", "few", "many")} <= catalog(language).keys(), where


def test_the_roadmap_timeline_counts_its_items() -> None:
    for n, ru, en in ((1, "1 пункт;", "1 item;"), (3, "3 пункта;", "3 items;"), (11, "11 пунктов;", "11 items;")):
        for t, expected in ((Translator("ru"), ru), (Translator("en"), en)):
            assert expected in t("roadmap.png_caption", items=t.plural("roadmap.items", n, n=n))
