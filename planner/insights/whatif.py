"""What-if reallocation: each side and platform's response to its input, fitted from the
business's own weekly history, projected for the same number of weeks ahead and given a range
by resampling the weeks. Pure: no ORM, no I/O (docs/domain.md, "What-if").

Organic work's input is hours, paid work's media spend: the hourly rate prices one against the
other, so hours moved to paid become money to spend, and money moved to organic buys hours.

The response is a power law, clicks ∝ input^b with 0 < b ≤ 1: the simplest curve through the
origin whose returns diminish (b < 1); b is the elasticity, the % more clicks for 1% more
input. b is the slope of a least-squares line through the weeks' logarithms (closed form,
from the dozen or so weekly points a business has); saturating curves (Hill, negative
exponential) need three parameters and a nonlinear fit that a dozen noisy weeks cannot pin
down. b is kept within [B_MIN, 1]: never increasing returns, which a short history can
suggest and no budget should believe. The curve's level is the baseline itself: the weeks
ahead keep the baseline's weekly rhythm, scaled, so the same input projects the clicks the
baseline had, and s times the input projects s^b times them. Conversions and conversion value
follow the clicks at the segment's own rates.

Plain Python (math, random): a few hundred resamples of a dozen weeks take milliseconds, so
numpy would not earn its place.
"""

import math
import random
from dataclasses import dataclass, field

MIN_WEEKS = 4  # weeks with input and clicks below which a curve is not fitted
B_MIN, B_MAX = 0.05, 1.0
RESAMPLES = 200
LOW, HIGH = 0.1, 0.9  # the range: the 10th to the 90th percentile of the resamples
CURVE, AVERAGE, NONE = "curve", "average", "none"


@dataclass(frozen=True)
class Week:
    input: float  # hours (organic) or media spend (paid)
    clicks: float
    conversions: float = 0.0
    value: float = 0.0


@dataclass(frozen=True)
class Fit:
    b: float
    method: str  # CURVE, AVERAGE (a straight line through the average) or NONE
    points: int  # the weeks with input and clicks the elasticity was fitted on
    base_input: float = 0.0  # the baseline's input and clicks: the curve's level
    base_clicks: float = 0.0

    def clicks(self, total_input):
        """Clicks over the weeks ahead with `total_input` in the baseline's weekly rhythm."""
        if self.method == NONE or total_input <= 0:
            return 0.0
        return self.base_clicks * (total_input / self.base_input) ** self.b

    def marginal(self, total_input):
        """Clicks from one more unit of input there (the curve's slope); None where there is
        no curve, or at no input on a curve whose slope is endless there."""
        if self.method == NONE:
            return None
        if total_input <= 0:
            return self.base_clicks / self.base_input if self.b == 1 else None
        scale = total_input / self.base_input
        return self.base_clicks * self.b * scale ** (self.b - 1) / self.base_input


def elasticity(points):
    """The slope of log clicks on log input, within [B_MIN, B_MAX]; None if the inputs do not
    vary."""
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread <= 1e-9:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return min(max(slope, B_MIN), B_MAX)


def fit(weeks):
    """The curve of the weeks: its elasticity from the weeks with both input and clicks (at
    least MIN_WEEKS of them, whose inputs vary), else a straight line through the average
    (b = 1); nothing if there was no input at all."""
    base_input = sum(w.input for w in weeks)
    base_clicks = sum(w.clicks for w in weeks)
    if base_input <= 0:
        return Fit(1.0, NONE, 0)
    points = [(w.input, w.clicks) for w in weeks if w.input > 0 and w.clicks > 0]
    b = elasticity(points) if len(points) >= MIN_WEEKS else None
    if b is None:
        return Fit(1.0, AVERAGE, len(points), base_input, base_clicks)
    return Fit(b, CURVE, len(points), base_input, base_clicks)


def _rates(weeks):
    clicks = sum(w.clicks for w in weeks)
    if not clicks:
        return 0.0, 0.0
    return sum(w.conversions for w in weeks) / clicks, sum(w.value for w in weeks) / clicks


@dataclass(frozen=True)
class Segment:
    """One side on one platform: its weekly history over the baseline."""

    key: str  # "smo:<platform id>" or "smm:<platform id>"
    kind: str  # "smo" or "smm"
    label: str
    weeks: tuple  # (Week, …), one per baseline week, zeros included
    other_cost: float = 0.0  # the baseline's costs besides the input (kept in a scenario)

    @property
    def baseline_input(self):
        return sum(w.input for w in self.weeks)


