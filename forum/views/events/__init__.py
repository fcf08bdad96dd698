"""Events: the list and one event's page, publishing and editing (pages), registering and the
organisers' list (registration), .ics files and calendar feeds (calendars)."""

from flask import Blueprint

bp = Blueprint("events", __name__)

from forum.views.events import calendars, pages, registration  # noqa: E402, F401
