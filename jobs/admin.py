from django.contrib import admin

from .models import ScheduledRun, Worker


class ReadOnlyAdmin(admin.ModelAdmin):
    """What the queue writes, shown to the administrator as it is."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyAdmin):
    list_display = ["job", "scheduled_for", "enqueued_at", "task_result_id"]
    list_filter = ["job"]


@admin.register(Worker)
class WorkerAdmin(ReadOnlyAdmin):
    list_display = ["worker_id", "host", "pid", "started_at", "seen_at"]
