"""The `forum` command: serve, init-db, seed-demo, create-user and friends."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade

from forum.database import schema_lock
from forum.extensions import db
from forum.services import ServiceError, upload_cleanup


def init_database() -> bool:
    """Create or upgrade the schema and seed networks and themes. Safe to run again."""
    from forum.seed import seed_reference_data

    with schema_lock():
        upgrade()
        return seed_reference_data()


def init_app(app: Flask) -> None:
    for command in (
        serve,
        init_db,
        seed_demo,
        reindex,
        create_user,
        set_password,
        grant_moderator,
        verify_expert,
        send_digests,
        send_event_reminders,
        receive_mail,
        import_institutions,
        upload_cleanup.command,
        prune_search_misses,
    ):
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


@click.command("reindex")
@with_appcontext
def reindex() -> None:
    """Rebuild the search index from the database into a new index, then swap it in."""
    from forum.attachments import extract
    from forum.search import documents, outbox

    init_database()
    # files left unread (a server stopped before it got to them): their text goes in too
    while read := extract.extract_pending():
        click.echo(f"Read the text of {read} attached files.")
    total = documents.indexable_count()
    with click.progressbar(length=total, label="Indexing posts", show_pos=True) as bar:

        def advancing(stream):  # noqa: ANN001, ANN202
            for document in stream:
                bar.update(1)
                yield document

        indexed = outbox.rebuild(progress=advancing)
    click.echo(f"Search index rebuilt: {indexed} posts.")


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
        user = accounts.register(username, email, password, is_admin=admin, confirmed=True)
    except ServiceError as error:
        raise click.ClickException(f"{error.field}: {error.message}") from error
    click.echo(f"Created {'administrator' if admin else 'user'} {user.username}.")


@click.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def set_password(username: str, password_stdin: bool) -> None:
    """Give USERNAME a new password (asked twice, hidden) and end every session of theirs."""
    from forum import realtime
    from forum.services import accounts

    member = accounts.find_user(username) or _fail(f"No user called {username}.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        accounts.set_password(member, password)
    except ServiceError as error:
        _fail(str(error.message))
    realtime.end_sessions(user_id=member.id)
    click.echo(f"Password of {member.username} changed; every session is logged out.")


@click.command("grant-moderator")
@click.argument("username")
@click.argument("network")
@with_appcontext
def grant_moderator(username: str, network: str) -> None:
    """Make USERNAME a moderator of NETWORK (its slug, e.g. oic-oshnet)."""
    from forum.services import accounts, admin, browsing

    member = accounts.find_user(username) or _fail(f"No user called {username}.")
    found = browsing.get_network(network) or _fail(f"No network {network}; try {_network_slugs()}.")
    added = admin.set_moderator(None, member, found, moderator=True)
    click.echo(
        f"{member.username} {'is now' if added else 'was already'} a moderator of {found.slug}."
    )


@click.command("verify-expert")
@click.argument("username")
@click.argument("theme")
@click.option("--network", help="The vouching network's slug (default: the first network).")
@click.option("--note", default="", help="Why, for the record.")
@with_appcontext
def verify_expert(username: str, theme: str, network: str | None, note: str) -> None:
    """Verify USERNAME's expertise in THEME (its slug, e.g. confined-spaces), as an operator."""
    from forum.services import accounts, browsing, experts

    member = accounts.find_user(username) or _fail(f"No user called {username}.")
    found_theme = browsing.get_theme(theme) or _fail(f"No theme {theme}.")
    networks = browsing.all_networks()
    found = networks[0] if network is None else browsing.get_network(network)
    if found is None:
        _fail(f"No network {network}; try {_network_slugs()}.")
    try:
        experts.verify_as_operator(member, found_theme, found, note)
    except ServiceError as error:
        _fail(str(error.message))
    click.echo(f"{member.username} is a verified expert in {found_theme.slug} ({found.slug}).")


@click.command("send-digests")
@with_appcontext
def send_digests() -> None:
    """Queue the daily and weekly digests that are due (safe to run every few minutes)."""
    from forum.services import digests

    queued = digests.send_due_digests()
    click.echo(f"Digests queued: {queued}.")


@click.command("send-event-reminders")
@with_appcontext
def send_event_reminders() -> None:
    """Remind members registered for events that start within a day (each event once; safe to
    run every few minutes)."""
    from forum.services import events_reminders

    sent = events_reminders.send_due_reminders()
    click.echo(f"Events reminded: {sent}.")


