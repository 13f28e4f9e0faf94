"""The services: the only code, besides :mod:`symbiosis.io` and :mod:`symbiosis.db`, that touches files,
the database or the network.

Screens (``app_pages``) and commands (:mod:`symbiosis.commands`) call a service; a service reads or
writes through the stores and hands pure values (frames, dataclasses) to the engine, the views and
the report builders. Import the module you need (``from symbiosis.services.importing import ...``):
this package imports nothing, so that a command loads only what it uses.
"""
