"""Typed domain errors: each carries its HTTP status and a message fit for a user."""

__all__ = [
    "MapappError",
    "NotFound",
    "BadParameter",
    "InvalidArticle",
    "InvalidData",
    "CurationError",
    "DataBusy",
    "CannotWrite",
]


class MapappError(Exception):
    """Base class: ``status`` is the HTTP status the web layer answers with."""

    status = 500

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(MapappError):
    """A layer, feature or article id that does not exist."""

    status = 404


class BadParameter(MapappError):
    """A request parameter that is malformed or unknown; the message names it."""

    status = 400

    def __init__(self, parameter: str, problem: str):
        super().__init__(f"bad parameter {parameter!r}: {problem}")
        self.parameter = parameter


class InvalidArticle(MapappError):
    """An article file that cannot be read: the message names the file and the problem."""

    status = 422


class InvalidData(MapappError):
    """A geodata file that breaks the data contract."""

    status = 500


class CurationError(MapappError):
    """A curation entry that does not resolve (unknown article, no matching sentence, ...)."""

    status = 500


class DataBusy(MapappError):
    """The data directory's lock is held by another writer for longer than we wait."""

    status = 503


class CannotWrite(MapappError, OSError):
    """A data file that could not be written (disk full, no permission): names the file.

    It is an OSError too (with ``errno``, ``strerror`` and ``filename``), so code that handles
    operating-system errors keeps handling it.
    """

    status = 500

    def __init__(self, path, error: OSError):
        super().__init__(f"cannot write {path}: {error.strerror or error}")
        self.errno, self.strerror, self.filename = error.errno, error.strerror, str(path)
