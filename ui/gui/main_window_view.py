"""The main window's layout: toolbar, filters, table beside the detail panel, status bar.

Behaviour lives in :mod:`ui.gui.main_window`; this module only builds widgets.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.storage.database import Database
from ui.gui.asset_detail_view import AssetDetailView
from ui.gui.filter_bar import FilterBar
from ui.gui.models.columns import COLUMNS
from ui.gui.table_focus import DownToResults, SelectCurrentOnKeyboardFocus


class MainWindowView:
    """The widgets of the main window, built in code."""

    def __init__(self, window: QMainWindow, database: Database, date_format: str) -> None:
        self.toolbar = QToolBar("Procedures", window)
        self.toolbar.setObjectName("procedures_toolbar")
        self.toolbar.setIconSize(QSize(18, 18))
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.setMovable(False)
        window.addToolBar(self.toolbar)

        self.scan_field = QLineEdit()
        self.scan_field.setObjectName("scan_field")
        self.scan_field.setPlaceholderText("Scan or type a tag   (Ctrl+L)")
        self.scan_field.setClearButtonEnabled(True)
        self.scan_field.setFixedWidth(240)

        self.filter_bar = FilterBar(database)
        self.table = QTableView()
        self.table.setObjectName("asset_table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table_focus = SelectCurrentOnKeyboardFocus(self.table)  # Tab: row 1 selected
        self.down_to_results = DownToResults(self.filter_bar.search, self.table)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        # Said over the empty table when a search or filter matches nothing (an empty
        # table alone looked like a register still loading, or broken).
        self.no_match = QLabel(
            "No asset matches the search and filters.\nClear them (the Clear button) to see "
            "every asset."
        )
        self.no_match.setObjectName("no_match")
        self.no_match.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_match.setStyleSheet("color: #777; font-size: 11pt;")
        self.no_match.setVisible(False)
        QVBoxLayout(self.table.viewport()).addWidget(self.no_match)

        self.detail = AssetDetailView(date_format=date_format)
        self.detail.setMinimumWidth(300)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)

        register = QWidget()
        layout = QVBoxLayout(register)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.filter_bar)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)
        layout.addWidget(self.splitter, 1)

        self.stack = QStackedWidget()
        self.register_page = register
        self.stack.addWidget(register)
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        #: Above the register and the welcome page: the field kit banner goes here.
        self.banner_area = QVBoxLayout()
        self.banner_area.setContentsMargins(0, 0, 0, 0)
        central_layout.addLayout(self.banner_area)
        central_layout.addWidget(self.stack, 1)
        window.setCentralWidget(central)

        self.database_label = QLabel()
        self.user_label = QLabel()
        self.count_label = QLabel()
        for label in (self.count_label, self.user_label, self.database_label):
            label.setContentsMargins(8, 0, 8, 0)
        status = window.statusBar()
        status.addPermanentWidget(self.count_label)
        status.addPermanentWidget(self.user_label)
        status.addPermanentWidget(self.database_label)

    def apply_default_columns(self) -> None:
        header = self.table.horizontalHeader()
        for index, column in enumerate(COLUMNS):
            header.resizeSection(index, column.width)
            header.setSectionHidden(index, not column.shown_by_default)
