"""The vault: cryptography (crypto.py) and the journal file (store.py)."""
