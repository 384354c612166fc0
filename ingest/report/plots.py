"""The report's plots (matplotlib, no display): the user's models coloured by
pre-training data over the reference's 962 models in grey."""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from ingest.report.queries import CATEGORIES

Points = Sequence[dict[str, object]]
_REFERENCE_STYLE = {"color": "0.75", "s": 8, "alpha": 0.5, "linewidths": 0}
_AXIS_NAMES = {
    "top1_accuracy": "top-1 accuracy (%)",
    "mla": "multi-label accuracy (%)",
    "mla_minor_errors_correct": "MLA, minor errors correct (%)",
    "mla_minor_explainable_errors_correct": "MLA, minor and explainable errors correct (%)",
}


def _png(figure: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def _group(points: Points, class_group: str) -> list[dict[str, object]]:
    return [p for p in points if p["class_group"] == class_group]


def _colours(user: Points) -> dict[str, object]:
    names = sorted({str(p["pretraining_data"]) for p in user})
    palette = plt.get_cmap("tab10")
    return {name: palette(index % 10) for index, name in enumerate(names)}


def _scatter(axes, user: Points, reference: Points, x: str, y: str) -> None:
    """Reference in grey behind; user models on top, one colour per pre-training data."""
    usable = [p for p in reference if p[x] is not None and p[y] is not None]
    axes.scatter(
        [p[x] for p in usable], [p[y] for p in usable], label="reference", **_REFERENCE_STYLE
    )
    colours = _colours(user)
    for name, colour in colours.items():
        mine = [p for p in user if str(p["pretraining_data"]) == name and p[y] is not None]
        axes.scatter(
            [p[x] for p in mine],
            [p[y] for p in mine],
            color=colour,
            s=40,
            edgecolors="black",
            linewidths=0.6,
            label=name,
            zorder=3,
        )
        if len(user) <= 12:
            for point in mine:
                axes.annotate(
                    str(point["model_id"]),
                    (point[x], point[y]),
                    fontsize=6,
                    xytext=(3, 3),
                    textcoords="offset points",
                )
    axes.set_xlabel(_AXIS_NAMES.get(x, x))
    axes.grid(alpha=0.3)


def category_plot(category: str, user: Points, reference: Points) -> bytes:
    """Share and count of one category against top-1 and MLA (class group all)."""
    user, reference = _group(user, "all"), _group(reference, "all")
    figure, grid = plt.subplots(2, 2, figsize=(10, 8))
    for row, measure in enumerate((f"share_{category}", f"num_{category}")):
        for column, x in enumerate(("top1_accuracy", "mla")):
            axes = grid[row][column]
            _scatter(axes, user, reference, x, measure)
            axes.set_ylabel("share of errors (%)" if row == 0 else "errors")
    grid[0][0].legend(fontsize=7, title="pre-training data", title_fontsize=7)
    figure.suptitle(f"{category}: share and count of the top-1 errors")
    return _png(figure)


def mla_variants_plot(user: Points, reference: Points) -> bytes:
    user, reference = _group(user, "all"), _group(reference, "all")
    figure, grid = plt.subplots(1, 2, figsize=(10, 4.5))
    for axes, y in zip(
        grid, ("mla_minor_errors_correct", "mla_minor_explainable_errors_correct"), strict=True
    ):
        _scatter(axes, user, reference, "mla", y)
        axes.axline((90, 90), slope=1, color="0.4", linewidth=0.8, linestyle="--")
        axes.set_ylabel(_AXIS_NAMES[y])
    grid[0].legend(fontsize=7, title="pre-training data", title_fontsize=7)
    figure.suptitle("MLA against MLA counting minor, then minor and explainable errors correct")
    return _png(figure)


def groups_plot(user: Points, reference: Points) -> bytes:
    """Rows organism and artifact; one column per category: its share against MLA."""
    figure, grid = plt.subplots(2, len(CATEGORIES), figsize=(3 * len(CATEGORIES), 6.5))
    for row, class_group in enumerate(("organism", "artifact")):
        for column, category in enumerate(CATEGORIES):
            axes = grid[row][column]
            _scatter(
                axes,
                _group(user, class_group),
                _group(reference, class_group),
                "mla",
                f"share_{category}",
            )
            axes.set_title(f"{class_group}: {category}", fontsize=8)
            axes.set_ylabel("share of errors (%)" if column == 0 else "")
    grid[0][0].legend(fontsize=6, title="pre-training data", title_fontsize=6)
    figure.suptitle("Organisms vs artifacts: each category's share of the errors against MLA")
    figure.tight_layout()
    return _png(figure)


def categories_bar(user: Points) -> bytes:
    """Stacked counts of each category per user model (class group all)."""
    user = _group(user, "all")
    names = [str(p["model_id"]) for p in user]
    figure, axes = plt.subplots(figsize=(max(6, 0.6 * len(names) + 3), 4.5))
    bottoms = [0] * len(user)
    palette = plt.get_cmap("tab10")
    for index, category in enumerate(CATEGORIES):
        counts = [int(p[f"num_{category}"] or 0) for p in user]
        axes.bar(names, counts, bottom=bottoms, label=category, color=palette(index))
        bottoms = [b + c for b, c in zip(bottoms, counts, strict=True)]
    axes.set_ylabel("top-1 errors")
    axes.legend(fontsize=7, bbox_to_anchor=(1.01, 1), loc="upper left")
    axes.tick_params(axis="x", labelrotation=45, labelsize=7)
    figure.suptitle("Error categories per model")
    return _png(figure)
