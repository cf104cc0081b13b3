"""Scheme versions: the YAML text of a scheme, validated by the engine, never edited in place."""
