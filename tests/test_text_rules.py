"""Platform text limits and X's weighted count (twitter-text v3 weighting)."""

from planner import text_rules
from planner.text_rules import check_post, published_text, split_hashtags, x_weighted_length


def test_x_counts_latin_as_one_and_urls_as_23():
    assert x_weighted_length("hello") == 5
    assert x_weighted_length("https://example.com/a/very/long/path?with=query") == 23
    assert x_weighted_length("see www.example.com now") == 4 + 23 + 4
    assert x_weighted_length("café") == 4


def test_x_counts_cjk_and_emoji_as_two():
    assert x_weighted_length("日本語") == 6
    assert x_weighted_length("👍") == 2
    assert x_weighted_length("👍🏽") == 2  # skin tone modifier joins the emoji
    assert x_weighted_length("👨‍👩‍👧") == 2  # a ZWJ family is one emoji


def test_x_limit_is_280_weighted():
    assert check_post("x", "a" * 280, "") == []
    assert check_post("x", "a" * 281, "")
    assert check_post("x", "日" * 140, "") == []
    assert check_post("x", "日" * 141, "")
    # 10 URLs of any length: 10 × 23 + 9 spaces = 239
    assert check_post("x", " ".join(["https://example.com/" + "x" * 100] * 10), "") == []


def test_other_platform_limits():
    assert check_post("linkedin", "a" * 3000, "") == []
    assert check_post("linkedin", "a" * 3001, "")
    assert check_post("instagram", "a" * 2200, "") == []
    assert check_post("instagram", "a" * 2201, "")
    assert check_post("facebook", "a" * 63206, "") == []
    assert check_post("facebook", "a" * 63207, "")


def test_hashtags_count_towards_the_limit():
    assert check_post("x", "a" * 275, "#abc") != []  # 275 + 2 newlines + 4 = 281


def test_instagram_allows_five_hashtags():
    assert check_post("instagram", "Hello #one #two", "#three #four #five") == []
    errors = check_post("instagram", "Hello #one #two", "#three #four #five #six")
    assert any("At most 5 hashtags" in error for error in errors)
    # A tag repeated in the field and the text counts once.
    assert check_post("instagram", "#a #b #c #d #e", "#a") == []
    # Other platforms have no hashtag cap.
    assert check_post("facebook", "x", "#1 #2 #3 #4 #5 #6 #7") == []


def test_split_and_publish_hashtags():
    assert split_hashtags("#a, b  #c") == ["#a", "#b", "#c"]
    assert split_hashtags("") == []
    assert split_hashtags("#bad-tag") is None
    assert published_text("Hi", "a b") == "Hi\n\n#a #b"
    assert published_text("Hi #a", "#a") == "Hi #a"
    assert published_text("", "#a") == "#a"


def test_limits_table_matches_design():
    assert text_rules.TEXT_LIMITS == {
        "x": 280,
        "linkedin": 3000,
        "instagram": 2200,
        "facebook": 63206,
    }
