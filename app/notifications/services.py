"""Telling users what concerns them: an inbox entry, and an e-mail through the outbox."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Iterable
from email.message import EmailMessage

from flask import current_app, has_app_context
from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from app import clock
from app.auth.models import User
from app.core.errors import NotFound
from app.core.i18n import gettext as _
from app.notifications.models import Notification, OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def notify(
    db: Session,
    users: Iterable[User],
    subject: str,
    body: str = "",
    link: str | None = None,
    email: bool = True,
) -> list[Notification]:
    """Put a message in each user's inbox and, for active users, an e-mail in the outbox (an API
    token's user reads its inbox through the API)."""
    created = []
    for user in users:
        notification = Notification(user_id=user.id, subject=subject, body=body, link=link)
        db.add(notification)
        created.append(notification)
        if email and user.active and not user.api_client:
            text = body + (f"\n\n{_absolute(link)}" if link else "")
            db.add(OutboxMessage(to_address=user.email, subject=subject, body=text))
    db.flush()
    return created


def _absolute(link: str) -> str:
    """E-mails are read outside the site: a path gets the site's address (BASE_URL)."""
    if link.startswith("/") and has_app_context():
        return current_app.config["BASE_URL"].rstrip("/") + link
    return link


def inbox(user: User) -> Select:
    """The user's own messages, newest first."""
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def unread_count(db: Session, user: User) -> int:
    return (
        db.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        )
        or 0
    )


def notification_of(db: Session, user: User, notification_id: int) -> Notification:
    """The user's own notification; another user's answers as if it did not exist."""
    notification = db.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound(_("The message was not found."))
    return notification


def mark_read(db: Session, user: User, notification: Notification) -> None:
    if notification.user_id != user.id:
        raise NotFound(_("The message was not found."))
    if notification.read_at is None:
        notification.read_at = clock.now()


def mark_all_read(db: Session, user: User) -> int:
    result = db.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=clock.now())
    )
    return result.rowcount or 0


def outbox() -> Select:
    """Every e-mail of the outbox, newest first (the demo's administrator reads them)."""
    return select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())


Transport = Callable[[EmailMessage], None]


def smtp_transport(config: dict) -> Transport:
    """Send through the SMTP server the environment names (MAIL_SERVER and friends)."""

    def send(message: EmailMessage) -> None:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)

    return send


def log_transport(message: EmailMessage) -> None:
    """Development: the e-mail goes to the log instead of a mail server."""
    log.info("E-mail to %s: %s\n%s", message["To"], message["Subject"], message.get_content())


def send_pending(
    db: Session, transport: Transport, sender: str, limit: int = 500
) -> tuple[int, int]:
    """Send what waits in the outbox; a failure is kept for a later try. Returns (sent, failed)."""
    pending = db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    for outgoing in pending:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = (
            sender,
            outgoing.to_address,
            outgoing.subject,
        )
        message.set_content(outgoing.body)
        outgoing.attempts += 1
        try:
            transport(message)
        except (OSError, smtplib.SMTPException) as err:
            outgoing.last_error = str(err)[:500]
            failed += 1
        else:
            outgoing.sent_at = clock.now()
            outgoing.last_error = None
            sent += 1
        db.commit()  # each message's outcome is kept, whatever happens to the next
    return sent, failed
