"""Alembic migrations of the registry database (env.py, script template, versions/)."""
