"""The inbox: what concerns the logged-in user."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.auth.access import logged_in
from app.auth.views import safe_next
from app.core.errors import NotFound
from app.core.i18n import gettext as _
from app.db import db
from app.notifications import services
from app.web.forms import ConfirmForm
from app.web.pagination import paginate

notifications_bp = Blueprint("notifications", __name__, url_prefix="/inbox")


@notifications_bp.get("/")
@logged_in
def index():
    page = paginate(db.session, services.inbox(current_user))
    return render_template("notifications/index.html", page=page, form=ConfirmForm())


@notifications_bp.post("/<int:notification_id>/open")
@logged_in
def open_message(notification_id: int):
    try:
        notification = services.notification_of(db.session, current_user, notification_id)
    except NotFound:
        abort(404)
    services.mark_read(db.session, current_user, notification)
    db.session.commit()
    return redirect(safe_next(notification.link) or url_for("notifications.index"))


@notifications_bp.post("/read-all")
@logged_in
def read_all():
    if ConfirmForm().validate_on_submit():
        services.mark_all_read(db.session, current_user)
        db.session.commit()
        flash(_("All messages are marked as read."), "success")
    return redirect(url_for("notifications.index"))
