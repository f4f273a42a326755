"""The one folding of the search box (accents dropped, lower case), and PostgreSQL's
``asset_search_fold`` (migration 0017) giving the same text as the Python function."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select

from desktop.storage.database import Database
from desktop.storage.folding import fold, register_sqlite_functions

SAMPLES = (
    "Zürich",
    "SÃO PAULO",
    "Crème Brûlée",
    "Zu\u0308rich",  # the accent as a separate combining mark
    "Łódź Straße Øresund Æther",  # letters that are not a base letter with a mark
    "naïve CAFÉ",
    "Ελλάδα Ἀθῆναι",
    "Việt Nam",
    "ÅB-1234",
    "LAP-000123 plain ASCII",
    "50% b_c \\",
    "",
)


def test_fold_drops_accents_and_case_and_keeps_other_letters() -> None:
    assert fold("Zürich") == "zurich"
    assert fold("SÃO PAULO") == "sao paulo"
    assert fold("Zu\u0308rich") == "zurich"
    assert fold("Crème Brûlée") == "creme brulee"
    assert fold("Việt Nam") == "viet nam"
    assert fold("Łódź Straße Øresund Æther") == "łodz straße øresund æther"
    assert fold("50% b_c \\") == "50% b_c \\"
    assert fold("LAP-000123") == "lap-000123"


def test_a_sqlite_connection_folds_with_the_same_function() -> None:
    connection = sqlite3.connect(":memory:")
    register_sqlite_functions(connection)
    for sample in SAMPLES:
        folded = connection.execute("SELECT asset_search_fold(?)", (sample,)).fetchone()[0]
        assert folded == fold(sample)
    assert connection.execute("SELECT asset_search_fold(NULL)").fetchone()[0] is None


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_postgresql_folds_as_the_python_function_does(db: Database) -> None:
    with db.read() as session:
        for sample in SAMPLES:
            folded = session.execute(select(func.asset_search_fold(sample))).scalar_one()
            assert folded == fold(sample), sample
        assert session.execute(select(func.asset_search_fold(None))).scalar_one() is None
