"""The Textual interface. It talks only to the journal and sharing layers."""
