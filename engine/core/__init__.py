"""The engine's words: its errors, settings and typed vocabulary. Imports nothing else of the engine."""
