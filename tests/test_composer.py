"""The composer (planner/compose/composer.py): one post written once for several platforms,
each platform's variant an SMO task of its own in a post group, checked against its own
platform's limit; the group opened and edited together; all variants saved or none."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from planner.compose.models import PostGroup
from planner.models import Kind, Task, TaskTally
from tests.factories import PlatformFactory, SmoTaskFactory

LONG = "Our winter blend is here: cocoa, orange peel and a long finish. " * 5  # 320 characters


def _url(business, name, *args):
    return reverse(name, args=[business.pk, *args])


@pytest.fixture
def platforms(business, platform):
    return {
        "facebook": platform,
        "x": PlatformFactory(business=business, kind="x", handle="acme_x"),
        "linkedin": PlatformFactory(business=business, kind="linkedin", handle="acme-in"),
    }


def _post(chosen, **extra):
    data = {
        "platforms": [p.pk for p in chosen],
        "title": "Winter blend",
        "post_text": "Winter blend is here.",
        "hashtags": "",
        "backlink_url": "https://shop.example/winter",
        "status": "draft",
        "estimated_hours": "0.5",
    }
    data.update(extra)
    return data


def _png(colour="red"):
    out = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(out, "PNG")
    return SimpleUploadedFile(f"{colour}.png", out.getvalue(), content_type="image/png")


def test_one_post_for_three_platforms_with_their_own_texts(client_for, business, editor, platforms):
    fb, x, li = platforms["facebook"], platforms["x"], platforms["linkedin"]
    data = _post(
        [fb, x, li],
        **{
            f"p{x.pk}-post_text": "Winter blend ☕",
            f"p{li.pk}-hashtags": "coffee winter",
            f"p{fb.pk}-scheduled_at": "2026-12-10T09:30",
        },
    )
    response = client_for(editor).post(_url(business, "compose_post"), data)
    assert response.status_code == 302
    group = PostGroup.objects.get()
    assert response.url == _url(business, "post_group_detail", group.pk)
    variants = {task.platform.kind: task for task in Task.objects.filter(post_group=group)}
    assert set(variants) == {"facebook", "x", "linkedin"}
    assert variants["x"].post_text == "Winter blend ☕"
    assert (
        variants["facebook"].post_text == variants["linkedin"].post_text == "Winter blend is here."
    )
    assert variants["linkedin"].hashtags == "#coffee #winter"
    assert variants["x"].hashtags == ""
    assert variants["facebook"].scheduled_at is not None and variants["x"].scheduled_at is None
    for task in variants.values():  # the shared fields, and each a task of its own
        assert (task.title, task.kind, task.business, task.assignee) == (
            "Winter blend", Kind.SMO, business, None)  # fmt: skip
        assert task.backlink_url == "https://shop.example/winter"
    # Each counts in the tallies as a post of its own.
    assert sum(TaskTally.objects.filter(business=business).values_list("count", flat=True)) == 3
    page = client_for(editor).get(response.url).content.decode()
    assert page.count('data-testid="variant-card"') == 3 and "Winter blend ☕" in page


def test_each_variant_is_checked_against_its_own_platform(client_for, business, editor, platforms):
    """The main text fits Facebook and LinkedIn, not X: refused beside X's text, none saved."""
    data = _post(list(platforms.values()), post_text=LONG)
    response = client_for(editor).post(_url(business, "compose_post"), data)
    assert response.status_code == 400
    sections = {s.platform.kind: s for s in response.context["composer"].sections}
    x_errors = " ".join(sections["x"].shown.errors["post_text"])
    assert "280" in x_errors and "give" in x_errors  # says the main text is used
    assert not sections["facebook"].shown.errors and not sections["linkedin"].shown.errors
    assert not Task.objects.exists() and not PostGroup.objects.exists()
    # X's own shorter text makes it whole.
    data[f"p{platforms['x'].pk}-post_text"] = "Winter blend is here."
    assert client_for(editor).post(_url(business, "compose_post"), data).status_code == 302
    assert Task.objects.count() == 3


