"""Command groups of the `hubdesk` command, one module each."""
