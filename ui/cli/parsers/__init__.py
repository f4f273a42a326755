"""The parsers of the commands, one module per module of :mod:`ui.cli.commands`.

Each module here has ``register(subparsers)`` that adds its commands' parsers (arguments,
help, choices) and sets ``handler`` to a :class:`Handler` naming the function of
``ui.cli.commands`` that runs the command. Building a parser imports no handler, so
``assetdesk COMMAND --help`` loads neither the database layer nor any heavy library
(issue 17); choices whose source lives in a heavy module are copied here, and a test keeps
each copy equal to its source.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs start-up time
if TYPE_CHECKING:
    from collections.abc import Callable

    from ui.cli.context import CliContext


class Handler:
    """``ui.cli.commands.<module>.<name>(ctx)``, its module imported only when it runs.

    The function is looked up at each call, so a test may replace it on its module.
    """

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name

    def __call__(self, ctx: CliContext) -> int | None:
        import importlib

        function: Callable[[CliContext], int | None] = getattr(
            importlib.import_module(f"ui.cli.commands.{self.module}"), self.name
        )
        return function(ctx)

    def __repr__(self) -> str:
        return f"Handler({self.module!r}, {self.name!r})"
