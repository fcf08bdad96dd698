"""The forum's languages: which interface a request reads, and which language a post is in.

English, French, Arabic and Spanish are both interface languages (with catalogues in
forum/translations) and content languages (each with its own search analysis).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime

from babel.dates import parse_pattern
from flask import Flask, g, has_request_context, request
from flask_babel import get_locale, get_translations, gettext, pgettext
from flask_babel import support as babel_support
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

# each language's own name for itself: how people recognise their language in a list
LANGUAGES: Mapping[str, str] = {"en": "English", "fr": "Français", "ar": "العربية", "es": "Español"}
RIGHT_TO_LEFT = frozenset({"ar"})
DEFAULT = "en"
LANGUAGE_COOKIE = "forum_language"  # the footer switcher's choice before one logs in


def is_supported(code: object) -> bool:
    return isinstance(code, str) and code in LANGUAGES


def select_locale() -> str | None:
    """The member's profile, else the switcher's cookie, else Accept-Language, else English."""
    if not has_request_context():  # the CLI and background work: the default
        return None
    if current_user.is_authenticated and is_supported(current_user.locale):
        return current_user.locale
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if is_supported(chosen):
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES), default=DEFAULT)


def current() -> str:
    locale = get_locale()
    return locale.language if locale is not None and is_supported(locale.language) else DEFAULT


_TRANSLATIONS: dict[tuple, babel_support.Translations] = {}


def _translations() -> babel_support.NullTranslations:
    """The current locale's catalogue, found once per locale: Flask-Babel looks it up anew
    for every string, and a thread page shows a hundred of them."""
    try:
        locale = g._flask_babel.babel_locale  # force_locale sets it too
    except (AttributeError, RuntimeError):  # the locale not chosen yet, or no app context
        return get_translations()
    if locale is None:  # what force_locale puts back when none had been chosen
        return get_translations()
    # keyed by its parts: each request has a Locale of its own, and comparing two Locales
    # (a dict key's check) costs ten Python calls, for each message
    key = (locale.language, locale.territory, locale.script, locale.variant, locale.modifier)
    found = _TRANSLATIONS.get(key)
    if found is None:
        found = _TRANSLATIONS[key] = get_translations()
    return found


def translated(text: str) -> str:
    """A name the forum ships (themes, networks) in the reader's language."""
    return _translations().ugettext(text)


class LazyText(LazyString):
    """A translated message, made when it is shown. As HTML its values are escaped: Flask-
    Babel's own lazy strings call the whole sentence, values and all, safe markup. As plain
    text (str, JSON, e-mail) it is the sentence as is."""

    def __html__(self) -> Markup:
        values = {name: _as_html(value) for name, value in self._kwargs.items()}
        return Markup(self._func(*self._args, **values))  # noqa: S704  (its values are escaped)


def _as_html(value: object) -> object:
    """Numbers stay numbers for %(n)d; anything else is escaped unless it is markup."""
    return value if isinstance(value, int | float) else escape(value)


def lazy_gettext(string: str, **values: object) -> LazyText:
    """The forum's lazy_gettext (imported as _l): the only one the app uses."""
    return LazyText(gettext, string, **values)


def lazy_pgettext(context: str, string: str, **values: object) -> LazyText:
    """A short label whose meaning its context tells translators ("Answered" as a question's
    state or as a filter of the list); extracted with -k lazy_pgettext:1c,2."""
    return LazyText(pgettext, context, string, **values)


def install_template_gettext(app: Flask) -> None:
    """Jinja's newstyle gettext: values escaped in HTML, every message %-formatted. Jinja's
    own callables reach the catalogue through two template calls per message; these, through
    one, and a thread page shows about fifty messages."""
    app.jinja_env.newstyle_gettext = True  # type: ignore[attr-defined]  ({% trans %} blocks)
    app.jinja_env.globals.update(
        _=_template_gettext,
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
    )


def _formatted(eval_ctx: EvalContext, message: str, values: dict[str, object]) -> str:
    # a catalogue's message is the forum's own text, markup as Jinja's gettext takes it
    text = Markup(message) if eval_ctx.autoescape else message  # noqa: S704
    if not values and "%" not in message:  # most: nothing to put in, no %% to unescape
        return text
    return text % values


@pass_eval_context
def _template_gettext(eval_ctx: EvalContext, message: str, /, **values: object) -> str:
    return _formatted(eval_ctx, _translations().ugettext(message), values)


@pass_eval_context
def _template_ngettext(
    eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **values: object
) -> str:
    values.setdefault("num", num)
    return _formatted(eval_ctx, _translations().ungettext(singular, plural, num), values)


