"""``badges issuer resume-pending``: requeue work whose task was lost (see issuer.recovery).

Attached to the ``issuer`` group by :mod:`issuer.cli`. Run it after the broker lost its queue
(a Redis restart without persistence) or a worker was killed; running it when nothing was lost
only sends tasks that change nothing.
"""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import with_appcontext

from badges.context import current_clock, current_database
from issuer.recovery import DEFAULT_LIMIT, DEFAULT_OLDER_THAN, resume_lost_work


@click.command("resume-pending")
@with_appcontext
@click.option(
    "--older-than-minutes",
    type=click.IntRange(min=0),
    default=int(DEFAULT_OLDER_THAN.total_seconds() // 60),
    show_default=True,
    help="Only issuances pending at least this long (0: every pending one).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMIT,
    show_default=True,
    help="At most this many, oldest first; run again for the rest.",
)
def resume_pending_command(older_than_minutes: int, limit: int) -> None:
    """Send lost tasks again: pending issuances, bulk awards, status lists, mail; none twice."""
    with current_database().session_scope() as session:
        resumed = resume_lost_work(
            session,
            older_than=timedelta(minutes=older_than_minutes),
            limit=limit,
            now=current_clock().now(),
        )
    count = resumed.issuances
    click.echo(f"Requeued {count} pending issuance(s) older than {older_than_minutes} minute(s).")
    for number, what in (
        (resumed.bulk_awards, "bulk award(s) not fully requested"),
        (resumed.status_lists, "status list(s) to publish again"),
        (resumed.mails, "unsent mail(s)"),
    ):
        if number:
            click.echo(f"Requeued {number} {what}.")
    if count == limit:
        click.echo("The limit was reached; run the command again once these are issued.")
