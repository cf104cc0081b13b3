"""Background tasks (imports, computation) with status and progress; no broker needed."""
