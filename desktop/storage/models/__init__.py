"""All mapped classes; importing this package registers every table on ``Base.metadata``."""

from desktop.storage.models.assets import Asset
from desktop.storage.models.audits import Audit, AuditExpected, AuditScan
from desktop.storage.models.base import Base, new_id
from desktop.storage.models.kits import KitCheckout, KitCheckoutAsset, KitConflict
from desktop.storage.models.procedures import (
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
    Role,
    Supplier,
    TagSequence,
    group_memberships,
    person_roles,
)
from desktop.storage.models.settings import ImportProfile, LabelTemplate

__all__ = [
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
    "Procedure",
    "ProcedureTemplate",
    "Role",
    "Supplier",
    "TagSequence",
    "group_memberships",
    "new_id",
    "person_roles",
]
