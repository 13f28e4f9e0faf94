"""Package data: the message catalogue and small reference tables."""
