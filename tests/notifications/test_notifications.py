"""The inbox and the e-mail outbox."""

from __future__ import annotations

import logging
import smtplib

from sqlalchemy import select, update

from app import clock
from app.notifications import services
from app.notifications.models import Notification, OutboxMessage
from tests.conftest import login, user


def _notify(db, email, subject="Et emne", link=None):
    recipient = user(db, email)
    [notification] = services.notify(db, [recipient], subject, "Brødtekst", link=link)
    db.commit()
    return notification.id


def _read_everything(db, email):
    """The demo's own messages read, so that the count below is this test's alone."""
    services.mark_all_read(db, user(db, email))
    db.commit()


def test_a_notification_lands_in_the_inbox_and_the_outbox(db):
    _read_everything(db, "leder.odense@demo.dk")
    _notify(db, "leder.odense@demo.dk")
    outgoing = db.scalars(select(OutboxMessage).where(OutboxMessage.subject == "Et emne")).all()
    assert [(m.to_address, m.subject) for m in outgoing] == [("leder.odense@demo.dk", "Et emne")]
    assert services.unread_count(db, user(db, "leder.odense@demo.dk")) == 1


def test_the_header_shows_the_unread_count_and_opening_marks_it_read(client, db):
    _read_everything(db, "leder.odense@demo.dk")
    notification_id = _notify(db, "leder.odense@demo.dk", link="/profile")
    login(client, "leder.odense@demo.dk")
    html = client.get("/start").get_data(as_text=True)
    assert 'data-testid="unread-count">1' in html
    response = client.post(f"/inbox/{notification_id}/open")
    assert response.headers["Location"] == "/profile"
    assert 'data-testid="unread-count"' not in client.get("/start").get_data(as_text=True)


def test_another_users_notification_answers_404_and_stays_unread(client, db):
    notification_id = _notify(db, "region.nordjylland@demo.dk")
    login(client, "region.syddanmark@demo.dk")
    assert client.post(f"/inbox/{notification_id}/open").status_code == 404
    db.expire_all()
    assert db.get(Notification, notification_id).read_at is None


def test_a_link_to_another_site_is_never_followed(client, db):
    notification_id = _notify(db, "admin@demo.dk", link="https://evil.example/")
    login(client, "admin@demo.dk")
    assert client.post(f"/inbox/{notification_id}/open").headers["Location"] == "/inbox/"


def test_mark_all_read(client, db):
    _notify(db, "admin@demo.dk")
    _notify(db, "admin@demo.dk", subject="Andet emne")
    login(client, "admin@demo.dk")
    html = client.get("/inbox/").get_data(as_text=True)
    assert "Et emne" in html and "Andet emne" in html
    client.post("/inbox/read-all")
    assert services.unread_count(db, user(db, "admin@demo.dk")) == 0


def test_an_admin_changing_a_role_notifies_the_user(admin_client, db):
    target = user(db, "region.midtjylland@demo.dk")
    admin_client.post(
        f"/admin/users/{target.id}/edit",
        data={
            "name": target.name,
            "role": "regional_director",
            "organisation_id": target.organisation_id,
        },
    )
    subjects = db.scalars(
        select(Notification.subject)
        .where(Notification.user_id == target.id)
        .order_by(Notification.id.desc())
    ).all()
    assert subjects[0] == "Din adgang er ændret"


def test_send_mail_sends_what_waits_and_keeps_failures_for_a_retry(db):
    db.execute(update(OutboxMessage).values(sent_at=clock.now()))  # what the demo data queued
    _notify(db, "admin@demo.dk", subject="Første")
    _notify(db, "ministeriet@demo.dk", subject="Anden")
    delivered = []

    def flaky(message):
        if message["To"] == "ministeriet@demo.dk":
            raise smtplib.SMTPServerDisconnected("server went away")
        delivered.append((message["To"], message["Subject"]))

    assert services.send_pending(db, flaky, "Rammeudbud <no-reply@test>") == (1, 1)
    assert delivered == [("admin@demo.dk", "Første")]
    failed = db.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))).one()
    assert failed.attempts == 1 and "went away" in failed.last_error
    assert services.send_pending(db, lambda m: delivered.append(m["To"]), "x") == (1, 0)
    assert delivered[-1] == "ministeriet@demo.dk"
    assert services.send_pending(db, flaky, "x") == (0, 0)  # nothing sent twice


def test_the_send_mail_command_logs_in_development(app, db, caplog):
    db.execute(update(OutboxMessage).values(sent_at=clock.now()))
    caplog.set_level(logging.INFO, logger="app.notifications.services")
    _notify(db, "admin@demo.dk", subject="Til loggen")
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert "Sent 1 e-mail(s)" in result.output
    assert "Til loggen" in caplog.text


def test_the_inbox_holds_the_users_own_messages_newest_first(db):
    first = _notify(db, "leder.odense@demo.dk", subject="Først")
    second = _notify(db, "leder.odense@demo.dk", subject="Siden")
    _notify(db, "jobcenter.odense@demo.dk", subject="Til en anden")
    mine = db.scalars(services.inbox(user(db, "leder.odense@demo.dk"))).all()
    assert [n.id for n in mine][:2] == [second, first]
    assert all(n.user_id == user(db, "leder.odense@demo.dk").id for n in mine)