@click.command("prune-search-misses")
@click.option("--days", default=180, show_default=True, type=click.IntRange(min=1))
@with_appcontext
def prune_search_misses(days: int) -> None:
    """Forget the counts of searches that found nothing older than DAYS (run it daily)."""
    from forum.services import search_misses

    click.echo(f"Search counts pruned: {search_misses.prune(days)}.")


@click.command("import-institutions")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def import_institutions(file: Path) -> None:
    """Create or update institutions from a CSV or JSON FILE (columns: README.md, "Importing
    institutions"). Each row is its own transaction; running it again changes nothing."""
    from flask import current_app
    from flask_babel import force_locale

    from forum.mail.compose import base_url
    from forum.services import institution_import

    init_database()
    # refusals in English, and links (a duplicate's address) on the forum's own address
    with current_app.test_request_context(base_url=base_url()), force_locale("en"):
        try:
            report = institution_import.import_file(file)
        except institution_import.ImportFileError as error:
            _fail(f"Nothing imported: {error}")
    if report.ignored_columns:
        click.echo(f"Ignored columns (not known): {', '.join(report.ignored_columns)}.")
    click.echo(
        f"Institutions: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {len(report.refused)} refused."
    )
    for where, why in report.refused:
        click.echo(f"  refused, {where}: {why}")
    if report.refused:
        raise SystemExit(1)


def _network_slugs() -> str:
    from forum.services import browsing

    return ", ".join(n.slug for n in browsing.all_networks())


def _fail(message: str):  # noqa: ANN202
    raise click.ClickException(message)


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

    from forum.search import outbox
    from forum.server import run_gunicorn

    init_database()
    if demo:
        from forum.demo import seed_demo_content

        seed_demo_content()
    rebuilt = outbox.ensure_current()
    if rebuilt:
        click.echo(f"Search index was {rebuilt}: rebuilt from the database.")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    db.engine.dispose()  # no connection crosses into the server's worker
    click.echo(f"OSH e-Forum on http://{host}:{port}/")
    if demo:
        click.echo(how_to_get_in(f"http://{host}:{port}"))
    run_gunicorn(app, host=host, port=port, threads=threads)


def how_to_get_in(address: str) -> str:
    """What `forum serve --demo` prints first: the sample members' passwords are random, so a
    newcomer makes an account of their own (README.md says the same)."""
    return (
        f"To get in, register at {address}/auth/register, or make an administrator from "
        "another shell (a password of at least 10 characters):\n"
        "    .venv/bin/forum create-user NAME --email E --password P --admin\n"
        f"and log in at {address}/auth/login."
    )


cli = FlaskGroup(
    create_app=_create_app,
    add_default_commands=True,
    load_dotenv=False,
    help="The OSH e-Forum.",
)


def main() -> None:
    cli.main(prog_name="forum")


EX_TEMPFAIL = 75  # sysexits.h: the mail server keeps the message and tries again


@click.command("receive-mail")
@click.option(
    "--recipient",
    help="The envelope recipient (the reply address), if the mail "
    "server passes it; otherwise it is read from the message's headers.",
)
@with_appcontext
def receive_mail(recipient: str | None) -> None:
    """Post a reply by e-mail: one RFC 822 message on standard input, as a mail server's pipe
    delivers it. Exit status 0 when handled (posted, refused with a reply, or dropped), 75
    when the forum cannot take it now."""
    import logging
    import sys

    from flask import current_app

    from forum.mail import inbound

    stream = sys.stdin.buffer
    raw = stream.read(current_app.config["MAIL_INBOUND_MAX_BYTES"] + 1)
    while stream.read(1 << 16):  # the rest of an oversized message: read, never kept
        pass
    try:
        outcome = inbound.receive(raw, recipient)
    except inbound.TryLater as error:
        click.echo(f"The forum cannot take mail now ({error}); try again later.", err=True)
        raise SystemExit(EX_TEMPFAIL) from None
    except Exception as error:  # a fault of ours: kept by the mail server, never lost
        logging.getLogger(__name__).error("receive-mail failed: %r", error)
        click.echo(f"The forum could not handle this message ({type(error).__name__}).", err=True)
        raise SystemExit(EX_TEMPFAIL) from None
    click.echo(outcome)
