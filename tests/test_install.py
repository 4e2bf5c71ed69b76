"""The install instructions and the container recipe agree, and the first command runs anywhere.

README.md's first command, docs/install.md's Debian command and the Dockerfile must install the
same Debian packages; the README's command must not need sudo. When a container engine answers
(``docker info``), the image is built and runs ``coursepack check`` on the mounted example course.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

REPO = Path(__file__).resolve().parent.parent
APT_INSTALL = re.compile(r"apt-get install((?:\s+(?!&&)[^\s&\\]+|\s*\\\n)+)")


def apt_packages(text: str) -> set[str]:
    """The packages of every ``apt-get install`` in a shell text, options left out."""
    found: set[str] = set()
    for match in APT_INSTALL.finditer(text):
        found.update(word for word in match.group(1).split() if not word.startswith("-") and word != "\\")
    return found


def shell_blocks(page: Path) -> list[str]:
    tokens = MarkdownIt("commonmark").parse(page.read_text(encoding="utf-8"))
    return [t.content for t in tokens if t.type == "fence" and t.info.split()[:1] in (["sh"], ["bash"])]


def first_command(page: Path) -> str:
    return shell_blocks(page)[0].strip()


def test_the_readme_command_works_without_sudo() -> None:
    command = first_command(REPO / "README.md")
    assert not command.startswith("sudo")
    assert not re.search(r"(^|[;&|]\s*)sudo\b", command), "a bare sudo fails in root shells and containers"
    assert "apt-get install" in command


def test_the_dockerfile_installs_exactly_the_documented_packages() -> None:
    readme = apt_packages(first_command(REPO / "README.md"))
    install = apt_packages(first_command(REPO / "docs" / "install.md"))
    docker = apt_packages((REPO / "Dockerfile").read_text(encoding="utf-8"))
    assert readme, "no apt-get install in README.md's first command"
    assert readme == install == docker


def test_the_package_reader_sees_options_and_continuations() -> None:
    text = "RUN apt-get update \\\n && apt-get install -y --no-install-recommends a b \\\n    c \\\n && rm -rf x"
    assert apt_packages(text) == {"a", "b", "c"}


def test_the_dockerfile_runs_coursepack_on_a_mounted_folder() -> None:
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM debian:bookworm", text, re.M)
    assert re.search(r"^WORKDIR /course$", text, re.M)
    assert re.search(r'^ENTRYPOINT \["coursepack"\]$', text, re.M)


def container_engine() -> str | None:
    docker = shutil.which("docker")
    if docker is None:
        return None
    try:
        answered = subprocess.run([docker, "info"], capture_output=True, timeout=30).returncode == 0
    except subprocess.TimeoutExpired:
        return None
    return docker if answered else None


def test_the_image_builds_and_checks_the_example_course(tmp_path: Path) -> None:
    docker = container_engine()
    if docker is None:
        pytest.skip("no container engine answers `docker info`")
    tag = "coursepack-test:latest"
    subprocess.run([docker, "build", "-q", "-t", tag, str(REPO)], check=True, timeout=1800)
    shutil.copytree(REPO / "course", tmp_path / "course")
    run = subprocess.run([docker, "run", "--rm", "-v", f"{tmp_path}:/course", tag, "check"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
