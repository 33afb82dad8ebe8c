"""The words Jarchy stores: the statuses of cases, tasks, timers and notifications' e-mail, the kinds of
notifications, and the types of audit events. Each is defined here once; the columns that hold them
(`db.types.Vocabulary`) refuse any other value, the engine writes and compares the members, and the pages
label them from these lists (api/web/vocabulary.py), so a typo fails loudly instead of storing a new word.

They live in `db/` because the database holds them and `db/` imports nothing of the engine."""

from __future__ import annotations

from enum import StrEnum


class InstanceStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FAILED = "failed"


class TaskStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class TimerStatus(StrEnum):
    PENDING = "pending"
    HELD = "held"  # the deadline it counts to is paused
    FIRED = "fired"
    CANCELLED = "cancelled"


class MigrationStatus(StrEnum):
    """A move of cases between versions (docs/migrations.md): a dry run stays `planned`; a run is `running` until
    every case is done, `interrupted` when it stopped before (a resumed run goes on), then `done`."""

    PLANNED = "planned"
    RUNNING = "running"
    INTERRUPTED = "interrupted"
    DONE = "done"


class MigrationCaseStatus(StrEnum):
    PENDING = "pending"
    MOVED = "moved"
    BLOCKED = "blocked"
    FAILED = "failed"  # the move itself failed (the reason `move_failed`): the case stayed where it was
    MOVED_BACK = "moved_back"


class NotificationKind(StrEnum):
    TASK = "task"
    REMINDER = "reminder"
    ESCALATION = "escalation"
    NOTICE = "notice"  # a case told to a role that has no task in it (002 §15: the PR department is informed)
    MENTION = "mention"  # named as @username in a staff comment on a case they may read


class LetterKind(StrEnum):
    """What a letter to a requester (who has no account) tells them."""

    REGISTERED = "registered"
    EXTENDED = "extended"
    FORWARDED = "forwarded"
    ANSWERED = "answered"


class EmailStatus(StrEnum):
    """An outbox row's e-mail: none (no address or no SMTP), pending, sending (claimed by a sender), sent,
    failed (given up), bounced (sent, then reported undeliverable by the mail system)."""

    NONE = "none"
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BOUNCED = "bounced"  # accepted by the server, then reported undeliverable (a release's delivery)
    # A notification whose recipient chose the daily summary for its kind: it waits for the next one ("summary"),
    # then is in one ("summarized"; the summary's own row is the outbox row that is sent).
    SUMMARY = "summary"
    SUMMARIZED = "summarized"


class EmailChoice(StrEnum):
    """How a user wants the notifications of one kind by e-mail: each at once, in a daily summary, or not at all
    (they are listed on the notifications page either way)."""

    AT_ONCE = "at_once"
    DAILY = "daily"
    NONE = "none"


class OutletKind(StrEnum):
    """What kind of medium an outlet of the registry is."""

    PRINT = "print"
    TV = "tv"
    RADIO = "radio"
    ONLINE = "online"
    AGENCY = "agency"
    BLOGGER = "blogger"


class AttachmentKind(StrEnum):
    """What an attached file is, decided from its content (engine.files.kinds): each kind has its own size limit."""

    PHOTO = "photo"
    VIDEO = "video"
    AUDIO = "audio"
    DOCUMENT = "document"


class AppearanceFormat(StrEnum):
    """What a planned appearance of the leadership in the media plan is (002 §4-5; 000 §4.5-6; 001 §2)."""

    PRESS_CONFERENCE = "press_conference"
    BRIEFING = "briefing"
    INTERVIEW = "interview"
    SPEECH = "speech"
    VISIT = "visit"
    MEETING = "meeting"
    ROUND_TABLE = "round_table"
    OTHER = "other"


class MediaPlanStatus(StrEnum):
    """Where an entry of the media plan stands: planned, postponed or cancelled (each with its reason), or held
    (recorded once it has begun)."""

    PLANNED = "planned"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"
    HELD = "held"
