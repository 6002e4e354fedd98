"""Platform text rules (docs/domain.md, "Platform text rules"): length limits and X's weighted
count.

The same rules run in the browser (static/js/post_counter.js) for the live counter; the server
is the authority.
"""

import re
import unicodedata

X_URL_LENGTH = 23
# twitter-text v3: code points in these ranges weigh 1, everything else (CJK, emoji…) weighs 2.
X_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))

TEXT_LIMITS = {"x": 280, "linkedin": 3000, "instagram": 2200, "facebook": 63206}
MAX_HASHTAGS = {"instagram": 5}

URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
HASHTAG_RE = re.compile(r"(?<![\w&])#(\w+)")
# twitter-text counts every emoji as 2, however many code points make it: keycaps (1️⃣),
# flags (two regional indicators), skin tones, tag sequences and ZWJ sequences (👨‍👩‍👧).
_PICTO = "\U0001f000-\U0001faff\u2600-\u27bf\u2300-\u23ff\u2b00-\u2bff"
_MODS = "(?:\ufe0f|[\U0001f3fb-\U0001f3ff]|[\U000e0020-\U000e007f])*"
EMOJI_RE = re.compile(
    "[0-9#*]\ufe0f?\u20e3"
    "|[\U0001f1e6-\U0001f1ff]{2}"
    # A pictograph, or any character made an emoji by the variation selector U+FE0F (▶️ ©️ ™️).
    f"|(?:[{_PICTO}]|[^\\s{_PICTO}]\ufe0f){_MODS}(?:\u200d[{_PICTO}]{_MODS})*"
)


def _weight(code_point):
    return 1 if any(lo <= code_point <= hi for lo, hi in X_LIGHT_RANGES) else 2


def x_weighted_length(text):
    """Length as X counts it: URLs are 23, heavy characters 2, an emoji sequence counts once."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    position = 0
    for match in URL_RE.finditer(text):
        total += _weighted_plain(text[position : match.start()]) + X_URL_LENGTH
        position = match.end()
    return total + _weighted_plain(text[position:])


def _weighted_plain(text):
    total = 0
    position = 0
    for match in EMOJI_RE.finditer(text):
        total += sum(_weight(ord(char)) for char in text[position : match.start()]) + 2
        position = match.end()
    return total + sum(_weight(ord(char)) for char in text[position:])


def text_length(platform_kind, text):
    if platform_kind == "x":
        return x_weighted_length(text)
    return len(unicodedata.normalize("NFC", text))


def split_hashtags(value):
    """'#a, b #c' -> ['#a', '#b', '#c']; returns None when a tag is not a single word."""
    tags = []
    for raw in re.split(r"[\s,]+", value.strip()):
        if not raw:
            continue
        word = raw.lstrip("#")
        if not word or not re.fullmatch(r"\w+", word):
            return None
        tags.append("#" + word)
    return tags


def published_text(post_text, hashtags):
    """The caption as it will be published: the text, then the hashtags not already in it."""
    tags = split_hashtags(hashtags or "") or []
    present = {tag.lower() for tag in HASHTAG_RE.findall(post_text)}
    extra = [tag for tag in tags if tag[1:].lower() not in present]
    if not extra:
        return post_text
    return f"{post_text}\n\n{' '.join(extra)}" if post_text else " ".join(extra)


def hashtag_count(text):
    return len({tag.lower() for tag in HASHTAG_RE.findall(text)})


def check_post(platform_kind, post_text, hashtags):
    """Return a list of error messages for the post on that platform (empty when it fits)."""
    errors = []
    text = published_text(post_text, hashtags)
    limit = TEXT_LIMITS.get(platform_kind)
    length = text_length(platform_kind, text)
    if limit is not None and length > limit:
        unit = "weighted characters" if platform_kind == "x" else "characters"
        errors.append(
            f"Too long for this platform: {length:,} of {limit:,} {unit} (text and hashtags)."
        )
    max_tags = MAX_HASHTAGS.get(platform_kind)
    if max_tags is not None and hashtag_count(text) > max_tags:
        errors.append(
            f"At most {max_tags} hashtags on this platform; this post has {hashtag_count(text)}."
        )
    return errors
