"""A small vocabulary for the topic tests, so they do not depend on the shipped data files."""

from __future__ import annotations

from pathlib import Path

import pytest

from forum import vocabulary

SAMPLE = """
theme = "confined-spaces"
sources = ["a test"]

[[concept]]
id = "atmospheric-testing"
[concept.en]
pref = "atmospheric testing"
alt = ["air testing"]
acronyms = []
[concept.fr]
pref = "contrôle de l'atmosphère"
alt = []
acronyms = []
[concept.ar]
pref = "اختبار الجو"
alt = []
acronyms = []
[concept.es]
pref = "medición atmosférica"
alt = []
acronyms = []

[[concept]]
id = "gas-detector"
broader = ["atmospheric-testing"]
[concept.en]
pref = "gas detector"
alt = ["gas monitor"]
acronyms = []
[concept.fr]
pref = "détecteur de gaz"
alt = ["explosimètre"]
acronyms = []
[concept.ar]
pref = "كاشف الغاز"
alt = []
acronyms = []
[concept.es]
pref = "detector de gases"
alt = []
acronyms = ["DG"]

[[concept]]
id = "fall-arrest-system"
themes = ["hazardous-work"]
[concept.en]
pref = "fall arrest system"
alt = []
acronyms = ["PFAS"]
[concept.fr]
pref = "système d'arrêt des chutes"
alt = []
acronyms = []
[concept.ar]
pref = "نظام مانع السقوط"
alt = []
acronyms = []
[concept.es]
pref = "sistema anticaídas"
alt = []
acronyms = []
"""


@pytest.fixture
def sample_vocabulary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> vocabulary.Vocabulary:
    folder = tmp_path / "vocabulary"
    folder.mkdir()
    (folder / "confined-spaces.toml").write_text(SAMPLE, encoding="utf-8")
    words = vocabulary.load(folder)
    monkeypatch.setattr(vocabulary, "load", lambda folder=None: words)
    return words
