"""The office's calendar and the statutory clock: working days, deadlines, the administrators' overrides."""
