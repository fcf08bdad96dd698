"""What people type into the search box, parsed into a structure both backends compile.

Words, "exact phrases", OR between terms, -exclusions and key:value filters. Nothing typed
here ever reaches Whoosh's own query parser or SQL text: backends build their queries from
this structure with bound values, so any input is safe and nothing is a syntax error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from forum.languages import lazy_gettext as _l
from forum.languages import left_to_right

if TYPE_CHECKING:
    from forum.search.expansion import Expansion

MAX_QUERY_CHARS = 300
MAX_TERMS = 24

KINDS = {
    "question": "question",
    "questions": "question",
    "good_practice": "good_practice",
    "good-practice": "good_practice",
    "practice": "good_practice",
    "practices": "good_practice",
    "discussion": "discussion",
    "discussions": "discussion",
}
# is:<state>: (answered, expert)
STATES = {
    "answered": (True, False),
    "unanswered": (False, False),
    "expert": (None, True),
}
FILTER_KEYS = ("theme", "network", "board", "author", "kind", "is", "before", "after")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
BOARD = re.compile(r"^([a-z0-9][a-z0-9-]{0,63})/([a-z0-9][a-z0-9-]{0,63})$")
USERNAME = re.compile(r"^@?(\w[\w.-]{0,40})$")
DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")
# a phrase (an unclosed quote runs to the end), or a run of anything but space and quotes
TOKEN = re.compile(r'(-?)"([^"]*)"?|([^\s"]+)')
FILTER = re.compile(r"^([A-Za-z]+):(.*)$")


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool = False

    def __str__(self) -> str:
        return f'"{self.text}"' if self.phrase else self.text


@dataclass(frozen=True)
class SearchQuery:
    """All groups must match; a group matches when any of its terms does."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    theme: str | None = None
    network: str | None = None
    board: str | None = None  # "network/theme"
    author: str | None = None  # casefolded username
    kind: str | None = None
    answered: bool | None = None  # True/False: questions with or without an accepted answer
    expert: bool = False  # only posts by experts verified in the thread's theme
    after: date | None = None  # on or after
    before: date | None = None  # strictly before
    notices: tuple[str, ...] = field(default=(), compare=False)
    unmatchable: bool = False  # a filter names a theme, network or board we do not have
    # the OSH concepts its words name, searched by their labels too (forum.search.expansion)
    expansions: tuple[Expansion, ...] = ()

    @property
    def has_words(self) -> bool:
        return bool(self.groups)

    @property
    def has_filters(self) -> bool:
        """answered=False (is:unanswered) is a filter too: only None means any."""
        return self.answered is not None or any(
            value not in (None, False)
            for value in (
                self.theme,
                self.network,
                self.board,
                self.author,
                self.kind,
                self.expert,
                self.after,
                self.before,
            )
        )

    @property
    def is_empty(self) -> bool:
        return not (self.has_words or self.has_filters)

    def words(self) -> str:
        """The words part as it would be typed again, without the filters."""
        parts = [" OR ".join(str(term) for term in group) for group in self.groups]
        parts += [f"-{term}" for term in self.excluded]
        return " ".join(parts)

    def positive_terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]

    def with_notice(self, notice: object) -> SearchQuery:
        return replace(self, notices=(*self.notices, str(notice)))


