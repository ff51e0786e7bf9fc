"""Target group pages: everyone who works with tenders reads them; admins and regions keep them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import allow
from app.auth.roles import Role
from app.core.errors import DomainError
from app.core.i18n import gettext as _
from app.db import db
from app.targetgroups import services
from app.targetgroups.forms import TargetGroupForm
from app.targetgroups.models import TargetGroup

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
    groups = db.session.scalars(select(TargetGroup).order_by(TargetGroup.name)).all()
    return render_template(
        "targetgroups/index.html", groups=groups, can_edit=current_user.role in services.MAINTAINERS
    )


def _save(form: TargetGroupForm, group: TargetGroup | None):
    if form.validate_on_submit():
        try:
            if group is None:
                services.create_target_group(
                    db.session,
                    current_user,
                    name=form.name.data,
                    description=form.description.data or "",
                    integration_effort=form.integration_effort.data,
                )
            else:
                services.update_target_group(
                    db.session,
                    current_user,
                    group,
                    name=form.name.data,
                    description=form.description.data or "",
                    integration_effort=form.integration_effort.data,
                    active=form.active.data,
                )
        except DomainError as err:
            db.session.rollback()
            flash(str(err), "error")
            return render_template("targetgroups/form.html", form=form, group=group), 409
        db.session.commit()
        flash(_("The target group is saved."), "success")
        return redirect(url_for("targetgroups.index"))
    status = 422 if form.errors else 200
    return render_template("targetgroups/form.html", form=form, group=group), status


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
