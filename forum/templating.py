"""The forum's Jinja environment: Flask's, with each template's globals a plain dict."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from flask.templating import Environment


class ForumEnvironment(Environment):
    """Jinja keeps a template's globals as a ChainMap over the environment's, so that globals
    added later still show. The forum adds all of its globals while the app is made, before
    any template loads (as Jinja asks), and a ChainMap answers in Python, name by name: each
    page copies it into its context, and each {% import %} subtracts its keys (a thread page:
    some 300 Python calls). A template's globals are copied once, when it is loaded."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}
