"""The Textual interface. It talks only to the journal and sharing layers, and renders their answers.

The rooms:

- ``app.py``: the app, the one holder of the unlocked journal; gate and journal modes, locking,
  the one-second tick. It is the ``JournalHost`` of ``seam.py``.
- ``seam.py``: what a screen may ask of the app (the ``JournalHost`` Protocol) and ``Hosted``, the
  one typed handle every screen and dialog mixes in.
- ``screens/``: one screen per module, on ``screens/common.py``'s ``JournalScreen`` (the gate's
  on ``GateScreen`` in ``unlock.py``); ``screens/__init__.py`` holds the routing: the table of
  places (``DESTINATIONS``) and where each record lives (``where_it_lives``).
- ``widgets/``: the components, dialogs included (``widgets/__init__.py`` lists them).
- ``presenters.py``: how records read on screen, for every screen.
- ``commands.py``: the one command-palette provider. ``messages.py``: what the app tells screens.
- ``keys.py``: the help key (? and F1, on the app), every binding of ours by id, the keys each has after
  the person's keymap; ``config.py``: that keymap, read from config.toml (keys only) without ever raising;
  ``screens/help.py``: the help overlay, read from the screen underneath.
- ``compat.py``: the only place that touches Textual's or Rich's private names.
- ``themes.py``, ``lock.py``, ``launch.py``: themes as data, one interface per journal, the entry point.

Where styles live, by when they are first needed: ``app.tcss``, the app's own stylesheet read at
start-up, holds the look every screen shares (the pj-* classes, dialogs), the components in
``widgets/``, and the layouts of the screens shown without parsing more CSS (the gate, home, the
live session and its summary, settings); ``screens/screens.tcss`` holds the layout of every other
screen, one section each, and is read when the first of them opens (``JournalScreen.CSS_PATH``);
a widget's ``DEFAULT_CSS`` holds only what it needs wherever it is used (its height, say). No
screen carries CSS of its own, so a stylesheet is parsed at start-up and at most once more.
"""
