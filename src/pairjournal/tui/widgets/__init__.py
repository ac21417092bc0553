"""The interface's components: widgets and dialogs that screens put together.

- ``dialogs``: ``Dialog``, the one dialog base; ``ConfirmDialog`` (yes, no, or leave it) and ``AskText``.
- ``capture``: the one form for a takeaway or an action item, with share scope and consent.
- ``add_prompt``: a prompt of my own.  ``pair_form``: the pair form, and the dialog around it.
- ``passphrase``: the one new-passphrase form, with its strength hint.
- ``document``: rows of labelled text laid out for the width (the read-only views' primitives).
- ``record``: one record, read-only, field by field.  ``pair_card``: a pair on home.
- ``captured``: what a session captured.  ``choice``: a one-line choice a key cycles.
- ``mood``, ``timer``, ``plain``: the check-in's mood pick, the session timer, text shown as written.
"""
