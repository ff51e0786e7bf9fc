"""`flask audit ...`: verify the audit trail's chain and print checkpoints of its end."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.audit import chain
from app.core.errors import DomainError
from app.db import db

group = AppGroup("audit", help="The audit trail.")


@group.command("verify")
@click.option(
    "--checkpoint",
    "lines",
    multiple=True,
    metavar="LINE",
    help="A checkpoint printed by `audit checkpoint`; the chain must still hold it.",
)
@click.option(
    "--checkpoints",
    "log",
    type=click.File("r"),
    help="A file (the log the checkpoints were shipped to; - for standard input): the "
    "chain must hold every checkpoint in it.",
)
def audit_verify(lines: tuple[str, ...], log) -> None:
    """Link the entries waiting to be linked, then walk the HMAC chain; report the first broken
    entry (exit code 1). Given checkpoints, also fail when the chain no longer reaches them or
    has other entries there."""
    points = []
    if lines or log:
        text = "\n".join(lines) + ("\n" + log.read() if log else "")
        try:
            points = chain.read_checkpoints(text)
        except DomainError as err:
            raise click.ClickException(f"The checkpoint is refused: {err}") from None
    linked = chain.link_unlinked(db.session) if chain.unlinked_count(db.session) else 0
    db.session.commit()
    verdict = chain.verify(db.session, points)
    if linked:
        click.echo(f"{linked} entries waiting to be linked were linked first.")
    if verdict.intact:
        held = ""
        if verdict.checkpoints_held:
            held = (
                f" It holds {verdict.checkpoints_held} checkpoint(s), the furthest at entry "
                f"{verdict.furthest_checkpoint}."
            )
        click.echo(f"The audit trail is intact: {verdict.checked} entries checked.{held}")
        return
    click.echo(
        f"The audit trail is BROKEN at entry {verdict.first_broken_seq}: {verdict.reason}. "
        f"The {verdict.checked} entries before it are intact.",
        err=True,
    )
    raise SystemExit(1)


@group.command("checkpoint")
def audit_checkpoint() -> None:
    """Print a checkpoint of the chain's end (entry number, chain hash, HMAC with the audit
    key) for a write-once log off this machine; see the README."""
    try:
        point = chain.checkpoint(db.session)
    except DomainError as err:
        raise click.ClickException(str(err)) from None
    click.echo(point.line())
