"""The web application (Django): organisation, schemes, cycles, ratings, results, appeals.

Everything here calls the functional core; no scoring rule is written twice. See docs/web.md.
"""
