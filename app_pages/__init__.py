"""Streamlit pages of the app: thin screens that call the ``symbiosis`` package."""
