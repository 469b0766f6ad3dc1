"""What the Redis boards look like on the wire: key names, the Lua script that adds
increments, and how one increment becomes its arguments. Shared by the store (which writes
after each commit) and the outbox (which replays what Redis did not take)."""

from __future__ import annotations

from datetime import date

from quiz import redis_link
from quiz.services.leaderboards.periods import TIE_BITS

REDIS_PREFIX = "quiz:board"

# Adds increments to board keys (KEYS[2..], five ARGV each from ARGV[2]: member, points, tie,
# the tie's unit, a relative TTL or ''): points << bits | tie, keeping the tie of the latest
# raise (the smaller one). With ARGV[1] set, it first claims KEYS[1] for that many seconds and
# applies nothing if another process already did: the outbox's exactly-once drain.
LUA_ADD = """
if ARGV[1] ~= '' then
  if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
end
local n = 2
for i = 2, #KEYS do
  local key = KEYS[i]
  local member, unit = ARGV[n], tonumber(ARGV[n + 3])
  local points, tie = tonumber(ARGV[n + 1]), tonumber(ARGV[n + 2])
  local cur = redis.call('ZSCORE', key, member)
  if cur then
    cur = tonumber(cur)
    local old = math.floor(cur / unit)
    local oldtie = cur - old * unit
    points = points + old
    if oldtie < tie then tie = oldtie end
  end
  redis.call('ZADD', key, string.format('%.0f', points * unit + tie), member)
  if ARGV[n + 4] ~= '' then redis.call('EXPIRE', key, ARGV[n + 4]) end
  n = n + 5
end
return 1
"""


def add_arguments(
    board: str, period: str, start: date, subject: str, points: int, tie: int, ttl: int | None
) -> tuple[str, list]:
    """One increment as LUA_ADD's key and its five arguments."""
    unit = 1 << TIE_BITS[period]
    return redis_key(board, period, start), [
        subject,
        points,
        tie,
        unit,
        "" if ttl is None else ttl,
    ]


def redis_client(url: str):
    """The process's client: QUIZ_REDIS_TIMEOUT_MS per call, no retries (see quiz.redis_link)."""
    return redis_link.client(url)


def redis_key(board: str, period: str, start: date) -> str:
    return f"{REDIS_PREFIX}:{board}:{period}:{start.isoformat()}"


def decode(encoded: float, period: str) -> int:
    """A sorted-set score back to its points (the tie in the low bits dropped)."""
    return int(encoded) >> TIE_BITS[period]
