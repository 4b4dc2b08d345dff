#!/usr/bin/env bash
# run.sh FILE : lines  name|pgtypes|sql|pgargs|sqliteargs(space separated i:/t:)   (# comments)
# ONLY=pg|sqlite to restrict. Prints per-query medians and totals.
f=$1; totpg=0; totsq=0
while IFS='^' read -r name types sql pargs sargs; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  echo "== $name"
  if [ "$ONLY" != sqlite ]; then
    out=$(/tmp/sqlb/pgq "$types" "$sql" "$pargs"); [ -n "$VERBOSE" ] && echo "$out" | grep -v 'Timing is' ; echo "$out" | grep 'pg first5'
    m=$(echo "$out" | sed -n 's/.*steady(7-13) median \([0-9.]*\).*/\1/p'); totpg=$(echo "$totpg + $m" | bc)
  fi
  if [ "$ONLY" != pg ]; then
    # sqlite: $N -> ?N ; pg casts removed by caller
    ssql=$(echo "$sql" | sed -E 's/\$([0-9]+)/?\1/g; s/ ~>=~ / >= /g; s/ ~<~ / < /g')
    out=$( eval /tmp/sqlb/sqlbench ${SQLDB:-/tmp/bench1m.db} "\"\$ssql\"" $sargs ); [ -n "$VERBOSE" ] && echo "$out" | grep plan; echo "$out" | grep median
    m=$(echo "$out" | sed -n 's/.*sqlite median \([0-9.]*\).*/\1/p'); totsq=$(echo "$totsq + $m" | bc)
  fi
done < "$f"
echo "TOTAL pg steady ${totpg} ms   sqlite ${totsq} ms"
