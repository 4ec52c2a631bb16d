"""Migration 0008 (tracking start, indicators, feed stamps) on a store with data at 0004: nothing recorded is lost.

Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text

from store.db import _alembic_config, create_store_engine, current_revisions, head_revisions, upgrade
from store.settings import resolve_url

NOW = datetime(2024, 1, 10, 12, 0, tzinfo=UTC)


def test_upgrading_a_0004_store_keeps_history_stages_and_subscriptions(db_url: str) -> None:
    engine = create_store_engine(resolve_url(db_url))
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "0004")
    with engine.begin() as connection:
        run = connection.execute
        run(text("INSERT INTO roadmap (id, key, source_name, content_hash, period_start, period_end, school_year, "
                 "doc_date, warnings, imported_at) VALUES (1, 'R', 'r.txt', '0', '2023-09-01', '2024-08-31', "
                 "'2023-2024', '2023-10-09', '[]', :now)"), {"now": NOW})
        run(text("INSERT INTO item (id, roadmap_id, ordinal, title, deadline_text, kind, spec, section_path, "
                 "needs_review, executors_text, extra, source_line) VALUES (1, 1, 1, 'Пункт', 'Постоянно', "
                 "'continuous', '{}', '[]', false, '', '{}', 1)"))
        run(text("INSERT INTO checkin_rule (roadmap_id, every) VALUES (1, 'month')"))
        run(text("INSERT INTO deadline_occurrence (id, item_id, key, kind, due, active, status, version, planned_on) "
                 "VALUES (1, 1, 'checkin||2023-10-31', 'checkin', '2023-10-31', true, 'done', 2, '2023-10-05')"))
        for version, action, status in ((1, "planned", "open"), (2, "done", "done")):
            run(text("INSERT INTO occurrence_event (occurrence_id, version, action, status, recorded_at) "
                     "VALUES (1, :version, :action, :status, :now)"),
                {"version": version, "action": action, "status": status, "now": NOW})
        run(text("INSERT INTO alert_delivery (occurrence_id, stage, role, recipient, status, attempts, last_attempt_at) "
                 "VALUES (1, 'overdue:3', 'executor', 'a@example.org', 'sent', 1, :now)"), {"now": NOW})
        run(text("INSERT INTO school (id, name, region, year, profile, updated_at) VALUES ('s-1', 'Школа', 'RU-LEN', "
                 "'2023-2024', '{}', :now)"), {"now": NOW})
        run(text("INSERT INTO feed_subscription (id, token_hash, token_prefix, target_kind, target, options, created_at) "
                 "VALUES (1, :hash, 'AbCdEfGh', 'class', 's-1/8А', '{}', :now)"), {"hash": "f" * 64, "now": NOW})
    upgrade(engine)
    with engine.connect() as connection:
        run = connection.execute
        # The later of the period start (01.09.2023, not before the order of 09.10.2023) and the import day.
        assert tuple(map(str, run(text("SELECT track_from, checkin_every FROM roadmap_tracking")).one())) == (
            "2024-01-10", "month")
        assert [tuple(row) for row in run(text("SELECT version, action FROM occurrence_event ORDER BY version"))] == [
            (2, "done")]  # the machine-made "planned" event goes, the committee's "done" stays
        assert tuple(run(text("SELECT status, version FROM deadline_occurrence")).one()) == ("done", 2)
        assert tuple(run(text("SELECT stage, step, recipient, status FROM alert_delivery")).one()) == (
            "overdue", 3, "a@example.org", "sent")
        assert tuple(run(text("SELECT school_id, salt FROM feed_subscription")).one()) == ("s-1", None)
        assert run(text("SELECT address FROM school")).scalar() is None
    with engine.begin() as connection:
        command.downgrade(_alembic_config(connection), "0004")  # and back: the stages are strings again
    with engine.connect() as connection:
        assert connection.execute(text("SELECT stage FROM alert_delivery")).scalar() == "overdue:3"
        assert connection.execute(text("SELECT every FROM checkin_rule")).scalar() == "month"
    upgrade(engine)
    assert current_revisions(engine) == head_revisions()
