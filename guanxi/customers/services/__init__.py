"""The only code that changes customer records: atomic, audited, keyword-only."""
