"""Background work: the sweep (timers, scheduled starts, reminders, mail) and the Celery worker that runs it."""
