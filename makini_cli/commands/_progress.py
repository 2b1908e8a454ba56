"""What every progress bar shares (Rich, on stderr, only on a terminal): counts with thousands
separators (`12,500/50,000`, where Rich's own column writes `12500/50000`) and a rate."""

from __future__ import annotations

from typing import Any


def count_column() -> Any:
    from rich.progress import ProgressColumn
    from rich.text import Text

    class Count(ProgressColumn):
        def render(self, task: Any) -> Text:
            total = "?" if task.total is None else f"{int(task.total):,}"
            return Text(f"{int(task.completed):,}/{total}", style="progress.download")

    return Count()


def rate_column(unit: str = "") -> Any:
    from rich.progress import ProgressColumn
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Any) -> Text:  # items per second, not bytes
            return Text(f"{task.speed:,.0f}{unit}/s" if task.speed else "", style="cyan")

    return Rate()