@pytest.mark.parametrize(
    ("extra", "where", "message"),
    [
        ({"platforms": []}, "platforms", "at least one platform"),
        ({"title": ""}, "title", "required"),
        ({"hashtags": "not-a-tag!"}, "hashtags", "one word"),
        ({"status": "scheduled"}, None, "publish time"),
        ({"backlink_url": "javascript:alert(1)"}, "backlink_url", "URL"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(
    client_for, business, editor, platforms, extra, where, message
):
    response = client_for(editor).post(
        _url(business, "compose_post"), _post(list(platforms.values()), **extra)
    )
    assert response.status_code == 400
    composer = response.context["composer"]
    if where:
        assert message in " ".join(composer.main.errors[where])
    else:  # a variant's own rule: in each platform's section
        assert all(
            message in " ".join(s.shown.errors.get("scheduled_at", [])) for s in composer.included()
        )
    assert not Task.objects.exists() and not PostGroup.objects.exists()


def test_another_business_platform_is_refused(
    client_for, business, editor, platform, other_business
):
    theirs = PlatformFactory(business=other_business, kind="x")
    response = client_for(editor).post(_url(business, "compose_post"), _post([platform, theirs]))
    assert response.status_code == 400
    assert "valid choice" in " ".join(response.context["composer"].main.errors["platforms"])
    assert not Task.objects.exists()


def test_the_main_image_is_shared_and_a_variant_may_have_its_own(
    client_for, business, editor, platforms, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    fb, x = platforms["facebook"], platforms["x"]
    data = _post(
        [fb, x, platforms["linkedin"]],
        image=_png("red"),
        image_alt="A red cup",
        **{f"p{x.pk}-image": _png("blue"), f"p{x.pk}-image_alt": "A blue cup"},
    )
    assert client_for(editor).post(_url(business, "compose_post"), data).status_code == 302
    variants = {task.platform.kind: task for task in Task.objects.all()}
    assert variants["facebook"].image.name == variants["linkedin"].image.name  # one stored file
    assert variants["x"].image.name != variants["facebook"].image.name
    assert (variants["facebook"].image_alt, variants["x"].image_alt) == ("A red cup", "A blue cup")


def test_an_image_needs_its_alt_text(client_for, business, editor, platforms, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client_for(editor).post(
        _url(business, "compose_post"), _post([platforms["facebook"]], image=_png())
    )
    assert response.status_code == 400
    assert "Describe the image" in " ".join(response.context["composer"].main.errors["image_alt"])


@pytest.fixture
def group(client_for, business, editor, platforms):
    x = platforms["x"]
    data = _post(
        [platforms["facebook"], x],
        **{f"p{x.pk}-post_text": "Short for X"},
    )
    client_for(editor).post(_url(business, "compose_post"), data)
    return PostGroup.objects.get()


def _edit_data(group, **extra):
    data = {
        "title": "Winter blend",
        "post_text": "Winter blend, now in stores.",
        "hashtags": "",
        "backlink_url": "https://shop.example/winter",
        "status": "draft",
        "estimated_hours": "0.5",
    }
    for task in group.variants.all():
        data[f"t{task.pk}-seen_version"] = task.version
        if task.platform.kind == "x":
            data[f"t{task.pk}-post_text"] = task.post_text
    data.update(extra)
    return data


def test_a_group_is_edited_together(client_for, business, editor, platforms, group):
    client = client_for(editor)
    page = client.get(_url(business, "post_group_edit", group.pk))
    assert page.status_code == 200
    sections = [s for s in page.context["composer"].sections if s.task]
    x_section = next(s for s in sections if s.platform.kind == "x")
    assert x_section.shown["post_text"].value() == "Short for X"  # its own, shown
    fb_section = next(s for s in sections if s.platform.kind == "facebook")
    assert not fb_section.shown["post_text"].value()  # the main post's: blank
    linkedin = platforms["linkedin"]
    data = _edit_data(group, platforms=[linkedin.pk])  # and add LinkedIn
    response = client.post(_url(business, "post_group_edit", group.pk), data)
    assert response.status_code == 302
    texts = {t.platform.kind: t.post_text for t in group.variants.select_related("platform")}
    assert texts == {
        "facebook": "Winter blend, now in stores.",
        "linkedin": "Winter blend, now in stores.",
        "x": "Short for X",
    }


def test_an_edit_conflict_saves_nothing(client_for, business, editor, platforms, group):
    data = _edit_data(group)
    x_post = group.variants.get(platform=platforms["x"])
    x_post.post_text = "Changed by someone else"
    from planner import services

    services.task_save(x_post, x_post.version)
    response = client_for(editor).post(_url(business, "post_group_edit", group.pk), data)
    assert response.status_code == 409
    assert "Someone else changed" in str(response.context["composer"].main.non_field_errors())
    fb_post = group.variants.get(platform=platforms["facebook"])
    assert fb_post.post_text == "Winter blend is here."  # not half of it


@pytest.mark.parametrize("actor", ["owner", "editor", "viewer", "outsider", "anonymous"])
def test_five_actors(client, client_for, business, actor, request, platforms, group):
    user = None if actor == "anonymous" else request.getfixturevalue(actor)
    client.logout()  # the group was made by the editor, through this same client
    client = client_for(user) if user else client
    before = Task.objects.count()
    compose = client.post(_url(business, "compose_post"), _post([platforms["facebook"]]))
    detail = client.get(_url(business, "post_group_detail", group.pk))
    edit = client.get(_url(business, "post_group_edit", group.pk))
    expected = {
        "owner": (302, 200, 200),
        "editor": (302, 200, 200),
        "viewer": (403, 200, 403),
        "outsider": (404, 404, 404),
        "anonymous": (302, 302, 302),
    }[actor]
    assert (compose.status_code, detail.status_code, edit.status_code) == expected
    assert Task.objects.count() == before + (1 if actor in ("owner", "editor") else 0)
    if actor == "viewer":
        page = detail.content.decode()
        assert "Edit together" not in page and "Winter blend" in page


def test_a_group_of_another_business_is_404(client_for, business, outsider, other_business, group):
    assert (
        client_for(outsider).get(_url(other_business, "post_group_detail", group.pk)).status_code
        == 404
    )


def test_a_group_whose_posts_are_all_deleted_is_gone(client_for, business, editor, group):
    from planner import services

    for task in list(group.variants.all()):
        services.task_delete(task)
    assert client_for(editor).get(_url(business, "post_group_detail", group.pk)).status_code == 404


def test_the_task_page_links_to_its_group(client_for, business, editor, group):
    task = group.variants.first()
    page = client_for(editor).get(_url(business, "smo_detail", task.pk)).content.decode()
    assert _url(business, "post_group_detail", group.pk) in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_pages_read_a_fixed_number_of_queries(client_for, business, editor, platforms, group):
    """The composer and a group's page, at two sizes of the business: the same query count."""
    client = client_for(editor)
    urls = [
        _url(business, "compose_post"),
        _url(business, "post_group_detail", group.pk),
        _url(business, "post_group_edit", group.pk),
    ]
    small = [_queries(client, url) for url in urls]
    for n in range(30):
        SmoTaskFactory(business=business, platform=platforms["x"], title=f"More {n}")
    assert [_queries(client, url) for url in urls] == small


def test_an_unchanged_edit_together_changes_no_variant(
    client_for, business, editor, platforms, settings, tmp_path
):
    """What differs between the variants — a time and hashtags the first has and X has not,
    X's status and image — survives an edit together saved as it was shown."""
    settings.MEDIA_ROOT = tmp_path
    fb, x = platforms["facebook"], platforms["x"]
    data = _post(
        [fb, x],
        hashtags="coffee",
        **{
            f"p{fb.pk}-scheduled_at": "2027-01-11T09:00",
            f"p{x.pk}-post_text": "Short for X",
            f"p{x.pk}-image": _png("blue"),
            f"p{x.pk}-image_alt": "A blue cup",
        },
    )
    client = client_for(editor)
    assert client.post(_url(business, "compose_post"), data).status_code == 302
    group = PostGroup.objects.get()
    x_post = group.variants.get(platform=x)
    x_post.hashtags, x_post.status = "", "published"
    x_post.published_url = "https://x.example/1"
    from planner import services

    services.task_save(x_post, x_post.version)
    before = {t.pk: _saved(t) for t in group.variants.all()}
    page = client.get(_url(business, "post_group_edit", group.pk))
    shown = _shown_data(page)
    shown["image"] = _png("red")  # a new main image: for the variants without their own
    shown["image_alt"] = "A red cup"
    assert client.post(_url(business, "post_group_edit", group.pk), shown).status_code == 302
    after = {t.pk: _saved(t) for t in group.variants.all()}
    fb_post = group.variants.get(platform=fb)
    assert after[x_post.pk] == before[x_post.pk]  # its image too
    took = ("image", "image_alt")  # the new image, with its alt text
    assert {k: v for k, v in after[fb_post.pk].items() if k not in took} == {
        k: v for k, v in before[fb_post.pk].items() if k not in took
    }
    assert after[fb_post.pk]["image"] and after[fb_post.pk]["image_alt"] == "A red cup"


def _saved(task):
    fields = ("post_text", "hashtags", "scheduled_at", "status", "published_url", "image_alt")
    return {name: getattr(task, name) for name in fields} | {"image": task.image.name}


def _shown_data(page):
    """The edit page's form as a browser would send it unchanged."""
    composer = page.context["composer"]
    data = {}
    zone = timezone.get_current_timezone()  # the business's, as the form shows times
    for name in composer.main.fields:
        value = composer.main[name].value()
        if name in ("platforms", "image"):
            continue
        if hasattr(value, "strftime"):
            value = value.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
        data[name] = "" if value is None else value
    for section in composer.sections:
        if section.task is None:
            continue
        for name in ("post_text", "hashtags", "image_alt", "backlink_url", "scheduled_at"):
            value = section.shown[name].value()
            data[section.shown.add_prefix(name)] = value or ""
        data[section.shown.add_prefix("seen_version")] = section.task.version
    return data
