"""Deployed procedures: diagrams and their versions, deploy-time validation, forms, and timer start events."""
