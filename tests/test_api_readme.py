"""The README's "Using the API" curl commands, run as written: each is read from the README,
its options turned into the same request through the test client ($FORUM_TOKEN a
member's write token, $THREAD_ID a thread of theirs), and must succeed."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

from tests.api_helpers import token_for
from tests.conftest import Person, thread_id_from

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_commands() -> list[str]:
    section = README.read_text(encoding="utf-8").split("## Using the API", 1)[1]
    section = section.split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)
    return [line for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def as_request(command: str, variables: dict[str, str]) -> dict:
    """The request curl would send, the shell's variables put in as the shell would."""
    for name, value in variables.items():
        command = command.replace(f"${name}", value)
    words = shlex.split(command)
    assert words[0] == "curl", command
    request: dict = {"method": "GET", "headers": {}}
    rest = iter(words[1:])
    for word in rest:
        if word in ("-s", "-i"):
            continue
        if word == "-X":
            request["method"] = next(rest)
        elif word == "-H":
            name, _, value = next(rest).partition(": ")
            request["headers"][name] = value
        elif word == "-d":
            request["data"] = next(rest)
        else:
            parts = urlsplit(word)
            assert parts.netloc == "127.0.0.1:5000", command
            request["path"] = parts.path + (f"?{parts.query}" if parts.query else "")
    return request


def test_the_readme_has_curl_examples() -> None:
    commands = readme_commands()
    assert len(commands) >= 4
    assert any("Authorization: Bearer $FORUM_TOKEN" in c and "-X POST" in c for c in commands)


def test_each_readme_command_succeeds(app: Flask, member: Person, other_member: Person) -> None:
    thread_id = thread_id_from(member.start_thread("Ladders in a silo", "Which ladder?"))
    variables = {"FORUM_TOKEN": token_for(app, other_member.username), "THREAD_ID": str(thread_id)}
    for command in readme_commands():
        request = as_request(command, variables)
        path = request.pop("path")
        response = app.test_client().open(path, **request)
        assert response.status_code in (200, 201), (command, response.get_json(silent=True))
        assert response.is_json, command
