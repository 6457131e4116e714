"""truce's errors as Python exceptions."""


class TruceError(Exception):
    """An error reported by libtruce (or by the binding's own checks of its arguments).

    .code is truce's error code (2: bad input or usage, the CLI's exit 2; 1: a runtime
    failure, exit 1) and .message the "file:line: field: reason" text, as the CLI prints it.
    """

    def __init__(self, message, code=1):
        super().__init__(message)
        self.message = message
        self.code = code


class TruceInputError(TruceError, ValueError):
    """Bad input or usage (TRUCE_EINPUT, code 2): a malformed file, an unknown parameter,
    a value out of its bounds, an unknown episode..."""


class TruceRuntimeError(TruceError, RuntimeError):
    """A failure while running (TRUCE_ERUNTIME, code 1): out of memory, a failed write..."""
