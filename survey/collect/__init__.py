"""How answers arrive: the form flow, submissions, paradata, simulated responses and imports.

Modules: ``flow`` (which section a respondent sees, what is wrong with it, where next),
``submission`` (a response on its way to the store, answers cleaned and scored once),
``paradata`` (timings, mode, device hash), ``dispositions`` (AAPOR codes of household visits and
each household's final code), ``simulate`` (labelled simulated answers for demos and
tests) and ``imports`` (a file of responses from wjx, Kobo or our own export: upload, mapping,
preparation). This room never imports ``survey.storage``: the store is handed in.
"""
