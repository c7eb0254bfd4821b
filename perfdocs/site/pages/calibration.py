"""The calibration page: the calibration view of the latest review period, internal only."""

from __future__ import annotations

from collections.abc import Iterator

from markupsafe import Markup

from perfdocs.site.pages.page import Page
from perfdocs.site.view import View


def calibration_pages(view: View) -> Iterator[Page]:
    """The calibration view (perfdocs.people.calibration) of the latest review period: on the
    internal site only, never the public one, and only from records it may see."""
    from perfdocs.people import calibration

    period = calibration.latest_review_period(view.org)
    if view.audience != "internal" or period is None:
        return
    html = calibration.render_html(view.org, period, audience=view.audience)
    yield Page(
        "calibration/index.html",
        "calibration.html.j2",
        f"Calibration {period}",
        "calibration",
        {"body": Markup(html), "period": period},
    )
