"""Every input of every page has a key: what a user typed or chose survives the language switch.

An unkeyed Streamlit widget is identified by its label, placeholder and options; they change with
the interface language, so switching it drew a new, empty widget in place of the one the user had
filled (the quantity of a new stream, the firms invited to an event, a scenario's distance cap, a
note being typed). A password field is the one exception: it is never kept in the session.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INPUTS = {
    "text_input",
    "text_area",
    "number_input",
    "selectbox",
    "multiselect",
    "checkbox",
    "radio",
    "slider",
    "date_input",
    "time_input",
    "select_slider",
    "toggle",
    "pills",
    "segmented_control",
    "file_uploader",
    "data_editor",
}


def _is_password(call: ast.Call) -> bool:
    return any(
        k.arg == "type" and isinstance(k.value, ast.Constant) and k.value.value == "password"
        for k in call.keywords
    )


def _unkeyed(path: Path) -> list[str]:
    """``file:line widget`` of each input called without ``key=`` (password fields aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.name}:{node.lineno} {node.func.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in INPUTS
        and not any(k.arg == "key" for k in node.keywords)
        and not _is_password(node)
    ]


def test_every_input_of_every_page_has_a_key():
    pages = [*sorted((ROOT / "app_pages").glob("*.py")), ROOT / "app.py"]
    unkeyed = [where for page in pages for where in _unkeyed(page)]
    assert unkeyed == [], "give these inputs a key= (they reset when the language is switched)"


def test_the_check_sees_an_unkeyed_input(tmp_path):
    page = tmp_path / "page.py"
    page.write_text(
        'import streamlit as st\nst.text_input("Nom", key="name")\nst.number_input("Quantité")\n'
        'st.text_input("Mot de passe", type="password")\n',
        encoding="utf-8",
    )
    assert [w.split(" ")[-1] for w in _unkeyed(page)] == ["number_input"]


def test_no_page_takes_a_number_through_the_browsers_number_box():
    # st.number_input read « 12,5 » as 125 and « 1,5 » as 15, silently (a text box read through
    # symbiosis.views.typed takes the advisor's way of writing numbers, and refuses what it cannot read)
    pages = sorted((Path(__file__).resolve().parents[1] / "app_pages").glob("*.py"))
    boxes = [p.name for p in pages if re.search(r"\.number_input\(", p.read_text(encoding="utf-8"))]
    assert boxes == []
