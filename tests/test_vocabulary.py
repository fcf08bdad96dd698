"""Reading the OSH vocabulary: which concepts a query names, in any of the four languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from forum.vocabulary import load

SAMPLE = """
theme = "hazardous-work"
sources = ["a test"]

[[concept]]
id = "fall-from-height"
[concept.en]
pref = "fall from height"
alt = ["falls from height", "working at height"]
acronyms = []
[concept.fr]
pref = "chute de hauteur"
alt = []
acronyms = []
[concept.ar]
pref = "السقوط من ارتفاع"
alt = []
acronyms = []
[concept.es]
pref = "caída de altura"
alt = []
acronyms = []

[[concept]]
id = "fall-arrest-system"
broader = ["fall-from-height"]
[concept.en]
pref = "fall arrest system"
alt = []
acronyms = ["PFAS"]
[concept.fr]
pref = "système d'arrêt des chutes"
alt = ["antichute"]
acronyms = []
[concept.ar]
pref = "نظام مانع السقوط"
alt = []
acronyms = []
[concept.es]
pref = "sistema anticaídas"
alt = []
acronyms = []

[[concept]]
id = "carbon-monoxide"
themes = ["confined-spaces"]
[concept.en]
pref = "carbon monoxide"
alt = []
acronyms = ["CO"]
[concept.fr]
pref = "monoxyde de carbone"
alt = []
acronyms = []
[concept.ar]
pref = "أول أكسيد الكربون"
alt = []
acronyms = []
[concept.es]
pref = "monóxido de carbono"
alt = []
acronyms = []
"""


@pytest.fixture
def vocabulary(tmp_path: Path):
    (tmp_path / "hazardous-work.toml").write_text(SAMPLE, encoding="utf-8")
    return load(tmp_path)


def found(vocabulary, text: str) -> list[str]:
    return [item.concept.id for item in vocabulary.find_concepts(text)]


def test_a_label_is_found_whatever_its_inflection_accents_or_language(vocabulary) -> None:
    assert found(vocabulary, "Working at heights on roofs") == ["fall-from-height"]
    assert found(vocabulary, "chutes de hauteur") == ["fall-from-height"]
    assert found(vocabulary, "caida de altura") == ["fall-from-height"]  # typed without accents
    assert found(vocabulary, "السُّقوط من إرتفاع") == ["fall-from-height"]  # harakat, hamza


def test_the_longest_label_wins_and_its_words_are_not_read_again(vocabulary) -> None:
    items = vocabulary.find_concepts("inspecting a fall arrest system after a fall from height")
    assert [(item.concept.id, item.typed) for item in items] == [
        ("fall-arrest-system", "fall arrest system"),
        ("fall-from-height", "fall from height"),
    ]


def test_acronyms_in_any_case_but_two_letter_ones_only_in_capitals(vocabulary) -> None:
    assert found(vocabulary, "pfas inspection") == ["fall-arrest-system"]
    assert found(vocabulary, "CO alarm in a sewer") == ["carbon-monoxide"]
    assert found(vocabulary, "co workers") == []


def test_broader_and_narrower_and_themes(vocabulary) -> None:
    assert [c.id for c in vocabulary.narrower_of("fall-from-height")] == ["fall-arrest-system"]
    assert [c.id for c in vocabulary.broader_of("fall-arrest-system")] == ["fall-from-height"]
    assert vocabulary.concepts["carbon-monoxide"].themes == ("hazardous-work", "confined-spaces")
    assert vocabulary.sources == {"hazardous-work.toml": ("a test",)}


def test_a_concept_written_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "b.toml").write_text(SAMPLE, encoding="utf-8")
    with pytest.raises(ValueError, match="fall-from-height"):
        load(tmp_path)
