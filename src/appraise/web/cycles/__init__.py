"""Appraisal cycles: a pinned scheme version x a period x the agents, and their states."""
