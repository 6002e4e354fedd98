"""UTM tagging of backlinks and destination URLs, with tricky URLs."""

import pytest

from planner.utm import host_of, planner_values, tag_url

SMO = {
    "utm_source": "facebook",
    "utm_medium": "social",
    "utm_campaign": "spring",
    "utm_content": "beans",
}


def test_planner_values_for_each_kind():
    organic = planner_values(
        kind="smo", platform_kind="instagram", campaign_slug="spring-sale", title="New Beans!"
    )
    assert organic == {
        "utm_source": "instagram",
        "utm_medium": "social",
        "utm_campaign": "spring-sale",
        "utm_content": "new-beans",
    }
    paid = planner_values(
        kind="smm", platform_kind="linkedin", campaign_slug="", title="", task_id=7
    )
    assert paid == {"utm_source": "linkedin", "utm_medium": "cpc", "utm_content": "task-7"}


def test_overrides_win_and_blank_overrides_do_not():
    values = planner_values(
        kind="smm",
        platform_kind="x",
        campaign_slug="c",
        title="t",
        overrides={"utm_medium": "paid", "utm_source": " ", "utm_content": ""},
    )
    assert values["utm_medium"] == "paid"
    assert values["utm_source"] == "x"
    assert values["utm_content"] == "t"


@pytest.mark.parametrize(
    "url, expected",
    [
        # Plain.
        (
            "https://shop.example/beans",
            "https://shop.example/beans?utm_source=facebook&utm_medium=social&utm_campaign=spring"
            "&utm_content=beans",
        ),
        # Other parameters and the fragment survive, in order, untouched.
        (
            "https://shop.example/p?id=42&ref=a%20b#reviews",
            "https://shop.example/p?id=42&ref=a%20b&utm_source=facebook&utm_medium=social"
            "&utm_campaign=spring&utm_content=beans#reviews",
        ),
        # Planner-owned parameters already in the URL are replaced, whatever their case.
        (
            "https://shop.example/?utm_source=old&UTM_MEDIUM=email&x=1",
            "https://shop.example/?x=1&utm_source=facebook&utm_medium=social&utm_campaign=spring"
            "&utm_content=beans",
        ),
        # Other utm_ parameters the planner does not own are kept.
        (
            "https://shop.example/?utm_term=coffee",
            "https://shop.example/?utm_term=coffee&utm_source=facebook&utm_medium=social"
            "&utm_campaign=spring&utm_content=beans",
        ),
        # Non-ASCII path and query are percent-encoded as UTF-8; the host becomes IDNA.
        (
            "https://café.example/menü?q=größe",
            "https://xn--caf-dma.example/men%C3%BC?q=gr%C3%B6%C3%9Fe&utm_source=facebook"
            "&utm_medium=social&utm_campaign=spring&utm_content=beans",
        ),
        # Already-encoded input is not encoded twice.
        (
            "https://shop.example/men%C3%BC?q=a%2Fb",
            "https://shop.example/men%C3%BC?q=a%2Fb&utm_source=facebook&utm_medium=social"
            "&utm_campaign=spring&utm_content=beans",
        ),
        # A lone % is escaped; a port and an empty path are kept valid.
        (
            "http://shop.example:8080?discount=10%",
            "http://shop.example:8080/?discount=10%25&utm_source=facebook&utm_medium=social"
            "&utm_campaign=spring&utm_content=beans",
        ),
        # Blank values and keys without values survive; a fragment with spaces is encoded.
        (
            "https://shop.example/a?flag&empty=#top of page",
            "https://shop.example/a?flag&empty=&utm_source=facebook&utm_medium=social"
            "&utm_campaign=spring&utm_content=beans#top%20of%20page",
        ),
    ],
)
def test_tag_url(url, expected):
    assert tag_url(url, SMO) == expected


def test_values_are_encoded():
    tagged = tag_url("https://shop.example/", {"utm_campaign": "spring & summer/ünïcode"})
    assert tagged == "https://shop.example/?utm_campaign=spring%20%26%20summer%2F%C3%BCn%C3%AFcode"


def test_tagging_twice_changes_nothing():
    once = tag_url("https://shop.example/p?id=1#x", SMO)
    assert tag_url(once, SMO) == once


def test_empty_url_stays_empty():
    assert tag_url("", SMO) == ""


def test_host_of():
    assert host_of("https://WWW.Shop.example/x") == "shop.example"
    assert host_of("https://shop.example:8443/") == "shop.example"
    assert host_of("https://blog.shop.example/") == "blog.shop.example"
