"""Two messages that mean different things must not read alike in any language.

A moderator who sees "Revoke" and "Cancel" both as "إلغاء", or a member who reads a board
called "forum" on a site called "e-Forum", is misled even though every message is translated.
Each pair below names two messages (with the context the code gives them) and why they must
differ; the test reads each language's catalogue and fails when the two translations share a
word that carries the meaning.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[1] / "forum" / "translations"
LANGUAGES = ("fr", "es", "ar")

# (why, (msgid, context), (msgid, context)): the contexts are those of the code
PAIRS = [
    (
        "revoke-cancel",
        "withdrawing an expert's verification is not leaving a form",
        ("Revoke", "withdraw an expert verification"),
        ("Cancel", "leave a form without saving"),
    ),
    (
        "mute-hide",
        "muting a thread for oneself is not a moderator hiding a post from everyone",
        ("Muted", "hear nothing about a thread or board"),
        ("Hide", None),
    ),
    (
        "unhide-show",
        "making a hidden post visible again is not choosing what a list shows",
        ("Unhide", None),
        ("Show", None),
    ),
    (
        "board-forum",
        "a board is one theme in one network, not the forum the site is named after",
        ("Boards", None),
        ("OSH e-Forum", None),
    ),
    (
        "thread-theme",
        "a thread (one conversation) is not a theme (an OSH topic)",
        ("Start a thread", None),
        ("Browse by theme", None),
    ),
    (
        "expertise-experience",
        "expertise (claimed or verified per theme) is not work experience",
        ("Expertise", "themes a member knows, claimed or verified"),
        ("Markdown works. Your experience, training and field of work.", None),
    ),
]

# words that say nothing of the meaning; two letters or fewer are left out too
_FILLER = frozenset(
    {"les", "des", "par", "pour", "dans", "sur", "une", "votre", "vos", "aux", "est", "the",
     "and", "los", "las", "del", "por", "para", "una", "con", "tus", "sus", "este", "esta",
     "markdown"}
)  # fmt: skip
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def meaningful_words(text: str) -> set[str]:
    """The words of a translation that carry its meaning, in a form that two inflections of
    one word share: casefolded, without a French or Spanish plural s or the Arabic article."""
    words = set()
    for word in re.split(r"[\W_]+", _PLACEHOLDER.sub(" ", text).casefold()):
        if word.startswith("ال") and len(word) > 4:
            word = word[2:]
        if word.endswith("s") and len(word) > 3:
            word = word[:-1]
        if len(word) > 2 and word not in _FILLER:
            words.add(word)
    return words


_catalogues: dict[str, Catalog] = {}


def catalogue(language: str) -> Catalog:
    if language not in _catalogues:
        with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
            _catalogues[language] = read_po(source)
    return _catalogues[language]


def translation(language: str, msgid: str, context: str | None) -> str:
    """The message with its context; until the catalogue has that (new contexts wait for
    the next extraction), the same words without one, which translators start from."""
    found = catalogue(language).get(msgid, context=context) if context else None
    if found is None or not found.string:
        found = catalogue(language).get(msgid)
    assert found is not None, f"{language}: {msgid!r} is not in the catalogue"
    assert found.string, f"{language}: {msgid!r} is not translated"
    return found.string if isinstance(found.string, str) else found.string[0]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("why", "first", "second"),
    [pair[1:] for pair in PAIRS],
    ids=[pair[0] for pair in PAIRS],
)
def test_messages_of_different_meaning_read_differently(
    language: str, why: str, first: tuple[str, str | None], second: tuple[str, str | None]
) -> None:
    one, other = translation(language, *first), translation(language, *second)
    shared = meaningful_words(one) & meaningful_words(other)
    assert not shared, (
        f"{language}: {first[0]!r} is {one!r} and {second[0]!r} is {other!r}; "
        f"they share {sorted(shared)}, but {why}"
    )


def test_the_comparison_sees_inflections_and_articles() -> None:
    """The check itself: plurals, case and the Arabic article do not hide a shared word."""
    assert meaningful_words("Forums") & meaningful_words("e-Forum SST") == {"forum"}
    assert meaningful_words("إلغاء") & meaningful_words("الإلغاء") == {"إلغاء"}
    assert not meaningful_words("Révoquer") & meaningful_words("Annuler")
    assert meaningful_words("Pages du %(thread)s") == {"page"}