@pass_eval_context
def _template_pgettext(
    eval_ctx: EvalContext, context: str, message: str, /, **values: object
) -> str:
    values.setdefault("context", context)
    return _formatted(eval_ctx, _translations().upgettext(context, message), values)


@pass_eval_context
def _template_npgettext(
    eval_ctx: EvalContext,
    context: str,
    singular: str,
    plural: str,
    num: int,
    /,
    **values: object,
) -> str:
    values.setdefault("context", context)
    values.setdefault("num", num)
    message = _translations().unpgettext(context, singular, plural, num)
    return _formatted(eval_ctx, message, values)


# the forum's timestamps (UTC, as stored), in the reader's language: "2 Dec 2026, 02:29"
_SHORT_DATETIME = parse_pattern("d MMM yyyy, HH:mm")


_MONTHS: dict[str, Mapping[int, str]] = {}  # each locale's abbreviated month names


def short_datetime(moment: datetime) -> str:
    """What Flask-Babel's format_datetime(moment, "d MMM yyyy, HH:mm") says in UTC, without
    its per-call time zone and pattern work: an inbox page shows twenty-five of them."""
    return short_datetimes()(moment)


def short_datetimes() -> Callable[[datetime], str]:
    """short_datetime in the current locale, read once for the many dates of a page. Only
    the month's name is the locale's: Babel writes the pattern's numbers in ASCII digits."""
    locale = get_locale()
    if locale is None:
        return lambda moment: _SHORT_DATETIME.apply(moment, locale)
    months = _MONTHS.get(str(locale))
    if months is None:
        months = _MONTHS[str(locale)] = locale.months["format"]["abbreviated"]
    return lambda moment: (
        f"{moment.day} {months[moment.month]} {moment.year:04d}, "
        f"{moment.hour:02d}:{moment.minute:02d}"
    )


def direction(code: str | None = None) -> str:
    return "rtl" if (code or current()) in RIGHT_TO_LEFT else "ltr"


def isolate(text: str) -> str:
    """Members' text inside plain text (a page title, a notification): first-strong isolates
    give it its own direction, and end any bidi controls in it before the text that follows."""
    return f"\u2068{text}\u2069"


def bdi(text: object) -> Markup:
    """Members' words inside a sentence of the page (a title, a name): escaped, in an isolate
    of their own direction, so an Arabic title cannot reorder "Latest: … · date" around it."""
    return Markup("<bdi>{}</bdi>").format(text)


def left_to_right(text: str) -> str:
    """Typed syntax inside a sentence (a search filter "network:ilo"): a left-to-right isolate
    keeps its colon where it was typed when the sentence around it reads right to left."""
    return f"\u2066{text}\u2069"


# --- which language a post is written in ------------------------------------------------

# frequent words that are each language's own (words shared by two are left out)
_COMMON_WORDS = {
    "en": "the and of to is are was be this that with for have has what which how should our we "
    "you they it on at from by not can do does any there their been would",
    "fr": "le la les des du est et une dans pour qui sur nous vous pas avec au aux ce cette sont "
    "il ils elle mais ou leur être fait comment quels quelle très aussi peut",
    "es": "el los las del y es una por para con se su al como más están lo qué cómo pero sus hay "
    "son esta este ser muy también puede nuestro trabajo",
}
_COMMON = {code: frozenset(words.split()) for code, words in _COMMON_WORDS.items()}
_ACCENTS = {"fr": set("çèêëàâîïôûùœ"), "es": set("ñ¿¡áíóú")}
_WORD = re.compile(r"\w+")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def detect(text: str, fallback: str = DEFAULT) -> str:
    """English, French, Spanish or Arabic, from script, common words and accents.

    Four languages that differ in script or in their commonest words need no statistical
    model; a text that says too little to tell gets the fallback (the writer's interface).
    """
    fallback = fallback if is_supported(fallback) else DEFAULT
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return fallback
    arabic = len(_ARABIC.findall("".join(letters)))
    if arabic * 2 > len(letters):
        return "ar"
    words = _WORD.findall(text.lower())
    scores = {code: sum(word in common for word in words) for code, common in _COMMON.items()}
    lowered = set(text.lower())
    for code, accents in _ACCENTS.items():
        scores[code] += len(lowered & accents)
    best = max(scores, key=scores.__getitem__)
    if scores[best] == 0 or list(scores.values()).count(scores[best]) > 1:
        return fallback
    return best


def content_language(text: str, chosen: str | None) -> str:
    """The language the writer chose, or the one their text is in."""
    if is_supported(chosen):
        return chosen  # type: ignore[return-value]
    return detect(text, fallback=current())
