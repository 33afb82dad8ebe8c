from __future__ import annotations

from typing import Any

from flask.views import MethodView
from sqlalchemy import select

from api import present
from api.auth import current_user
from api.blueprint import Blueprint
from api.database import session
from api.schemas import Page, UnitIn, UnitOut, UnitPatch, UserIn, UserOut, UserPatch, page_of
from api.views.common import ctx
from db.models import Unit, User
from engine.people import accounts
from engine.people.access import check_may_read_users
from engine.reads import queries

blp = Blueprint("users", __name__, url_prefix="/api/v1", description="Units and users (admin)")


@blp.route("/units")
class Units(MethodView):
    @blp.doc(operationId="listUnits")
    @blp.arguments(Page, location="query")
    @blp.response(200, page_of(UnitOut, "UnitPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Structural units."""
        check_may_read_users(current_user())
        result = queries.paged(session(), select(Unit).order_by(Unit.key), args["page"], args["per_page"])
        return present.page(result, [present.unit(u) for u in result.items])

    @blp.doc(operationId="createUnit")
    @blp.arguments(UnitIn)
    @blp.response(201, UnitOut)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Add a structural unit."""
        unit = accounts.create_unit(session(), key=body["key"], name=body["name"], names=body["names"],
                                    actor=current_user(), at=ctx().now())
        return present.unit(unit)


@blp.route("/units/<string:unit_key>")
class UnitView(MethodView):
    @blp.doc(operationId="getUnit")
    @blp.response(200, UnitOut)
    def get(self, unit_key: str) -> dict[str, Any]:
        """One structural unit, with its name in each interface language."""
        check_may_read_users(current_user())
        return present.unit(accounts.unit_by_key(session(), unit_key))

    @blp.doc(operationId="updateUnit")
    @blp.arguments(UnitPatch)
    @blp.response(200, UnitOut)
    def patch(self, body: dict[str, Any], unit_key: str) -> dict[str, Any]:
        """Rename a unit: `name` (the default language's) and/or `names` per language; a null removes one."""
        return present.unit(accounts.update_unit(session(), unit_key, body, actor=current_user(), at=ctx().now()))


@blp.route("/users")
class Users(MethodView):
    @blp.doc(operationId="listUsers")
    @blp.arguments(Page, location="query")
    @blp.response(200, page_of(UserOut, "UserPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Users with their roles and unit."""
        check_may_read_users(current_user())
        result = queries.paged(session(), select(User).order_by(User.username), args["page"], args["per_page"])
        return present.page(result, [present.user(u) for u in result.items])

    @blp.doc(operationId="createUser")
    @blp.arguments(UserIn)
    @blp.response(201, UserOut)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Add a user."""
        user = accounts.create_user(session(), actor=current_user(), at=ctx().now(), **body)
        return present.user(user)


@blp.route("/users/<string:username>")
class UserView(MethodView):
    @blp.doc(operationId="getUser")
    @blp.response(200, UserOut)
    def get(self, username: str) -> dict[str, Any]:
        """One user."""
        check_may_read_users(current_user())
        return present.user(accounts.user_by_username(session(), username))

    @blp.doc(operationId="updateUser")
    @blp.arguments(UserPatch)
    @blp.response(200, UserOut)
    def patch(self, body: dict[str, Any], username: str) -> dict[str, Any]:
        """Change roles, unit, or deactivate: a deactivated user cannot sign in; their open tasks stay with the lane."""
        user = accounts.update_user(session(), username, body, actor=current_user(), at=ctx().now())
        return present.user(user)
