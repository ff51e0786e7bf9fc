"""Target group pages: everyone who works with tenders reads them; admins and regions keep them."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user

from app.auth.access import allow
from app.auth.roles import Role
from app.core.i18n import gettext as _
from app.db import db
from app.targetgroups import queries, services
from app.targetgroups.forms import TargetGroupForm
from app.targetgroups.models import TargetGroup
from app.web.steps import run_step

targetgroups_bp = Blueprint("targetgroups", __name__, url_prefix="/target-groups")


@targetgroups_bp.get("/")
@allow(
    Role.ADMIN,
    Role.REGION_STAFF,
    Role.REGIONAL_DIRECTOR,
    Role.MINISTRY,
    Role.INTEGRATION_MINISTRY,
)
def index():
    groups = queries.target_groups(db.session)
    return render_template(
        "targetgroups/index.html", groups=groups, can_edit=current_user.role in services.MAINTAINERS
    )


def _form_page(form: TargetGroupForm, group: TargetGroup | None, status: int):
    return render_template("targetgroups/form.html", form=form, group=group), status


def _save(form: TargetGroupForm, group: TargetGroup | None):
    if not form.validate_on_submit():
        return _form_page(form, group, 422 if form.errors else 200)
    fields = {
        "name": form.name.data,
        "description": form.description.data or "",
        "integration_effort": form.integration_effort.data,
    }
    return run_step(
        lambda: (
            services.create_target_group(db.session, current_user, **fields)
            if group is None
            else services.update_target_group(
                db.session, current_user, group, **fields, active=form.active.data
            )
        ),
        done=_("The target group is saved."),
        refused=lambda: _form_page(form, group, 409),
        then=url_for("targetgroups.index"),
    )


@targetgroups_bp.route("/new", methods=["GET", "POST"])
@allow(*services.MAINTAINERS)
def create():
    return _save(TargetGroupForm(), None)


@targetgroups_bp.route("/<int:group_id>/edit", methods=["GET", "POST"])
@allow(*services.MAINTAINERS)
def edit(group_id: int):
    group = db.session.get(TargetGroup, group_id)
    if group is None:
        abort(404)
    form = TargetGroupForm(obj=group) if request.method == "GET" else TargetGroupForm()
    return _save(form, group)
