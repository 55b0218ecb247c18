"""What people look at: ``labels`` (every en/nl text), ``figures`` (every figure), ``comparison``
(`langerthuis compare`'s tables and folder), ``report`` (the HTML handout), ``app`` (the workshop page) with
``appcache`` (its runs, cache and variants) and ``app_cli`` (`langerthuis app`).

Imports ``sim.analysis`` and ``sim.model``."""
