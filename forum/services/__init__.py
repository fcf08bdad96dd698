"""The verbs of the domain. Each public function is one transaction (database.write_transaction)."""


class ServiceError(Exception):
    """A request the domain refuses, with a message fit to show the user."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
