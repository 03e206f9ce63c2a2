"""The demo stack: three chats of a small team, declared as code.

User and group tag ids are those of the emulator's default directory
(`python -m pachca_pulumi.emulator`); look yours up with `pachca-pulumi import` or GET /users.
"""

import pulumi

from pachca_pulumi import Chat

engineering = Chat(
    "engineering",
    name="Engineering",
    member_ids=[3, 4, 5],
    group_tag_ids=[9107],
)

announcements = Chat(
    "announcements",
    name="Announcements",
    channel=True,
    public=True,
)

design_review = Chat(
    "design-review",
    name="Design review",
    member_ids=[6, 7, 23],
    exclusive_members=True,
)

pulumi.export("chats", {
    "engineering": engineering.id,
    "announcements": announcements.id,
    "design_review": design_review.id,
})
pulumi.export("engineering_video_call", engineering.meet_room_url)
