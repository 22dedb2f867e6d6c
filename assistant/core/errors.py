"""Errors a user can act on. Their message is shown as-is, without a traceback."""


class AssistantError(Exception):
    """Base class: the message is written for the person using the assistant."""


class CorpusError(AssistantError):
    """A source document cannot be used (names the file and what is wrong)."""


class IndexCorruptError(AssistantError):
    """The stored index is unreadable or incomplete; it will be rebuilt."""


class InputError(AssistantError):
    """The question or input file is not usable as given."""


class ModelError(AssistantError):
    """A model could not be found, verified or loaded."""
