"""SMO posts and SMM ad campaigns share these views; `kind` comes from the URL."""

import datetime
from contextlib import nullcontext

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST

from planner import exports, images, list_sorts, selectors, services, text_rules, utm
from planner.access import get_for_business, member_required
from planner.compose import services as compose_services
from planner.compose.forms import RepeatForm, SeriesScopeForm
from planner.compose.selectors import composer_snippets
from planner.forms import TASK_FORMS, ResultEntryForm, TaskFilterForm, TimeEntryForm
from planner.lists.bulk_forms import BulkForm
from planner.lists.forms import SavedViewForm
from planner.lists.matching import MAX_MATCHING
from planner.lists.queries import kept_query
from planner.lists.selectors import views_of
from planner.models import Campaign, Kind, Platform, ResultEntry, Role, Task, TimeEntry
from planner.selectors import task_pacing, task_totals
from planner.teamwork.selectors import comment_thread, review_panel
from planner.views.common import PAGE_SIZE, business_url, delete_page, form_page

LABELS = {Kind.SMO: "SMO post", Kind.SMM: "SMM ad campaign"}


def find_task(request, pk, kind=None):
    tasks = Task.objects.select_related(
        "platform", "campaign", "assignee", "business", "review_requested_by", "series"
    )
    if kind:
        tasks = tasks.filter(kind=kind)
    return get_for_business(tasks, request.business, pk=pk)


def filtered_tasks(request, kind):
    filters = TaskFilterForm(
        request.GET or None, business=request.business, kind=kind, member=request.membership
    )
    tasks = filters.apply(
        Task.objects.for_business(request.business)
        .filter(kind=kind)
        .select_related("platform", "campaign", "assignee", "business"),
        today=timezone.localdate(),
    )
    return filters, tasks


# A search or "off pace" list counts its matches up to this many, then says "more than".
MATCHES_COUNTED = 1000


