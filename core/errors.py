"""Errors that name what was wrong, so a batch can report them and move on."""


class CckbError(Exception):
    """Base class for every error the project raises on purpose."""


class ConfigError(CckbError):
    """A setting is missing or has an invalid value."""


class GraphError(CckbError):
    """The graph backend could not be reached or refused a query."""


class ValidationError(CckbError):
    """Input data (a record, a profile, a file) is not what the contract says."""


class ExtractionError(CckbError):
    """A file could not be turned into text (corrupt, encrypted, binary junk...)."""