def parse(text: str) -> SearchQuery:
    text = " ".join((text or "").split())
    notices: list[object] = []
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(_l("Only the first %(n)d characters were searched.", n=MAX_QUERY_CHARS))

    groups: list[list[Term]] = []
    excluded: list[Term] = []
    filters: dict[str, object] = {}
    join_next = False
    for match in TOKEN.finditer(text):
        negated, phrase, word = match.group(1), match.group(2), match.group(3)
        if phrase is not None:
            term, negated = _phrase(phrase), bool(negated)
        elif word == "OR":
            join_next = bool(groups)
            continue
        elif word.startswith("-"):
            term, negated = (_word(word[1:]) if len(word) > 1 else None), True
        elif (found := FILTER.match(word)) and found.group(1).lower() in FILTER_KEYS:
            notice = _apply_filter(filters, found.group(1).lower(), found.group(2))
            if notice:
                notices.append(notice)
            join_next = False
            continue
        else:
            if FILTER.match(word) and not word.split(":", 1)[1].startswith("//"):
                notices.append(
                    # Translators: %(filter)s is what was typed, a word and a colon ("topic:")
                    _l(
                        "“%(filter)s” is not a filter; it was searched as words.",
                        filter=left_to_right(word.split(":")[0] + ":"),
                    )
                )
            term, negated = _word(word), False
        if term is None:
            continue
        if negated:
            excluded.append(term)
        elif join_next and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False

    count = sum(len(group) for group in groups) + len(excluded)
    if count > MAX_TERMS:
        notices.append(_l("Only the first %(n)d words were searched.", n=MAX_TERMS))
        groups, excluded = _first_terms(groups, excluded, MAX_TERMS)
    return SearchQuery(
        groups=tuple(tuple(group) for group in groups),
        excluded=tuple(excluded),
        notices=tuple(str(notice) for notice in notices),
        **filters,  # type: ignore[arg-type]
    )


def _word(text: str) -> Term | None:
    text = text.strip()
    return Term(text) if text else None


def _phrase(text: str) -> Term | None:
    """Quoted text stays quoted, even one word: "-abc" or "theme:x" are words to find."""
    text = " ".join(text.split())
    return Term(text, phrase=True) if text else None


def _first_terms(
    groups: list[list[Term]], excluded: list[Term], limit: int
) -> tuple[list[list[Term]], list[Term]]:
    kept: list[list[Term]] = []
    for group in groups:
        room = limit - sum(len(g) for g in kept)
        if room <= 0:
            break
        kept.append(group[:room])
    room = max(0, limit - sum(len(g) for g in kept))
    return kept, excluded[:room]


def _apply_filter(filters: dict[str, object], key: str, value: str) -> object | None:
    """Set one filter from key:value; returns a notice when the value cannot be used."""
    value = value.strip().lower()
    if not value:
        # Translators: %(filter)s is a filter key as typed ("theme:"), %(example)s one in use
        return _l(
            "“%(filter)s” needs a value, for example %(example)s.",
            filter=left_to_right(f"{key}:"),
            example=left_to_right(EXAMPLES[key]),
        )
    if key in ("theme", "network"):
        if not SLUG.match(value):
            return _unknown(key, value)
        filters[key] = value
    elif key == "board":
        if not BOARD.match(value):
            return _unknown(key, value)
        filters["board"] = value
    elif key == "author":
        found = USERNAME.match(value)
        if not found:
            return _unknown(key, value)
        filters["author"] = found.group(1).casefold()
    elif key == "kind":
        if value not in KINDS:
            return _unknown(key, value)
        filters["kind"] = KINDS[value]
    elif key == "is":
        if value not in STATES:
            return _unknown(key, value)
        answered, expert = STATES[value]
        if answered is not None:
            filters["answered"] = answered
        filters["expert"] = filters.get("expert") or expert
    else:  # before, after
        day = parse_date(value)
        if day is None:
            return _l(
                "Write dates as YYYY-MM-DD, for example %(example)s.",
                example=left_to_right(EXAMPLES[key]),
            )
        filters[key] = day
    return None


def parse_date(value: str) -> date | None:
    """2024, 2024-03 or 2024-03-15: the first day of that year, month or the day itself."""
    found = DATE.match(value.strip())
    if not found:
        return None
    year, month, day = (int(part) if part else 1 for part in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _unknown(key: str, value: str) -> object:
    # Translators: %(filter)s is the filter as typed, key and value ("kind:poem")
    return _l(
        "“%(filter)s” is not something we can filter by.",
        filter=left_to_right(f"{key}:{value[:40]}"),
    )


EXAMPLES = {
    "theme": "theme:fire-safety",
    "network": "network:oic-oshnet",
    "board": "board:oic-oshnet/confined-spaces",
    "author": "author:amina",
    "kind": "kind:question",
    "is": "is:unanswered",
    "before": "before:2025-01-01",
    "after": "after:2024-06",
}
