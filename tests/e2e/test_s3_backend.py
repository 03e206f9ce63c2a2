"""State in an S3-compatible bucket (moto's server mode on loopback), as self-hosted teams and the CI
recipes keep it: up, a no-change up, refresh and destroy work end to end with the real engine."""

from __future__ import annotations

import pytest

from pachca_pulumi.testing import LocalStack, S3Backend

from .conftest import TOKEN, Api, chats_program

pytestmark = pytest.mark.e2e

SPECS = {f"s3-{i}": {"name": f"Bucket chat {i}", "member_ids": [2 + i]} for i in range(5)}


def test_stack_in_an_s3_bucket_goes_through_its_lifecycle(tmp_path, engine, emulator, api: Api):
    with S3Backend() as bucket:
        stack = LocalStack(tmp_path, chats_program(SPECS), engine_dir=engine, extra_env=bucket.env)
        stack.configure(token=TOKEN, base_url=emulator.base_url)
        assert stack.up().summary.resource_changes == {"create": 6}
        assert stack.up().summary.resource_changes == {"same": 6}
        assert stack.refresh().summary.resource_changes == {"same": 6}
        assert sorted(c["name"] for c in api.chats(archived=False)) == sorted(s["name"] for s in SPECS.values())
        assert stack.destroy().summary.resource_changes == {"delete": 6}
    assert all(chat["archived"] for chat in api.chats())
    assert not (tmp_path / "state" / ".pulumi").exists()  # the state lived in the bucket
