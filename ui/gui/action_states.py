"""Which of the main window's actions are offered, and why not when they are greyed.

A greyed action says why in its tooltip and status tip: the signed-in person's roles
(read on a worker after the first paint, :func:`desktop.services.permissions.refusals`),
a field kit that was returned, the selection (none, too many, a status the procedure
cannot move from, a move of its status already waiting for approval: the register's rows
carry their waiting procedures, :mod:`desktop.services.register_checkouts`). The services refuse the same things anyway; the actions say so
before a form is filled.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from desktop.domain.lifecycle import (
    KIND_TARGET_STATUS,
    AssetStatus,
    ProcedureKind,
    status_move_problem,
    waiting_procedure_refusal,
)
from desktop.domain.permissions import Work, work_for
from desktop.errors import DesktopError
from ui.gui.worker import Progress, Worker

if TYPE_CHECKING:
    from ui.gui.main_window import MainWindow

#: More selected assets than this are not sent to one procedure form.
MAX_PROCEDURE_ASSETS = 1000


class ActionStates:
    """Enables and greys the window's procedure, import, incident and kit checkout actions."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        #: Why the signed-in person may not do a work the window offers (read after the
        #: first paint; the services refuse it anyway, the actions say so beforehand).
        self.role_refusals: dict[Work, str] = {}

    def update(self) -> None:
        window = self.window
        rows = window.selected_rows()
        too_many = len(window.view.table.selectionModel().selectedRows()) > MAX_PROCEDURE_ASSETS
        kit = getattr(window, "kit", None)
        returned = kit.returned_note() if kit is not None else None
        features = getattr(window, "features", None)
        if features is not None:  # an incident logged in a returned kit would be refused
            incident = features.incident_action
            incident.setEnabled(returned is None)
            incident.setToolTip(
                f"Log an incident: {returned}"
                if returned is not None
                else "Log an incident (about the selected assets, if any)"
            )
            incident.setStatusTip(incident.toolTip())
            features.show_returned(returned)
        cannot_import = returned or self.role_refusals.get(Work.IMPORT)
        window.import_action.setEnabled(cannot_import is None)
        window.import_action.setToolTip(
            f"Import a spreadsheet: {cannot_import}"
            if cannot_import is not None
            else "Add or update assets from a spreadsheet"
        )
        window.import_action.setStatusTip(window.import_action.toolTip())
        kit_menu = getattr(window, "kit", None)
        if kit_menu is not None:
            kit_menu.show_checkout_state(self.role_refusals.get(Work.KIT_CHECKOUT))
        for kind, action in window.procedure_actions.items():
            refused = returned or self.role_refusals.get(work_for(kind))
            if refused is not None:
                action.setEnabled(False)
                action.setToolTip(f"{kind.label}: {refused}")
                action.setStatusTip(action.toolTip())
                continue
            if kind is ProcedureKind.RECEIVE:
                action.setEnabled(True)
                action.setToolTip("Receive a new asset into stock")
                continue
            reason = None
            if too_many:
                reason = f"select at most {MAX_PROCEDURE_ASSETS:,} assets for one procedure"
            elif not rows:
                reason = "select one or more assets first"
            else:
                reason = selection_problem(kind, rows)
            action.setEnabled(reason is None)
            label = kind.label
            tip = f"{label} the selected assets" if reason is None else f"{label}: {reason}"
            action.setToolTip(tip)
            action.setStatusTip(tip)

    def read_role_refusals(self) -> None:
        """Read, on a worker, which of the window's procedures and the import the signed-in
        person's roles refuse; the actions are greyed with the reason once it is known."""
        window = self.window
        database, username = window.database, window.username
        works = (
            Work.IMPORT,
            Work.KIT_CHECKOUT,
            *(work_for(kind) for kind in window.procedure_actions),
        )

        def job(progress: Progress, cancel: threading.Event) -> dict[Work, str]:
            from desktop.services.permissions import refusals  # the ORM: not before paint

            return refusals(database, username, works)

        def read(result: object) -> None:
            assert isinstance(result, dict)
            if (database, username) == (window.database, window.username):  # not stale
                self.role_refusals = result
                self.update()

        def failed(error: object) -> None:
            # A read in the background: a refusal is the form's to say when it opens (a
            # message box at every F5 would repeat it); a bug is not kept quiet.
            if window.connection.report(error, background=True):
                return  # the database is unavailable: said once, retried by the watch
            if not isinstance(error, DesktopError):
                window.show_error(error)

        worker = Worker(job, window)
        worker.succeeded.connect(read)
        worker.failed.connect(failed)
        window._track(worker)
        worker.start()


def selection_problem(kind: ProcedureKind, rows: list[Any]) -> str | None:
    """Why ``kind`` cannot be recorded on the selected register rows, naming the first
    asset that stops it: a status it cannot move from, or a move of its status that
    already waits for approval; None when it can."""
    target = KIND_TARGET_STATUS.get(kind)  # install, decommission, dispose
    for row in rows:
        problem = status_move_problem(kind, AssetStatus(row.status), target)
        if problem:
            return f"{row.tag}: {problem}"
        waiting = waiting_procedure_refusal(kind, row.tag, row.pending)
        if waiting:
            return waiting
    return None
