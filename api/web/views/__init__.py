"""The page blueprints, one a kind of user."""

from api.web.views.absences import blp as absences_blp
from api.web.views.admin import blp as admin_blp
from api.web.views.admin_forms import blp as admin_forms_blp
from api.web.views.attachments import blp as attachments_blp
from api.web.views.audit import blp as audit_blp
from api.web.views.auth import blp as auth_blp
from api.web.views.dashboard import blp as dashboard_blp
from api.web.views.discussion import blp as discussion_blp
from api.web.views.drafts import blp as drafts_blp
from api.web.views.failed_cases import blp as failed_blp
from api.web.views.media_plan import blp as media_plan_blp
from api.web.views.migrations import blp as migrations_blp
from api.web.views.notifications import blp as notifications_blp
from api.web.views.portal import blp as portal_blp
from api.web.views.public_site import blp as public_blp
from api.web.views.registry import blp as registry_blp
from api.web.views.reports import blp as reports_blp
from api.web.views.staff import blp as staff_blp

ALL_BLUEPRINTS = [auth_blp, staff_blp, admin_blp, audit_blp, dashboard_blp, portal_blp, reports_blp, public_blp,
                 attachments_blp, registry_blp, media_plan_blp, drafts_blp, absences_blp, notifications_blp,
                 discussion_blp, migrations_blp, failed_blp, admin_forms_blp]
