"""One module per command group: the functions that run its commands (their parsers are
in the ``ui.cli.parsers`` module of the same name)."""
