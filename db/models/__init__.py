"""One module per aggregate; importing this package registers every table on `Base.metadata`."""

from db.models.audit import AuditChainHead, AuditEvent
from db.models.definitions import ProcessDefinition
from db.models.instances import BusinessKeySequence, ProcessInstance
from db.models.tasks import HumanTask
from db.models.timers import Timer
from db.models.users import Unit, User, UserRole

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "BusinessKeySequence",
    "HumanTask",
    "ProcessDefinition",
    "ProcessInstance",
    "Timer",
    "Unit",
    "User",
    "UserRole",
]
