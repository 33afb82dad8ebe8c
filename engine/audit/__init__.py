"""The audit trail: the append-only, hash-chained history of every change."""
