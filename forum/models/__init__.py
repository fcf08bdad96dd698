"""One module per aggregate; importing this package registers every table."""

from forum.models.networks import Board, Network, Theme
from forum.models.threads import Post, PostRevision, Thread, ThreadKind
from forum.models.users import User

__all__ = ["Board", "Network", "Post", "PostRevision", "Theme", "Thread", "ThreadKind", "User"]
