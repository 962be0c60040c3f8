from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from .access import get_export_for_user
from .forms import ExportForm
from .models import Export
from .services import export_start

RECENT = 20


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def export_index(request: HttpRequest) -> HttpResponse:
    """Ask for an export, and the user's recent ones."""
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        export = export_start(user=request.user, kind=form.cleaned_data["kind"], year=form.cleaned_data["year"])
        return redirect(export)
    exports = Export.objects.filter(requested_by=request.user)[:RECENT]
    return render(request, "exports/index.html", {"form": form, "exports": exports})


@login_required
@require_safe
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """How far the export has come, then its file. The page asks for the progress alone until it is finished: "no
    change" (204, htmx swaps nothing) while it is as shown, so a screen reader hears each change once."""
    export = get_export_for_user(request.user, pk)
    if request.headers.get("HX-Request"):
        if request.GET.get("seen") == export.progress_stamp:
            return HttpResponse(status=204)
        return render(request, "exports/partials/progress.html", {"export": export})
    return render(request, "exports/detail.html", {"export": export})


@login_required
@require_safe
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    export = get_export_for_user(request.user, pk)
    if export.state != Export.State.DONE or not export.file:
        raise Http404
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.filename)
