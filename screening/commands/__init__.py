"""The project's own `screening` sub-commands, one module each."""
