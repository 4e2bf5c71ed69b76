"""The layout's dependency rules, read from the import statements of every module.

builders/model/ is plain data; builders/shared/ serves every stage; builders/source/ turns a
folder into the model; each output is one subpackage named in the registry. A violation fails
here, not in review.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from builders.registry import BUILDERS

PACKAGE = Path(__file__).resolve().parent.parent / "builders"
OUTPUTS = sorted({target.split(":")[0].split(".")[1] for target in BUILDERS.values()})
ORCHESTRATION = {"build", "cache", "registry", "cli", "scaffold", "publish", "progress", "preview"}
"""``preview`` (``coursepack serve``) counts as orchestration: it may use the outputs' modules to
render its views, and no output or stage may import it."""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every builders.* module a file imports, relative imports resolved (lazy ones included)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {m for m in found if m == "builders" or m.startswith("builders.")}


def stage(module: str) -> str:
    """builders.pdf.parts -> 'pdf'; builders.model -> 'model'; builders -> ''."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


MODULES = {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def real_targets(imported: set[str]) -> set[str]:
    """Drop names that are attributes, not modules (``from ..model import Course``)."""
    return {m for m in imported if stage(m) and (PACKAGE / Path(*m.split(".")[1:])).with_suffix(".py").exists()
            or (PACKAGE / Path(*m.split(".")[1:]) / "__init__.py").exists()}


def offenders(where: str, forbidden: set[str]) -> list[str]:
    return sorted(f"{module} imports {target}"
                  for module, imported in MODULES.items() if stage(module) == where
                  for target in real_targets(imported) if stage(target) in forbidden)


def test_the_rules_see_every_stage() -> None:
    """Guard against a rule that passes because it looks at nothing."""
    stages = {stage(m) for m in MODULES}
    assert {"model", "diagnostics", "shared", "source", *OUTPUTS} <= stages
    assert len(OUTPUTS) >= 3
    assert any(stage(t) == "model" for t in real_targets(MODULES["builders.epub.builder"]))


def test_the_model_imports_nothing_of_ours() -> None:
    """builders/model/ is plain data: its modules import each other and nothing else of ours."""
    assert {"builders.model", "builders.model.words"} <= set(MODULES)
    assert offenders("model", {stage(m) for m in MODULES} - {"model"}) == []


def test_shared_helpers_import_only_the_model() -> None:
    stages = {s for s in {stage(m) for m in MODULES}} - {"model", "shared"}
    assert offenders("shared", stages) == []


def test_the_source_stage_imports_no_output_and_no_orchestration() -> None:
    assert offenders("source", set(OUTPUTS) | ORCHESTRATION) == []


@pytest.mark.parametrize("output", OUTPUTS)
def test_an_output_imports_no_other_output_and_not_the_source_stage(output: str) -> None:
    assert offenders(output, (set(OUTPUTS) - {output}) | {"source"} | ORCHESTRATION) == []


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_an_output_package_exposes_its_builder_and_nothing_else(name: str) -> None:
    """A package may hold several builders (builders.banks: Moodle XML, GIFT, QTI); its __all__
    is exactly the classes the registry names in it, sorted."""
    module_path, class_name = BUILDERS[name].split(":")
    module = importlib.import_module(module_path)
    named = sorted(target.split(":")[1] for target in BUILDERS.values() if target.split(":")[0] == module_path)
    assert class_name in named
    assert module.__all__ == named
    assert all(isinstance(getattr(module, cls), type) for cls in named)
    assert module_path.count(".") == 1, "a registry entry names the output's package, not a module in it"


def test_only_the_command_line_imports_the_preview() -> None:
    importers = sorted(module for module, imported in MODULES.items()
                       if stage(module) != "preview" and any(stage(t) == "preview" for t in real_targets(imported)))
    assert importers == ["builders.cli"]


def test_no_module_over_400_lines() -> None:
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}
