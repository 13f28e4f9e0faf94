"""Pure functions that shape engine data for screens and reports (no streamlit here)."""
