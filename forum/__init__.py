"""OSH e-Forum: create_app() builds the Flask application; nothing here touches the network."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from forum import languages, mail, page_cache, realtime, search
from forum.attachments import storage
from forum.attachments.requests import ForumRequest
from forum.config import PROJECT_ROOT, build_config
from forum.database import configure_engine, report_query_counts
from forum.extensions import babel, csrf, db, limiter, login_manager, migrate
from forum.languages import lazy_gettext as _l
from forum.templating import ForumEnvironment

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.jinja_environment = ForumEnvironment  # before anything asks for app.jinja_env
    app.config.from_mapping(build_config(app.instance_path, config))
    app.request_class = ForumRequest  # larger bodies only where a view takes files

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    report_query_counts(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=languages.select_locale)
    languages.install_template_gettext(app)
    limiter.init_app(app)
    _init_login(app)
    realtime.init_app(app)
    search.init_app(app)
    page_cache.init_app(app)
    mail.init_app(app)
    storage.init_app(app)

    from forum import cli, views

    views.init_app(app)
    cli.init_app(app)
    if hops := app.config["PROXY_HOPS"]:
        # Outermost, so rate limits, links and sockets all see the client's address and scheme.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    return app


def _init_login(app: Flask) -> None:
    from forum.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to continue.")
    login_manager.login_message_category = "info"

    from flask_login import user_loaded_from_cookie

    @user_loaded_from_cookie.connect_via(app)
    def _name_live_connections(_sender: Flask, user: User) -> None:
        realtime.live_key()  # a session restored from "remember me" gets its key too

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        from forum.services.accounts import session_user

        return session_user(session_id)  # None once logged out, banned or re-passworded
