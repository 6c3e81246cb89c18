#!/bin/sh
# loop.sh HOST:PORT [MAX] [LOG]: one HTTP request at a time to HOST:PORT, each logged as "ok N" or "fail N",
# until MAX requests (default 2000) or until the file LOG.stop exists; then "done ok=.. fail=..".
# Each request is bounded (timeout 40 s), so the loop always ends.
target=$1; max=${2:-2000}; log=${3:-/tmp/loop.log}
: > "$log"; rm -f "$log.stop"
i=0; ok=0; fail=0
while [ "$i" -lt "$max" ] && [ ! -f "$log.stop" ]; do
  i=$((i + 1))
  if timeout 40 wget -qO- "http://$target/" >/dev/null 2>&1; then ok=$((ok + 1)); echo "ok $i" >> "$log"
  else fail=$((fail + 1)); echo "fail $i" >> "$log"; fi
  sleep 0.05
done
echo "done ok=$ok fail=$fail" >> "$log"
