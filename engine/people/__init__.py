"""Accounts and access: units, users, passwords, signing in, credentials, and who may do what."""
