"""Knowledge base pages (/innsikt/kunnskap/): list with search and tag filter (everyone; drafts for MPS staff),
article page, writing and editing (MPS staff), attachments (upload by MPS staff; download through a permission
check)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.core import exceptions
from marketplace.insights.forms.knowledge import ArticleForm, AttachmentForm, SearchForm
from marketplace.insights.models import Article, ArticleKind
from marketplace.insights.permissions import can_edit_articles
from marketplace.insights.selectors import knowledge as selectors
from marketplace.insights.services import knowledge as services
from marketplace.insights.views.knowledge_common import attempt, report


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    q = tag = kind = ""
    if form.is_valid():
        q, tag, kind = form.cleaned_data["q"], form.cleaned_data["tag"], form.cleaned_data["kind"]
    context = {
        "form": form,
        "q": q,
        "tag": tag,
        "kind": kind,
        "articles": selectors.article_list(request.user, q=q, tag=tag, kind=kind),
        "tags": selectors.tag_list_with_counts(request.user),
        "can_edit": can_edit_articles(request.user),
    }
    template = (
        "insights/knowledge/_results.html"
        if getattr(request, "htmx", False)
        else "insights/knowledge/list.html"
    )
    return render(request, template, context)


@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_get_visible_to(request.user, pk)
    can_edit = can_edit_articles(request.user)
    context = {
        "article": article,
        "can_edit": can_edit,
        "attachment_form": AttachmentForm() if can_edit else None,
    }
    return render(request, "insights/knowledge/detail.html", context)


def _initial(article: Article) -> dict[str, object]:
    return {
        "title": article.title,
        "kind": article.kind,
        "summary": article.summary,
        "body": article.body,
        "tags": ", ".join(tag.name for tag in article.tags.all()),
        "publish": article.is_published,
    }


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not can_edit_articles(request.user):
        raise PermissionDenied(_("Bare MPS kan skrive i kunnskapsbasen."))
    article = selectors.article_get_visible_to(request.user, pk) if pk is not None else None
    status = 200
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if article is None:
                    article = services.article_create(
                        actor=request.user, title=data["title"], summary=data["summary"], body=data["body"],
                        kind=data["kind"], tags=data["tags"], publish=data["publish"],
                    )  # fmt: skip
                else:
                    article = services.article_update(
                        actor=request.user, article=article, title=data["title"], summary=data["summary"],
                        body=data["body"], kind=data["kind"], tags=data["tags"], publish=data["publish"],
                    )  # fmt: skip
            except exceptions.PermissionDenied as exc:
                raise PermissionDenied(exc.message) from None
            except exceptions.ApplicationError as exc:
                form.service_errors(exc.errors, exc.message)
            else:
                messages.success(request, _("Artikkelen er lagret."))
                return redirect("insights:article", pk=article.pk)
        status = 422
    else:
        form = ArticleForm(initial=_initial(article) if article else {"kind": ArticleKind.ARTICLE})
    context = {
        "form": form,
        "error_items": form.error_items(),
        "article": article,
    }
    return render(request, "insights/knowledge/form.html", context, status=status)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_edit_articles(request.user):
        raise PermissionDenied(_("Bare MPS kan laste opp vedlegg."))
    article = selectors.article_get_visible_to(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("insights:article", pk=article.pk)
    try:
        attachment = services.attachment_add(
            actor=request.user, article=article, upload=form.cleaned_data["file"]
        )
    except exceptions.ApplicationError as exc:
        report(request, exc)
    else:
        messages.success(request, _("%(name)s er lastet opp.") % {"name": attachment.filename})
    return redirect("insights:article", pk=article.pk)


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = selectors.attachment_get_visible_to(request.user, pk)
    back = (
        redirect("insights:article", pk=attachment.article_id)
        if attachment.article_id
        else redirect("insights:meeting", pk=attachment.meeting_id)
    )
    attempt(
        request,
        lambda: services.attachment_remove(actor=request.user, attachment=attachment),
        _("Vedlegget er slettet."),
    )
    return back


@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = selectors.attachment_get_visible_to(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.filename, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
