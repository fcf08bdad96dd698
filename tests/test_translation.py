"""Every user-facing string is wrapped for translation (Flask-Babel) from the first template."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.S)
READABLE_ATTRIBUTES = re.compile(r'\b(?:aria-label|alt|title|placeholder)="([^"]*)"')


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
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-o", str(pot), "."],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    catalogue = pot.read_text()
    for message in (
        "Start a thread",
        "Log in to reply.",
        "This thread is locked: it takes no new replies.",
    ):
        assert f'msgid "{message}"' in catalogue
