"""The new text of a mailed reply: the body decoded, HTML made plain text, and the quoted
message and signature cut off, in the languages of the forum's members.

Plain text is preferred; an HTML-only message is turned into text here (paragraphs, list
items and links' addresses kept, every tag dropped), never passed on as HTML: the post's
HTML is made from this text by forum.markup, and sanitised there, as every post's is.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from html.parser import HTMLParser

from mailparser_reply import EmailReplyParser
from mailparser_reply.parser import EmailMessage as ParsedReply

# mail-parser-reply knows no Arabic, and its Spanish "El ... escribió:" wants two spaces:
# those reply headers are cut first, in _cut_at_header()
LANGUAGES = ("en", "fr", "es")  # the forum's languages, Arabic aside
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
WROTE = (
    re.compile(r"^في\s.*(?:كتب|كتبت|كتابة ما يلي)"),
    re.compile(r"^El\s.*\s?escribi[oó]"),
)
ARABIC_HEADER_LABELS = ("من:", "من :", "أُرسلت:", "أرسلت:", "تاريخ الإرسال:", "إلى:", "الموضوع:")


def new_text(message: EmailMessage, scanned: int) -> str:
    """What the member wrote above the quoted message; scanned bounds the work (the new
    text comes first: what is past the bound is quoted text or too long to post anyway)."""
    return strip_reply(body_text(message)[:scanned])


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = _decoded(part)
    if part.get_content_subtype() == "html":
        return html_to_text(content)
    if str(part.get_param("format", "")).lower() == "flowed":
        content = _unflowed(content, str(part.get_param("delsp", "")).lower() == "yes")
    return content


def _decoded(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except Exception:  # an unknown charset, a damaged transfer encoding
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _unflowed(text: str, delsp: bool) -> str:
    """RFC 3676: a line ending in a space goes on with the next one."""
    lines: list[str] = []
    joining = False
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith(" "):
            line = line[1:]  # space-stuffed
        if joining and not line.startswith(">"):
            lines[-1] += line
        else:
            lines.append(line)
        joining = line.endswith(" ") and line != "-- " and not line.startswith(">")
        if joining and delsp:
            lines[-1] = lines[-1][:-1]
    return "\n".join(lines)


def strip_reply(text: str) -> str:
    text = BIDI_MARKS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("\xa0", " ").replace("\u202f", " ")  # "a écrit :" with a French space
    text = _cut_at_header(text)
    languages = EmailReplyParser(languages=list(LANGUAGES)).languages
    parsed = ParsedReply(text=text, languages=languages, keep_hyphen_lists=True).read()
    if not parsed.replies or parsed.replies[0].headers:
        return ""  # nothing above the first quoted message
    return _without_trailing_quote(parsed.replies[0].body)


def _cut_at_header(text: str) -> str:
    """Up to a "في ... كتب:" or "El ... escribió:" line (on one line or two), or an Outlook
    "من: / إلى:" block."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        plain = line.lstrip("> ").strip()
        following = lines[number + 1].lstrip("> ").strip() if number + 1 < len(lines) else ""
        said = plain if plain.endswith(":") else f"{plain} {following}"
        # the writer's address is in the header: a sentence that starts alike is not cut
        wrote = any(p.match(plain) for p in WROTE) and said.endswith(":") and "@" in said
        header = plain.startswith(ARABIC_HEADER_LABELS[:2]) and following.startswith(
            ARABIC_HEADER_LABELS
        )
        if wrote or header:
            return "\n".join(lines[:number])
    return text


def _without_trailing_quote(text: str) -> str:
    lines = text.strip().split("\n")
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith(">")):
        lines.pop()
    return "\n".join(lines).strip()


def html_to_text(html: str) -> str:
    converter = _TextOfHtml()
    converter.feed(html)
    converter.close()
    text = re.sub(r"[ \t]+\n", "\n", "".join(converter.out))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


class _TextOfHtml(HTMLParser):
    SKIPPED = frozenset({"script", "style", "head", "title", "blockquote", "template", "noscript"})
    PARAGRAPHS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "ul", "ol"})
    LINES = frozenset({"div", "tr", "section", "article", "header", "footer", "hr", "dd", "dt"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0
        self.preformatted = 0
        self.links: list[tuple[str, int]] = []  # href, where its text starts in out

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        if self.skipping:
            return
        if tag in self.PARAGRAPHS:
            self.out.append("\n\n")
        elif tag in self.LINES or tag == "br":
            self.out.append("\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.out)))
        self.preformatted += tag == "pre"

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping:
            return
        if tag in self.PARAGRAPHS:
            self.out.append("\n\n")
        elif tag in self.LINES:
            self.out.append("\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            shown = "".join(self.out[start:]).strip()
            if href.startswith(("http://", "https://")) and href not in shown:
                self.out.append(f" ({href})" if shown else href)
        self.preformatted = max(0, self.preformatted - (tag == "pre"))

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        self.out.append(data if self.preformatted else re.sub(r"\s+", " ", data))
