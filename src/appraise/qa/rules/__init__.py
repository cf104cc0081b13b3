"""The AutoQA rule language (自动质检规则): rules written in the QA config, built-in lexicon
packs, and the engine that evaluates them with evidence. docs/qa.md, "The rule language".

- :mod:`.model`: the format (pydantic), one model per operator;
- :mod:`.expr`: a rule's ``when:`` expression;
- :mod:`.packs` and ``packs/*.yaml``: the lexicon packs;
- :mod:`.privacy`: mobile, ID and card numbers, addresses; masking;
- :mod:`.engine`: :func:`~.engine.build_ruleset`, :func:`~.engine.run_rules`;
- :mod:`.metrics`: per-agent figures by day and period, escalation, red lines;
- :mod:`.validate`: what the config's rules must satisfy beyond their shape;
- :mod:`.bench`: the rule test bench behind ``appraise qa rules test``.

This package is imported by :mod:`appraise.qa.config` (for the models), so importing it loads
nothing else; import the modules themselves.
"""
