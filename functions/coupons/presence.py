"""Where the platform saw a viewer in a merchant's rooms: the facts behind new, lapsed and sharers.

Presence is recorded by the services that see the viewer, not reported by the viewer's page:

* ``comment``: the comments service stored a viewer's comment in the room;
* ``watch``: a media node delivered the room's frames to the viewer's WHEP session for
  ``WATCHED_SECONDS`` (``media_nodes/node.py``);
* ``visit``: the page said the viewer joined (``POST /rooms/{room}/visits``). Kept because it can
  only add presence (a viewer cannot become new or lapsed by sending it), but it never makes the
  room one the viewer was *present* in: an opened share counts only after a comment or a watch.

Claims and redemptions are not recorded here: they are in the coupon tables already and
``functions.coupons.history`` reads them from there.

Public (``PUBLIC_MODULES``): the comments service and the media node call ``record_presence``.
It imports only the coupon models, so it adds nothing to their bundles' cold start.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from pynamodb.exceptions import PutError, UpdateError
from pynamodb.expressions.update import Action

from functions.coupons.models import ViewerActivity
from functions.shared.zones import bind

SESSION_GAP_SECONDS = 30 * 60
# Seconds of frames a WHEP session must have delivered before the node records a watch.
WATCHED_SECONDS = 20.0
SOURCES = frozenset({"visit", "comment", "watch"})
# note_once: a presence recorded by this process this recently is not written again (well inside a
# session, so first/last seen lose at most this much precision on a scale of days).
REFRESH_SECONDS = 10 * 60
RECENT_SIZE = 10_000
_recent: OrderedDict[tuple[str, str, str, str], float] = OrderedDict()
_recent_lock = threading.Lock()
SEEN_BY_THE_PLATFORM = frozenset({"comment", "watch"})


def activity_key(merchant_sub: str, viewer_sub: str) -> str:
    return f"{merchant_sub}#{viewer_sub}"


def note_once(
    merchant_sub: str,
    room_id: str,
    viewer_sub: str,
    source: str,
    now: float | None = None,
    *,
    market: str | None = None,
) -> bool:
    """``record_presence``, skipped if this process recorded the same viewer in the same room less
    than ``REFRESH_SECONDS`` ago (True when it wrote). The comments service uses it so a viewer's
    comments in one session cost one presence write, not one each."""
    now = time.time() if now is None else now
    marker = (merchant_sub, room_id, viewer_sub, source)
    with _recent_lock:
        last = _recent.get(marker)
        if last is not None and 0 <= now - last < REFRESH_SECONDS:
            return False
        _recent[marker] = now
        _recent.move_to_end(marker)
        while len(_recent) > RECENT_SIZE:
            _recent.popitem(last=False)
    record_presence(merchant_sub, room_id, viewer_sub, source, now, market=market)
    return True


def record_presence(
    merchant_sub: str,
    room_id: str,
    viewer_sub: str,
    source: str,
    now: float | None = None,
    *,
    market: str | None = None,
) -> ViewerActivity:
    """Record that ``viewer_sub`` is in ``room_id`` (a room of ``merchant_sub``) now, in the
    residency zone of the viewer's ``market`` (``functions.shared.zones``).

    Idempotent within a session: a presence more than ``SESSION_GAP_SECONDS`` after the previous
    one starts a session and keeps the silence before it (``gap_before_last``), so a lapsed viewer
    who comes back is still lapsed while watching.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown presence source {source!r}")
    now = time.time() if now is None else now
    activities = bind(ViewerActivity, market)  # the table of the viewer's residency zone
    key = activity_key(merchant_sub, viewer_sub)
    seen_here = {room_id} if source in SEEN_BY_THE_PLATFORM else None
    # Within a session (the common case: a viewer commenting again): one conditional UpdateItem.
    in_session: list[Action] = [activities.last_seen.set(now)]
    if seen_here:
        in_session.append(activities.present_rooms.add(seen_here))
    activity = activities(key)
    try:
        activity.update(
            actions=in_session,
            condition=activities.last_seen.between(now - SESSION_GAP_SECONDS, now),
        )
        return activity
    except UpdateError:  # no record yet, a new session, or a later presence already recorded
        pass
    try:
        current = activities.get(key)
    except activities.DoesNotExist:
        current = activities(
            key, first_seen=now, last_seen=now, gap_before_last=0, session_start=now, present_rooms=seen_here
        )
        try:
            current.save(condition=activities.activity_key.does_not_exist())
            return current
        except PutError:  # a concurrent first presence won: fall through to the update
            current = activities.get(key)
    gap = now - current.last_seen
    actions: list[Action] = [activities.last_seen.set(max(now, current.last_seen))]
    if gap > SESSION_GAP_SECONDS:
        actions += [activities.gap_before_last.set(gap), activities.session_start.set(now)]
    if seen_here and room_id not in (current.present_rooms or set()):
        actions.append(activities.present_rooms.add(seen_here))
    try:
        current.update(actions=actions, condition=activities.last_seen == current.last_seen)
    except UpdateError:  # another presence of the same viewer landed first: theirs is as good
        current.refresh()
        if seen_here and room_id not in (current.present_rooms or set()):
            current.update(actions=[activities.present_rooms.add(seen_here)])
    return current
