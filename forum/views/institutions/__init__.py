"""Institutions: their pages and editing (pages), members' affiliations (affiliations), the
directory and country pages (directory), and the survey's export (exports)."""

from flask import Blueprint

bp = Blueprint("institutions", __name__)

from forum.views.institutions import affiliations, directory, exports, pages  # noqa: E402, F401
