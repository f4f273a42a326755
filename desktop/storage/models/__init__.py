"""All mapped classes; importing this package registers every table on ``Base.metadata``."""

from desktop.storage.models.assets import Asset
from desktop.storage.models.audits import Audit, AuditExpected, AuditScan
from desktop.storage.models.base import Base, new_id
from desktop.storage.models.kits import KitCheckout, KitCheckoutAsset, KitConflict
from desktop.storage.models.procedures import (
    AdminLogEntry,
    Approval,
    Incident,
    IncidentAsset,
    IncidentEvent,
    Procedure,
    ProcedureTemplate,
)
from desktop.storage.models.reference import (
    AssetModel,
    Category,
    Group,
    Location,
    Manufacturer,
    Person,
    PersonLogin,
    Role,
    Supplier,
    TagSequence,
    group_memberships,
    person_roles,
)
from desktop.storage.models.settings import ImportProfile, ImportRun, LabelTemplate

__all__ = [
    "AdminLogEntry",
    "Approval",
    "Asset",
    "AssetModel",
    "Audit",
    "AuditExpected",
    "AuditScan",
    "Base",
    "Category",
    "Group",
    "ImportProfile",
    "ImportRun",
    "Incident",
    "IncidentAsset",
    "IncidentEvent",
    "KitCheckout",
    "KitCheckoutAsset",
    "KitConflict",
    "LabelTemplate",
    "Location",
    "Manufacturer",
    "Person",
    "PersonLogin",
    "Procedure",
    "ProcedureTemplate",
    "Role",
    "Supplier",
    "TagSequence",
    "group_memberships",
    "new_id",
    "person_roles",
]
