"""The main window: the asset register, its filters, the detail panel, procedures, scans.

Start-up is lazy: the window paints with the first page of assets (one short indexed
query on a plain connection). Nothing imported before that paint loads the ORM, the
mapped models or a feature's dialogs: the dialogs are imported when first opened, and the
filters' pick lists, the approvals badge and the count arrive from worker threads once
the window has painted.
"""

from __future__ import annotations

import importlib
import threading
import uuid
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QWidget,
)

from desktop.domain.lifecycle import ProcedureKind
from desktop.domain.tags import tag_problem
from desktop.errors import DesktopError
from desktop.scanning import ScannerConfig
from desktop.services.register_rows import AssetFilter
from desktop.settings import DATE_FORMAT, Settings, signed_in_person
from desktop.storage.database import Database, open_database
from ui.gui import unknown_tag
from ui.gui.action_states import MAX_PROCEDURE_ASSETS, ActionStates
from ui.gui.asset_locator import AssetLocator
from ui.gui.connection_watch import ConnectionWatch
from ui.gui.detail_reader import DetailReader
from ui.gui.error_box import ErrorBoxes
from ui.gui.feature_menus import FeatureMenus
from ui.gui.first_paint import AfterFirstPaint
from ui.gui.kits.kit_menu import KitMenu
from ui.gui.layout_state import LayoutState, fitting_size
from ui.gui.main_window_texts import no_match_text, recorded_message
from ui.gui.main_window_view import MainWindowView
from ui.gui.menu_keys import DATA_MENU, with_mnemonics
from ui.gui.models.asset_table_model import AssetTableModel, RowRole
from ui.gui.models.columns import COLUMNS
from ui.gui.quit import AppQuit
from ui.gui.scan_lookup import ScanLookup, TagLookup, scanned_words
from ui.gui.scanner import ScanDetector
from ui.gui.selection_freshness import SelectionFreshness
from ui.gui.sign_out import SignOut
from ui.gui.window_shortcuts import WindowShortcutsFirst
from ui.gui.worker import Progress, Worker

if TYPE_CHECKING:
    from desktop.demo.fill import DemoSummary
    from desktop.services.queries import AssetDetail

#: Procedures offered for the selection: kind, menu text, shortcut.
PROCEDURE_ACTIONS: tuple[tuple[ProcedureKind, str, str], ...] = (
    (ProcedureKind.RECEIVE, "&Receive…", "Ctrl+N"),
    (ProcedureKind.INSTALL, "&Install…", "Ctrl+I"),
    (ProcedureKind.CHANGE, "&Change…", "Ctrl+E"),
    (ProcedureKind.DECOMMISSION, "&Decommission…", "Ctrl+Shift+D"),
    (ProcedureKind.DISPOSE, "Dis&pose…", "Ctrl+Shift+X"),
)
#: A search or sort still reading after this long shows so in the status bar (ms).
BUSY_NOTICE_MS = 250
DEMO_ASSETS = 2000


ScrollHint = QAbstractItemView.ScrollHint
CENTRE = ScrollHint.PositionAtCenter


