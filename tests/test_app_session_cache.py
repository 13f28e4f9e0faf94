"""Session-scoped caches are dropped at sign-out through Streamlit's public ``clear()`` only."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def _script():
    import streamlit as st

    from app_pages import state

    calls = st.session_state.setdefault("calls", [])

    @state.session_cache(max_entries=4)
    def square(x):
        calls.append(x)
        return x * x

    square(3)
    square(3)
    if st.session_state.get("sign_out"):
        state._clear_session_caches()
        square(3)
    st.write(f"computed {len(calls)}")


def test_signing_out_recomputes_what_the_session_had_cached():
    app = AppTest.from_function(_script)
    app.run()
    assert app.markdown[0].value == "computed 1"  # the second call was served from the cache
    app.session_state["sign_out"] = True
    app.run()
    assert app.markdown[0].value == "computed 2"  # cleared, so computed once more


def test_no_private_streamlit_api_is_used_to_clear_caches():
    text = (ROOT / "app_pages" / "state.py").read_text(encoding="utf-8")
    assert "streamlit.runtime.caching" not in text
