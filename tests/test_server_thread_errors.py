"""What `forum serve` writes when one of its threads dies (its log must show real errors only)."""

from __future__ import annotations

import threading

import pytest

from forum.server import _quiet_socket_writer_hang_ups


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threading, "excepthook", _quiet_socket_writer_hang_ups)


def _die_in_thread(name: str, error: BaseException) -> None:
    def run() -> None:
        raise error

    thread = threading.Thread(target=run, name=name)
    thread.start()
    thread.join()


@pytest.mark.usefixtures("hook")
def test_a_client_gone_before_the_socket_writer_closes_leaves_no_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # engineio names its writer thread after its function: "Thread-7 (writer)". Seen in CI
    # (three clients connecting and closing at once reproduce it about once in 300).
    _die_in_thread("Thread-7 (writer)", OSError(9, "Bad file descriptor"))
    assert capsys.readouterr().err == ""


@pytest.mark.usefixtures("hook")
@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("Thread-7 (writer)", ValueError("a real bug in the writer")),
        ("Thread-8 (drain)", OSError(28, "No space left on device")),
    ],
)
def test_any_other_error_in_a_thread_keeps_its_traceback(
    name: str, error: BaseException, capsys: pytest.CaptureFixture[str]
) -> None:
    _die_in_thread(name, error)
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert str(error) in err
