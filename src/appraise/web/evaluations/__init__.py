"""Ratings entered in the app, and the results of scoring a cycle (versioned once published)."""
