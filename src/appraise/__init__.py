"""appraise: performance appraisal (绩效考核) for customer-service teams.

The functional core (``schemes``, ``metrics``, ``scoring``) has no Django in it; the CLI and the
web app both call it.
"""

__version__ = "0.1.0"
