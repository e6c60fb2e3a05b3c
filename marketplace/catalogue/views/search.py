from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from marketplace.catalogue import selectors
from marketplace.catalogue.compare import compare_rows
from marketplace.catalogue.search import MAX_COMPARE, MIN_COMPARE, SearchParams, ServiceSearchForm, Sort


def _search_params(query: QueryDict) -> tuple[ServiceSearchForm, SearchParams, list[str]]:
    """Parse the query string; bad values are reported (Norwegian messages) and left out, the rest still applies."""
    form = ServiceSearchForm(query)
    if form.is_valid():
        return form, form.params(), []
    errors = [
        f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
        for name, field_errors in form.errors.items()
        for error in field_errors
    ]
    kept = QueryDict(mutable=True)
    for name, values in query.lists():
        if name not in form.errors:
            kept.setlist(name, values)
    form = ServiceSearchForm(kept)
    form.is_valid()
    return form, form.params(), errors


def _page_url(query: QueryDict, number: int) -> str:
    query = query.copy()
    query["page"] = str(number)
    return "?" + query.urlencode()


def _page_links(query: QueryDict, page: int, num_pages: int) -> list[dict[str, object]]:
    """First, last and two pages either side of the current one; `gap` marks an ellipsis."""
    wanted = sorted({1, num_pages, *range(max(1, page - 2), min(num_pages, page + 2) + 1)})
    links: list[dict[str, object]] = []
    previous = 0
    for number in wanted:
        if number - previous > 1:
            links.append({"gap": True})
        links.append({"number": number, "url": _page_url(query, number), "current": number == page})
        previous = number
    return links


def _sort_options(params: SearchParams, current: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) for the sort menu. Without words the list is sorted by name, and that option's value
    is empty (the default), not "name": a search typed into the form then sorts by relevance, as a search should,
    instead of carrying the name order the page happened to show. Relevance is offered once there are words."""
    has_words = bool(params.q.strip())
    return [
        ("" if value == Sort.NAME and not has_words else value, str(label), value == current)
        for value, label in Sort.choices
        if value != Sort.RELEVANCE or has_words
    ]


@require_GET
def service_list(request: HttpRequest) -> HttpResponse:
    form, params, errors = _search_params(request.GET)
    result = selectors.service_search(params)
    context = {
        "form": form,
        "errors": errors,
        "result": result,
        "sort_options": _sort_options(params, result.sort),
        "page_links": _page_links(request.GET, result.page, result.num_pages) if result.num_pages > 1 else [],
        "previous_url": _page_url(request.GET, result.page - 1) if result.has_previous else "",
        "next_url": _page_url(request.GET, result.page + 1) if result.has_next else "",
        "max_compare": MAX_COMPARE,
        "today": timezone.localdate(),
    }
    htmx = getattr(request, "htmx", None)
    template = "catalogue/service_list.html"
    if htmx and not htmx.history_restore_request:
        template += "#search-region"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = selectors.service_get_published(pk)
    context = {
        "service": service,
        "today": timezone.localdate(),
        # The add-to-shortlist form offers the acting buyer organisation's shortlists to choose among.
        "shortlists": selectors.shortlist_list_for(request.user) if request.user.is_authenticated else [],
    }
    return render(request, "catalogue/service_detail.html", context)


@require_GET
def service_compare(request: HttpRequest) -> HttpResponse:
    ids: list[int] = []
    for raw in request.GET.getlist("id"):
        if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
            raise Http404(_("Ugyldig tjeneste-id."))
        ids.append(int(raw))
    ids = list(dict.fromkeys(ids))
    if len(ids) < MIN_COMPARE or len(ids) > MAX_COMPARE:
        message = _("Velg mellom %(min)d og %(max)d tjenester å sammenligne. Du valgte %(n)d.") % {
            "min": MIN_COMPARE,
            "max": MAX_COMPARE,
            "n": len(ids),
        }
        return render(request, "catalogue/compare.html", {"message": message}, status=400)
    services = selectors.services_for_compare(ids)
    return render(
        request,
        "catalogue/compare.html",
        {"services": services, "rows": compare_rows(services, today=timezone.localdate())},
    )
