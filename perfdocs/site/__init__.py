"""The static site: records -> the pages one audience may see -> a folder of HTML.

The pipeline, in the order a build runs it:

- `builder.py`: the one code path (`build`): lock the output folder, load the valid
  organisation, make the pages, reuse or render each one, write, swap.
- `view.py`: `View`, the organisation as one audience may see it, and where each page goes.
- `pages/`: the pages themselves, one module per family, as plain view data.
- `rubric_history.py`: the rubric's changes, read from git, for the history page.
- `render.py`, `charts.py`, `search.py`: templates and Markdown, SVG charts, the search index.
- `reuse.py`: which pages of the site being replaced can be kept as they are.
- `writer.py`: the temporary folder and the atomic swap; `serve.py`: `perfdocs serve`.
- `preview.py`: personal previews (`--as HANDLE`): where they may be written, and when not.
"""

from __future__ import annotations

from perfdocs.site.builder import BuildResult, build

__all__ = ["BuildResult", "build"]
