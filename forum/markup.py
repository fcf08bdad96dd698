"""Markdown -> safe HTML, once, at write time; and plain text for search and previews.

markdown-it-py renders with raw HTML off; bleach then keeps only a small allow-list,
so whatever the renderer lets through, the stored HTML is safe to show.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt
from markdown_it.token import Token

from forum import markup_limits
from forum.markup_limits import TooComplex as TooComplex  # what render() raises

ALLOWED_TAGS = frozenset(
    {
        "a", "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "ol": ["start"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
_BEFORE_PATH = re.compile(r"[/?#]")


def scheme_of(url: str) -> str | None:
    """The scheme a browser could read in a link: what precedes a colon that comes before
    any "/", "?" or "#" (None for a plain relative link)."""
    head = _BEFORE_PATH.split(url.strip(), maxsplit=1)[0]
    return head.split(":", 1)[0].lower() if ":" in head else None


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    # Bleach lets "java%09script:x" through as a relative link; a browser does too, but a
    # link that looks like a scheme is one decoding away from one: only known schemes.
    return name != "href" or scheme_of(value) in (None, *ALLOWED_PROTOCOLS)


LINK_REL = "nofollow ugc"


def _render_heading_open(self, tokens, idx, options, env) -> str:  # noqa: ANN001
    # A post sits under the page's h1 and the thread's h2: its headings start at h3.
    level = min(int(tokens[idx].tag[1]) + 2, 6)
    tokens[idx].tag = f"h{level}"
    return self.renderToken(tokens, idx, options, env)


def _render_heading_close(self, tokens, idx, options, env) -> str:  # noqa: ANN001
    level = min(int(tokens[idx].tag[1]) + 2, 6)
    tokens[idx].tag = f"h{level}"
    return self.renderToken(tokens, idx, options, env)


def _render_image(self, tokens, idx, options, env) -> str:  # noqa: ANN001
    # No remote images (tracking, mixed content): an image becomes a link to it.
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env) or token.attrGet("src")
    return f'<a href="{_escape(token.attrGet("src") or "")}">{_escape(alt or "")}</a>'


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


MENTION = re.compile(r"(?<![\w@/.-])@(\w[\w.-]{1,30}\w)")


def _link_mentions_in(tokens: list[Token], known: Mapping[str, str]) -> None:
    """Turn @name into a profile link when `known` knows the name; text only."""
    if not known:
        return
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        children, inside_link = [], 0
        for token in block.children:
            inside_link += token.type == "link_open"
            inside_link -= token.type == "link_close"
            if token.type != "text" or inside_link:
                children.append(token)
                continue
            children.extend(_split_mentions(token, known))
        block.children = children


def _split_mentions(token: Token, known: Mapping[str, str]) -> list[Token]:
    pieces, position = [], 0
    for match in MENTION.finditer(token.content):
        username = known.get(match.group(1).casefold())
        if username is None:
            continue
        pieces.append(_text(token.content[position : match.start()]))
        link = Token("link_open", "a", 1)
        link.attrs = {"href": f"/u/{username}"}
        pieces += [link, _text("@" + username), Token("link_close", "a", -1)]
        position = match.end()
    if not pieces:
        return [token]
    pieces.append(_text(token.content[position:]))
    return [piece for piece in pieces if piece.type != "text" or piece.content]


def _text(content: str):  # noqa: ANN001, ANN202
    token = Token("text", "", 0)
    token.content = content
    return token


@dataclass
class Parsed:
    """A post's source parsed once: the @names it writes, then its HTML once the forum knows
    which of them are members."""

    tokens: list[Token]

    @property
    def names(self) -> list[str]:
        """@names written in the text (not in code), casefolded, first mention first."""
        names: dict[str, None] = {}
        for block in self.tokens:
            for token in block.children or []:
                if token.type == "text":
                    found = MENTION.finditer(token.content)
                    names.update((match.group(1).casefold(), None) for match in found)
        return list(names)

    def html(self, mentions: Mapping[str, str] | None = None) -> str:
        """The stored HTML (once: mention links are put into the tokens)."""
        if mentions:
            _link_mentions_in(self.tokens, mentions)
            markup_limits.check_tokens(self.tokens)  # each mention is a link too
        markdown = _tools.markdown
        return sanitise(markdown.renderer.render(self.tokens, markdown.options, {}))


def parse(source: str) -> Parsed:
    """TooComplex when the source would cost too much to render."""
    return Parsed(_parse(source, {}))


def mentioned_names(source: str) -> list[str]:
    """@names written in the text (not in code), casefolded, first mention first. Raises
    TooComplex as render() would, so a refusal costs one parse."""
    return parse(source).names


def _build_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["linkify", "table", "strikethrough"])
    md.block.ruler.at("table", markup_limits.table, {"alt": ["paragraph", "reference"]})
    md.add_render_rule("heading_open", _render_heading_open)
    md.add_render_rule("heading_close", _render_heading_close)
    md.add_render_rule("image", _render_image)
    return md


def _set_link_rel(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = LINK_REL
    attrs.pop((None, "target"), None)
    return attrs


def _build_cleaner() -> bleach.Cleaner:
    return bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[partial(LinkifyFilter, callbacks=[_set_link_rel], skip_tags={"pre", "code"})],
    )


class _Tools(threading.local):
    """A renderer and cleaners for each thread: none of them may be shared. bleach's Cleaner
    keeps the parse under way on itself (shared, it mixed members' posts); markdown-it
    compiles its rule cache on first use, and linkify-it-py before 2.1.1 keeps its last match
    on itself. Made once per server thread, they cost nothing per post."""

    def __init__(self) -> None:
        self.markdown = _build_markdown()
        self.cleaner = _build_cleaner()
        self.text_cleaner = bleach.Cleaner(tags=set(), strip=True)


_tools = _Tools()


def render(source: str, mentions: Mapping[str, str] | None = None) -> str:
    """The stored HTML for a post's Markdown source; TooComplex when it would cost too much.

    mentions maps casefolded names to existing usernames: those @names become profile links,
    any other @name stays plain text.
    """
    return parse(source).html(mentions)


def sanitise(html: str) -> str:
    """Allow-list clean; idempotent, so cleaning stored HTML again changes nothing."""
    return _tools.cleaner.clean(html).strip()


def plain_text(source: str) -> str:
    """The words of a post without markup, for search and short excerpts."""
    text = _tools.text_cleaner.clean(_bounded_html(source, {}))
    return " ".join(html.unescape(text).split())


_BLOCK_TAG = re.compile(
    r"</?(?:p|br|hr|li|ul|ol|h[1-6]|pre|blockquote|table|thead|tbody|tr|td|th)\b[^>]*>"
)
_TAG = re.compile(r"<[^>]*>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def html_to_text(stored_html: str) -> str:
    """The words of HTML that render() made, for the search index.

    Only for our own sanitised output, whose tags are well formed: a regular expression is
    enough there, and far cheaper than rendering the source again when 200,000 posts are
    reindexed. Control characters go too (search marks its matches with some of them).
    """
    text = html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", stored_html)))
    return " ".join(_CONTROL.sub(" ", text).split())


def _bounded_html(source: str, env: dict) -> str:
    return _tools.markdown.renderer.render(_parse(source, env), _tools.markdown.options, env)


def _parse(source: str, env: dict) -> list[Token]:
    """markdown-it's tokens for a source, or TooComplex as soon as one of the limits is seen."""
    markup_limits.check_source(source)
    tokens = _tools.markdown.parse(source, env)
    markup_limits.check_tokens(tokens)
    return tokens
