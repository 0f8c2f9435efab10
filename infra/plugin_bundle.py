"""A region's third-party plugins, copied into its Lambda bundles from their installed distributions.

A region file enables plugins by name; the built-in ones (markets, ``aws-translate`` ...) are part
of the ``plugins`` package every bundle carries. A third-party plugin is a pip-installed
distribution with an entry point in group ``crosslive``. Synthesis copies, offline, what it needs
at cold start into that region's bundles:

* the distribution's files as installed (its ``RECORD``), including the ``.dist-info`` folder, so
  ``importlib.metadata.entry_points(group="crosslive")`` finds the plugin in ``/var/task`` exactly
  as it does here; for an editable install (``pip install -e``), the top-level packages of its
  entry points, from where they are imported;
* every installed distribution it depends on that the bundle does not already carry (the Lambda
  runtime's boto3/botocore excepted).

A plugin that is enabled but not installed fails synthesis with ``PluginBundleError`` naming it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import Distribution, PackageNotFoundError, distribution, entry_points
from pathlib import Path

from packaging.requirements import Requirement

from plugins.manager import ENTRY_POINT_GROUP, OPTIONAL_PLUGINS, builtin_market_plugins

_SKIP_SUFFIXES = (".pyc", ".pth")
_SKIP_PARTS = {"__pycache__"}


class PluginBundleError(RuntimeError):
    """An enabled plugin cannot be bundled (not installed, or its files cannot be found)."""


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares them (``Crosslive_Market.BR`` -> ``crosslive-market-br``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class PluginFiles:
    """The files one distribution adds to a bundle: (absolute source, path inside the bundle)."""

    name: str
    files: tuple[tuple[Path, Path], ...]


def third_party_plugins(enabled: Iterable[str]) -> list[str]:
    """The enabled names that are neither built-in markets nor optional built-ins."""
    builtin = set(OPTIONAL_PLUGINS) | set(builtin_market_plugins())
    return [name for name in dict.fromkeys(enabled) if name not in builtin]


def plugin_distributions(enabled: Iterable[str]) -> list[Distribution]:
    """The installed distribution of each enabled third-party plugin, in order."""
    by_name = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    dists: list[Distribution] = []
    for name in third_party_plugins(enabled):
        ep = by_name.get(name)
        if ep is None or ep.dist is None:
            raise PluginBundleError(
                f"plugin {name!r} is enabled but not installed: no entry point {name!r} in group "
                f"{ENTRY_POINT_GROUP!r}. Install its package into the Python that runs `cdk synth` "
                "(pip install ...), or remove it from the region's plugins."
            )
        dists.append(ep.dist)
    return dists


def _dist_files(dist: Distribution) -> list[tuple[Path, Path]]:
    """What ``dist`` installed, as (source, relative path); editable installs by import location."""
    pairs: list[tuple[Path, Path]] = []
    for rel in dist.files or []:
        path = Path(str(rel))
        if path.parts[0] == ".." or path.suffix in _SKIP_SUFFIXES or _SKIP_PARTS & set(path.parts):
            continue  # console scripts (../../bin), bytecode, the .pth of an editable install
        if path.name.startswith("__editable__"):
            continue
        source = Path(str(dist.locate_file(rel)))
        if source.is_file():
            pairs.append((source, path))
    covered = {rel.parts[0].removesuffix(".py") for _, rel in pairs}
    for top in sorted({ep.module.split(".")[0] for ep in dist.entry_points} - covered):
        pairs.extend(_module_files(top, dist))
    return pairs


def _module_files(top: str, dist: Distribution) -> list[tuple[Path, Path]]:
    """A top-level module or package found through the import system (editable installs)."""
    spec = importlib.util.find_spec(top)
    if spec is None or spec.origin is None:
        raise PluginBundleError(f"{dist.metadata['Name']}: its module {top!r} cannot be found to bundle")
    if spec.submodule_search_locations:
        root = Path(next(iter(spec.submodule_search_locations)))
        return [
            (path, Path(top) / path.relative_to(root))
            for path in sorted(root.rglob("*"))
            if path.is_file() and path.suffix not in _SKIP_SUFFIXES and not _SKIP_PARTS & set(path.parts)
        ]
    return [(Path(spec.origin), Path(Path(spec.origin).name))]


def _requirements(dist: Distribution) -> list[str]:
    """Names of the distributions ``dist`` needs on this Python (markers evaluated, no extras)."""
    names = []
    for line in dist.requires or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            names.append(requirement.name)
    return names


def bundle_files(enabled: Iterable[str], carried: Iterable[str], provided: Iterable[str]) -> list[PluginFiles]:
    """Every distribution the enabled third-party plugins bring: themselves, then the installed
    dependencies that are neither ``carried`` by the bundle already nor ``provided`` by the
    Lambda runtime (names compared normalized)."""
    skip = {normalize(name) for name in (*carried, *provided)}
    queue = plugin_distributions(enabled)
    seen: set[str] = set()
    found: list[PluginFiles] = []
    while queue:
        dist = queue.pop(0)
        name = normalize(dist.metadata["Name"])
        if name in seen or name in skip:
            continue
        seen.add(name)
        found.append(PluginFiles(name, tuple(_dist_files(dist))))
        for requirement in _requirements(dist):
            try:
                queue.append(distribution(requirement))
            except PackageNotFoundError as exc:
                raise PluginBundleError(
                    f"{dist.metadata['Name']} needs {requirement}, which is not installed here to bundle"
                ) from exc
    return found


def copy_into(bundle: Path, plugin_files: Iterable[PluginFiles]) -> None:
    for plugin in plugin_files:
        for source, rel in plugin.files:
            destination = bundle / rel
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)


def digest(plugin_files: Iterable[PluginFiles]) -> str:
    """Content hash of what the plugins add (part of the asset hash)."""
    sha = hashlib.sha256()
    for plugin in plugin_files:
        sha.update(plugin.name.encode())
        for source, rel in plugin.files:
            sha.update(str(rel).encode())
            sha.update(source.read_bytes())
    return sha.hexdigest()
