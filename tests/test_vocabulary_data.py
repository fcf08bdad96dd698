"""The vocabulary files obey their rules: the search and the topic pages rely on each one."""

from __future__ import annotations

import tomllib
from collections import defaultdict

import pytest

from forum.languages import LANGUAGES
from forum.seed import THEMES
from forum.vocabulary import DATA, is_acronym, label_key, load

THEME_SLUGS = {slug for slug, *_ in THEMES}
SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


@pytest.fixture(scope="module")
def vocabulary():
    return load(DATA)


def ancestors(vocabulary, concept_id: str) -> set[str]:
    seen: set[str] = set()
    waiting = list(vocabulary.concepts[concept_id].broader)
    while waiting:
        parent = waiting.pop()
        if parent not in seen:
            seen.add(parent)
            waiting.extend(vocabulary.concepts[parent].broader)
    return seen


def related(vocabulary, first: str, second: str) -> bool:
    return first in ancestors(vocabulary, second) or second in ancestors(vocabulary, first)


def test_every_file_names_its_theme_and_its_sources() -> None:
    files = sorted(DATA.glob("*.toml"))
    assert {path.stem for path in files} == THEME_SLUGS | {"general"}
    for path in files:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert data["theme"] == ("" if path.stem == "general" else path.stem), path.name
        assert data["sources"], path.name
        assert all(isinstance(s, str) and s for s in data["sources"]), path.name


def test_several_hundred_concepts_and_every_theme_covered(vocabulary) -> None:
    assert len(vocabulary.concepts) >= 300
    per_theme = defaultdict(int)
    for concept in vocabulary.concepts.values():
        for theme in concept.themes:
            per_theme[theme] += 1
    assert set(per_theme) == THEME_SLUGS
    assert min(per_theme.values()) >= 15, dict(per_theme)


def test_every_concept_speaks_all_four_languages() -> None:
    for path in DATA.glob("*.toml"):
        for entry in tomllib.loads(path.read_text(encoding="utf-8"))["concept"]:
            for language in LANGUAGES:
                labels = entry.get(language)
                assert labels, f"{entry['id']} has no {language}"
                assert isinstance(labels.get("pref"), str), entry["id"]
                assert labels["pref"].strip(), entry["id"]
                assert isinstance(labels.get("alt"), list), f"{entry['id']} {language} alt"
                assert isinstance(labels.get("acronyms"), list), (
                    f"{entry['id']} {language} acronyms"
                )


def test_ids_themes_and_broader_links_hold(vocabulary) -> None:
    for concept in vocabulary.concepts.values():
        assert set(concept.id) <= SLUG_CHARS, concept.id
        assert not concept.id.startswith("-"), concept.id
        assert set(concept.themes) <= THEME_SLUGS, concept.id
        for parent in concept.broader:
            assert parent in vocabulary.concepts, f"{concept.id} > unknown {parent}"
        assert concept.id not in ancestors(vocabulary, concept.id), f"{concept.id} is in a cycle"


def test_no_label_names_two_unrelated_concepts(vocabulary) -> None:
    owners = defaultdict(set)
    for concept in vocabulary.concepts.values():
        for language, labels in concept.labels.items():
            for label in (labels.pref, *labels.alt):
                key = label_key(label, language)
                assert key, f"{concept.id}: {label!r} has no word a search reads"
                owners[(language, key)].add(concept.id)
    clashes = [
        (key, ids)
        for key, ids in owners.items()
        if any(not related(vocabulary, a, b) for a in ids for b in ids if a < b)
    ]
    assert not clashes


def test_acronyms_are_well_formed_and_each_names_one_concept(vocabulary) -> None:
    owners = defaultdict(set)
    for concept in vocabulary.concepts.values():
        for labels in concept.labels.values():
            for acronym in labels.acronyms:
                assert is_acronym(acronym), f"{concept.id}: {acronym!r}"
                owners[acronym.upper()].add(concept.id)
    shared = {
        acronym: ids
        for acronym, ids in owners.items()
        if any(not related(vocabulary, a, b) for a in ids for b in ids if a < b)
    }
    assert not shared


@pytest.mark.parametrize(
    "typed",
    ["SCBA", "PPE", "EPI", "EPP", "SDS", "MSDS", "FDS", "LEL", "LIE", "TWA", "VLEP", "MSD", "TMS"]
    + ["RPE", "JSA", "PTW", "LOTO", "OSH", "SST"],
)
def test_the_field_s_common_acronyms_resolve(vocabulary, typed: str) -> None:
    assert len({item.concept.id for item in vocabulary.find_concepts(typed)}) == 1, typed


def test_a_label_of_several_words_never_stands_for_one_common_word(vocabulary) -> None:
    """Search drops common words: read that way, "العمل عن بعد" (telework) is only "work"."""
    assert [item.concept.id for item in vocabulary.find_concepts("العمل عن بعد")] == ["telework"]
    assert vocabulary.find_concepts("العمل في المصنع") == []
    assert [item.concept.id for item in vocabulary.find_concepts("the 5 whys")] == [
        "root-cause-analysis"
    ]
