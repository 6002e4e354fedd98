"""Charts drawn on the server as SVG, for the report page and its PDF (WeasyPrint draws SVG;
no browser or script is in the loop). Pure: numbers in, markup out; every label is text, so
the PDF's charts can be read and searched.
"""

from decimal import Decimal
from xml.sax.saxutils import escape

SMO_COLOUR, SMM_COLOUR = "#198754", "#0d6efd"
WIDTH = 640


def _number(value):
    return float(value or 0)


def split_bar(title, smo, smm, shown_smo, shown_smm):
    """One horizontal bar split into the organic and the paid share, with both labelled."""
    total = _number(smo) + _number(smm)
    smo_width = 0 if not total else round(WIDTH * _number(smo) / total, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} 70" width="100%" aria-label="{escape(title)}">',
        f'<text x="0" y="14" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    if total:
        parts += [
            f'<rect x="0" y="22" width="{smo_width}" height="22" fill="{SMO_COLOUR}"/>',
            f'<rect x="{smo_width}" y="22" width="{WIDTH - smo_width}" height="22" '
            f'fill="{SMM_COLOUR}"/>',
        ]
    else:
        parts.append(f'<rect x="0" y="22" width="{WIDTH}" height="22" fill="#dee2e6"/>')
    parts += [
        f'<text x="0" y="62" font-size="12" fill="{SMO_COLOUR}">SMO {escape(shown_smo)}</text>',
        f'<text x="{WIDTH}" y="62" font-size="12" text-anchor="end" fill="{SMM_COLOUR}">'
        f"SMM {escape(shown_smm)}</text>",
        "</svg>",
    ]
    return "".join(parts)


def stacked_columns(title, labels, smo, smm, unit=""):
    """Columns over time, organic below paid, the tallest scaled to the chart's height; the
    first and last labels and the highest total written out."""
    height, top, bottom = 180, 24, 30
    count = len(labels)
    totals = [_number(a) + _number(b) for a, b in zip(smo, smm, strict=True)]
    highest = max(totals, default=0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-label="{escape(title)}">',
        f'<text x="0" y="14" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    if count and highest:
        space = WIDTH / count
        column = max(space * 0.7, 1)
        scale = (height - top - bottom) / highest
        for index, (organic, paid) in enumerate(zip(smo, smm, strict=True)):
            x = round(index * space + (space - column) / 2, 1)
            organic_height = round(_number(organic) * scale, 1)
            paid_height = round(_number(paid) * scale, 1)
            base = height - bottom
            parts.append(
                f'<rect x="{x}" y="{base - organic_height}" width="{round(column, 1)}" '
                f'height="{organic_height}" fill="{SMO_COLOUR}"/>'
            )
            parts.append(
                f'<rect x="{x}" y="{base - organic_height - paid_height}" '
                f'width="{round(column, 1)}" height="{paid_height}" fill="{SMM_COLOUR}"/>'
            )
        parts.append(
            f'<text x="{WIDTH}" y="{top - 2}" font-size="11" text-anchor="end">highest '
            f"{escape(_shown(highest, unit))}</text>"
        )
    else:
        parts.append(f'<text x="0" y="{height / 2}" font-size="12">Nothing in this period.</text>')
    if count:
        parts.append(f'<text x="0" y="{height - 8}" font-size="11">{escape(labels[0])}</text>')
        parts.append(
            f'<text x="{WIDTH}" y="{height - 8}" font-size="11" text-anchor="end">'
            f"{escape(labels[-1])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _shown(value, unit):
    value = Decimal(str(value)).quantize(Decimal("0.01"))
    return f"{value:,} {unit}".strip()
