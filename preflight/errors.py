"""Errors that preflight reports as one clear line (exit code 2)."""


class PreflightError(Exception):
    """The program, its config or the policy pack failed. The message is meant for a person, as is."""

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail  # a traceback or process output, shown only with --verbose
