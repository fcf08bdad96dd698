"""An attacker's sockets: Socket.IO frames as fast as the client can send, over raw WebSockets.

    python tests/socket_flood.py URL COOKIE NOTIFICATION_ID SOCKETS

Run in its own process (so the test's page timings do not share its interpreter): it prints
"flooding" once a socket is connected, floods until its standard input closes, then prints
what it did as JSON. Like an attacker, it ignores what the server says (a disconnect too) and
sends until the server hangs up (closes the TCP connection, or it fails), then opens another; a
refused connection is tried again after a tenth of a second (a browser waits a second).
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import time
from collections import Counter

import websocket

RETRY_SECONDS = 0.1


def flood(
    url: str, cookie: str, frame: str, started: threading.Event, stop: threading.Event
) -> Counter:
    counts: Counter = Counter()
    address = url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    while not stop.is_set():
        try:
            ws = websocket.create_connection(address, header=[f"Cookie: {cookie}"], timeout=10)
        except websocket.WebSocketBadStatusException:
            counts["handshakes refused"] += 1
            time.sleep(RETRY_SECONDS)
            continue
        except (OSError, websocket.WebSocketException):
            counts["handshakes failed"] += 1
            time.sleep(RETRY_SECONDS)
            continue
        connected, hung_up = False, threading.Event()
        try:
            ws.recv()  # Engine.IO's open packet
            ws.send("40")  # connect to the namespace "/"
            if not ws.recv().startswith("40"):  # "44...": refused
                counts["connections refused"] += 1
                time.sleep(RETRY_SECONDS)
                continue
            counts["connections"] += 1
            connected = True
            started.set()
            threading.Thread(target=watch, args=(ws.sock, hung_up), daemon=True).start()
            while not stop.is_set() and not hung_up.is_set():
                ws.send(frame)
                counts["frames sent"] += 1
            counts["closed by the server" if hung_up.is_set() else "closed by us"] += 1
        except (OSError, websocket.WebSocketException):
            # it hung up on us
            counts["closed by the server" if connected else "connections failed"] += 1
        finally:
            ws.shutdown()
    return counts


def watch(connection: socket.socket, hung_up: threading.Event) -> None:
    """Reads what the server sends without heeding it, until the server hangs up."""
    while True:
        try:
            if not connection.recv(65536):
                break
        except TimeoutError:
            continue  # silence is not an end
        except OSError:
            break
    hung_up.set()
    with contextlib.suppress(OSError):  # a send stuck on a full buffer gives up now
        connection.shutdown(socket.SHUT_RDWR)


def main() -> None:
    url, cookie, notification_id, sockets = sys.argv[1:5]
    frame = "42" + json.dumps(["notifications:read", {"id": int(notification_id)}])
    started, stop = threading.Event(), threading.Event()
    results: list[Counter] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(flood(url, cookie, frame, started, stop)), daemon=True
        )
        for _ in range(int(sockets))
    ]
    for thread in threads:
        thread.start()
    started.wait(timeout=30)
    sys.stdout.write("flooding\n")
    sys.stdout.flush()
    sys.stdin.read()  # until the test closes it
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    sys.stdout.write(json.dumps(sum(results, Counter())) + "\n")


if __name__ == "__main__":
    main()
