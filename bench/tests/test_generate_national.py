"""generate_national: a small country in seconds, the same for the same seed, only into an empty database."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from agreements.models import Agreement, ArchivedPdf, Membership, Organisation
from focusareas.models import ActivityRow, Commitment, FocusAreaSection, ReviewEntry
from followup.models import ArchivedReport, CommitmentOutcome, FollowUpReport
from samverkan.lib.archive import verified_content

pytestmark = pytest.mark.django_db


def fingerprint() -> str:
    """A digest of what was generated, ids left out (they depend on the database's sequences)."""
    content = [
        list(Organisation.objects.order_by("name").values_list("name", "kind")),
        list(Agreement.objects.order_by("title", "start_date").values_list("title", "status", "start_date")),
        list(ActivityRow.objects.order_by("key").values_list("key", "activity", "measure")),
        list(Commitment.objects.order_by("key").values_list("key", "text", "target_value", "review_status")),
        list(CommitmentOutcome.objects.order_by("commitment__key", "report__year").values_list("status", "achieved")),
    ]
    return hashlib.sha256(repr(content).encode()).hexdigest()


def generate(seed: int) -> str:
    out = StringIO()
    call_command("generate_national", "--scale", "0.05", "--seed", str(seed), stdout=out)
    return out.getvalue()


def test_it_generates_a_small_country_with_every_shape_and_its_archive():
    output = generate(seed=3)

    assert "The large draft is agreement" in output
    assert Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).count() == 14  # 290 × 0.05
    assert Organisation.objects.filter(kind=Organisation.Kind.POLICE_AREA).count() == 4
    assert Organisation.objects.filter(kind=Organisation.Kind.OTHER).exists()
    assert {s for s in Agreement.objects.values_list("status", flat=True)} >= {"ended", "signed"}
    # The three shapes: activity tables, prose with its subsections, commitments per party.
    assert ActivityRow.objects.count() > 100
    assert FocusAreaSection.objects.exists()
    assert Commitment.objects.filter(parties__kind=Organisation.Kind.MUNICIPALITY).exists()
    assert ReviewEntry.objects.filter(kind=ReviewEntry.Kind.CHANGE_REQUESTED).exists()
    # Every organisation has users; the police review.
    assert not Organisation.objects.exclude(memberships__isnull=False).exists()
    assert Membership.objects.filter(role=Membership.Role.REVIEWER, organisation__kind="police_area").exists()
    # Four years of follow-up of every signed agreement, the archive's files matching their checksums.
    frozen = Agreement.objects.filter(status__in=Agreement.FROZEN_STATUSES)
    assert FollowUpReport.objects.count() == 4 * frozen.count()
    assert ArchivedPdf.objects.count() == frozen.count()
    archived = [*ArchivedPdf.objects.all()[:2], *ArchivedReport.objects.all()[:2]]
    assert all(verified_content(a).startswith(b"%PDF") for a in archived)


def test_the_same_seed_gives_the_same_country_and_another_seed_another(monkeypatch):
    # The archive's rendering is the first test's; here it would only take time.
    monkeypatch.setattr("bench.national.agreement_pdf", lambda agreement: b"%PDF-1.7 agreement")
    monkeypatch.setattr("bench.national.annual_report_pdf", lambda report: b"%PDF-1.7 report")
    fingerprints = []
    for seed in (7, 7, 8):
        with transaction.atomic():
            generate(seed)
            fingerprints.append(fingerprint())
            transaction.set_rollback(True)

    assert fingerprints[0] == fingerprints[1]
    assert fingerprints[0] != fingerprints[2]


def test_it_refuses_a_database_that_holds_anything(world):
    agreements = Agreement.objects.count()

    with pytest.raises(CommandError, match="empty database"):
        generate(seed=1)

    assert Agreement.objects.count() == agreements


def test_it_refuses_a_scale_out_of_range():
    with pytest.raises(CommandError, match="scale"):
        call_command("generate_national", "--scale", "0", stdout=StringIO())
