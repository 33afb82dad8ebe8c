"""Machine values the pages show to people, as catalog messages.

`label` (api.web.i18n) turns a value such as `in_person` into the message "In person"; the
messages it can meet are listed here so that extraction puts them in the catalogs.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ERROR_TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Please sign in"),
    403: _l("You may not do this"),
    404: _l("Not found"),
    405: _l("Not allowed here"),
    409: _l("Someone else changed this first; reload and try again"),
    413: _l("Too large"),
    422: _l("Some fields need correcting"),
    500: _l("Something went wrong on our side"),
}

ROLES = (_l("Admin"), _l("Auditor"), _l("Pr head"), _l("Pr department"), _l("Press secretary"), _l("Unit head"),
         _l("Leadership"), _l("Legal"))


def error_title(status: int) -> str:
    return str(ERROR_TITLES.get(status) or ERROR_TITLES[500 if status >= 500 else 400])
