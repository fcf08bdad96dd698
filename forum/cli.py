"""The `forum` command: serve, init-db, seed-demo, create-user and friends."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade

from forum.extensions import db
from forum.services import ServiceError


def init_database() -> bool:
    """Create or upgrade the schema and seed networks and themes. Safe to run again."""
    from forum.seed import seed_reference_data

    upgrade()
    return seed_reference_data()


def init_app(app: Flask) -> None:
    for command in (serve, init_db, seed_demo, create_user):
        app.cli.add_command(command)


def _create_app(*_args: object) -> Flask:
    from forum import create_app

    return create_app()


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema and seed the networks and themes."""
    added = init_database()
    click.echo("Database ready." + (" Seeded networks and themes." if added else ""))


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Add realistic sample members, questions and good practices (once)."""
    from forum.demo import seed_demo_content

    init_database()
    created = seed_demo_content()
    click.echo(f"Demo content: {created} threads added." if created else "Demo content present.")


@click.command("create-user")
@click.argument("username")
@click.option("--email", required=True)
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--admin", is_flag=True, help="Make the account a site administrator.")
@with_appcontext
def create_user(username: str, email: str, password: str, admin: bool) -> None:
    """Create an account."""
    from forum.services import accounts

    try:
        user = accounts.register(username, email, password, is_admin=admin)
    except ServiceError as error:
        raise click.ClickException(f"{error.field}: {error.message}") from error
    click.echo(f"Created {'administrator' if admin else 'user'} {user.username}.")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--threads",
    default=100,
    show_default=True,
    type=int,
    help="Worker threads; each open live connection holds one.",
)
@click.option("--demo", is_flag=True, help="Add sample content on first start.")
@with_appcontext
def serve(host: str, port: int, threads: int, demo: bool) -> None:
    """Serve HTTP and Socket.IO on one port (gunicorn, threaded)."""
    from flask import current_app

    from forum.server import run_gunicorn

    init_database()
    if demo:
        from forum.demo import seed_demo_content

        seed_demo_content()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    db.engine.dispose()  # no connection crosses into the server's worker
    click.echo(f"OSH e-Forum on http://{host}:{port}/")
    run_gunicorn(app, host=host, port=port, threads=threads)


cli = FlaskGroup(
    create_app=_create_app,
    add_default_commands=True,
    load_dotenv=False,
    help="The OSH e-Forum.",
)


def main() -> None:
    cli.main(prog_name="forum")
