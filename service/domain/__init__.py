"""The petition domain: types, handling decisions, dialogues, plans, registers, reports, documents.

It builds on the generic workflow runtime in `service.usecases`, which reaches it only through the
hooks it registers (`petition_hooks.install`).
"""
