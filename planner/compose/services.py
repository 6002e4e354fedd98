import zoneinfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q

from planner import rollups, services, text_rules
from planner.compose import recurrence
from planner.compose.models import (
    MAX_SLOTS_PER_PLATFORM,
    MAX_SNIPPETS,
    PostGroup,
    PostingSlot,
    PostSeries,
    Snippet,
)
from planner.forms.tasks import SmoTaskForm
from planner.models import SmoStatus, Task


@transaction.atomic
def snippet_save(snippet, seen_version=None):
    """Save a template or hashtag group unless someone saved it first; a business keeps at
    most MAX_SNIPPETS (counted under the business's lock, so two saves cannot pass it)."""
    rollups.lock(snippet.business_id)
    if snippet.pk is None:
        count = Snippet.objects.filter(business_id=snippet.business_id).count()
        if count >= MAX_SNIPPETS:
            raise ValidationError(
                f"A business keeps at most {MAX_SNIPPETS} templates and hashtag groups: "
                "delete one first."
            )
    services.claim_version(snippet, seen_version)
    snippet.save()
    return snippet


@transaction.atomic
def post_group_save(business, variants, *, by, group=None, image=None):
    """Save a post's variants together, each through services.task_save (its rollups, review
    state, activity and version check), in a new group or `group`; all or none.

    `variants`: (task, seen version, keeps its image). `image`: the main post's new image,
    put on each variant that does not keep its own; they share the one stored file.
    """
    if group is None:
        group = PostGroup.objects.create(business=business, created_by=by)
    shared = None
    for task, seen_version, keeps_image in variants:
        task.post_group = group
        if image is not None and not keeps_image:
            if shared is None:
                task.image = image
            else:
                task.image.name = shared
        services.task_save(task, seen_version, by=by)
        if image is not None and not keeps_image and shared is None:
            shared = task.image.name
    return group


def _copy(task):
    """An unsaved copy of `task` (its field values, no id)."""
    values = {f.attname: getattr(task, f.attname) for f in Task._meta.concrete_fields}
    values.pop("id")
    values.pop("search_text")
    values["image"] = task.image.name  # the same stored file, as a duplicate shares it
    values["published_url"] = ""  # each post is published on its own
    return Task(**values)


@transaction.atomic
def series_create(task, rule, moments, *, by):
    """A recurring post: the series, and one post like `task` at each of `moments` (the first
    is `task` itself), each through services.task_save; all or none."""
    series = PostSeries.objects.create(
        business=task.business,
        every=rule.every,
        unit=rule.unit,
        weekdays=",".join(str(day) for day in sorted(rule.weekdays)),
        until=rule.until,
        count=rule.count,
        created_by=by,
    )
    posts = []
    for moment in moments:
        post = task if not posts else _copy(posts[0])
        post.series, post.scheduled_at = series, moment
        services.task_save(post, by=by)
        posts.append(post)
    return series, posts


# What an edit of a series' post can carry to its other posts: what the post form edits,
# except each post's own progress (its status, where it was published).
SERIES_FIELDS = tuple(
    name for name in SmoTaskForm.Meta.fields if name not in ("status", "published_url")
)


def _wall(moment, zone):
    return moment.astimezone(zone).replace(tzinfo=None)


def series_apply(before, task, scope, *, by):
    """Carry an edit of one post of a series (`before` → `task`, saved already) to the
    following posts or to all (`scope`), each checked as a post and saved through
    services.task_save. A new publish time moves the others by as much local time (a post
    moved from 09:00 to 10:30 moves each other one to 10:30 on its own day). Call inside the
    edit's transaction: ValidationError (naming the post) undoes the whole edit."""
    changed = [
        name
        for name in SERIES_FIELDS
        if getattr(before, Task._meta.get_field(name).attname)
        != getattr(task, Task._meta.get_field(name).attname)
    ]
    if not changed or task.series_id is None:
        return 0
    if "scheduled_at" in changed and not (before.scheduled_at and task.scheduled_at):
        raise ValidationError(
            "Only a new publish time moves the series' other posts: to clear or set this "
            "post's time alone, apply the change to this post only."
        )
    others = (
        Task.objects.filter(series_id=task.series_id)
        .exclude(pk=task.pk)
        .exclude(status=SmoStatus.PUBLISHED)  # out already: as it was published
        .select_related("platform", "business")
        .order_by("scheduled_at", "pk")
    )
    if scope == "following":
        if before.scheduled_at is not None:
            others = others.filter(
                Q(scheduled_at__gt=before.scheduled_at)
                | Q(scheduled_at=before.scheduled_at, pk__gt=task.pk)
            )
        else:
            others = others.filter(pk__gt=task.pk)
    zone = zoneinfo.ZoneInfo(task.business.time_zone)
    shift = None
    if "scheduled_at" in changed:
        shift = _wall(task.scheduled_at, zone) - _wall(before.scheduled_at, zone)
    count = 0
    for other in others:
        for name in changed:
            if name == "scheduled_at":
                if other.scheduled_at:  # one without a time keeps none
                    wall = _wall(other.scheduled_at, zone) + shift
                    other.scheduled_at = recurrence.local_moment(wall.date(), wall.time(), zone)
            elif name == "image":
                other.image.name = task.image.name
            else:
                attname = Task._meta.get_field(name).attname
                setattr(other, attname, getattr(task, attname))
        _check(other, zone)
        services.task_save(other, by=by)
        count += 1
    return count


def _check(post, zone):
    """Refuse (naming the post by its day) what the post form would refuse of it."""
    day = post.scheduled_at.astimezone(zone).date().isoformat() if post.scheduled_at else "—"
    problems = text_rules.check_post(post.platform.kind, post.post_text, post.hashtags)
    if post.image and not post.image_alt.strip():
        problems.append("Describe the image for people who cannot see it.")
    if post.status == SmoStatus.SCHEDULED and not post.scheduled_at:
        problems.append("A scheduled post needs a publish time.")
    try:  # its fields and Task.clean; the choices of the edited post, checked by its form
        post.clean_fields(exclude=["image", "platform", "campaign", "assignee"])
        post.clean()
    except ValidationError as error:
        problems += [message for messages in error.message_dict.values() for message in messages]
    if problems:
        raise ValidationError(f"The series' post of {day}: {problems[0]} Nothing was saved.")


@transaction.atomic
def series_skip(task, *, by):
    """Skip one post of its series: deleted (services.task_delete), counted on the series."""
    PostSeries.objects.filter(pk=task.series_id).update(skipped=F("skipped") + 1)
    services.task_delete(task, by=by)


@transaction.atomic
def slots_add(business, platform, weekdays, at):
    """Add the platform's slots at `at` on `weekdays` (those it has already are kept once);
    ValidationError past MAX_SLOTS_PER_PLATFORM. Returns how many were new."""
    rollups.lock(business.pk)
    have = set(PostingSlot.objects.filter(platform=platform).values_list("weekday", "at"))
    new = [day for day in sorted(set(weekdays)) if (day, at) not in have]
    if len(have) + len(new) > MAX_SLOTS_PER_PLATFORM:
        raise ValidationError(
            f"A platform has at most {MAX_SLOTS_PER_PLATFORM} weekly slots: delete some first."
        )
    PostingSlot.objects.bulk_create(
        PostingSlot(business=business, platform=platform, weekday=day, at=at) for day in new
    )
    return len(new)
