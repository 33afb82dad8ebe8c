"""Jurisdiction profiles: one TOML file a jurisdiction (the statutes' clocks, refusal grounds, appeal routes and
languages), each figure with its legal source. Read by engine/core/jurisdiction.py."""