class MainWindow(QMainWindow):
    def __init__(
        self,
        database: Database,
        settings: Settings | None = None,
        *,
        layout_state: LayoutState | None = None,
    ) -> None:
        super().__init__()
        self.database = database
        self.settings = settings or Settings()
        # The settings' user at once; on a local file without one, the operating-system
        # user is looked up (and created on first use) after the first paint.
        self.username = signed_in_person(self.settings, database.url)
        self._layout = layout_state or LayoutState()
        self._workers: set[Worker] = set()
        self.open_dialogs: list[QWidget] = []
        self.unknown_tag_prompt: QMessageBox | None = None
        #: The last "no asset can have this tag" notice (a scanned code no tag can be).
        self.untaggable_notice: QMessageBox | None = None
        self.demo_notice: QMessageBox | None = None  # what the demo button made, how again
        self.error_boxes = ErrorBoxes(self)  # a failed read said once, without blocking
        self._pending_selection: uuid.UUID | None = None  # selected once the rows are read
        self._pending_hint: ScrollHint | None = CENTRE  # and how the view goes to it
        self.action_states = ActionStates(self)  # which actions are offered, why not
        self.detail_reader = DetailReader(self)  # the selected asset's detail, on a worker
        self.scan_lookup = ScanLookup(self)  # a scanned tag's asset, on a worker
        self.locator = AssetLocator(self)  # an asset to select on no page held, on a worker
        self.setWindowTitle("Assetdesk")
        self.resize(fitting_size(self, 1360, 820))

        date_format = self.settings.get(DATE_FORMAT)
        self.view = MainWindowView(self, database, date_format)
        self.model = AssetTableModel(database, self, date_format=date_format)
        self.view.table.setModel(self.model)
        # After the register's first page is painted (the window's own first paint could
        # come with the table still empty: the workers' ORM imports then raced the rows).
        self._first_paint = AfterFirstPaint(
            self.view.table.viewport(), self._load_later, ready=lambda: not self.model.is_loading
        )
        self.view.apply_default_columns()
        self._welcome: QWidget | None = None
        self._shown_view: tuple[object, str, bool] | None = None  # filter and sort on screen

        self._build_actions()
        # A database that stops answering: said once, retried quietly until it is back.
        self.connection = ConnectionWatch(self)
        self.features = FeatureMenus(self)
        self.kit = KitMenu(self)
        self._connect()
        self._layout.restore(self, self.view.splitter, self.view.table.horizontalHeader())
        header = self.view.table.horizontalHeader()
        # The first page under the restored sort, read at once for the first paint (or on a
        # worker if that sort needs more than one short query); the view then has that sort.
        # The asset selected when the window last closed on this database, once it shows.
        self._pending_selection = self._layout.saved_selection(_url_key(database))
        self.model.start(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.view.table.setSortingEnabled(True)
        self.scanner = ScanDetector(self, ScannerConfig.from_settings(self.settings))
        self.shortcuts_first = WindowShortcutsFirst(self)  # Ctrl+E in the search box
        self.scanner.holding.connect(self._key_held)
        self.scanner.scanned.connect(self._scanned)
        self._update_status_labels()
        self._update_actions()
        self._show_welcome_if_empty()
        self.freshness = SelectionFreshness(self)  # decisions made elsewhere show without F5

    # -- building --------------------------------------------------------------------

    def _build_actions(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.setToolTipsVisible(True)  # a greyed Import says why (a role, a returned kit)
        self.settings_action = self._action("&Settings…", "Ctrl+,", self.open_settings)
        self.import_action = self._action(
            "&Import a spreadsheet…", "Ctrl+Shift+I", self.open_import
        )
        self.import_action.setToolTip("Add or update assets from a spreadsheet")
        file_menu.addAction(self.import_action)
        file_menu.addAction(self._action("&Export the view…", "Ctrl+Shift+E", self.open_export))
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        self.password_action = self._action("Change my &password…", None, self.open_own_password)
        self.password_action.setToolTip("A new password for your login on the shared server")
        file_menu.addAction(self.password_action)
        self.sign_out = SignOut(self)
        self.sign_out_action = self.sign_out.add_to(file_menu)
        file_menu.addSeparator()
        self.quit = AppQuit(self)  # Ctrl+Q in every window; forms with entries ask first
        file_menu.addAction(self.quit.action)

        asset_menu = self.asset_menu = menu.addMenu("&Asset")
        self.procedure_actions: dict[ProcedureKind, QAction] = {}
        for kind, text, shortcut in PROCEDURE_ACTIONS:
            action = self._action(
                text, shortcut, lambda _checked=False, k=kind: self.start_procedure(k)
            )
            self.procedure_actions[kind] = action
            asset_menu.addAction(action)
            self.view.toolbar.addAction(action)
        self.view.toolbar.addSeparator()
        self.view.toolbar.addWidget(self.view.scan_field)

        view_menu = menu.addMenu("&View")
        self.find_action = self._action(
            "&Find…", QKeySequence.StandardKey.Find, self.view.filter_bar.focus_search
        )
        self.scan_action = self._action("&Scan a tag", "Ctrl+L", self.focus_scan_field)
        self.refresh_action = self._action(
            "&Refresh", QKeySequence.StandardKey.Refresh, self._refresh_pressed
        )
        for action in (self.find_action, self.scan_action, self.refresh_action):
            view_menu.addAction(action)
        self.columns_menu = view_menu.addMenu("&Columns")
        self.columns_menu.aboutToShow.connect(lambda: self._fill_columns_menu(self.columns_menu))

        data_menu = menu.addMenu("&Data")
        for page, text, keys in DATA_MENU:
            data_menu.addAction(
                self._action(text, keys, lambda _c=False, p=page: self.open_reference(p))
            )

    def _action(self, text: str, shortcut: Any, slot: Any) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _connect(self) -> None:
        view = self.view
        view.filter_bar.filter_changed.connect(self._filter_changed)
        view.table.selectionModel().selectionChanged.connect(self._selection_changed)
        view.table.horizontalHeader().customContextMenuRequested.connect(self._header_menu)
        view.scan_field.returnPressed.connect(self._scan_field_entered)
        view.filter_bar.search.returnPressed.connect(self._search_entered)
        view.detail.all_history_requested.connect(lambda i: self.show_asset(i, all_history=True))
        self.model.counted.connect(self._update_status_labels)
        self.model.reloaded.connect(self._model_reloaded)
        self.model.failed.connect(self.show_error)
        self.connection.answering.connect(self.scan_lookup.again)  # a scan refused as busy
        self.connection.answering.connect(self.locator.again)  # a selection refused so
        # The rows of a procedure just recorded, read again on a worker: the actions follow
        # them; a refusal (a busy file) is the watch's to say, as for a background read.
        self.model.rows_refreshed.connect(self._update_actions)
        self.model.refresh_failed.connect(self.show_background_error)
        # A search or sort that takes a while says so (a quick one does not flicker).
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_NOTICE_MS)
        self._busy_timer.timeout.connect(self._update_status_labels)
        self.model.busy.connect(
            lambda busy: self._busy_timer.start() if busy else self._busy_timer.stop()
        )
        self.model.busy.connect(self._reading_ended)

    def _reading_ended(self, busy: bool) -> None:
        """A scan that arrived while a search was read selects its asset now — also when the
        search was dropped for the rows already on screen (no reload follows then)."""
        if not busy:  # after _model_reloaded, which selects it first when rows arrive
            QTimer.singleShot(0, self._select_pending)

    def _select_pending(self) -> None:
        if self._pending_selection is not None and not self.model.is_loading:
            self.select_asset(self._pending_selection, self._pending_hint)

    def _load_later(self) -> None:
        """After the first paint: the filters' pick lists and the approvals badge (read on
        workers, which import the ORM there rather than before the paint)."""
        if not self.username or not self.database.is_sqlite:  # a server: the login decides
            self.username = self._acting_username()
            self._update_status_labels()
            self._update_actions()
        self.action_states.read_role_refusals()
        self._track(self.view.filter_bar.load_choices())
        self.features.refresh_badge()
        self.kit.refresh()

    # -- the register ----------------------------------------------------------------

    def _refresh_pressed(self) -> None:
        """F5. While the register read again is still waiting for the database (a file
        another program is writing, a slow server: past ``BUSY_NOTICE_MS``) another F5
        leaves it to answer rather than starting every read again: on a busy file each
        one waited the busy timeout anew, and its refusal was dropped for the next."""
        if self.model.is_loading and not self._busy_timer.isActive():
            self.statusBar().showMessage(
                f"Still reading the register: the database {self.database.description} "
                "has not answered yet.",
                5000,
            )
            return
        self.refresh()

    def refresh(self) -> None:
        rows = self.selected_rows()
        # The selected asset stays selected; the view follows it only if it was in sight
        # (a user who scrolled away from it and pressed F5 stays where they scrolled).
        table = self.view.table
        current = table.currentIndex()
        in_sight = current.isValid() and table.viewport().rect().intersects(
            table.visualRect(current)
        )
        self.model.reload()
        self._track(self.view.filter_bar.load_choices())  # an import may add people…
        # The approvals badge too: demo data, an import or F5 may bring procedures to
        # decide (it kept "Approvals" without a count until the inbox was opened).
        self.features.refresh_badge()
        if self.kit.info is not None:  # in a kit: what waits to sync (made meanwhile)
            self.kit.refresh()
        # An administrator may have changed the person's roles.
        self.action_states.read_role_refusals()
        if len(rows) == 1:  # the asset being worked on stays selected
            self.select_asset(rows[0].id, ScrollHint.EnsureVisible if in_sight else None)
        self._show_selected_detail()

    def _filter_changed(self, flt: object) -> None:
        assert isinstance(flt, AssetFilter)
        self.model.set_filter(flt)

    def _model_reloaded(self) -> None:
        shown = (self.model.filter, self.model.sort_key, self.model.sort_descending)
        if shown != self._shown_view:  # a new search or sort starts at its first row
            self._shown_view = shown
            self.view.table.scrollToTop()
        self._show_welcome_if_empty()
        self._update_status_labels()
        if self._pending_selection is not None and not self.model.is_loading:
            self.select_asset(self._pending_selection, self._pending_hint)
        self._update_actions()
        self._show_selected_detail()

    def _update_status_labels(self) -> None:
        view = self.view
        self.password_action.setEnabled(not self.database.is_sqlite)  # a login's, on a server
        self.sign_out_action.setEnabled(not self.database.is_sqlite)  # a local file: the OS's
        description = self.database.description  # its path as it is: only the first letter up
        view.database_label.setText(description[:1].upper() + description[1:])
        view.database_label.setToolTip(self.database.display_url)
        if self.identity_problem:  # a shared server refused the settings' user: say why
            view.user_label.setText("Not signed in: the login is not this person's")
            view.user_label.setToolTip(self.identity_problem)
        else:
            view.user_label.setText(
                f"Signed in as {self.username}"
                if self.username
                else "No user set (File › Settings)"
            )
            view.user_label.setToolTip("")
        matching, total = self.model.matching_assets, self.model.total_assets
        if self.model.is_loading and not self._busy_timer.isActive():
            view.count_label.setText("Reading the register…")
        elif matching is None or total is None:
            view.count_label.setText(f"{self.model.rowCount():,}+ assets, counting…")
        else:
            view.count_label.setText(f"{matching:,} of {total:,} assets")
        nothing = not self.model.is_loading and matching == 0 and bool(total)
        if nothing and self._welcome is None:
            view.no_match.setText(no_match_text(self.model.filter))
        view.no_match.setVisible(nothing and self._welcome is None)

    def _header_menu(self, point: QPoint) -> None:
        menu = QMenu(self)
        self._fill_columns_menu(menu)
        menu.popup(self.view.table.horizontalHeader().mapToGlobal(point))

    def _fill_columns_menu(self, menu: QMenu) -> None:
        menu.clear()
        header = self.view.table.horizontalHeader()
        titles = with_mnemonics([column.title for column in COLUMNS])
        for index, title in enumerate(titles):
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(index))
            action.toggled.connect(lambda shown, i=index: self.set_column_shown(i, shown))

    def set_column_shown(self, index: int, shown: bool) -> None:
        header = self.view.table.horizontalHeader()
        if not shown and header.count() - header.hiddenSectionCount() <= 1:
            return  # keep at least one column
        header.setSectionHidden(index, not shown)

    # -- selection and detail --------------------------------------------------------

    def selected_rows(self) -> list[Any]:
        rows = self.view.table.selectionModel().selectedRows()
        if len(rows) > MAX_PROCEDURE_ASSETS:
            return []
        return [r for r in (index.data(RowRole) for index in rows) if r is not None]

    def _selection_changed(self) -> None:
        self._update_actions()
        self._show_selected_detail()

    def _show_selected_detail(self) -> None:
        current = self.view.table.selectionModel().currentIndex()
        selected = self.view.table.selectionModel().selectedRows()
        row = current.data(RowRole) if current.isValid() and selected else None
        if row is None:
            self.detail_reader.forget()
            self.view.detail.show_nothing()
            self.setWindowTitle("Assetdesk")
            return
        self.show_asset(row.id)

    def show_asset(self, asset_id: uuid.UUID, *, all_history: bool = False) -> None:
        """Show the asset's detail beside the table once it is read, on a worker (a busy
        file must not freeze the window); ``all_history``: every procedure, not the newest."""
        self.detail_reader.read(asset_id, all_history=all_history)

    def selection_pending(self) -> bool:
        """Whether an asset waits to be selected once the rows being read arrive (or its
        row is found)."""
        return self._pending_selection is not None or self.locator.busy

    def select_asset(self, asset_id: uuid.UUID, hint: ScrollHint | None = CENTRE) -> None:
        """Select and show the asset, clearing the filters if they hide it. ``hint``: how
        the view goes to its row (None: the view stays where it is). An asset on no page
        held is looked for on a worker and selected once found (ui/gui/asset_locator.py)."""
        self._pending_selection = None
        self.locator.forget()
        if self.model.is_loading:  # a search is being read: select the asset once it shows
            self._pending_selection, self._pending_hint = asset_id, hint
            return
        position = self.model.loaded_row_of(asset_id)
        if position is None:
            self.locator.locate(asset_id, hint)
            return
        self.select_row(position, hint)

    def select_row(self, position: int, hint: ScrollHint | None = CENTRE) -> None:
        """Select the register's row at ``position`` (its page held)."""
        index = self.model.index(position, 0)
        table = self.view.table
        bars = (table.verticalScrollBar(), table.horizontalScrollBar())
        place = [bar.value() for bar in bars]
        table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        if hint is None:  # the view scrolls to a new current row by itself: undo it
            for bar, value in zip(bars, place, strict=True):
                bar.setValue(value)
        else:
            table.scrollTo(index, hint)

    def _update_actions(self) -> None:
        self.action_states.update()

    # -- procedures, reference data, settings -----------------------------------------

    def start_procedure(self, kind: ProcedureKind, tags: list[str] | None = None) -> None:
        if tags is None:
            tags = [] if kind is ProcedureKind.RECEIVE else [r.tag for r in self.selected_rows()]
        from ui.gui.procedure_form.dialog import ProcedureDialog
        from ui.gui.procedure_form.type_ahead import TypeAhead

        if TypeAhead.taking:  # the shortcut again while the last form takes its keys
            return
        dialog = ProcedureDialog(self.database, self.username, kind, tags, self)
        dialog.recorded.connect(self._procedures_recorded)
        dialog.type_ahead.take_queued()  # keys typed meanwhile: the form's, not dropped
        self._open_dialog(dialog)

    def _procedures_recorded(self, outcomes: list[Any]) -> None:
        ids = [o.asset_id for o in outcomes if getattr(o, "asset_id", None) is not None]
        self.model.refresh_assets(ids)
        if len(ids) == 1:
            self.select_asset(ids[0])
        self._update_actions()
        self._show_selected_detail()
        self.statusBar().showMessage(recorded_message(outcomes), 5000)
        self.kit.refresh()  # in a kit: one more record waits to sync

    def open_reference(self, page: str = "locations") -> None:
        reference = importlib.import_module("ui.gui.reference.dialog")
        dialog = reference.ReferenceDataDialog(self.database, self.username, self, page=page)
        dialog.finished.connect(lambda _result: self.refresh())
        self._open_dialog(dialog)

    def open_settings(self, *, shared_server: bool = False) -> None:
        """File › Settings; ``shared_server``: opened to connect to a server (the welcome
        screen's "Connect to a shared database"), so that choice is made and the focus is
        in the server URL."""
        from ui.gui.settings_dialog import SettingsDialog

        # The person is chosen for the database this window works on (--database, a kit).
        here = self.database.url.set(password=None).render_as_string(hide_password=False)
        dialog = SettingsDialog(self.settings, self, window_database=here)
        dialog.database_changed.connect(self.switch_database)
        dialog.finished.connect(lambda _result: self._settings_closed())
        self._open_dialog(dialog)
        if shared_server:
            dialog.server_radio.setChecked(True)
            dialog.url_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_own_password(self) -> None:
        from ui.gui.own_password_dialog import open_in_window

        open_in_window(self)

    #: Why nobody acts in this window (a shared server refused the settings' user), or "".
    identity_problem = ""

    def _acting_username(self) -> str:
        """The settings' user; on a local file without one, the OS user (created once); on
        a shared server the login's person (desktop.services.identity)."""
        self.identity_problem = ""
        from desktop.services.local_user import acting_username  # the ORM: not before paint

        try:
            configured = signed_in_person(self.settings, self.database.url)
            return acting_username(self.database, configured or None) or ""
        except DesktopError as exc:
            # On a shared server: the settings name somebody other than the login's
            # person, or the login belongs to nobody. Said, not guessed around.
            self.identity_problem = exc.message
            self.statusBar().showMessage(exc.message)
            return ""

    def _settings_closed(self) -> None:
        previous = self.username
        self.username = self._acting_username()
        changed = self.username != previous
        self.scanner.config = ScannerConfig.from_settings(self.settings)
        self._update_status_labels()
        if changed:  # another person: their approvals and roles, not the last one's
            self.features.refresh_badge()
            self.action_states.read_role_refusals()

    def _open_dialog(self, dialog: Any) -> None:
        self.open_dialogs.append(dialog)
        self.quit.reach(dialog)  # Ctrl+Q in a form too: it keeps the keys from this window
        dialog.finished.connect(lambda _result, d=dialog: self._dialog_closed(d))
        dialog.open()

    def _dialog_closed(self, dialog: QWidget) -> None:
        if dialog in self.open_dialogs:
            self.open_dialogs.remove(dialog)
        dialog.deleteLater()
        self.kit.refresh()  # in a kit: what it recorded (an incident…) now waits to sync

    def switch_database(self, url: str, on_failed: Any = None) -> None:
        """Open another database on a worker, then show its register (``on_failed``: called
        too when it cannot be opened)."""

        from desktop.credentials import url_with_password
        from desktop.storage.urls import choose_url

        def job(progress: Progress, cancel: threading.Event) -> Database:
            return open_database(url_with_password(choose_url(url)))

        worker = Worker(job, self)
        worker.succeeded.connect(self._use_database)
        worker.failed.connect(lambda _exc: self.statusBar().clearMessage())
        # Another database that cannot be opened is not this one lost: said as it is.
        worker.failed.connect(self._show_error_box)
        if on_failed is not None:
            worker.failed.connect(lambda _exc: on_failed())
        self._track(worker)
        self.statusBar().showMessage("Opening the database…")
        worker.start()

    def close_secondary_windows(self) -> None:
        """Close the windows and forms opened on this database (the settings excepted)."""
        from ui.gui.settings_dialog import SettingsDialog

        self.features.close_windows()
        for dialog in list(self.open_dialogs):
            if not isinstance(dialog, SettingsDialog):
                dialog.close()

    def _use_database(self, database: object) -> None:
        assert isinstance(database, Database)
        # Windows and forms opened on the old database would go on writing to it.
        self.close_secondary_windows()
        self.setEnabled(True)  # disabled while the next person's login opened (sign-out)
        self.model.shutdown()
        old = self.database
        self.database = database
        self.connection.reset()
        self.view.filter_bar.set_database(database)
        self.model.set_database(database)
        self.username = self._acting_username()
        self._show_welcome_if_empty()
        old.dispose()
        self._update_status_labels()
        self.features.refresh_badge()
        self.action_states.read_role_refusals()
        self.kit.refresh()
        self.statusBar().showMessage(f"Now using {database.description}.", 5000)

    # -- empty database --------------------------------------------------------------

    def _show_welcome_if_empty(self) -> None:
        if self.model.is_loading:
            return  # asked again when the rows arrive
        empty = self.model.rowCount() == 0 and self.model.filter == AssetFilter()
        if empty and self._welcome is None:
            from ui.gui.welcome_view import WelcomeView

            welcome = WelcomeView(demo_assets=DEMO_ASSETS)
            welcome.create_demo_requested.connect(self.create_demo)
            welcome.import_requested.connect(self.open_import)
            welcome.connect_requested.connect(lambda: self.open_settings(shared_server=True))
            self._welcome = welcome
            self.view.stack.addWidget(welcome)
            self._first_paint.watch(welcome)  # the table is not painted: this page is
        if self._welcome is not None:
            self.view.stack.setCurrentWidget(self._welcome if empty else self.view.register_page)

    def create_demo(self) -> None:
        from desktop.demo import fill_demo

        database = self.database

        def job(progress: Progress, cancel: threading.Event) -> object:
            return fill_demo(database, assets=DEMO_ASSETS, progress=progress, cancel=cancel)

        worker = Worker(job, self)
        dialog = QProgressDialog("Creating demo data…", "Cancel", 0, 100, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.canceled.connect(worker.cancel)
        worker.progress.connect(lambda done, total: _show_progress(dialog, done, total))
        worker.succeeded.connect(lambda _summary: self.refresh())
        worker.succeeded.connect(lambda _summary: self._show_welcome_if_empty())
        worker.succeeded.connect(self._demo_made)
        worker.failed.connect(self.show_error)
        worker.finished.connect(dialog.reset)
        self._track(worker)
        dialog.show()
        worker.start()

    def _demo_made(self, summary: DemoSummary) -> None:
        from ui.gui.welcome_view import demo_made_notice

        self.demo_notice = demo_made_notice(summary, self)  # the seed and day it used
        self.demo_notice.open()

    def open_import(self) -> None:
        wizard = importlib.import_module("ui.gui.spreadsheets.import_wizard")
        dialog = wizard.ImportWizard(self.database, self.username, self, layout_state=self._layout)
        dialog.imported.connect(lambda _result: self._register_changed())
        dialog.print_labels_requested.connect(self.features.print_labels_for)
        self._open_dialog(dialog)

    def open_export(self) -> None:
        """Export what the table shows (its filter, in its sort, its columns) to a workbook or CSV."""
        export = importlib.import_module("ui.gui.spreadsheets.export_dialog")
        model = self.model
        self._open_dialog(
            export.ExportDialog(
                self.database,
                self.username,
                model.filter,
                self,
                sort=model.sort_key,
                descending=model.sort_descending,
                names=self.view.filter_bar.chosen_names(),
                columns=self.shown_columns(),
                settings=self.settings,
            )
        )

    def shown_columns(self) -> list[str]:
        """The keys of the register's columns the header shows, left to right."""
        header = self.view.table.horizontalHeader()
        logical = (header.logicalIndex(visual) for visual in range(header.count()))
        return [COLUMNS[i].key for i in logical if not header.isSectionHidden(i)]

    def _register_changed(self) -> None:
        self.refresh()
        self._show_welcome_if_empty()

    # -- scanning --------------------------------------------------------------------

    def focus_scan_field(self) -> None:
        self.view.scan_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.view.scan_field.selectAll()

    def _key_held(self, receiver: object, text: str) -> None:
        if receiver is self.view.filter_bar.search:
            self.view.filter_bar.expect_key(text)  # the search starts while the key is held

    def _scanned(self, text: str) -> None:
        self.view.filter_bar.settle()  # a key it expected was the start of this scan
        tag = text.strip()
        if QApplication.focusWidget() is self.view.filter_bar.search:
            self.scan_lookup.scanned_into_search(tag)  # perhaps a person typing fast
            return
        self.handle_scan(tag)

    def _scan_field_entered(self) -> None:
        text = self.view.scan_field.text().strip()
        self.view.scan_field.clear()
        if text:
            self.handle_scan(text)

    def _search_entered(self) -> None:
        # A whole tag typed into the search box and Enter selects its asset, as its scan
        # would: a scan typed slowly (a loaded machine, a person) still ends there.
        self.scan_lookup.search_entered(self.view.filter_bar.search.text().strip())

    def handle_scan(self, text: str) -> None:
        """A scanned (or typed) tag: show that asset once it is found (on a worker), or
        offer to receive it."""
        tag = text.strip()
        self.scan_lookup.look_up(TagLookup(tag, lambda d: self._show_scanned(tag, d)))

    def _show_scanned(self, tag: str, detail: AssetDetail | None) -> None:
        if detail is None and (problem := tag_problem(tag)) is not None:
            self.untaggable_notice = unknown_tag.untaggable_notice(self, tag, problem)
            return
        if detail is None:
            self.unknown_tag_prompt = unknown_tag.offer_receive(
                self, tag, lambda t: self.start_procedure(ProcedureKind.RECEIVE, [t])
            )
            return
        if self._welcome is not None and self.view.stack.currentWidget() is self._welcome:
            self.view.stack.setCurrentWidget(self.view.register_page)
        self.select_asset(detail.row.id)  # a new selection shows it beside the table
        shown = self.view.detail.detail
        if (
            shown is None
            or shown.row.id != detail.row.id
            or shown.row.version != detail.row.version
        ):
            self.show_asset(detail.row.id)  # also the same asset changed elsewhere since
        self.statusBar().showMessage(scanned_words(tag, detail), 5000)

    # -- errors and closing ----------------------------------------------------------

    def show_error(self, error: object) -> None:
        if self.connection.report(error):  # the database lost: one message, then retries
            return
        self._show_error_box(error)

    def show_background_error(self, error: object) -> None:
        """The failure of a read the person did not ask for themselves (the rows of a
        procedure they recorded, read again): an unavailable or busy database is said in
        the status bar, by the watch, which reads the register again once it answers."""
        if self.connection.report(error, background=True):
            return
        self.show_error(error)

    def _show_error_box(self, error: object) -> None:
        if isinstance(error, DesktopError):
            self.error_boxes.show(error.sentence)
            return
        if isinstance(error, BaseException):
            raise error

    def _track(self, worker: Worker) -> None:
        self._workers.add(worker)
        worker.finished.connect(lambda w=worker: self._workers.discard(w))

    def closeEvent(self, event: QCloseEvent) -> None:
        from ui.gui.state_dump import write_state_if_asked

        write_state_if_asked(self)
        self._layout.save(self, self.view.splitter, self.view.table.horizontalHeader())
        rows = self.selected_rows()
        self._layout.save_selection(_url_key(self.database), rows[0].id if len(rows) == 1 else None)
        self.scanner.uninstall()
        self.shortcuts_first.uninstall()
        self.freshness.uninstall()
        self.detail_reader.shutdown()
        self.scan_lookup.shutdown()
        self.locator.shutdown()
        self.connection.stop()
        self.model.shutdown()
        self.view.filter_bar.shutdown()
        self.features.shutdown()
        self.kit.shutdown()
        for worker in list(self._workers):
            worker.cancel()
            worker.wait()
        super().closeEvent(event)


def _show_progress(dialog: QProgressDialog, done: int, total: int) -> None:
    dialog.setMaximum(max(total, 1))
    dialog.setValue(done)


def _url_key(database: Database) -> str:
    """The database's URL without its password: what the remembered selection is kept by."""
    return str(database.url.render_as_string(hide_password=True))
