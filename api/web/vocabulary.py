"""Machine values the pages show to people, as catalog messages.

`label` (api.web.i18n) turns a value such as `in_person` into the message "In person"; the
messages it can meet are listed here so that extraction puts them in the catalogs. The stored words
(db.vocabulary: case and task statuses, audit event types) are labelled from the dicts below, keyed by
their members; `label` and `event_label` look them up there.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_babel.speaklater import LazyString

from db.vocabulary import (
    AppearanceFormat,
    AttachmentKind,
    CommentStatus,
    DefinitionOrigin,
    EmailChoice,
    EmailStatus,
    EventType,
    InstanceStatus,
    LetterKind,
    MediaPlanStatus,
    MigrationCaseStatus,
    MigrationStatus,
    NotificationKind,
    OutletKind,
    TaskStatus,
    TimerStatus,
)

ERROR_TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Please sign in"),
    403: _l("You may not do this"),
    404: _l("Not found"),
    405: _l("Not allowed here"),
    409: _l("This cannot be done now"),
    413: _l("Too large"),
    422: _l("Some fields need correcting"),
    500: _l("Something went wrong on our side"),
}

# Values whose readable form is not the value with its first letter raised.
NAMED_VALUES = {"pr_head": _l("Head of the PR department"), "pr_department": _l("PR department"),
                "draft_act": _l("Draft act"), "adopted_act": _l("Adopted act")}

ROLES = (_l("Admin"), _l("Auditor"), _l("Press secretary"), _l("Unit head"),
         _l("Leadership"), _l("Legal"))

# Auditors' pages and the dashboard: the audit event types, procedures, case statuses and the tones of media
# publications. The stored words' labels are keyed by their members (db.vocabulary):
# tests/unit/test_vocabulary_labels.py fails for a word without a label or a label of no word.
EVENT_TYPES: dict[EventType, LazyString] = {
    EventType.ATTACHMENT_UPLOADED: _l("File attached"),
    EventType.ABSENCE_ENDED: _l("Absence ended"),
    EventType.ABSENCE_RECORDED: _l("Absence recorded"),
    EventType.ABSENCE_STARTED: _l("Absence began: tasks handed over"),
    EventType.ACCREDITATION_GRANTED: _l("Accreditation granted"),
    EventType.ACCREDITATION_REVOKED: _l("Accreditation revoked"),
    EventType.CALENDAR_OVERRIDE_SET: _l("Calendar override set"),
    EventType.CASE_COMMENT_ADDED: _l("Staff comment posted"),
    EventType.CASE_COMMENT_EDITED: _l("Staff comment corrected"),
    EventType.DEADLINE_EXTENDED: _l("Deadline extended"),
    EventType.DEADLINE_MOVED: _l("Deadline moved"),
    EventType.DEADLINE_PAUSED: _l("Deadline paused"),
    EventType.COMMENT_MODERATED: _l("Public comment moderated"),
    EventType.COMMENT_RECEIVED: _l("Public comment received"),
    EventType.DEADLINE_RECOMPUTED: _l("Deadline recomputed"),
    EventType.DEADLINE_RESUMED: _l("Deadline resumed"),
    EventType.DEFINITION_DEPLOYED: _l("Definition deployed"),
    EventType.FORM_DEPLOYED: _l("Form deployed"),
    EventType.DELIVERY_BOUNCED: _l("Release delivery bounced"),
    EventType.DELIVERY_FAILED: _l("Release delivery failed"),
    EventType.DELIVERY_SENT: _l("Release delivered"),
    EventType.DISCUSSION_EXTENDED: _l("Discussion period extended"),
    EventType.DISTRIBUTION_LIST_CREATED: _l("Distribution list created"),
    EventType.DISTRIBUTION_LIST_UPDATED: _l("Distribution list updated"),
    EventType.DISTRIBUTION_PREPARED: _l("Release distribution prepared"),
    EventType.INSTANCE_CANCELLED: _l("Instance cancelled"),
    EventType.INSTANCE_COMPLETED: _l("Instance completed"),
    EventType.INSTANCE_DATA_CHANGED: _l("Case data changed"),
    EventType.INSTANCE_FAILED: _l("Instance failed"),
    EventType.INSTANCE_MIGRATED: _l("Case moved to another version"),
    EventType.INSTANCE_MIGRATED_BACK: _l("Case moved back to its version"),
    EventType.INSTANCE_RETRIED: _l("Failed case retried"),
    EventType.INSTANCE_SKIPPED: _l("Failed step skipped"),
    EventType.INSTANCE_STARTED: _l("Instance started"),
    EventType.JOURNALIST_CREATED: _l("Journalist added"),
    EventType.JOURNALIST_UPDATED: _l("Journalist updated"),
    EventType.MEDIA_PLAN_CANCELLED: _l("Media plan entry cancelled"),
    EventType.MEDIA_PLAN_CREATED: _l("Media plan entry added"),
    EventType.MEDIA_PLAN_FEED_ISSUED: _l("Calendar feed link made"),
    EventType.MEDIA_PLAN_FEED_REVOKED: _l("Calendar feed link revoked"),
    EventType.MEDIA_PLAN_HELD: _l("Media plan entry held"),
    EventType.MEDIA_PLAN_POSTPONED: _l("Media plan entry postponed"),
    EventType.MIGRATION_RECORDED: _l("Move of cases to another version recorded"),
    EventType.MEDIA_PLAN_UPDATED: _l("Media plan entry changed"),
    EventType.MESSAGE_DELIVERED: _l("Message delivered"),
    EventType.NOTIFICATION_CREATED: _l("Notification created"),
    EventType.NOTIFICATION_EMAIL_FAILED: _l("Notification email failed"),
    EventType.NOTIFICATION_EMAILED: _l("Notification emailed"),
    EventType.LETTER_EMAIL_FAILED: _l("Letter to the requester: e-mail failed"),
    EventType.LETTER_EMAILED: _l("Letter to the requester e-mailed"),
    EventType.LETTER_WRITTEN: _l("Letter to the requester written"),
    EventType.OUTLET_CREATED: _l("Outlet added"),
    EventType.OUTLET_UPDATED: _l("Outlet updated"),
    EventType.PUBLICATION_PUBLISHED: _l("Publication published"),
    EventType.REPORT_CLOSED: _l("Reporting period closed"),
    EventType.SIGN_IN_FAILED: _l("Sign in failed"),
    EventType.SIGN_IN_THROTTLED: _l("Sign in throttled"),
    EventType.START_TIMER_FAILED: _l("Start timer failed"),
    EventType.TASK_ASSIGNED: _l("Task assigned"),
    EventType.TASK_CANCELLED: _l("Task cancelled"),
    EventType.TASK_CLAIMED: _l("Task claimed"),
    EventType.TASK_COMPLETED: _l("Task completed"),
    EventType.TASK_CREATED: _l("Task created"),
    EventType.TASK_HANDED_OVER: _l("Task handed to a deputy"),
    EventType.TASK_REMINDED: _l("Task reminded"),
    EventType.TASK_REROUTED: _l("Task rerouted"),
    EventType.TASK_ROUTING_FAILED: _l("Task routing failed"),
    EventType.TASK_UNCLAIMED: _l("Task unclaimed"),
    EventType.TIMER_CANCELLED: _l("Timer cancelled"),
    EventType.TIMER_FIRED: _l("Timer fired"),
    EventType.TIMER_HELD: _l("Timer held"),
    EventType.TIMER_MOVED: _l("Timer moved"),
    EventType.UNIT_CREATED: _l("Unit created"),
    EventType.UNIT_UPDATED: _l("Unit renamed"),
    EventType.USER_CREATED: _l("User created"),
    EventType.USER_UPDATED: _l("User updated"),
}
PROCEDURES = (_l("Information request"), _l("Release approval"), _l("Publication response"), _l("Press conference"),
              _l("Interview request"), _l("Daily digest"))
CASE_STATUSES: dict[InstanceStatus, LazyString] = {
    InstanceStatus.RUNNING: _l("Running"),
    InstanceStatus.COMPLETED: _l("Completed"),
    InstanceStatus.CANCELLED: _l("Cancelled"),
    InstanceStatus.FAILED: _l("Failed"),
}
# A move of cases between versions of a procedure (the procedures' migration page, docs/migrations.md).
MIGRATION_STATUSES: dict[MigrationStatus, LazyString] = {
    MigrationStatus.PLANNED: _l("Planned (dry run)"),
    MigrationStatus.RUNNING: _l("Moving cases"),
    MigrationStatus.INTERRUPTED: _l("Interrupted"),
    MigrationStatus.DONE: _l("Finished"),
}
MIGRATION_CASE_STATUSES: dict[MigrationCaseStatus, LazyString] = {
    MigrationCaseStatus.PENDING: _l("To move"),
    MigrationCaseStatus.MOVED: _l("Moved"),
    MigrationCaseStatus.BLOCKED: _l("Cannot move"),
    MigrationCaseStatus.FAILED: _l("Move failed"),
    MigrationCaseStatus.MOVED_BACK: _l("Moved back"),
}
TONES = (_l("Positive"), _l("Neutral"), _l("Negative"))
# Staff pages: a task's status, and the outcomes the shipped procedures record.
TASK_STATUSES: dict[TaskStatus, LazyString] = {
    TaskStatus.OPEN: _l("Open"),
    TaskStatus.COMPLETED: _l("Completed"),
    TaskStatus.CANCELLED: _l("Cancelled"),
}
# What an attached file is (the case page lists its files by kind).
ATTACHMENT_KINDS: dict[AttachmentKind, LazyString] = {
    AttachmentKind.PHOTO: _l("Photo"),
    AttachmentKind.VIDEO: _l("Video"),
    AttachmentKind.AUDIO: _l("Audio"),
    AttachmentKind.DOCUMENT: _l("Document"),
}
OUTCOMES = (_l("Answered"), _l("Refused"), _l("Withdrawn"), _l("Declined"), _l("Held"), _l("Published"),
            _l("Forwarded"), _l("Partly refused"))

# The registry of the media: an outlet's kind; a release's delivery to a journalist and what became of its e-mail.
OUTLET_KINDS: dict[OutletKind, LazyString] = {
    OutletKind.PRINT: _l("Print"),
    OutletKind.TV: _l("Television"),
    OutletKind.RADIO: _l("Radio"),
    OutletKind.ONLINE: _l("Online"),
    OutletKind.AGENCY: _l("News agency"),
    OutletKind.BLOGGER: _l("Blogger"),
}
# A public comment on a draft act and its moderation.
COMMENT_STATUSES: dict[CommentStatus, LazyString] = {
    CommentStatus.PENDING: _l("Awaiting moderation"),
    CommentStatus.APPROVED: _l("Approved"),
    CommentStatus.REJECTED: _l("Rejected"),
}
EMAIL_STATUSES: dict[EmailStatus, LazyString] = {
    EmailStatus.NONE: _l("Not e-mailed"),
    EmailStatus.PENDING: _l("Waiting to be sent"),
    EmailStatus.SENDING: _l("Being sent"),
    EmailStatus.SENT: _l("Sent"),
    EmailStatus.FAILED: _l("Failed"),
    EmailStatus.BOUNCED: _l("Bounced"),
    EmailStatus.SUMMARY: _l("Waiting for the daily summary"),
    EmailStatus.SUMMARIZED: _l("Sent in a daily summary"),
}
# A notification's kind, as the notifications page and the e-mail settings name it (the words the engine's
# KIND_TITLES open each notification with).
NOTIFICATION_KINDS: dict[NotificationKind, LazyString] = {
    NotificationKind.TASK: _l("New task"),
    NotificationKind.REMINDER: _l("Reminder"),
    NotificationKind.ESCALATION: _l("Escalation"),
    NotificationKind.NOTICE: _l("For your information"),
    NotificationKind.MENTION: _l("Mentioned in a comment"),
}
# Where a deployed version of a procedure came from (the auditors' pages word a deployment's `origin`).
DEFINITION_ORIGINS: dict[DefinitionOrigin, LazyString] = {
    DefinitionOrigin.SHIPPED: _l("Shipped with the application"),
    DefinitionOrigin.DEPLOYED: _l("Deployed by an administrator"),
}
# The publication feeds (engine.runtime.publications: a publication's `feed`, and the first half of its audit
# subject `<feed>:<id>`).
FEEDS: dict[str, LazyString] = {
    "releases": _l("Press releases"),
    "responses": _l("Published responses"),
    "drafts": _l("Draft acts for discussion"),
}
# What a user chose to receive by e-mail of one kind of notification.
EMAIL_CHOICES: dict[EmailChoice, LazyString] = {
    EmailChoice.AT_ONCE: _l("At once"),
    EmailChoice.DAILY: _l("In a daily summary"),
    EmailChoice.NONE: _l("No e-mail"),
}

# The media plan: what an appearance is, and where it stands.
APPEARANCE_FORMATS: dict[AppearanceFormat, LazyString] = {
    AppearanceFormat.PRESS_CONFERENCE: _l("Press conference"),
    AppearanceFormat.BRIEFING: _l("Briefing"),
    AppearanceFormat.INTERVIEW: _l("Interview"),
    AppearanceFormat.SPEECH: _l("Speech"),
    AppearanceFormat.VISIT: _l("Visit"),
    AppearanceFormat.MEETING: _l("Meeting"),
    AppearanceFormat.ROUND_TABLE: _l("Round table"),
    AppearanceFormat.OTHER: _l("Other event"),
}
MEDIA_PLAN_STATUSES: dict[MediaPlanStatus, LazyString] = {
    MediaPlanStatus.PLANNED: _l("Planned"),
    MediaPlanStatus.POSTPONED: _l("Postponed"),
    MediaPlanStatus.CANCELLED: _l("Cancelled"),
    MediaPlanStatus.HELD: _l("Held"),
}

# The fields of the audit events' data (engine.audit.chain records them) that no form titles: the auditors' pages
# name them by these words; a case's data is titled by its procedure's forms (api.web.audit_words).
AUDIT_FIELDS: dict[str, LazyString] = {
    "accreditation_id": _l("Accreditation"), "journalist_id": _l("Journalist"), "language": _l("Language"),
    "media": _l("Media files"), "published_at": _l("Published"), "sha256": _l("Checksum"), "size": _l("Size"),
    "feed": _l("Publication feed"), "origin": _l("Origin of the version"),
    "subject": _l("Subject"), "title": _l("Title"), "url": _l("Address on the web"),
    "active": _l("Active"), "address": _l("Address"),
    "assignee": _l("Assignee"), "body": _l("Text"), "checksum": _l("Checksum"), "comment": _l("Comment"),
    "form": _l("Form"), "forms": _l("Forms"),
    "content_type": _l("File type"), "data": _l("Case data"), "delivery_id": _l("Delivery"),
    "description": _l("Description"), "display_name": _l("Display name"), "due_at": _l("Due"),
    "element_id": _l("Element"), "email": _l("E-mail"), "ends_at": _l("Ends"), "filename": _l("File name"),
    "from": _l("From"), "journalist": _l("Journalist"), "journalist_ids": _l("Journalists"), "key": _l("Key"),
    "kind": _l("Kind"), "letter_id": _l("Letter"), "lists": _l("Distribution lists"), "locale": _l("Language"),
    "message": _l("Message"), "name": _p("of a thing", "Name"), "names": _l("Names in each language"),
    "outcome": _l("Outcome"),
    "password": _l("Password"), "paused_at": _l("Paused"), "process_key": _l("Procedure"),
    "failure": _l("Failure"), "reason": _l("Reason"), "recipients": _l("Recipients"), "role": _l("Role"),
    "roles": _l("Roles"),
    "scope": _l("Scope"), "start_event_id": _l("Start event"), "status": _l("Status"), "task_id": _l("Task"),
    "to": _l("To"), "unit": _l("Unit"), "user": _l("User"), "username": _l("Username"), "version": _l("Version"),
    "why": _l("Reason"), "working_days": _l("Working days"), "text": _l("Text"), "mentions": _l("Mentioned"),
    "attachments": _l("Files"),
    # the registry's and the media plan's records (engine.people.registry, media_plan)
    "outlet_id": _l("Media outlet"), "languages": _l("Languages"), "country": _l("Country"),
    "open_to_press": _l("Open to the press"), "status_reason": _l("Reason"),
    # a published file (engine.runtime.publications.media): its id as recorded, and whether it has a preview
    "id": _l("ID"), "has_thumbnail": _l("Has a thumbnail"),
    # an absence and its handover (engine.runtime.absences)
    "absence": _l("Absence"), "absent": _l("Absent colleague"), "assigner_reason": _l("Reason given when assigning"),
    "handed_over": _l("Tasks handed over"), "kept": _l("Tasks not handed over"),
    # a throttled sign-in, a scheduled start that failed, a calendar day, a calendar feed's link
    "failures": _l("Failed sign-ins"), "window_minutes": _l("Period (minutes)"), "occurrence": _l("Scheduled start"),
    "next_at": _l("Next start"), "working": _l("Working day"), "renewed": _l("Replaces the earlier link"),
    # a case's failure beside its worded reason (api.web.audit_words.TECHNICAL)
    "technical_detail": _l("Technical detail (as the engine recorded it)"),
    "technical_exception": _l("Error type (technical detail)"),
    # a failed case mended (engine.runtime.mending)
    "elements": _l("Steps run again"), "absent_fields": _l("Fields the case lacked"),
    # cases moved to another version of their procedure (engine.runtime.migration, docs/migrations.md)
    "migration_id": _l("Move of cases"), "from_version": _l("From version"), "to_version": _l("To version"),
    "from_checksum": _l("Checksum of the earlier version's diagram"),
    "to_checksum": _l("Checksum of the new version's diagram"), "mapping": _l("Steps mapped (earlier → new)"),
    "options": _l("Options of the move"), "dry_run": _l("Trial only (nothing moved)"),
    "counts": _l("Cases by verdict"), "timers": _l("Waiting timers"), "tasks": _l("Open tasks renamed"),
}

# The kinds of record an audit event's subject names by number (`delivery:12`) where no name of theirs is kept: the
# auditors' pages word them "<kind> №12" (api.web.audit_words).
RECORD_KINDS: dict[str, LazyString] = {
    "delivery": _l("Delivery"), "letter": _l("Letter"), "address": _l("Address"),
    "outlet": _l("Media outlet"), "journalist": _l("Journalist"), "distribution_list": _l("Distribution list"),
    "media_plan": _l("Media plan entry"),
}

# Each stored vocabulary the pages show, with its labels; the others are never shown to a person as such (a timer's
# status, a version's origin: the pages say what they mean in sentences).
LABELLED: dict[type[StrEnum], Mapping[Any, LazyString]] = {
    EventType: EVENT_TYPES,
    InstanceStatus: CASE_STATUSES,
    TaskStatus: TASK_STATUSES,
    AttachmentKind: ATTACHMENT_KINDS,
    OutletKind: OUTLET_KINDS,
    EmailStatus: EMAIL_STATUSES,
    NotificationKind: NOTIFICATION_KINDS,
    EmailChoice: EMAIL_CHOICES,
    AppearanceFormat: APPEARANCE_FORMATS,
    MediaPlanStatus: MEDIA_PLAN_STATUSES,
    CommentStatus: COMMENT_STATUSES,
    DefinitionOrigin: DEFINITION_ORIGINS,
    MigrationStatus: MIGRATION_STATUSES,
    MigrationCaseStatus: MIGRATION_CASE_STATUSES,
}
UNLABELLED: tuple[type[StrEnum], ...] = (TimerStatus, LetterKind)
# The statuses by their stored word, for `label` (a case's and a task's "completed" read alike).
STATUSES: dict[str, LazyString] = {**CASE_STATUSES, **TASK_STATUSES}

def error_title(status: int) -> str:
    return str(ERROR_TITLES.get(status) or ERROR_TITLES[500 if status >= 500 else 400])
