"""The demo company (``python -m appraise.web load_demo``), built through the services."""
