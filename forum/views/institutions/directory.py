"""directory: to be built."""

from forum.views.institutions import bp  # noqa: F401
