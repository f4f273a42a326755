"""Headers matched as a whole: the best pairs over all columns, and no column's data dropped."""

from __future__ import annotations

from desktop.spreadsheets.columns import header_names
from desktop.spreadsheets.mapping import (
    EXTRA_NOTES,
    best_mapping,
    fates,
    header_row,
    merge_extra_notes,
    notes_with_extras,
)


def targets(headers: list[str], data: list[list[object]] | None = None) -> dict[str, str]:
    names = header_names(headers)
    columns = data if data is not None else [["x"] for _ in names]
    mapping = best_mapping(names, {"mgmt_ip": "Management IP address"}, None, columns)
    return dict(zip(names, mapping.targets, strict=True))


def test_old_snipeit_person_name_next_to_item_name() -> None:
    found = targets(["Name", "Email", "Username", "item Name", "item Category", "Asset Tag"])
    assert found == {
        "Name": "person_name",
        "Email": "person_email",
        "Username": "assigned_to",
        "item Name": "name",
        "item Category": "category",
        "Asset Tag": "tag",
    }


def test_the_person_column_by_preference_whatever_the_column_order() -> None:
    # Each of the person's columns is kept: found by user name, else e-mail, else full name.
    assert targets(["Full Name", "Email", "Asset Tag"]) == {
        "Full Name": "person_name",
        "Email": "person_email",
        "Asset Tag": "tag",
    }
    assert targets(["Full Name", "Asset Tag"])["Full Name"] == "person_name"
    assert targets(["Email", "Checked Out To", "Asset Tag"]) == {
        "Email": "person_email",
        "Checked Out To": "assigned_to",
        "Asset Tag": "tag",
    }
    # Without a user name column, old Snipe-IT's "Name" next to "item Name" is the full name.
    assert targets(["Name", "Email", "item Name"]) == {
        "Name": "person_name",
        "Email": "person_email",
        "item Name": "name",
    }
    # Without an asset-name column, a lone "Name" is the asset's name.
    assert targets(["Name", "Username"]) == {"Name": "name", "Username": "assigned_to"}


def test_register_names_units_underscores_and_trailing_spaces() -> None:
    found = targets(
        [
            "Assets Id",
            "Device Type ",
            "Assigned_User",
            "Warranty Expiry Date",
            "Purchase Cost (AUD)",
            "Asset Notes",
            "Model Notes",
            "EOL Date",
            "Management IP address",
        ]
    )
    assert found == {
        "Assets Id": "tag",
        "Device Type": "category",
        "Assigned_User": "assigned_to",
        "Warranty Expiry Date": "warranty_end",
        "Purchase Cost (AUD)": "purchase_cost",
        "Asset Notes": "notes",
        "Model Notes": EXTRA_NOTES,
        "EOL Date": EXTRA_NOTES,
        "Management IP address": "custom.mgmt_ip",
    }
    assert targets(["TAG Id", "Asset ID"]) == {"TAG Id": "tag", "Asset ID": EXTRA_NOTES}


def test_ralph_readable_columns_win_over_their_ids() -> None:
    found = targets(["model", "model_str", "sn", "barcode", "hostname", "invoice_date", "price"])
    assert found == {
        "model": EXTRA_NOTES,
        "model_str": "model",
        "sn": "serial_number",
        "barcode": "tag",
        "hostname": "name",
        "invoice_date": "purchase_date",
        "price": "purchase_cost",
    }


def test_shelf_export() -> None:
    found = targets(
        ["id", "title", "category", "custody", "valuation", "barcode_Code128", "barcode_QR", "kit"]
    )
    assert found == {
        "id": EXTRA_NOTES,
        "title": "name",
        "category": "category",
        "custody": "assigned_to",
        "valuation": "purchase_cost",
        "barcode_Code128": "tag",
        "barcode_QR": EXTRA_NOTES,
        "kit": EXTRA_NOTES,
    }


