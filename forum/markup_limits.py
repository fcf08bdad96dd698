"""What one post's Markdown may make, so that rendering it costs a fraction of a second.

markup.render() checks the source before parsing it, tables as they are parsed, and the tokens
before they become HTML; a source past a limit raises TooComplex, whose message says what to
change. A long write-up with a 200-row table is far from every limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from markdown_it.rules_block import StateBlock
from markdown_it.rules_block import table as markdown_table
from markdown_it.token import Token

from forum.languages import lazy_gettext as _l

# Cleaning costs, for each element, as many steps as its grandparent has children (bleach's
# tree walker looks its parent up there): a preview of 24,000 empty table rows took 70 s.
MAX_ELEMENTS = 5_000
MAX_LINKS = 1_000
MAX_CROWDING = 1_000_000  # those steps in all: about rows x cells for a table
MAX_NESTING = 8  # lists and quotes inside one another (markdown-it drops what is 20 levels deep)
# From each "[" markdown-it looks for the end of a link's text, through up to 20 levels of
# nesting: 25,000 "![" took a second to parse, however few links they made.
MAX_BRACKETS = 5_000

TOO_MANY_PARTS = _l(
    "This post has too many parts to show in one piece (table rows and cells, list items, "
    "links, paragraphs). Shorten it or split it into several posts."
)
NESTED_TOO_DEEP = _l("Lists and quotes can be nested at most %(n)d levels deep.", n=MAX_NESTING)


class TooComplex(ValueError):
    """A source that would cost more to render than any real post; message says what to change."""

    def __init__(self, message: object) -> None:
        super().__init__(message)
        self.message = message


def table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's table rule, refusing first a table with more cells than a post may have
    elements: the rule makes every cell, filling in up to 65,536 empty ones, before any count."""
    if not silent and markdown_table(state, start, end, True):
        delimiter_row = state.src[state.bMarks[start + 1] : state.eMarks[start + 1]]
        columns = delimiter_row.strip().strip("|").count("|") + 1
        rows = 2
        while start + rows < end and not state.isEmpty(start + rows):
            rows += 1
        if (rows - 1) * columns > MAX_ELEMENTS:
            raise TooComplex(TOO_MANY_PARTS)
    return markdown_table(state, start, end, silent)


# tokens that make elements without opening one: how many, each inside the one before
_SELF_CLOSED = {"code_inline": 1, "hardbreak": 1, "hr": 1, "image": 1, "fence": 2, "code_block": 2}
_NESTING = {"blockquote_open", "bullet_list_open", "ordered_list_open"}


@dataclass
class _Open:
    children: int = 0
    grandchildren: int = 0
    nests: bool = False


class _Cost:
    """What cleaning the HTML made from some tokens will cost, counted along the tokens."""

    def __init__(self) -> None:
        self.elements = self.links = self.crowding = self.nesting = self.deepest = 0
        self.path = [_Open()]  # the elements open around the current token, the fragment first

    def open(self, nests: bool) -> None:
        self.elements += 1
        self.path[-1].children += 1
        if len(self.path) > 1:
            self.path[-2].grandchildren += 1
        self.path.append(_Open(nests=nests))
        self.nesting += nests
        self.deepest = max(self.deepest, self.nesting)

    def close(self) -> None:
        closed = self.path.pop()
        self.crowding += closed.children * closed.grandchildren
        self.nesting -= closed.nests


def check_source(source: str) -> None:
    """Raise TooComplex for a source that would cost too much to parse."""
    if source.count("[") > MAX_BRACKETS:
        raise TooComplex(TOO_MANY_PARTS)


def check_tokens(tokens: list[Token]) -> None:
    """Raise TooComplex when the HTML these tokens make passes one of the limits above."""
    cost = _Cost()
    for token in _in_document_order(tokens):
        if token.hidden:
            continue
        if token.nesting == -1:
            cost.close()
            continue
        cost.links += token.type in ("link_open", "image")
        made = 1 if token.nesting == 1 else _SELF_CLOSED.get(token.type, 0)
        for _ in range(made):
            cost.open(nests=token.type in _NESTING)
        for _ in range(made if token.nesting == 0 else 0):
            cost.close()
    while cost.path:
        cost.close()
    if cost.deepest > MAX_NESTING:
        raise TooComplex(NESTED_TOO_DEEP)
    if cost.elements > MAX_ELEMENTS or cost.links > MAX_LINKS or cost.crowding > MAX_CROWDING:
        raise TooComplex(TOO_MANY_PARTS)


def _in_document_order(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.type == "inline":
            yield from token.children or []