class CommentStatus(StrEnum):
    """A public comment on a draft act: waiting for the PR department's moderation, approved (shown on the draft's
    page) or rejected (never shown; the reason is kept)."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class EventType(StrEnum):
    """The audit trail's event types: `subject.what_happened`."""

    ABSENCE_ENDED = "absence.ended"
    ABSENCE_RECORDED = "absence.recorded"
    ABSENCE_STARTED = "absence.started"
    ATTACHMENT_UPLOADED = "attachment.uploaded"
    ACCREDITATION_GRANTED = "accreditation.granted"
    ACCREDITATION_REVOKED = "accreditation.revoked"
    CALENDAR_OVERRIDE_SET = "calendar.override_set"
    CASE_COMMENT_ADDED = "case_comment.added"  # staff's discussion of a case (not the public's comment.*)
    CASE_COMMENT_EDITED = "case_comment.edited"
    COMMENT_MODERATED = "comment.moderated"
    COMMENT_RECEIVED = "comment.received"
    DEADLINE_EXTENDED = "deadline.extended"
    DEADLINE_MOVED = "deadline.moved"
    DEADLINE_PAUSED = "deadline.paused"
    DEADLINE_RECOMPUTED = "deadline.recomputed"
    DEADLINE_RESUMED = "deadline.resumed"
    DEFINITION_DEPLOYED = "definition.deployed"
    DISCUSSION_EXTENDED = "discussion.extended"
    DELIVERY_BOUNCED = "delivery.bounced"
    DELIVERY_FAILED = "delivery.failed"
    DELIVERY_SENT = "delivery.sent"
    DISTRIBUTION_LIST_CREATED = "distribution_list.created"
    DISTRIBUTION_LIST_UPDATED = "distribution_list.updated"
    DISTRIBUTION_PREPARED = "distribution.prepared"
    FORM_DEPLOYED = "form.deployed"
    INSTANCE_CANCELLED = "instance.cancelled"
    INSTANCE_COMPLETED = "instance.completed"
    INSTANCE_DATA_CHANGED = "instance.data_changed"
    INSTANCE_FAILED = "instance.failed"
    INSTANCE_MIGRATED = "instance.migrated"  # moved to another version of its procedure (docs/migrations.md)
    INSTANCE_MIGRATED_BACK = "instance.migrated_back"
    INSTANCE_RETRIED = "instance.retried"  # a failed case's failed steps run again (engine.runtime.mending)
    INSTANCE_SKIPPED = "instance.skipped"  # a failed case's failed step marked done without running
    INSTANCE_STARTED = "instance.started"
    MIGRATION_RECORDED = "migration.recorded"  # a migration of cases planned (a dry run) or begun
    JOURNALIST_CREATED = "journalist.created"
    JOURNALIST_UPDATED = "journalist.updated"
    LETTER_EMAIL_FAILED = "letter.email_failed"
    LETTER_EMAILED = "letter.emailed"
    LETTER_WRITTEN = "letter.written"
    MEDIA_PLAN_CANCELLED = "media_plan.cancelled"
    MEDIA_PLAN_CREATED = "media_plan.created"
    MEDIA_PLAN_FEED_ISSUED = "media_plan.feed_issued"
    MEDIA_PLAN_FEED_REVOKED = "media_plan.feed_revoked"
    MEDIA_PLAN_HELD = "media_plan.held"
    MEDIA_PLAN_POSTPONED = "media_plan.postponed"
    MEDIA_PLAN_UPDATED = "media_plan.updated"
    MESSAGE_DELIVERED = "message.delivered"
    NOTIFICATION_CREATED = "notification.created"
    NOTIFICATION_EMAIL_FAILED = "notification.email_failed"
    NOTIFICATION_EMAILED = "notification.emailed"
    OUTLET_CREATED = "outlet.created"
    OUTLET_UPDATED = "outlet.updated"
    PUBLICATION_PUBLISHED = "publication.published"
    REPORT_CLOSED = "report.closed"
    SIGN_IN_FAILED = "sign_in.failed"
    SIGN_IN_THROTTLED = "sign_in.throttled"
    START_TIMER_FAILED = "start_timer.failed"
    TASK_ASSIGNED = "task.assigned"
    TASK_CANCELLED = "task.cancelled"
    TASK_CLAIMED = "task.claimed"
    TASK_COMPLETED = "task.completed"
    TASK_CREATED = "task.created"
    TASK_HANDED_OVER = "task.handed_over"
    TASK_REMINDED = "task.reminded"
    TASK_REROUTED = "task.rerouted"
    TASK_ROUTING_FAILED = "task.routing_failed"
    TASK_UNCLAIMED = "task.unclaimed"
    TIMER_CANCELLED = "timer.cancelled"
    TIMER_FIRED = "timer.fired"
    TIMER_HELD = "timer.held"
    TIMER_MOVED = "timer.moved"
    UNIT_CREATED = "unit.created"
    UNIT_UPDATED = "unit.updated"
    USER_CREATED = "user.created"
    USER_UPDATED = "user.updated"


class DefinitionOrigin(StrEnum):
    """Where a deployed version came from: the package's own diagrams (`jarchy init`) or an administrator."""

    SHIPPED = "shipped"
    DEPLOYED = "deployed"
