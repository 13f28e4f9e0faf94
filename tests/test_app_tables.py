"""The pages' tables: a table without rows is said in the interface language, not Streamlit's « empty »."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


def _empty_table_page() -> None:
    import pandas as pd

    from app_pages import tables

    tables.show_table(pd.DataFrame({"Votre décision": [], "Quand": []}))
    tables.show_table(pd.DataFrame({"Statut": ["Proposée"]}))


@pytest.mark.parametrize(
    ("lang", "said"), [("fr", "Rien à afficher pour l'instant."), ("en", "Nothing to show yet.")]
)
def test_a_table_without_rows_says_so_in_the_interface_language(lang, said):
    at = AppTest.from_function(_empty_table_page)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    assert [c.value for c in at.caption] == [said]
    assert len(at.dataframe) == 1  # the table with a row is drawn as a table
