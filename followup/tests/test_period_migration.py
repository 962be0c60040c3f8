"""The reports and deadlines made before follow-up per period become the follow-up of their whole year."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from agreements.tests.factories import AgreementFactory

BEFORE = [("followup", "0008_follow_up_deadline_per_year")]
AFTER = [("followup", "0009_report_and_deadline_per_period")]


@pytest.mark.django_db(transaction=True)
def test_existing_reports_and_deadlines_migrate_to_the_whole_year():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    agreement = AgreementFactory()  # the agreements app stays as it is
    old.get_model("followup", "FollowUpReport").objects.create(agreement_id=agreement.pk, year=2024, stage="approved")
    old.get_model("followup", "FollowUpDeadline").objects.create(
        agreement_id=agreement.pk, year=2025, due_on=date(2026, 3, 1)
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    reports = new.get_model("followup", "FollowUpReport").objects.filter(agreement_id=agreement.pk)
    assert list(reports.values_list("year", "period", "stage")) == [(2024, 0, "approved")]
    deadlines = new.get_model("followup", "FollowUpDeadline").objects.filter(agreement_id=agreement.pk)
    assert list(deadlines.values_list("year", "period")) == [(2025, 0)]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