def test_an_empty_unknown_column_has_nothing_to_keep_and_a_profile_decides_first() -> None:
    names = ["Asset Tag", "Colour", "Spare"]
    mapping = best_mapping(names, {}, {"Colour": ""}, [["A-1"], ["red"], [None, " "]])
    assert mapping.targets == ("tag", "", "")
    assert [f.text for f in fates(mapping, {})] == [
        "imported as Asset tag",
        "not imported",
        "not imported",
    ]


def test_duplicate_and_blank_headers_keep_their_data_in_the_notes() -> None:
    names = header_names(["Asset Tag", "Notes", None, "Notes"])
    assert names == ["Asset Tag", "Notes", "Column C", "Notes (2)"]
    mapping = best_mapping(names, {}, None, [["A"], ["n1"], ["rack 4"], ["n2"]])
    assert mapping.targets == ("tag", "notes", EXTRA_NOTES, EXTRA_NOTES)
    given: dict[str, object] = {"notes": "n1"}
    merge_extra_notes(given, ["A", "n1", "rack 4", 3.0], mapping)
    assert given[EXTRA_NOTES] == "Column C: rack 4\nNotes (2): 3"
    combined = notes_with_extras("n1", "Column C: rack 4\nNotes (2): 3")
    assert combined == "n1\nColumn C: rack 4\nNotes (2): 3"
    assert notes_with_extras(combined, "Column C: rack 4\nNotes (2): 3") == combined
    assert notes_with_extras(None, "Column C: rack 4") == "Column C: rack 4"


def test_the_header_row_is_the_one_naming_most_columns() -> None:
    rows: list[list[object]] = [
        ["IT register"],
        [],
        ["Asset ID", "Asset Name", "Device Type"],
        ["A-1", "x", "Laptop"],
    ]
    assert header_row(rows, {}) == (2, 3)


def test_spanish_and_italian_registers_and_words_that_mean_two_fields() -> None:
    assert targets(
        ["Número de inventario", "Nombre", "Categoría", "Fabricante", "Modelo",
         "Número de serie", "Ubicación", "Estado", "Asignado a", "Fecha de compra",
         "Precio de compra (€)", "Fin de garantía", "Proveedor", "Observaciones"]
    ) == {
        "Número de inventario": "tag", "Nombre": "name", "Categoría": "category",
        "Fabricante": "manufacturer", "Modelo": "model", "Número de serie": "serial_number",
        "Ubicación": "location", "Estado": "status", "Asignado a": "assigned_to",
        "Fecha de compra": "purchase_date", "Precio de compra (€)": "purchase_cost",
        "Fin de garantía": "warranty_end", "Proveedor": "supplier",
        "Observaciones": "notes",
    }  # fmt: skip
    assert targets(
        ["Numero di inventario", "Nome", "Categoria", "Produttore", "Modello",
         "Numero di serie", "Ubicazione", "Stato", "Assegnato a", "Data di acquisto",
         "Prezzo di acquisto", "Scadenza garanzia", "Fornitore", "Note"]
    ) == {
        "Numero di inventario": "tag", "Nome": "name", "Categoria": "category",
        "Produttore": "manufacturer", "Modello": "model", "Numero di serie": "serial_number",
        "Ubicazione": "location", "Stato": "status", "Assegnato a": "assigned_to",
        "Data di acquisto": "purchase_date", "Prezzo di acquisto": "purchase_cost",
        "Scadenza garanzia": "warranty_end", "Fornitore": "supplier", "Note": "notes",
    }  # fmt: skip
    # "Beschreibung" (description) is the name only when nothing names it better.
    found = targets(["Inventarnummer", "Bezeichnung", "Beschreibung", "Benutzer"])
    assert found == {
        "Inventarnummer": "tag",
        "Bezeichnung": "name",
        "Beschreibung": "notes",
        "Benutzer": "assigned_to",
    }
