"""A few OSH concepts for the search's own tests, so that they do not move with the shipped
vocabulary's data: put in its place by the `small_vocabulary` fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from forum.search import expansion
from forum.vocabulary import Vocabulary, load

CONCEPTS = """
theme = "chemical-safety"
sources = ["the search's tests"]

[[concept]]
id = "safety-data-sheet"
[concept.en]
pref = "safety data sheet"
alt = ["material safety data sheet"]
acronyms = ["SDS", "MSDS"]
[concept.fr]
pref = "fiche de données de sécurité"
alt = ["fiche de sécurité"]
acronyms = ["FDS"]
[concept.ar]
pref = "صحيفة بيانات السلامة"
alt = []
acronyms = []
[concept.es]
pref = "ficha de datos de seguridad"
alt = ["hoja de datos de seguridad"]
acronyms = ["HDS"]

[[concept]]
id = "fall-from-height"
[concept.en]
pref = "fall from height"
alt = ["working at height", "work at height"]
acronyms = []
[concept.fr]
pref = "chute de hauteur"
alt = ["travail en hauteur"]
acronyms = []
[concept.ar]
pref = "السقوط من ارتفاع"
alt = ["العمل على ارتفاع"]
acronyms = []
[concept.es]
pref = "caída de altura"
alt = ["trabajo en altura"]
acronyms = []

[[concept]]
id = "self-contained-breathing-apparatus"
[concept.en]
pref = "self-contained breathing apparatus"
alt = ["breathing apparatus"]
acronyms = ["SCBA"]
[concept.fr]
pref = "appareil respiratoire isolant"
alt = []
acronyms = ["ARI"]
[concept.ar]
pref = "جهاز التنفس ذاتي الاحتواء"
alt = []
acronyms = []
[concept.es]
pref = "equipo de respiración autónoma"
alt = []
acronyms = ["ERA"]
"""


@pytest.fixture
def small_vocabulary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Vocabulary:
    (tmp_path / "chemical-safety.toml").write_text(CONCEPTS, encoding="utf-8")
    words = load(tmp_path)
    monkeypatch.setattr(expansion, "vocabulary", lambda: words)
    return words
