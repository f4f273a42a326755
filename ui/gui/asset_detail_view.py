"""The panel beside the table: one asset's fields (custom ones too) and its history.

The history is a timeline, newest first: every procedure with its kind and state, who
and when, ticket and reason, each field's before → after, and its approvals.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, QUrl, Signal
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from desktop.domain.fields import custom_field_labels, field_label
from desktop.local_time import shown_text
from ui.gui.models.columns import STATUS_COLOURS, status_label

if TYPE_CHECKING:  # the queries import the ORM: not needed before the window's first paint
    from desktop.kits import CheckoutMark
    from desktop.services.incident_queries import IncidentRow
    from desktop.services.queries import AssetDetail, HistoryEntry

_FIELDS: tuple[tuple[str, str], ...] = (
    ("category", "Category"),
    ("manufacturer", "Manufacturer"),
    ("model", "Model"),
    ("serial_number", "Serial number"),
    ("location", "Location"),
    ("assigned_to", "Assigned to"),
    ("owning_group", "Owning group"),
    ("purchase_date", "Purchased"),
    ("purchase_cost", "Purchase cost"),
    ("order_number", "Order number"),
    ("supplier", "Supplier"),
    ("warranty_end", "Warranty end"),
    ("last_audited_at", "Last audited"),
    ("updated_at", "Last change"),
)

_STATE_WORDS = {
    "completed": "",
    "pending_approval": "waiting for approval",
    "approved": "approved",
    "rejected": "rejected",
    "cancelled": "withdrawn",
    "conflict": "conflict: not applied",
    "draft": "draft",
}

#: An approver's decision, as the history tells it ("Approved by Abe Approver").
_DECISIONS_DONE = {
    "approve": "Approved",
    "approved": "Approved",
    "reject": "Rejected",
    "rejected": "Rejected",
}


#: The link under a history that shows only the newest procedures.
ALL_HISTORY_LINK = "assetdesk:history/all"


class AssetDetailView(QWidget):
    """Signals:
    all_history_requested(asset_id): the person asked for every procedure of the asset
    shown (the detail holds the newest ones).
    """

    all_history_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, date_format: str = "yyyy-MM-dd") -> None:
        super().__init__(parent)
        self._date_format = date_format
        self.detail: AssetDetail | None = None
        self.checkout: CheckoutMark | None = None
        #: The shown asset's custom fields' titles by key (its category's definitions).
        self._custom_labels: dict[str, str] = {}
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body = QTextBrowser()
        self.body.setOpenLinks(False)
        self.body.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.body.anchorClicked.connect(self._link_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 8, 6)
        layout.addWidget(self.heading)
        layout.addWidget(self.body, 1)
        self.show_nothing()

    def show_nothing(self, message: str = "Select an asset, or scan its tag.") -> None:
        self.detail = None
        self.checkout = None
        self.heading.setText(
            f"<span style='color:#777; font-size:13pt'>{html.escape(message)}</span>"
        )
        self.body.clear()

    def show_detail(
        self,
        detail: AssetDetail,
        incidents: Sequence[IncidentRow] = (),
        checkout: CheckoutMark | None = None,
    ) -> None:
        """Show the asset; ``checkout``: the field kit it is out in, if any (others can
        still work on it, but should know)."""
        self.detail = detail
        self.checkout = checkout
        row = detail.row
        colour, background = STATUS_COLOURS.get(row.status, ("#444", "#eee"))
        checked_out = ""
        if checkout is not None:
            since = checkout.checked_out_at.astimezone()
            checked_out = (
                "<div style='margin-top:4px; color:#8a5a00'>⇄ Checked out by "
                f"{html.escape(checkout.checked_out_by_name or checkout.checked_out_by)} since "
                f"{html.escape(self._text(since))} in a field kit "
                f"({html.escape(checkout.scope_text)})</div>"
            )
        self.heading.setText(
            f"<div style='font-size:16pt; font-weight:600'>{html.escape(row.tag)}</div>"
            f"<div style='font-size:11pt'>{html.escape(row.name)}</div>"
            f"<div style='margin-top:4px'><span style='background:{background}; color:{colour};"
            f" font-weight:600'>&nbsp;● {html.escape(status_label(row.status))}&nbsp;</span>"
            f" &nbsp;<span style='color:#666'>version {row.version}</span></div>" + checked_out
        )
        self.body.setHtml(
            self._fields_html(detail) + self._incidents_html(incidents) + self._history_html(detail)
        )

    # -- HTML ------------------------------------------------------------------------

    def _incidents_html(self, incidents: Sequence[IncidentRow]) -> str:
        if not incidents:
            return ""
        open_count = sum(i.is_open for i in incidents)
        parts = [
            f"<h3 style='margin-top:14px'>Incidents ({len(incidents)}, {open_count} open)</h3>"
        ]
        for incident in incidents:
            colour = "#b00020" if incident.is_open else "#666"
            routed = f" · {html.escape(incident.routed_group)}" if incident.routed_group else ""
            parts.append(
                f"<div style='margin-top:4px'><b>{html.escape(incident.number_text)}</b> "
                f"{html.escape(incident.title)} <span style='color:{colour}'>"
                f"({html.escape(incident.status.replace('_', ' '))}, "
                f"{html.escape(incident.severity)})</span>"
                f"<span style='color:#666'> · {html.escape(self._text(incident.reported_at))}"
                f"{routed}</span></div>"
            )
        return "".join(parts)

    def _fields_html(self, detail: AssetDetail) -> str:
        rows = [(label, self._text(getattr(detail.row, key))) for key, label in _FIELDS]
        labels = {
            d.get("key"): d.get("label", d.get("key")) for d in detail.custom_field_definitions
        }
        for key, value in sorted(detail.custom_fields.items()):
            rows.append((str(labels.get(key, key)), self._text(value)))
        if detail.row.notes:
            rows.append(("Notes", detail.row.notes))
        empty = "<span style='color:#aaa'>—</span>"
        cells = "".join(
            f"<tr><td style='color:#666; padding:2px 12px 2px 0'>{html.escape(label)}</td>"
            f"<td style='padding:2px 0'>{_lines(value) or empty}</td></tr>"
            for label, value in rows
        )
        return f"<h3 style='margin:0 0 4px 0'>Details</h3><table cellspacing='0'>{cells}</table>"

    def _link_clicked(self, url: QUrl) -> None:
        if url.toString() == ALL_HISTORY_LINK and self.detail is not None:
            self.all_history_requested.emit(self.detail.row.id)

    def _history_html(self, detail: AssetDetail) -> str:
        self._custom_labels = custom_field_labels(detail.custom_field_definitions)
        history = detail.history
        total = max(detail.history_count, len(history))
        counted = f"{len(history)} of {total}" if len(history) < total else f"{total}"
        parts = [f"<h3 style='margin:14px 0 4px 0'>History ({counted})</h3>"]
        if not history:
            parts.append("<p style='color:#777'>No procedures recorded.</p>")
        for entry in history:
            parts.append(self._entry_html(entry))
        if len(history) < total:
            parts.append(
                f"<p style='margin-top:10px'><a href='{ALL_HISTORY_LINK}'>Show all {total} "
                f"procedures</a> <span style='color:#777'>({total - len(history)} older)"
                "</span></p>"
            )
        return "".join(parts)

    def _entry_html(self, entry: HistoryEntry) -> str:
        state = _STATE_WORDS.get(entry.state, entry.state)
        state_html = f" <span style='color:#a35a00'>({html.escape(state)})</span>" if state else ""
        facts = [f"by {html.escape(entry.performed_by)}"]
        if entry.ticket_ref:
            facts.append(f"ticket <b>{html.escape(entry.ticket_ref)}</b>")
        if entry.origin and entry.origin != "gui":
            facts.append(html.escape(entry.origin.replace("_", " ")))
        lines = [
            f"<div style='margin-top:8px'><b>{html.escape(entry.kind.replace('_', ' ').capitalize())}</b>"
            f"{state_html} <span style='color:#666'>· {html.escape(self._text(entry.performed_at))}"
            f" · {' · '.join(facts)}</span></div>"
        ]
        if entry.reason:
            lines.append(f"<div style='margin-left:14px'>Reason: {html.escape(entry.reason)}</div>")
        # Imported here: the templates module loads the ORM, which waits for the first paint.
        from desktop.services.recorded_answers import recorded_answers

        for label, text in recorded_answers(entry.kind, entry.answers):
            lines.append(
                f"<div style='margin-left:14px'>{html.escape(label)}: <b>{html.escape(text)}</b></div>"
            )
        for change in entry.changes:
            label = _change_label(change, self._custom_labels)
            before = html.escape(shown_text(str(change.get("before_text") or "—")))
            after = html.escape(shown_text(str(change.get("after_text") or "—")))
            lines.append(
                f"<div style='margin-left:14px; color:#333'>{html.escape(label)}: "
                f"<span style='color:#888'>{before}</span> → {after}</div>"
            )
        for approval in entry.approvals:
            decision = str(approval.get("decision", ""))
            approved = decision in ("approve", "approved")
            colour = "#1e7a34" if approved else "#b3261e"
            # Stored as the verb ("approve", "reject"); the history says what was done.
            done = _DECISIONS_DONE.get(decision, decision.capitalize())
            comment = approval.get("comment") or ""
            lines.append(
                f"<div style='margin-left:14px; color:{colour}'>{html.escape(done)}"
                f" by {html.escape(str(approval.get('approver', '')))}"
                f"{' — ' + html.escape(str(comment)) if comment else ''}</div>"
            )
        return "".join(lines)

    def _text(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            local = value.astimezone()
            return QDate(local.year, local.month, local.day).toString(
                self._date_format
            ) + local.strftime(" %H:%M")
        if isinstance(value, dt.date):
            return QDate(value.year, value.month, value.day).toString(self._date_format)
        if isinstance(value, Decimal):
            return f"{value:,.2f}"
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value)


def _change_label(change: dict[str, Any], custom_labels: dict[str, str]) -> str:
    """A field's title; a custom field's as its category names it ("RAM (GB)", as in the
    details above: the history said "Ram gb"), else its key made readable."""
    return field_label(str(change.get("field", "")), custom_labels)


def _lines(text: str) -> str:
    """``text`` as HTML with its line breaks kept (notes are often several lines)."""
    return "<br>".join(html.escape(line) for line in text.splitlines())