@dataclass
class Outcome:
    """A projection and its range: clicks, conversions, conversion value."""

    clicks: float = 0.0
    conversions: float = 0.0
    value: float = 0.0
    draws: list = field(default_factory=list)  # [(clicks, conversions, value)] per resample

    def range(self, index):
        if not self.draws:
            return None
        values = sorted(draw[index] for draw in self.draws)
        return _quantile(values, LOW), _quantile(values, HIGH)

    @property
    def clicks_range(self):
        return self.range(0)

    @property
    def conversions_range(self):
        return self.range(1)

    @property
    def value_range(self):
        return self.range(2)


def _quantile(values, q):
    """Linear interpolation between the closest ranks (as numpy's default)."""
    position = (len(values) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


@dataclass
class SegmentProjection:
    segment: Segment
    fit: Fit
    input: float
    outcome: Outcome
    cost: float
    marginal_cost: float | None  # what the next click costs at this input (money)

    @property
    def warning(self):
        weeks = len(self.segment.weeks)
        if self.fit.method == AVERAGE:
            return (
                f"{self.segment.label}: {self.fit.points} of {weeks} weeks with both input and "
                f"clicks, too few for a curve (at least {MIN_WEEKS}): projected on a straight "
                "line through its average, without diminishing returns."
            )
        if self.fit.method == NONE:
            return (
                f"{self.segment.label}: no {'hours' if self.segment.kind == 'smo' else 'spend'} "
                "in the baseline, so nothing to project from: it adds no clicks."
            )
        return None


def project(segments, inputs, hourly_rate, resamples=RESAMPLES, seed=0):
    """{segment key: SegmentProjection} for as many weeks ahead as the baseline has, with the
    inputs given
    (hours or media spend per key; a missing key keeps its baseline), each with the resampled
    draws of its outcome. Every resample draws the same weeks for every segment, so sides
    and totals keep the weeks' common ups and downs."""
    rng = random.Random(seed)
    count = max((len(s.weeks) for s in segments), default=0)
    samples = [
        [rng.randrange(count) for _ in range(count)] for _ in range(resamples if count else 0)
    ]
    found = {}
    for segment in segments:
        chosen = inputs.get(segment.key, segment.baseline_input)
        curve = fit(segment.weeks)
        per_click, per_value = _rates(segment.weeks)
        clicks = curve.clicks(chosen)
        outcome = Outcome(clicks, clicks * per_click, clicks * per_value)
        for sample in samples:
            drawn = [segment.weeks[i] for i in sample if i < len(segment.weeks)]
            redrawn = fit(drawn)
            conversion, value = _rates(drawn)
            draw_clicks = redrawn.clicks(chosen)
            outcome.draws.append((draw_clicks, draw_clicks * conversion, draw_clicks * value))
        price = hourly_rate if segment.kind == "smo" else 1.0
        slope = curve.marginal(chosen)
        found[segment.key] = SegmentProjection(
            segment=segment,
            fit=curve,
            input=chosen,
            outcome=outcome,
            cost=chosen * price + segment.other_cost,
            marginal_cost=price / slope if slope else None,
        )
    return found


@dataclass
class SideTotals:
    kind: str
    input: float
    cost: float
    outcome: Outcome

    @property
    def cost_per_click(self):
        return self.cost / self.outcome.clicks if self.outcome.clicks else None


def side_totals(projections, kind):
    """A side's sums over its platforms, its draws added resample by resample."""
    chosen = [p for p in projections.values() if p.segment.kind == kind]
    outcome = Outcome(
        clicks=sum(p.outcome.clicks for p in chosen),
        conversions=sum(p.outcome.conversions for p in chosen),
        value=sum(p.outcome.value for p in chosen),
    )
    if chosen and chosen[0].outcome.draws:
        outcome.draws = [
            tuple(sum(p.outcome.draws[i][k] for p in chosen) for k in range(3))
            for i in range(len(chosen[0].outcome.draws))
        ]
    return SideTotals(
        kind=kind,
        input=sum(p.input for p in chosen),
        cost=sum(p.cost for p in chosen),
        outcome=outcome,
    )
