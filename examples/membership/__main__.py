"""Membership in detail: declared members, group tags, exclusive membership, archived chats.

Ids are from the emulator's default directory (`python -m pachca_pulumi.emulator`): group tag 9107
is Backend, 9109 On-call; users 2..124 are people.
"""

import pulumi

from pachca_pulumi import Chat

# Members must be present; anyone else added later by hand is tolerated (exclusive_members=False).
backend = Chat(
    "backend",
    name="Backend",
    group_tag_ids=[9107],  # the tag's users join the chat and follow the tag
    member_ids=[2, 6],  # plus two people outside the tag
)

# Exactly these people (plus the implied ones: the owner, the token's own user, tag members):
# anyone else is removed on `pulumi up` and shows as drift in `pulumi preview --refresh`.
incident = Chat(
    "incident-room",
    name="Incident room",
    group_tag_ids=[9109],
    member_ids=[2],
    exclusive_members=True,
)

# Kept in code but archived; set archived=False to bring it back.
retro = Chat(
    "q3-retro",
    name="Q3 retro",
    member_ids=[3, 4, 5],
    archived=True,
)

pulumi.export("backend_owner_id", backend.owner_id)  # the token's own user, who created it
# present_member_ids is everyone the API reports in the chat, keyed by id ({"7": 7}), so a refresh
# diff names who came or went; member_ids is what the program declared.
pulumi.export("backend_member_count", backend.present_member_ids.apply(len))  # declared + tag + owner
pulumi.export("incident_room_member_count", incident.present_member_ids.apply(len))
pulumi.export("q3_retro_members", retro.present_member_ids)  # the owner included
pulumi.export("q3_retro_archived", retro.archived)
