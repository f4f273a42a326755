"""A scanned tag's asset, found on a worker.

A scan (a USB scanner, the scan field, a whole tag and Enter in the search box) looked
its tag up on the GUI thread. On a local file another program is writing (a long import
from the command line) that read waits for the busy timeout: the window froze for up to
10 s at each scan, and the busy error it ended in went past the connection's watch (a
box of its own at every scan). The tag is now looked up on a worker, one look-up at a
time: a scan that follows while one is under way asks that one to stop and is looked up
once it has ended; the answer about a scan that is not the last one is dropped (two
quick scans: the second wins). A look-up the file refused as busy is said by the watch's
busy state in the status bar (no box to close before the next scan) and made again when
the watch finds the database answering, unless the person has scanned or selected
something else since.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from desktop.domain.tags import normalize_tag, tag_problem
from desktop.errors import DatabaseBusyError, NotFoundError
from ui.gui import unknown_tag
from ui.gui.worker import Progress, Worker

if TYPE_CHECKING:
    from desktop.services.queries import AssetDetail
    from desktop.storage.database import Database
    from ui.gui.main_window import MainWindow


@dataclass(frozen=True, eq=False)
class TagLookup:
    """One look-up: the tag, what to do with its answer, and with a refusal.

    Attributes:
        tag: the tag as scanned or typed (stripped).
        answered: called with the asset found, or None when no asset has the tag.
        refused: called with the error when the database could not answer (after the
            watch has said so) and the look-up is not made again; None: nothing to do.
        again_when_free: a look-up the busy file refused is made again once it is free
            (unless another tag is scanned or another asset selected meanwhile: then it
            is dropped, as a scan followed by another is).
    """

    tag: str
    answered: Callable[[AssetDetail | None], None]
    refused: Callable[[object], None] | None = None
    again_when_free: bool = True
    database: Database | None = field(default=None, compare=False)
    selection: tuple[Any, ...] = ()  # the selected ids when it was asked for


class ScanLookup(QObject):
    """Looks up the tag scanned last and hands its answer over (see the module)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._wanted: TagLookup | None = None  # the look-up asked for last, until answered
        self._reading: tuple[TagLookup, Worker] | None = None
        self._refused: TagLookup | None = None  # refused as busy: made again when free
        self._closed = False

    @property
    def busy(self) -> bool:
        """Whether a tag asked for has not been answered (or refused) yet."""
        return self._wanted is not None or self._reading is not None

    def look_up(self, lookup: TagLookup) -> None:
        """Find the asset of ``lookup.tag`` on a worker and hand it over (unless another
        tag is asked for meanwhile)."""
        if self._closed:
            return
        window = self._window
        selection = tuple(row.id for row in window.selected_rows())
        self._wanted = TagLookup(
            lookup.tag,
            lookup.answered,
            lookup.refused,
            lookup.again_when_free,
            window.database,
            selection,
        )
        self._refused = None  # a newer scan: the refused one is not wanted any more
        if self._reading is not None:
            self._reading[1].cancel()  # stops before reading, if it has not begun
            return  # the tag asked for last is looked up once this read has ended
        self._start()

    def scanned_into_search(self, tag: str) -> None:
        """A scan with the focus in the search box (from the scanner's ``scanned`` slot).

        Perhaps a person typing a search fast (as fast as a scanner, and ending with
        Enter): unless the database knows the tag, what was typed reaches the search box
        and is searched for. The scan is kept until the database has answered, then given
        back; a text that could be a tag is still offered for receiving, as a scan's is.
        """
        window = self._window
        search = window.view.filter_bar.search
        give_back = window.scanner.give_back_later()

        def answered(detail: AssetDetail | None) -> None:
            if detail is not None:
                window._show_scanned(tag, detail)
                return
            give_back()
            if tag_problem(tag) is not None:
                window.statusBar().showMessage(f"No asset has the tag {tag}: searched for it", 5000)
                return
            window._show_scanned(tag, None)
            if window.unknown_tag_prompt is not None:
                bar = window.statusBar()
                unknown_tag.leave_for_the_next_scan(window.unknown_tag_prompt, search, bar, tag)

        # Refused as busy, it is looked up again once the file is free (the keys are given
        # back then if no asset has the tag); refused otherwise, they go back at once.
        self.look_up(TagLookup(tag, answered, lambda _error: give_back()))

    def search_entered(self, tag: str) -> None:
        """Enter in the search box: a whole tag there selects its asset, as its scan would
        (nothing else: what the box holds is searched for, and a refusal said by that)."""
        if not tag or tag_problem(tag) is not None:
            return
        window = self._window

        def answered(detail: AssetDetail | None) -> None:
            if detail is not None:
                window._show_scanned(tag, detail)

        self.look_up(TagLookup(tag, answered, again_when_free=False))

    def again(self) -> None:
        """The database answers again: the scan it refused as busy is looked up now, if
        nothing else was scanned or selected since."""
        refused, self._refused = self._refused, None
        if refused is None or self._closed or self.busy:
            return
        window = self._window
        if refused.database is not window.database:
            return
        if tuple(row.id for row in window.selected_rows()) != refused.selection:
            return  # the person went on (another row, a search): the old scan would undo it
        self.look_up(refused)

    def shutdown(self) -> None:
        """The window closes: the look-up under way is asked to stop; none follows it."""
        self._closed = True
        self._wanted = self._refused = None
        if self._reading is not None:
            self._reading[1].cancel()

    def _start(self) -> None:
        lookup = self._wanted
        assert lookup is not None and lookup.database is not None
        worker = Worker(_tag_job(lookup.tag, lookup.database), self._window)
        self._reading = (lookup, worker)
        worker.succeeded.connect(lambda answer: self._answered(lookup, answer))
        worker.failed.connect(lambda error: self._failed(lookup, error))
        worker.finished.connect(self._finished)
        self._window._track(worker)
        worker.start()

    def _current(self, lookup: TagLookup) -> bool:
        return lookup is self._wanted and lookup.database is self._window.database

    def _answered(self, lookup: TagLookup, answer: object) -> None:
        if not self._current(lookup):
            return  # another tag was scanned meanwhile (or another database opened)
        self._wanted = None
        lookup.answered(answer)  # type: ignore[arg-type]

    def _failed(self, lookup: TagLookup, error: object) -> None:
        if not self._current(lookup):
            return
        if isinstance(error, _Cancelled):
            return  # asked for again after it was told to stop: looked up once it ends
        self._wanted = None
        if isinstance(error, NotFoundError):
            lookup.answered(None)
            return
        window = self._window
        if isinstance(error, DatabaseBusyError):
            # The watch's busy state in the status bar (said once, until the file is free),
            # and no box: the scan is not to be tried again by hand — its asset shows once
            # the file is free. A box at every refused scan took the next scan's Enter.
            window.connection.report(error, background=True)
            if lookup.again_when_free:
                self._refused = lookup
                # Short: the status bar's permanent notes (the busy state, the file) leave
                # it a third of the window's width.
                window.statusBar().showMessage(
                    f"Scanned {lookup.tag}: shown once the busy file is free", 30_000
                )
                return  # answered then (a scan into the search box given back then)
        else:  # unavailable (said once by the watch), refused, or a bug
            window.show_error(error)
        if lookup.refused is not None:
            lookup.refused(error)

    def _finished(self) -> None:
        self._reading = None
        wanted = self._wanted
        if wanted is not None and wanted.database is not self._window.database:
            self._wanted = None  # asked of the database the window used before
        elif wanted is not None:
            self._start()  # the tag scanned while the last look-up ran


def scanned_words(code: str, detail: AssetDetail) -> str:
    """The status bar's words for a scan that found ``detail``: its tag and name, and the
    serial number it was found by when ``code`` is not its tag."""
    row = detail.row
    if normalize_tag(code) != normalize_tag(row.tag):
        return f"Scanned {code.strip()}: the serial number of {row.tag}, {row.name}"
    return f"Scanned {row.tag}: {row.name}"


class _Cancelled(Exception):
    """A look-up no longer wanted, stopped before it began."""


def _tag_job(tag: str, database: Database) -> Any:
    def job(progress: Progress, cancel: threading.Event) -> AssetDetail:
        from desktop.services.queries import asset_scanned  # the ORM: on the worker

        if cancel.is_set():
            raise _Cancelled
        # The asset found only: the panel reads its history once it is selected.
        with database.read() as session:
            return asset_scanned(session, code=tag)

    return job
