"""One module per ``symbiosis`` sub-command; see :mod:`symbiosis.cli`."""
