"""default roles and procedure templates

Frozen: the templates are the ones shipped in resources/templates when this revision was
last changed, copied here so that editing the shipped templates (or the templates
service) never changes what this revision writes on a new database.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import datetime as dt
import json
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import desktop.storage.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("technician", "approver", "auditor", "administrator")


def upgrade() -> None:
    now = dt.datetime.now(dt.UTC)
    roles = sa.table(
        "roles",
        sa.column("id", sa.Uuid()),
        sa.column("name", sa.String()),
        sa.column("version", sa.Integer()),
        sa.column("created_at", desktop.storage.types.UTCDateTime()),
        sa.column("updated_at", desktop.storage.types.UTCDateTime()),
    )
    op.bulk_insert(
        roles,
        [{"id": uuid.uuid4(), "name": name, "version": 1, "created_at": now, "updated_at": now} for name in ROLES],
    )
    templates = sa.table(
        "procedure_templates",
        sa.column("id", sa.Uuid()),
        sa.column("kind", sa.String()),
        sa.column("category_id", sa.Uuid()),
        sa.column("scope_key", sa.String()),
        sa.column("version_number", sa.Integer()),
        sa.column("name", sa.String()),
        sa.column("definition", sa.JSON()),
        sa.column("is_current", sa.Boolean()),
        sa.column("created_at", desktop.storage.types.UTCDateTime()),
    )
    op.bulk_insert(
        templates,
        [
            {
                "id": uuid.uuid4(),
                "kind": data["kind"],
                "category_id": None,
                "scope_key": "",
                "version_number": 1,
                "name": data["name"],
                "definition": data,
                "is_current": True,
                "created_at": now,
            }
            for data in json.loads(_TEMPLATES)
        ],
    )


def downgrade() -> None:
    op.execute("DELETE FROM procedure_templates WHERE version_number = 1 AND scope_key = ''")
    op.execute("DELETE FROM roles")


# The six procedure templates (sorted by kind), as resources/templates shipped them.
_TEMPLATES = r"""[
 {
  "kind": "audit_correction",
  "name": "Audit correction",
  "description": "Correct an asset's record after a physical inventory: where it was found, or that it is missing.",
  "asset_fields": [
   {
    "key": "location"
   },
   {
    "key": "status"
   },
   {
    "key": "notes"
   }
  ],
  "fields": [
   {
    "key": "audit_reference",
    "label": "Audit",
    "type": "text",
    "max_length": 200
   }
  ],
  "checklist": [],
  "rules": [],
  "approval": {
   "mode": "never",
   "approvers": 1
  }
 },
 {
  "kind": "change",
  "name": "Change an asset",
  "description": "Any change to an installed or stocked asset: move, reassignment, repair, upgrade or a correction of its record.",
  "asset_fields": [
   {
    "key": "tag"
   },
   {
    "key": "name"
   },
   {
    "key": "category"
   },
   {
    "key": "model"
   },
   {
    "key": "serial_number"
   },
   {
    "key": "status"
   },
   {
    "key": "location"
   },
   {
    "key": "assigned_to"
   },
   {
    "key": "owning_group"
   },
   {
    "key": "purchase_date"
   },
   {
    "key": "purchase_cost"
   },
   {
    "key": "order_number"
   },
   {
    "key": "supplier"
   },
   {
    "key": "warranty_end"
   },
   {
    "key": "notes"
   }
  ],
  "fields": [
   {
    "key": "change_type",
    "label": "Type of change",
    "type": "choice",
    "required": true,
    "choices": [
     "Move",
     "Reassignment",
     "Repair",
     "Upgrade",
     "Record correction",
     "Other"
    ]
   }
  ],
  "checklist": [
   {
    "key": "user_informed",
    "label": "Affected user or team informed"
   },
   {
    "key": "tested",
    "label": "Asset tested after the change"
   }
  ],
  "rules": [
   {
    "changes_something": true,
    "message": "a change procedure must change at least one field"
   }
  ],
  "assess_risk": true,
  "approval": {
   "mode": "risk",
   "min_risk": "high",
   "approvers": 2
  }
 },
 {
  "kind": "decommission",
  "name": "Decommission an asset",
  "description": "Take an asset out of service for good. Data on it must be sanitised and the evidence recorded.",
  "asset_fields": [
   {
    "key": "location",
    "help": "Where the asset is kept until disposal."
   },
   {
    "key": "notes"
   }
  ],
  "fields": [
   {
    "key": "sanitisation_method",
    "label": "Data sanitisation method",
    "type": "choice",
    "required": true,
    "choices": [
     "Clear: overwrite (NIST SP 800-88)",
     "Purge: cryptographic erase (NIST SP 800-88)",
     "Purge: firmware secure erase (NIST SP 800-88)",
     "Destroy: shred or degauss (NIST SP 800-88)",
     "No data-bearing media"
    ],
    "help": "How the data on the asset's storage was made unrecoverable."
   },
   {
    "key": "evidence_reference",
    "label": "Sanitisation evidence reference",
    "type": "text",
    "required": true,
    "max_length": 100,
    "help": "The wipe report, log or certificate number that proves the sanitisation."
   },
   {
    "key": "storage_serials",
    "label": "Serial numbers of the sanitised drives",
    "type": "text",
    "max_length": 500
   }
  ],
  "checklist": [
   {
    "key": "accounts_removed",
    "label": "Removed from directory, device management and monitoring",
    "required": true
   },
   {
    "key": "licences_released",
    "label": "Software licences released"
   }
  ],
  "rules": [],
  "approval": {
   "mode": "always",
   "approvers": 2
  }
 },
 {
  "kind": "dispose",
  "name": "Dispose of an asset",
  "description": "The asset leaves the organisation: recycled, resold, donated, returned or destroyed.",
  "asset_fields": [
   {
    "key": "notes"
   }
  ],
  "fields": [
   {
    "key": "disposal_method",
    "label": "Disposal method",
    "type": "choice",
    "required": true,
    "choices": [
     "Certified recycling (WEEE / R2 / e-Stewards)",
     "Resale",
     "Donation",
     "Returned to lessor",
     "Physical destruction"
    ]
   },
   {
    "key": "certificate_number",
    "label": "Certificate number",
    "type": "text",
    "required": true,
    "max_length": 100,
    "help": "The disposal, recycling or destruction certificate from the recipient."
   },
   {
    "key": "recipient",
    "label": "Recipient",
    "type": "text",
    "max_length": 200,
    "help": "The company or organisation that took the asset."
   }
  ],
  "checklist": [
   {
    "key": "labels_removed",
    "label": "Asset labels and organisation markings removed"
   }
  ],
  "rules": [],
  "approval": {
   "mode": "always",
   "approvers": 2
  }
 },
 {
  "kind": "install",
  "name": "Install an asset",
  "description": "Put an asset into service: where it stands and who is responsible for it.",
  "asset_fields": [
   {
    "key": "location",
    "required": true,
    "help": "The room or rack the asset is installed in."
   },
   {
    "key": "assigned_to",
    "help": "The person who uses the asset."
   },
   {
    "key": "owning_group",
    "help": "The team responsible for a shared asset."
   },
   {
    "key": "notes"
   }
  ],
  "fields": [
   {
    "key": "hostname",
    "label": "Host name",
    "type": "text",
    "max_length": 100,
    "help": "The network name given to the device, if it has one."
   }
  ],
  "checklist": [
   {
    "key": "powers_on",
    "label": "Device powers on and passes its self-test",
    "required": true
   },
   {
    "key": "handover",
    "label": "Handed over to the user or team, who confirmed receipt",
    "required": true
   },
   {
    "key": "management",
    "label": "Enrolled in device management / monitoring"
   }
  ],
  "rules": [
   {
    "one_of": [
     "assigned_to",
     "owning_group"
    ],
    "message": "an installed asset needs an assignee or an owning group"
   }
  ],
  "approval": {
   "mode": "never",
   "approvers": 1
  }
 },
 {
  "kind": "receive",
  "name": "Receive a new asset",
  "description": "Record a device that has arrived: what it is, where it came from and where it is stored.",
  "asset_fields": [
   {
    "key": "tag",
    "help": "Leave empty to generate the next tag of the category (e.g. LAP-000124)."
   },
   {
    "key": "name",
    "required": true
   },
   {
    "key": "category",
    "required": true
   },
   {
    "key": "model"
   },
   {
    "key": "serial_number",
    "help": "As printed on the device, not on the box."
   },
   {
    "key": "location",
    "required": true,
    "help": "Where the asset is stored now."
   },
   {
    "key": "supplier"
   },
   {
    "key": "order_number"
   },
   {
    "key": "purchase_date"
   },
   {
    "key": "purchase_cost"
   },
   {
    "key": "warranty_end"
   },
   {
    "key": "owning_group"
   },
   {
    "key": "notes"
   }
  ],
  "fields": [
   {
    "key": "delivery_reference",
    "label": "Delivery note",
    "type": "text",
    "max_length": 100,
    "help": "The supplier's delivery note or packing slip number."
   }
  ],
  "checklist": [
   {
    "key": "inspected",
    "label": "Device and packaging inspected: no visible damage",
    "required": true
   },
   {
    "key": "contents_match",
    "label": "Contents match the order (accessories, power supply)",
    "required": true
   },
   {
    "key": "labelled",
    "label": "Asset tag label attached"
   }
  ],
  "rules": [],
  "approval": {
   "mode": "never",
   "approvers": 1
  }
 }
]
"""
