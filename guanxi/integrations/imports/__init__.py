"""Import of accounts and contacts from CSV and Excel files (see docs/import.md)."""
