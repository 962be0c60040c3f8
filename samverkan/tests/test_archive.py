"""Archiving: a file stored in a transaction that does not commit is deleted with it, and a file served from the
archive is checked against its checksum first."""

from pathlib import Path

import pytest

from agreements.models import ArchivedPdf
from samverkan.lib.archive import ArchiveCorrupted, archiving, store_archived, verified_content

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n% arkiverad\n"


class Refused(Exception):
    pass


def test_a_file_archived_in_a_transaction_that_fails_is_deleted_with_it(world, editor):
    with pytest.raises(Refused), archiving() as archives:
        archived = ArchivedPdf(agreement=world.agreement, archived_by=editor)
        archives.append(archived)
        store_archived(archived, PDF, "hamnstad")
        stored = Path(archived.file.path)
        assert stored.read_bytes() == PDF
        raise Refused
    assert not stored.exists()
    assert not ArchivedPdf.objects.exists()


def test_a_file_archived_in_a_transaction_that_commits_stays_and_matches_its_checksum(world, editor):
    with archiving() as archives:
        archived = ArchivedPdf(agreement=world.agreement, archived_by=editor)
        archives.append(archived)
        store_archived(archived, PDF, "hamnstad")
    assert verified_content(ArchivedPdf.objects.get()) == PDF


def test_an_altered_archive_file_is_refused(world, editor):
    archived = ArchivedPdf(agreement=world.agreement, archived_by=editor)
    store_archived(archived, PDF, "hamnstad")
    Path(archived.file.path).write_bytes(PDF + b"% andrad\n")
    with pytest.raises(ArchiveCorrupted):
        verified_content(archived)
