"""Every user-facing string is wrapped for translation (Flask-Babel) from the first template."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.S)
READABLE_ATTRIBUTES = re.compile(r'\b(?:aria-label|alt|title|placeholder)="([^"]*)"')
# the README's extraction: lazy_gettext as _l, N_ for the seed's names, lazy_pgettext for short
# labels with a context, and the comments that start "Translators:"
EXTRACT = ("extract", "-F", "babel.cfg", "-k", "_l", "-k", "N_", "-k", "lazy_pgettext:1c,2",
           "-c", "Translators:")  # fmt: skip


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_bare_text(template: Path) -> None:
    source = JINJA.sub("", template.read_text())
    attributes = [value for value in READABLE_ATTRIBUTES.findall(source) if value.strip()]
    assert not attributes, f"untranslated attribute text: {attributes}"
    text = re.sub(r"<[^>]+>", " ", source)
    words = re.findall(r"[A-Za-z]{2,}", text)
    assert not words, f"text outside _(): {words}"


def test_the_catalogue_extracts(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    result = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *EXTRACT, "-o", str(pot), "."],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    catalogue = pot.read_text()
    for message in (
        "Start a thread",
        "Confined spaces",  # the seed's names, marked with N_
        "Log in to reply.",
        "This thread is locked: it takes no new replies.",
    ):
        assert f'msgid "{message}"' in catalogue
    # short labels carry their context, Python's and templates' alike, and comments
    assert 'msgctxt "questions shown in a list"\nmsgid "Unanswered"' in catalogue
    assert 'msgctxt "withdraw an expert verification"\nmsgid "Revoke"' in catalogue
    assert "#. where the post is: %(thread)s is its thread's title, linked" in catalogue


# --- the catalogues: complete, consistent, compiled --------------------------------------

TRANSLATIONS = ROOT / "forum" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *EXTRACT, "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    with pot.open("rb") as source:
        return read_po(source)


@pytest.mark.parametrize("language", ["fr", "ar", "es"])
def test_every_message_in_the_code_is_translated(extracted: Catalog, language: str) -> None:
    """Run against a fresh extraction: a new string without a translation fails here."""
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source)
    missing, broken = [], []
    for message in extracted:
        if not message.id:
            continue
        translated = catalog.get(message.id, context=message.context)
        forms = translated.string if translated else None
        forms = list(forms) if isinstance(forms, tuple) else [forms]
        if translated is None or not all(forms):
            missing.append(message.id)
            continue
        source_text = message.id[-1] if isinstance(message.id, tuple) else message.id
        wanted = set(PLACEHOLDER.findall(source_text))
        if isinstance(message.id, tuple):
            broken += [f for f in forms if not set(PLACEHOLDER.findall(f)) <= wanted]
        elif set(PLACEHOLDER.findall(forms[0])) != wanted:
            broken.append(forms[0])
    assert not missing, f"{language}: {len(missing)} untranslated, first {missing[:5]}"
    assert not broken, f"{language}: placeholders differ in {broken[:5]}"


@pytest.mark.parametrize("language", ["fr", "ar", "es"])
def test_the_compiled_catalogue_matches_its_source(language: str) -> None:
    """The .mo files are committed, so a fresh clone needs no compile step; they must say
    what the .po files say (run `pybabel compile -d forum/translations` after editing)."""
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as source:
        written = {_key(m.id): _key(m.string) for m in read_po(source) if m.id}
    with (folder / "messages.mo").open("rb") as source:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(source) if m.id}
    assert compiled == written


def _key(text: str | list | tuple) -> str | tuple:
    return text if isinstance(text, str) else tuple(text)
