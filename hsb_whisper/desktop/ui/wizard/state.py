"""What the wizard's pages decide, shared by all of them: :class:`WizardState`."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

from hsb_whisper.data import REPORT_FILE
from hsb_whisper.finetune import Run, load_recipe


@dataclasses.dataclass
class WizardState:
    """What the pages decide, in the terms of the command line."""

    work: Path  # <user data>/training
    manifests: dict[str, dict[str, Path]] = dataclasses.field(default_factory=dict)
    # where each language's data came from (the data page's source keys: "corrections" for the
    # user's corrected transcripts, the path the wizard's shortest way to a better model takes)
    sources: dict[str, str] = dataclasses.field(default_factory=dict)
    current_model: str | None = None  # the store's default model when the wizard opened
    recipe: str = "classic"
    overrides: list[str] = dataclasses.field(default_factory=list)
    run_dir: Path | None = None
    resume: bool = False  # the training page continues run_dir instead of starting one
    report: Path | None = None
    better: bool | None = None  # the results page's verdict: the new model beat the base

    @property
    def from_corrections(self) -> bool:
        """The Upper Sorbian data is the user's own corrected transcripts."""
        return self.sources.get("hsb") == "corrections"

    @property
    def data_dir(self) -> Path:
        return self.work / "data"

    @property
    def runs_dir(self) -> Path:
        return self.work / "runs"

    def new_run_dir(self, recipe: str) -> Path:
        return self.runs_dir / f"{recipe}-{time.strftime('%Y%m%d-%H%M%S')}"

    def base(self) -> str:
        """The base model the run trains (as the recipe names it)."""
        if self.run_dir is not None and Run.is_run(self.run_dir):
            return Run(self.run_dir).load_recipe().base
        return load_recipe(self.recipe, self.overrides).base

    def continue_run(self, run_dir: Path) -> None:
        """Take up the unfinished run in ``run_dir``: its recipe and data, as saved in it."""
        recipe = Run(run_dir).load_recipe()
        self.run_dir, self.resume, self.recipe = run_dir, True, recipe.name
        self.manifests = {
            ("cs" if stage.name == "czech" else "hsb"): {"train": stage.train, "dev": stage.dev}
            for stage in recipe.stages
        }
        self.sources = {
            language: kind
            for language, manifests in self.manifests.items()
            if (kind := _imported_as(manifests["train"].parent))
        }


def _imported_as(folder: Path) -> str | None:
    """The kind of import that wrote ``folder`` (its ``report.json`` says), if it says."""
    try:
        report = json.loads((folder / REPORT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    kind = report.get("kind") if isinstance(report, dict) else None
    return kind if isinstance(kind, str) else None
