"""Label painting (PDF, printer, preview) and the label print dialog.

Entry points for the main window, the import wizard and audits:
``print_asset_labels(database, tags, parent)`` and
``print_location_labels(database, location_ids, parent)`` open the dialog (non-modal,
deleted on close); ``LabelPrintDialog(database, tags, parent)`` builds it without opening.
"""

from ui.gui.labels.print_dialog import LabelPrintDialog, print_asset_labels, print_location_labels

__all__ = ["LabelPrintDialog", "print_asset_labels", "print_location_labels"]
