"""The seams to SpiffWorkflow: the parser, the serializer, the clock it reads, and the sandbox its scripts run in."""
