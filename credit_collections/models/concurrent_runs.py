"""Scheduled work shared by several workers (cron threads, ``--workers``, a collector's send).

Batches are claimed with ``FOR UPDATE SKIP LOCKED``, so two workers never take the same rows. But
Odoo's crons run under REPEATABLE READ, where PostgreSQL also refuses to lock, update or insert
over a row that another transaction committed after this one's snapshot: a worker whose snapshot
predates the other's last commit fails with a serialization error. Such a step is rolled back to
its savepoint and run again in a fresh snapshot, which sees the other worker's work.
"""

import logging

from psycopg2.errors import SerializationFailure

_logger = logging.getLogger(__name__)

ATTEMPTS = 5


def run_step(env, step, progress):
    """``step()`` in a savepoint, run again after ``progress(0)`` (the cron's commit, which ends
    the snapshot) when it collides with a concurrent worker; its result.

    Call it between batches, when nothing of the run is left uncommitted.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with env.cr.savepoint():
                return step()
        except SerializationFailure:
            if attempt == ATTEMPTS:
                raise
            _logger.info(
                "credit_collections: a concurrent worker committed first, again (%s)", attempt
            )
            progress(0)
    return None


def cron_jobs(env, model_name, code):
    """The scheduled actions of ``model_name`` that run ``code``: those shipped and those an
    administrator duplicated to add workers."""
    return env["ir.cron"].sudo().search([("model_id.model", "=", model_name), ("code", "=", code)])
