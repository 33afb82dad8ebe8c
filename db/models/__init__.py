"""One module per aggregate; importing this package registers every table on `Base.metadata`."""

from db.models.absences import Absence
from db.models.archive import ArchiveEntry
from db.models.attachments import Attachment
from db.models.audit import AuditChainHead, AuditCheckpoint, AuditEvent, AuditTree, AuditTreeNode, CheckpointPush
from db.models.calendar import CalendarOverride
from db.models.case_comments import CaseComment
from db.models.case_words import CaseWords
from db.models.definitions import ProcessDefinition
from db.models.deliveries import Delivery
from db.models.draft_acts import DraftComment
from db.models.forms import FormVersion
from db.models.instances import BusinessKeySequence, ProcessInstance
from db.models.letters import PortalRequest, RequesterLetter
from db.models.media_plan import CalendarFeedToken, MediaPlanEntry
from db.models.migrations import Migration, MigrationCase
from db.models.notifications import EmailSummary, Notification, NotificationChoice
from db.models.publications import Publication
from db.models.registry import Accreditation, DistributionList, DistributionListMember, Journalist, Outlet
from db.models.reports import ReportPeriod
from db.models.saved_filters import SavedFilter
from db.models.schedules import StartTimer
from db.models.sign_in import RevokedCredential, SignInFailure
from db.models.tasks import HumanTask
from db.models.timers import Timer
from db.models.users import Unit, User, UserRole

__all__ = [
    "Absence",
    "Attachment",
    "Accreditation",
    "ArchiveEntry",
    "AuditChainHead",
    "AuditCheckpoint",
    "AuditEvent",
    "AuditTree",
    "AuditTreeNode",
    "BusinessKeySequence",
    "CalendarFeedToken",
    "CalendarOverride",
    "CheckpointPush",
    "CaseComment",
    "CaseWords",
    "Delivery",
    "DraftComment",
    "Migration",
    "MigrationCase",
    "DistributionList",
    "DistributionListMember",
    "EmailSummary",
    "FormVersion",
    "HumanTask",
    "Journalist",
    "MediaPlanEntry",
    "Notification",
    "NotificationChoice",
    "Outlet",
    "PortalRequest",
    "ProcessDefinition",
    "ProcessInstance",
    "Publication",
    "ReportPeriod",
    "SavedFilter",
    "RequesterLetter",
    "RevokedCredential",
    "SignInFailure",
    "StartTimer",
    "Timer",
    "Unit",
    "User",
    "UserRole",
]
