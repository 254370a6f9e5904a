from __future__ import annotations


class ServiceError(Exception):
    """A business rule refused an action. `code` is machine-readable; the message is for people.

    Views turn it into a form error or a 409 page; it never reaches the user as a 500.
    """

    status = 409

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)
