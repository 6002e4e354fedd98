"""Post templates and hashtag groups (planner/compose): members read them, editors keep them
(a name once per kind, hashtags that are hashtags, at most MAX_SNIPPETS), and the post form
offers the business's own — never another's — to insert."""

import json

import pytest
from django.urls import reverse

from planner.compose.models import Snippet
from tests.factories import SmoTaskFactory


def _url(business, name, *args):
    return reverse(name, args=[business.pk, *args])


@pytest.fixture
def tags(business):
    return Snippet.objects.create(business=business, kind="hashtags", name="Coffee",
                                  text="#coffee #beans")  # fmt: skip


def test_an_editor_keeps_a_template(client_for, business, editor):
    client = client_for(editor)
    data = {"kind": "template", "name": "Weekly roast", "text": "This week we roast:\r\nbeans"}
    response = client.post(_url(business, "snippet_create"), data)
    assert response.status_code == 302
    snippet = Snippet.objects.get()
    assert (snippet.text, snippet.created_by, snippet.business) == (
        "This week we roast:\nbeans", editor, business)  # fmt: skip
    page = client.get(_url(business, "snippet_list")).content.decode()
    assert "Weekly roast" in page and "Post templates" in page


def test_a_hashtag_group_is_kept_tidy(client_for, business, editor):
    data = {"kind": "hashtags", "name": "Coffee", "text": "coffee, #beans  latte"}
    client_for(editor).post(_url(business, "snippet_create"), data)
    assert Snippet.objects.get().text == "#coffee #beans #latte"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "hashtags", "name": "Bad", "text": "#ok not-a-tag"}, "text", "Give hashtags"),
        ({"kind": "hashtags", "name": "Long", "text": "#" + "a" * 600}, "text", "At most 500"),
        ({"kind": "template", "name": "Blank", "text": "   "}, "text", "required"),
        ({"kind": "template", "name": "Huge", "text": "x" * 3001}, "text", "at most 3000"),
        ({"kind": "template", "name": "", "text": "Hi"}, "name", "required"),
        ({"kind": "poem", "name": "P", "text": "Hi"}, "kind", "valid choice"),
        ({"kind": "hashtags", "name": "coffee", "text": "#tea"}, "name", "one of that name"),
    ],
)
def test_bad_input_is_refused_next_to_its_field(
    client_for, business, editor, tags, data, field, message
):
    response = client_for(editor).post(_url(business, "snippet_create"), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert Snippet.objects.count() == 1


def test_the_same_name_may_be_a_template_and_a_group(client_for, business, editor, tags):
    data = {"kind": "template", "name": "Coffee", "text": "Coffee time"}
    assert client_for(editor).post(_url(business, "snippet_create"), data).status_code == 302


def test_at_most_the_limit(client_for, business, editor, monkeypatch):
    from planner.compose import services

    monkeypatch.setattr(services, "MAX_SNIPPETS", 1)
    client = client_for(editor)
    client.post(_url(business, "snippet_create"), {"kind": "template", "name": "A", "text": "a"})
    response = client.post(_url(business, "snippet_create"),
                           {"kind": "template", "name": "B", "text": "b"})  # fmt: skip
    assert response.status_code == 400 and "at most 1 templates" in response.content.decode()
    assert Snippet.objects.count() == 1


def test_edit_keeps_what_it_is_and_refuses_a_stale_save(client_for, business, editor, tags):
    client = client_for(editor)
    url = _url(business, "snippet_edit", tags.pk)
    response = client.post(url, {"kind": "template", "name": "Coffee tags", "text": "#tea",
                                 "seen_version": "0"})  # fmt: skip
    assert response.status_code == 302
    tags.refresh_from_db()
    assert (tags.kind, tags.name, tags.text, tags.version) == ("hashtags", "Coffee tags",
                                                              "#tea", 1)  # fmt: skip
    stale = client.post(url, {"name": "Old", "text": "#old", "seen_version": "0"})
    assert stale.status_code == 409 and Snippet.objects.get().name == "Coffee tags"


def test_delete_asks_then_deletes(client_for, business, editor, tags):
    client = client_for(editor)
    assert client.get(_url(business, "snippet_delete", tags.pk)).status_code == 200
    client.post(_url(business, "snippet_delete", tags.pk))
    assert not Snippet.objects.exists()


def test_the_post_form_offers_the_business_own(client_for, business, editor, platform, tags,
                                               other_business):  # fmt: skip
    Snippet.objects.create(business=other_business, kind="template", name="Theirs", text="x")
    Snippet.objects.create(business=business, kind="template", name="Ours", text="Hello")
    client = client_for(editor)
    post = SmoTaskFactory(business=business, platform=platform)
    for url in (_url(business, "smo_create"), _url(business, "smo_edit", post.pk)):
        html = client.get(url).content.decode()
        start = html.index('id="composer-snippets"')
        data = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
        assert data == {"templates": [{"name": "Ours", "text": "Hello"}],
                        "hashtags": [{"name": "Coffee", "text": "#coffee #beans"}]}  # fmt: skip
    assert (
        'data-testid="composer-bar"'
        not in client.get(_url(business, "smm_create")).content.decode()
    )


def test_a_template_cannot_break_out_of_its_script(client_for, business, editor, platform):
    Snippet.objects.create(business=business, kind="template", name="Evil",
                           text="</script><script>alert(1)</script>")  # fmt: skip
    html = client_for(editor).get(_url(business, "smo_create")).content.decode()
    assert "</script><script>alert(1)" not in html


@pytest.mark.parametrize("count", [2, 20])
def test_the_post_form_reads_them_in_one_query(
    client_for, business, editor, platform, count, django_assert_max_num_queries
):
    for n in range(count):
        Snippet.objects.create(business=business, kind="template", name=f"T{n}", text="t")
    client = client_for(editor)
    with django_assert_max_num_queries(14):
        client.get(_url(business, "smo_create"))


def test_others_see_and_change_nothing(client_for, business, viewer, outsider, client, tags):
    assert client_for(viewer).get(_url(business, "snippet_list")).status_code == 200
    assert "Edit" not in client_for(viewer).get(_url(business, "snippet_list")).content.decode()
    data = {"kind": "template", "name": "X", "text": "x"}
    assert client_for(viewer).post(_url(business, "snippet_create"), data).status_code == 403
    assert client_for(viewer).post(_url(business, "snippet_delete", tags.pk)).status_code == 403
    assert client_for(outsider).get(_url(business, "snippet_list")).status_code == 404
    assert client_for(outsider).post(_url(business, "snippet_delete", tags.pk)).status_code == 404
    client.logout()
    assert client.get(_url(business, "snippet_list")).status_code == 302
    assert Snippet.objects.count() == 1


def test_another_business_snippet_is_a_404(client_for, business, editor, other_business):
    theirs = Snippet.objects.create(business=other_business, kind="template", name="T", text="t")
    client = client_for(editor)
    assert client.get(_url(business, "snippet_edit", theirs.pk)).status_code == 404
    assert client.post(_url(business, "snippet_delete", theirs.pk)).status_code == 404
    assert Snippet.objects.count() == 1
