"""Saved views: a member saves a list's filters and sort under a name, sees their views beside
the filters (never anyone else's), opens one in a click, replaces it by saving the same name,
and deletes it; a bad name or bad filters get a message next to the field and save nothing."""

import pytest
from django.urls import reverse

from planner.lists.models import MAX_VIEWS, SavedView
from tests.factories import PlatformFactory, SmmTaskFactory


def _save(client, business, kind, query, name):
    url = reverse(f"{kind}_view_create", args=[business.pk]) + (f"?{query}" if query else "")
    return client.post(url, {"name": name})


def test_save_open_replace_and_delete(client_for, business, viewer, platform):
    SmmTaskFactory(business=business, platform=platform, status="active", title="Live ad")
    SmmTaskFactory(business=business, platform=platform, status="draft", title="Draft ad")
    client = client_for(viewer)  # a view is the member's own: viewers keep views too
    response = _save(client, business, "smm", "status=active&sort=-spend&page=3&junk=1", "Live")
    view = SavedView.objects.get(user=viewer)
    # Only the list's own parameters are kept (no page, nothing else).
    assert view.query == "status=active&sort=-spend"
    assert response.status_code == 302 and response.url.endswith("?status=active&sort=-spend")
    page = client.get(response.url)
    html = page.content.decode()
    assert "Live ad" in html and "Draft ad" not in html
    assert 'aria-current="true" data-testid="saved-view">Live</a>' in html  # it is the one shown
    # The list without filters offers the view as a link to its filters and sort.
    html = client.get(reverse("smm_list", args=[business.pk])).content.decode()
    assert (
        'href="?status=active&amp;sort=-spend"' in html and 'aria-current="true" data' not in html
    )
    # The same name (in any case) replaces the view's filters.
    _save(client, business, "smm", "status=draft", "LIVE")
    view = SavedView.objects.get(user=viewer)
    assert (view.name, view.query) == ("LIVE", "status=draft")
    response = client.post(reverse("saved_view_delete", args=[business.pk, view.pk]))
    assert response.status_code == 302 and not SavedView.objects.exists()


def test_views_are_per_member_and_per_list(client_for, business, owner, editor, platform):
    SavedView.objects.create(business=business, user=editor, kind="smm", name="Editor's")
    SavedView.objects.create(business=business, user=owner, kind="smo", name="Posts view")
    html = client_for(owner).get(reverse("smm_list", args=[business.pk])).content.decode()
    assert "Editor&#x27;s" not in html and "Posts view" not in html
    assert (
        "Posts view"
        in client_for(owner).get(reverse("smo_list", args=[business.pk])).content.decode()
    )


def test_another_members_view_cannot_be_deleted(client_for, business, owner, editor):
    view = SavedView.objects.create(business=business, user=editor, kind="smm", name="Mine")
    response = client_for(owner).post(reverse("saved_view_delete", args=[business.pk, view.pk]))
    assert response.status_code == 404 and SavedView.objects.filter(pk=view.pk).exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "This field is required."), ("x" * 61, "at most 60 characters")],
)
def test_a_bad_name_is_refused_next_to_the_field(client_for, business, editor, name, message):
    response = _save(client_for(editor), business, "smo", "status=draft", name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'id="error_1_id_name"' in response.content.decode() or message in str(
        response.context["view_form"].errors["name"]
    )
    assert not SavedView.objects.exists()


def test_filters_of_another_business_are_refused(client_for, business, editor, other_business):
    theirs = PlatformFactory(business=other_business)
    response = _save(client_for(editor), business, "smm", f"platform={theirs.pk}", "Theirs")
    assert response.status_code == 400
    assert "These filters are not valid" in response.content.decode()
    assert not SavedView.objects.exists()


def test_an_unknown_sort_is_not_kept(client_for, business, editor):
    _save(client_for(editor), business, "smo", "sort=-cpc&status=draft", "Posts")  # ads' sort
    assert SavedView.objects.get().query == "status=draft"


def test_at_most_so_many_views_per_list(client_for, business, editor):
    client = client_for(editor)
    SavedView.objects.bulk_create(
        SavedView(business=business, user=editor, kind="smm", name=f"View {n}")
        for n in range(MAX_VIEWS)
    )
    response = _save(client, business, "smm", "status=active", "One more")
    assert response.status_code == 400
    assert f"You have {MAX_VIEWS} saved views" in response.content.decode()
    assert SavedView.objects.count() == MAX_VIEWS
    # Replacing one by its name is still possible.
    assert _save(client, business, "smm", "status=paused", "View 3").status_code == 302


def test_outsider_and_anonymous(client_for, business, outsider, client, editor):
    view = SavedView.objects.create(business=business, user=editor, kind="smm", name="Mine")
    outside = client_for(outsider)
    assert _save(outside, business, "smm", "", "Theirs").status_code == 404
    delete = reverse("saved_view_delete", args=[business.pk, view.pk])
    assert outside.post(delete).status_code == 404
    client.logout()
    assert client.post(delete).status_code == 302
    assert SavedView.objects.count() == 1


def test_a_search_too_long_to_keep_is_refused(client_for, business, editor):
    """A view keeps at most 1,000 characters of query: a long search in letters that take
    9 characters each once encoded is refused next to the name, not a database error."""
    response = _save(client_for(editor), business, "smo", "q=" + "咖" * 150, "Long")
    assert response.status_code == 400
    assert not SavedView.objects.exists()
