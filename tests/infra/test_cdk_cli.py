"""`npx cdk synth` through the pinned CLI: offline, no credentials, real local bundling."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from crosslive.regions import region_files

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_npx_cdk_synth_offline_without_credentials(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
        CDK_DISABLE_CLI_TELEMETRY="true",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
    )
    out = tmp_path / "cdk.out"
    result = subprocess.run(
        ["npx", "--no-install", "cdk", "synth", "--no-notices", "--quiet", "-o", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    manifest = json.loads((out / "manifest.json").read_text())
    stages = [a for a in manifest["artifacts"].values() if a["type"] == "cdk:cloud-assembly"]
    assert len(stages) == len(region_files()) >= 5
    # The Lambda asset was bundled locally: it holds our packages and the Lambda-platform wheels,
    # and no boto3/botocore (the runtime provides them). The comments function's code asset is
    # found through its template (S3Key = <asset hash>.zip).
    origin_dir = next(out.glob("assembly-crosslive-singapore"))
    stateless = json.loads(next(origin_dir.glob("*Stateless*.template.json")).read_text())
    keys = [
        r["Properties"]["Code"]["S3Key"]
        for r in stateless["Resources"].values()
        if r["Type"] == "AWS::Lambda::Function" and r["Properties"].get("Handler") == "functions.comments.app.handler"
    ]
    assert len(keys) == 1, keys
    asset_hash = keys[0].removesuffix(".zip")
    bundles = [p for p in out.rglob(f"asset.{asset_hash}") if p.is_dir()]
    assert bundles, f"asset.{asset_hash} not found"
    bundle = bundles[0]
    assert (bundle / "functions" / "comments" / "app.py").is_file()
    assert (bundle / "plugins" / "markets" / "de" / "market.toml").is_file()
    assert (bundle / "fastapi").is_dir() and (bundle / "pydantic_core").is_dir()
    assert not (bundle / "botocore").exists() and not (bundle / "boto3").exists()
    so_files = [p.name for p in (bundle / "pydantic_core").glob("*.so")]
    assert so_files and all("cpython-311-x86_64-linux-gnu" in name for name in so_files), so_files
    assert not zipfile.is_zipfile(bundle)  # a directory CDK zips at deploy time
    # comments moderates text: its bundle carries the moderation extra, and not the curation tools
    # (OpenCC, pypinyin: their output ships as data in functions/moderation/data)
    assert list(bundle.glob("ahocorasick*.so")) and not (bundle / "opencc").exists()
    assert not (bundle / "pypinyin").exists() and not (bundle / "tools").exists()
    assert (bundle / "functions" / "moderation" / "data" / "t2s.tsv").is_file()
    # precompiled: dependencies sourceless, our code with sources and bytecode beside them
    assert (bundle / "fastapi" / "__init__.pyc").is_file() and not (bundle / "fastapi" / "__init__.py").exists()
    assert list((bundle / "functions" / "comments" / "__pycache__").glob("app.cpython-311.pyc"))
    # only the CLDR locales the markets load
    assert 20 < len(list((bundle / "babel" / "locale-data").glob("*.dat"))) < 100