class CountedPaginator(Paginator):
    """A paginator told its count, so no COUNT(*) runs over the business's tasks."""

    def __init__(self, object_list, per_page, count):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self):
        return self.known_count

    def page(self, number):
        """The page's ids first, then those rows whole: the OFFSET of a deep page runs over
        the narrow index (task_business_kind_newest) alone, not over the rows it skips."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)} if ids else {}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


def _list_summary(request, kind, filters, tasks):
    """(tasks to page through, count, capped, totals): from TaskTally when only the platform,
    campaign, status and review state filter; else at most the newest MATCHES_COUNTED
    matches, in the list's sort, with their count and totals. (Sorting every match of "off
    pace" by spend read 50,000 ads at a million tasks; the newest 1,000 are a bounded read
    whatever the sort, and the page says that it shows those.)"""
    data = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    if not data.get("q", "").strip() and not data.get("pace") and not filters.waiting_for_me():
        keys = {name: data[name] for name in ("platform", "campaign", "status") if data.get(name)}
        if filters.review_state():
            keys["review_state"] = filters.review_state()
        totals = selectors.tally_totals(request.business, kind, **keys)
        return tasks, totals["count"], False, totals
    # The ids of the newest matches, one more than counted: the count, the set the list
    # sorts and pages through, and its totals. A search reads them in any order first (a
    # rare word's come from the trigram index at once, where asking for them newest first
    # made PostgreSQL plan a parallel sort), and newest first only when there are more.
    newest = tasks.order_by(*list_sorts.NEWEST).values_list("pk", flat=True)
    first = tasks.order_by().values_list("pk", flat=True) if filters.words() else newest
    ids = list(first[: MATCHES_COUNTED + 1])
    capped = len(ids) > MATCHES_COUNTED
    ids = list(newest[:MATCHES_COUNTED]) if capped and filters.words() else ids[:MATCHES_COUNTED]
    if filters.sort()[0]:
        tasks = (
            tasks.model.objects.filter(pk__in=ids)
            .select_related("platform", "campaign", "assignee", "business")
            .order_by(*tasks.query.order_by)
        )
    totals = selectors.ids_totals(ids)
    totals["count"] = len(ids)
    return tasks, len(ids), capped, totals


def _with_pacing(tasks, today):
    """Each ad with its pacing to date, from what its row keeps (no query)."""
    for task in tasks:
        task.pace = task_pacing(task, task.media_spend, today)
    return tasks


@member_required()
def task_list(request, kind):
    return list_page(request, kind)


def list_page(request, kind, view_form=None, bulk_form=None, status=200):
    """The list of `kind` with the filters and sort of the query string, and the member's
    saved views (`view_form`, `bulk_form`: a save or a bulk action refused, with its errors)."""
    filters, tasks = filtered_tasks(request, kind)
    newest = Task.objects.for_business(request.business).filter(kind=kind)
    steer = selectors.steered_search(newest, tasks, PAGE_SIZE) if filters.words() else nullcontext()
    with steer:
        tasks, count, capped, totals = _list_summary(request, kind, filters, tasks)
        page = CountedPaginator(tasks, PAGE_SIZE, count).get_page(request.GET.get("page"))
    _with_pacing(page.object_list, timezone.localdate())
    query = request.GET.copy()
    query.pop("page", None)
    sort_key, descending = filters.sort()
    return render(
        request,
        "tasks/task_list.html",
        {
            "kind": kind,
            "label": LABELS[kind],
            "filters": filters,
            "page": page,
            "capped": capped,
            "totals": totals,
            "sorts": list_sorts.SORTS[kind],
            "sort_key": sort_key,
            "sort_descending": descending,
            "show_review": "review" in filters.fields,
            "matches_counted": MATCHES_COUNTED,
            "bulk_max_matching": MAX_MATCHING,
            "query": query.urlencode(),
            "saved_views": views_of(request.business, request.user, kind),
            "kept_query": kept_query(request.GET, kind),
            "view_form": view_form or SavedViewForm(),
            "bulk_form": bulk_form or BulkForm(business=request.business, kind=kind),
            "ticked": {str(pk) for pk in (bulk_form.data.getlist("task") if bulk_form else [])},
        },
        status=status,
    )


@member_required()
def task_export(request, kind):
    """Exactly what the list shows with the same filters (all pages), as CSV.

    Up to exports.JOB_THRESHOLD rows it is streamed at once. A longer list is written by a job:
    this URL then shows a button that POSTs here to start it (a GET starts nothing), and the
    job's page offers the file when it is ready.
    """
    if request.method == "POST":
        query = request.GET.urlencode()
        job = exports.start_export(
            request.business,
            request.user,
            exports.tasks_payload(kind, query, timezone.localdate(), request.user.pk),
            label=f"Export of the {LABELS[kind]}s (CSV)",
        )
        return redirect("job_detail", business_id=request.business.pk, pk=job.pk)
    _filters, tasks = filtered_tasks(request, kind)
    if exports.needs_job(tasks):
        return render(
            request,
            "tasks/task_export.html",
            {
                "kind": kind,
                "label": LABELS[kind],
                "threshold": exports.JOB_THRESHOLD,
                "query": request.GET.urlencode(),
            },
        )
    response = StreamingHttpResponse(exports.task_rows(kind, tasks), content_type=exports.CSV_TYPE)
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{kind}-tasks-{day}.csv"'
    return response


@member_required(Role.EDITOR)
def utm_preview(request):
    """The tagged URL for what the task form holds now (htmx swaps it in as people type)."""
    data = request.GET
    kind = data.get("kind") if data.get("kind") in (Kind.SMO, Kind.SMM) else Kind.SMO
    platform = _own(Platform, request, data.get("platform"))
    campaign = _own(Campaign, request, data.get("campaign"))
    link = data.get("backlink_url" if kind == Kind.SMO else "destination_url", "").strip()
    own = data.get(f"{data.get('prefix', '')}-backlink_url", "").strip()  # a composer variant's
    link = own if kind == Kind.SMO and own else link
    tags = utm.planner_values(
        kind=kind,
        platform_kind=platform.kind if platform else "",
        campaign_slug=campaign.slug if campaign else "",
        title=data.get("title", ""),
        task_id=None,  # the title gives utm_content; an id only for untitled tasks
        overrides={key: data.get(key, "") for key in utm.PLANNER_KEYS},
    )
    try:
        tagged = utm.tag_url(link, tags) if link.startswith(("http://", "https://")) else ""
    except ValueError:  # half-typed, e.g. "https://[": nothing to show yet
        tagged = ""
    off_site = bool(tagged) and utm.host_of(link) != utm.host_of(request.business.website_url)
    return render(
        request,
        "tasks/_utm_preview.html",
        {
            "tagged_url": tagged,
            "link": link,
            "off_site": off_site,
            "instagram": kind == Kind.SMO and platform is not None and platform.kind == "instagram",
            "needs_platform": platform is None,
        },
    )


def _own(model, request, pk):
    """One of the business's rows by id, or None (for previews; never another tenant's)."""
    pk = str(pk or "")
    if not (pk.isascii() and pk.isdigit()):  # "²".isdigit() is true, and not an id
        return None
    return model.objects.for_business(request.business).filter(pk=pk).first()


@member_required(Role.EDITOR)
def task_create(request, kind):
    """A new post or ad. Pre-filled from links such as the campaign page's or the calendar's
    empty days, or (`?copy=<id>`: "Duplicate") from another task of the business."""
    source = None
    if "copy" in request.GET:
        source = _own(Task, request, request.GET["copy"])
        if source is None or source.kind != kind:
            raise Http404("No such task to copy.")
    initial = {
        **(copied_values(source, TASK_FORMS[kind]) if source else {}),
        "assignee": request.user.pk,  # whoever plans it, until they pass it on
        **{
            key: request.GET[key]
            for key in ("campaign", "scheduled_at", "platform")
            if request.GET.get(key)
        },
    }
    form = TASK_FORMS[kind](
        request.POST or None, request.FILES or None, business=request.business, initial=initial
    )
    if source and source.kind == Kind.SMO and source.image:  # its "Currently" links to it
        form.fields["image"].widget.image_url = reverse(
            "task_image", args=[request.business.pk, source.pk]
        )
    repeat = (
        RepeatForm(request.POST or None, time_zone=request.business.time_zone)
        if kind == Kind.SMO
        else None
    )
    if request.method == "POST" and _valid_with_repeat(form, repeat):
        try:
            task = form.save(commit=False)
            if repeat and repeat.rule:
                compose_services.series_create(task, repeat.rule, repeat.moments, by=request.user)
            else:
                services.task_save(task, by=request.user)
        except ValidationError as error:  # the approval mode changed since the form checked
            form.add_error(None, error)
        else:
            if repeat and repeat.rule:
                count = len(repeat.moments)
                messages.success(request, f"Recurring post created: {count} posts.")
            else:
                messages.success(request, f"{LABELS[kind]} created.")
            return redirect(business_url(request, f"{kind}_detail", task.pk))
    return render(
        request,
        "tasks/task_form.html",
        {
            "form": form,
            "kind": kind,
            "title": f"New {LABELS[kind]}",
            "source": source,
            "snippets": composer_snippets(request.business) if kind == Kind.SMO else None,
            "repeat": repeat,
        },
        status=400 if request.method == "POST" else 200,
    )


def _valid_with_repeat(form, repeat):
    """The post form, and its repeat (which needs the post's publish time) when it has one."""
    valid = form.is_valid()
    if repeat is None:
        return valid
    repeat.first = form.cleaned_data.get("scheduled_at")
    repeat.status = form.cleaned_data.get("status")
    return repeat.is_valid() and valid


# What a copy does not take from its source: it is a new piece of work, not yet published,
# reviewed or started (a draft, its review state none).
NOT_COPIED = ("status", "published_url")
COPY_SUFFIX = " (copy)"


def copied_values(source, form_class):
    """The form's initial values for a copy of `source`: its content, platform, campaign,
    schedule or flight, budget, links and tags, the image too (the same stored file)."""
    names = [name for name in form_class._meta.fields if name not in NOT_COPIED]
    values = model_to_dict(source, fields=names)
    title_length = Task._meta.get_field("title").max_length - len(COPY_SUFFIX)
    values["title"] = source.title[:title_length] + COPY_SUFFIX
    values["status"] = "draft"  # both kinds have it: written already, not yet out
    return values


@member_required()
def task_detail(request, kind, pk):
    return render_detail(request, find_task(request, pk, kind))


def next_result_day(task, results, today):
    """The day a new result most likely is: the day after the last one with figures, or the
    task's first day (flight start, publish day) — never a future day, nor one with figures.
    `results`: the task's latest first."""
    if results:
        day = results[0].date + datetime.timedelta(days=1)
    else:
        day = task.flight_start or task.work_date
    day = min(day, today)
    return None if any(entry.date == day for entry in results) else day


def render_detail(request, task, status=200, review=(None, None), comment_form=None, **forms):
    """The task page; after a bad time or result entry, or a refused review move (`review`:
    its form and action), with that form's errors where it was filled in."""
    can_edit = request.membership.can_edit
    review_form, review_action = review
    context = {
        "task": task,
        "kind": task.kind,
        "label": LABELS[task.kind],
        "totals": (totals := task_totals(task)),
        "pacing": task_pacing(task, totals.media_spend, today := timezone.localdate()),
        "today": today,
        # A post can outgrow its platform's limit without being edited: moved to another
        # platform, or its platform's kind changed. Say so before someone publishes it.
        "text_problems": text_rules.check_post(task.platform.kind, task.post_text, task.hashtags)
        if task.kind == Kind.SMO
        else [],
        "time_entries": task.time_entries.select_related("user")[:50],
        "results": (results := list(task.results.all()[:100])),
        # Distinct ids: both forms have a "date" field, and each label must find its own.
        "time_form": TimeEntryForm(
            business=request.business,
            auto_id="time_%s",
            initial={"date": today, "user": request.user.pk},
        )
        if can_edit
        else None,
        "result_form": ResultEntryForm(
            task=task, auto_id="result_%s", initial={"date": next_result_day(task, results, today)}
        )
        if can_edit
        else None,
        "review": review_panel(
            request.business, request.membership, request.user, task, review_form, review_action
        ),
        "thread": comment_thread(
            request.business, request.membership, request.user, task, comment_form
        ),
        **forms,
    }
    return render(request, "tasks/task_detail.html", context, status=status)


@member_required(Role.EDITOR)
def task_edit(request, kind, pk):
    task = find_task(request, pk, kind)
    form = TASK_FORMS[kind](
        request.POST or None, request.FILES or None, instance=task, business=request.business
    )
    scope = SeriesScopeForm(request.POST or None) if task.series_id else None
    before = Task.objects.get(pk=task.pk) if scope and request.method == "POST" else None

    @transaction.atomic  # a series' other posts change with it, or none does
    def save(task, seen_version):
        services.task_save(task, seen_version, by=request.user)
        if task.review_notice:
            messages.info(request, task.review_notice)
        chosen = scope.cleaned_data["scope"] if scope and scope.is_valid() else "this"
        if chosen != "this":
            count = compose_services.series_apply(before, task, chosen, by=request.user)
            messages.info(request, f"The change went to {count} more post(s) of the series.")

    return form_page(
        request,
        form,
        template="tasks/task_form.html",
        title=f"Edit {task.title}",
        success_url=business_url(request, f"{kind}_detail", task.pk),
        message=f"{LABELS[kind]} saved.",
        save=save,
        kind=kind,
        snippets=composer_snippets(request.business) if kind == Kind.SMO else None,
        scope=scope,
    )


@member_required(Role.EDITOR)
def series_skip(request, pk):
    """Skip one post of a recurring series: it is deleted; the others stay as they are."""
    task = find_task(request, pk, Kind.SMO)
    if task.series_id is None:
        raise Http404("This post is not part of a series.")
    return delete_page(
        request,
        task,
        success_url=business_url(request, "smo_list"),
        cancel_url=business_url(request, "smo_detail", task.pk),
        warning="Skipping deletes this post, its time entries and results; the series' other "
        "posts stay as they are.",
        delete=lambda task: compose_services.series_skip(task, by=request.user),
    )


@member_required(Role.EDITOR)
def task_delete(request, kind, pk):
    task = find_task(request, pk, kind)
    return delete_page(
        request,
        task,
        success_url=business_url(request, f"{kind}_list"),
        cancel_url=business_url(request, f"{kind}_detail", task.pk),
        warning="Its time entries and results are deleted with it.",
        delete=lambda task: services.task_delete(task, by=request.user),
    )


@member_required()
def task_image(request, pk):
    """Post images are business data, so they are served only to the business's members."""
    task = find_task(request, pk)
    if not task.image:
        raise Http404("No image.")
    file = task.image.open("rb")
    content_type = images.content_type(file)
    file.seek(0)
    if content_type is None:  # stored before uploads were checked: never shown inline
        return FileResponse(file, content_type="application/octet-stream", as_attachment=True)
    return FileResponse(file, content_type=content_type)


@member_required(Role.EDITOR)
@require_POST
def time_entry_create(request, pk):
    task = find_task(request, pk)
    form = TimeEntryForm(request.POST, business=request.business, auto_id="time_%s")
    if not form.is_valid():
        return render_detail(request, task, status=400, time_form=form)
    form.instance.task = task
    services.entry_save(form.save(commit=False))
    messages.success(request, "Time logged.")
    return redirect(business_url(request, f"{task.kind}_detail", task.pk) + "#time")


@member_required(Role.EDITOR)
@require_POST
def time_entry_delete(request, pk, entry_pk):
    task = find_task(request, pk)
    entry = get_for_business(TimeEntry.objects.filter(task=task), request.business, pk=entry_pk)
    services.entry_delete(entry)
    messages.success(request, "Time entry deleted.")
    return redirect(business_url(request, f"{task.kind}_detail", task.pk) + "#time")


@member_required(Role.EDITOR)
@require_POST
def result_create(request, pk):
    task = find_task(request, pk)
    form = ResultEntryForm(request.POST, task=task, auto_id="result_%s")
    if form.is_valid():
        form.instance.task = task
        try:
            services.entry_save(form.save(commit=False))
        except IntegrityError:  # the same day was recorded a moment ago, by someone else
            form.add_error("date", ResultEntryForm.DUPLICATE_DAY)
    if not form.is_valid():
        return render_detail(request, task, status=400, result_form=form)
    messages.success(request, "Results recorded.")
    return redirect(business_url(request, f"{task.kind}_detail", task.pk) + "#results")


@member_required(Role.EDITOR)
@require_POST
def result_delete(request, pk, entry_pk):
    task = find_task(request, pk)
    entry = get_for_business(ResultEntry.objects.filter(task=task), request.business, pk=entry_pk)
    services.entry_delete(entry)
    messages.success(request, "Results deleted.")
    return redirect(business_url(request, f"{task.kind}_detail", task.pk) + "#results")
