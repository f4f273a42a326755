"""Risk evaluation (impact × likelihood) and the approval it leads to, shown live."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QSizePolicy, QWidget

from desktop.domain.fields import FieldType
from desktop.services.approval_rule import approvals_required
from desktop.services.templates import RISK_LEVELS, TemplateDefinition, risk_level
from ui.gui.procedure_form.editors import ChoiceEditor

LABEL_WIDTH = 170
RISK_COLOURS = {"low": "#1b7f3b", "medium": "#b26a00", "high": "#b00020"}


class RiskPanel(QWidget):
    """Impact and likelihood pick lists (when the template asks), the resulting risk
    level and whether the procedure will wait for approvals.

    Signals:
        changed(): impact or likelihood changed.
    """

    changed = Signal()

    def __init__(
        self,
        definition: TemplateDefinition,
        parent: QWidget | None = None,
        *,
        possible_approvers: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._definition = definition
        self._possible = possible_approvers  # who may approve the signed-in person's work
        options = [(level.capitalize(), level) for level in RISK_LEVELS]
        self.impact = ChoiceEditor("impact", "Impact", FieldType.CHOICE, options)
        self.likelihood = ChoiceEditor("likelihood", "Likelihood", FieldType.CHOICE, options)
        self.impact.widget.setToolTip("How bad it is for users if the change goes wrong")
        self.likelihood.widget.setToolTip("How likely it is that the change goes wrong")
        self.risk_label = QLabel()
        self.risk_label.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        self.approval_label = QLabel()
        self.approval_label.setWordWrap(True)
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if definition.assess_risk:
            layout.addRow(_label("&Impact:", self.impact.widget), self.impact.widget)
            layout.addRow(_label("&Likelihood:", self.likelihood.widget), self.likelihood.widget)
            layout.addRow(_label("Risk:"), self.risk_label)
        else:
            # Not shown, but owned: a widget without a parent would be destroyed by
            # whichever thread's garbage collection finds it, which crashes Qt.
            for widget in (self.impact.widget, self.likelihood.widget, self.risk_label):
                widget.setParent(self)
                widget.hide()
        layout.addRow(_label("Approval:"), self.approval_label)
        for editor in (self.impact, self.likelihood):
            editor.changed.connect(self._update)
            editor.changed.connect(self.changed)
        self._update()

    def values(self) -> tuple[str | None, str | None]:
        if not self._definition.assess_risk:
            return None, None
        return _text(self.impact.value()), _text(self.likelihood.value())

    def level(self) -> str | None:
        return risk_level(*self.values())

    def approvals_required(self) -> int:
        return approvals_required(self._definition.kind, self._definition, self.level())

    def approvers_missing(self) -> str | None:
        """Who alone may approve the signed-in person's work ("nobody", "only 1") when fewer
        may than the level needs — recorded, it would wait for ever; None otherwise."""
        needed = self.approvals_required()
        if not needed or self._possible is None or self._possible >= needed:
            return None
        return "nobody" if self._possible == 0 else f"only {self._possible}"

    def _update(self) -> None:
        level = self.level()
        if level is None:
            self.risk_label.setText("not evaluated yet: choose impact and likelihood")
            self.risk_label.setStyleSheet("color: palette(mid);")
        else:
            colour = RISK_COLOURS[level]
            self.risk_label.setText(f"  {level.capitalize()}  ")
            self.risk_label.setStyleSheet(
                f"background: {colour}; color: white; font-weight: bold; border-radius: 3px;"
            )
        needed = self.approvals_required()
        if needed:
            people = "one approver" if needed == 1 else f"{needed} approvers"
            text = (
                f"Needs {people} from outside your groups. It is saved as pending; "
                "the asset changes when the last approval arrives."
            )
            who = self.approvers_missing()
            if who is not None:
                # A one-person register's decommission waited for two approvers who do
                # not exist; say so before it is recorded, and what would change it.
                text += (
                    f" In this register {who} may approve your work (the approver role, "
                    "outside your groups): it would wait for ever. An administrator can set "
                    f"{self._definition.kind.label} to need no approval in Data › Procedure "
                    "templates, or give more people the approver role (Data › People)."
                )
            self.approval_label.setText(text)
            self.approval_label.setStyleSheet("color: #b26a00; font-weight: bold;")
        else:
            self.approval_label.setText("Not needed: the asset changes as soon as you record it.")
            self.approval_label.setStyleSheet("")


def _label(text: str, buddy: QWidget | None = None) -> QLabel:
    label = QLabel(text)
    label.setMinimumWidth(LABEL_WIDTH - 9)  # the group box adds its own margin
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if buddy is not None:
        label.setBuddy(buddy)
    return label


def _text(value: object) -> str | None:
    return str(value) if value else None
