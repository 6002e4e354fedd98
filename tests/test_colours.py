"""Colours that must work for everyone: organic and paid told apart in greyscale (not just by
hue), and a focus ring of at least 3:1 against the page (WCAG 2.2, 1.4.11 and 2.4.13)."""

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"


def luminance(hex_colour):
    """WCAG's relative luminance of #rrggbb."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_charts_organic_and_paid_differ_in_lightness():
    script = (STATIC / "js" / "dashboard.js").read_text()
    green = re.search(r'const GREEN = "(#[0-9a-f]{6})"', script).group(1)
    blue = re.search(r'const BLUE = "(#[0-9a-f]{6})"', script).group(1)
    assert contrast(green, blue) >= 2  # apart in greyscale; the hatching tells them apart too
    assert "createPattern" in script and "rgba(0,0,0," in script  # dark stripes on paid


def test_the_focus_ring_stands_out():
    css = (STATIC / "css" / "planner.css").read_text()
    ring = re.search(r":focus-visible \{\s*outline: 3px solid (#[0-9a-f]{6})", css).group(1)
    assert contrast(ring, "#ffffff") >= 3
    assert contrast("#ffffff", "#212529") >= 3  # the navigation bar's white ring on its dark
