"""REST resources, one blueprint a resource family."""

from api.views.absences import blp as absences_blp
from api.views.attachments import blp as attachments_blp
from api.views.audit import blp as audit_blp
from api.views.auth import blp as auth_blp
from api.views.calendar import blp as calendar_blp
from api.views.case_comments import blp as case_comments_blp
from api.views.dashboard import blp as dashboard_blp
from api.views.definitions import blp as definitions_blp
from api.views.deliveries import blp as deliveries_blp
from api.views.draft_acts import blp as public_drafts_blp
from api.views.draft_acts import staff as draft_acts_blp
from api.views.failed_cases import blp as failed_cases_blp
from api.views.forms import blp as forms_blp
from api.views.health import blp as health_blp
from api.views.instances import blp as instances_blp
from api.views.jurisdiction import blp as jurisdiction_blp
from api.views.media_plan import blp as media_plan_blp
from api.views.migrations import blp as migrations_blp
from api.views.notifications import blp as notifications_blp
from api.views.notifications import settings_blp as notification_settings_blp
from api.views.public import blp as public_blp
from api.views.registry import blp as registry_blp
from api.views.reports import blp as reports_blp
from api.views.saved_filters import blp as saved_filters_blp
from api.views.tasks import blp as tasks_blp
from api.views.timers import blp as timers_blp
from api.views.users import blp as users_blp

ALL_BLUEPRINTS = [
    auth_blp, users_blp, definitions_blp, instances_blp, tasks_blp, timers_blp, audit_blp, calendar_blp, health_blp,
    notifications_blp, notification_settings_blp, public_blp, jurisdiction_blp, reports_blp, attachments_blp,
    registry_blp, deliveries_blp, media_plan_blp, public_drafts_blp, draft_acts_blp, absences_blp, case_comments_blp,
    dashboard_blp, saved_filters_blp, migrations_blp, failed_cases_blp, forms_blp,
]
