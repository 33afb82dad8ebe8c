"""The runtime: the operations on cases (start, complete, claim, message, cancel, extend, fire a timer) and the
steps they are made of (lock, load, validate, advance, save, project)."""
