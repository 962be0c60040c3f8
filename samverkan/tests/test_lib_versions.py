"""Lost-update protection, the data side: versions claimed once, fingerprints that follow what they cover."""

import pytest

from agreements.models import Agreement, CooperationForum, Section
from agreements.tests.factories import CooperationForumFactory, SectionFactory
from samverkan.lib.versions import (
    StaleEdit,
    claim_fingerprint,
    claim_version,
    content_delete,
    deletion_fingerprint,
    fingerprint,
    versions,
)

pytestmark = pytest.mark.django_db


def test_a_version_is_claimed_once(world):
    section = SectionFactory(agreement=world.agreement)
    loaded = section.version

    claim_version(instance=Section.objects.get(pk=section.pk), loaded_version=loaded)

    assert Section.objects.get(pk=section.pk).version == loaded + 1
    with pytest.raises(StaleEdit):
        claim_version(instance=Section.objects.get(pk=section.pk), loaded_version=loaded)
    assert Section.objects.get(pk=section.pk).version == loaded + 1


def test_a_fingerprint_changes_when_a_row_is_changed_added_or_removed(world):
    section = SectionFactory(agreement=world.agreement)
    rows = Section.objects.filter(agreement=world.agreement)
    loaded = fingerprint(versions(rows))
    assert fingerprint(versions(rows)) == loaded

    Section.objects.filter(pk=section.pk).update(version=section.version + 1)
    changed = fingerprint(versions(rows))
    other = SectionFactory(agreement=world.agreement)
    added = fingerprint(versions(rows))
    other.delete()

    assert len({loaded, changed, added}) == 3
    assert fingerprint(versions(rows)) == changed


def test_rows_without_a_version_count_by_their_presence(world):
    forum = CooperationForumFactory(agreement=world.agreement)

    assert versions(CooperationForum.objects.filter(pk=forum.pk)) == [("agreements.CooperationForum", forum.pk, 0)]


def test_a_fingerprint_is_claimed_only_while_it_is_current():
    claim_fingerprint(current="abc", loaded_fingerprint="abc")
    claim_fingerprint(current="abc", loaded_fingerprint=None)  # a script acting on things as they are now
    with pytest.raises(StaleEdit):
        claim_fingerprint(current="abc", loaded_fingerprint="abd")


def test_deleting_is_refused_when_anything_under_the_item_changed(world):
    parent = SectionFactory(agreement=world.agreement)
    loaded = deletion_fingerprint(parent)
    SectionFactory(agreement=world.agreement, parent=parent)

    with pytest.raises(StaleEdit):
        content_delete(instance=parent, loaded_fingerprint=loaded)
    assert Section.objects.filter(agreement=world.agreement).count() == 2

    content_delete(instance=parent, loaded_fingerprint=deletion_fingerprint(parent))
    assert not Section.objects.filter(agreement=world.agreement).exists()
    assert Agreement.objects.filter(pk=world.agreement.pk).exists()


def test_deleting_what_someone_deleted_already_is_no_error(world):
    section = SectionFactory(agreement=world.agreement)
    loaded = deletion_fingerprint(section)
    Section.objects.filter(pk=section.pk).delete()

    content_delete(instance=section, loaded_fingerprint=loaded)

    assert not Section.objects.filter(pk=section.pk).exists()
