#!/usr/bin/env bash
# The restore drill (docs/reliability.md, "Restore drill"; the Kubernetes procedure it stands for
# is docs/deploy.md, "Back up and restore its database"). On this machine, with PostgreSQL's own
# tools, on a PostgreSQL instance of its own (a temporary directory, a free loopback port: the
# shared server at 127.0.0.1:5432 is never touched):
#   1. the order database is created and migrated by the repository's runner, filled with a
#      history of paid orders, and orders are then written continuously (pgbench, bounded rate:
#      place an order, pay one);
#   2. a base backup is taken with pg_basebackup while they are written; every WAL segment is
#      archived, gzip-compressed, by archive_command (what barman-cloud does to object storage);
#   3. a recovery target time is noted, with the digests of the business tables at that instant;
#      more orders are written after it;
#   4. the backup is restored into a new data directory and replayed to the target time
#      (recovery_target_time, restore_command from the archive), then promoted;
#   5. the business tables' digests must equal those at the target time, the migration runner must
#      find nothing to apply, and the order service, started against the restored database, must
#      be ready and serve the restored catalog.
# Prints the timings and sizes; RESTORE_DRILL_JSON=<file> also writes them as JSON. Removes
# everything it created and stops only the processes it started. Usage: pnpm restore-drill
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WRITE_RATE="${RESTORE_DRILL_RATE:-150}"  # transactions per second written during the drill
PRELOAD_ORDERS="${RESTORE_DRILL_PRELOAD:-100000}"  # paid orders already there before the drill
WARMUP_SECONDS="${RESTORE_DRILL_WARMUP:-4}"
AFTER_TARGET_SECONDS="${RESTORE_DRILL_AFTER:-3}"
BUSINESS_TABLES=(products orders order_lines stock_movements order_status_changes outbox_events)

pg_bin="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
[[ -x "$pg_bin/pg_basebackup" ]] || { echo "restore-drill: no PostgreSQL binaries (set PG_BIN)" >&2; exit 1; }

log() { printf '[restore-drill] %s\n' "$*" >&2; }
now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# PostgreSQL refuses to run as root: run its server-side tools as the postgres system user then.
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

work="$(mktemp -d /tmp/restore-drill.XXXXXX)"
chmod 755 "$work"
[[ $(id -u) -eq 0 ]] && chown postgres: "$work"
source_dir="$work/source"
backup_dir="$work/base-backup"
archive_dir="$work/wal-archive"
restored_dir="$work/restored"
as_pg mkdir -p "$archive_dir"

writer_pid=''
service_pid=''
started_servers=()

server_pid() { [[ -f "$1/postmaster.pid" ]] && head -n 1 "$1/postmaster.pid" || true; }

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ -n "$service_pid" ]] && kill -0 "$service_pid" 2>/dev/null; then
    kill -TERM "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
  fi
  if [[ -n "$writer_pid" ]] && kill -0 "$writer_pid" 2>/dev/null; then
    kill -TERM "$writer_pid" 2>/dev/null || true
    wait "$writer_pid" 2>/dev/null || true
  fi
  for pid in "${started_servers[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -INT "$pid" 2>/dev/null || true # fast shutdown of the postmaster we started
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  done
  if [[ $status -ne 0 ]]; then
    for f in "$work"/*.log; do [[ -f "$f" ]] && { echo "--- $f (tail)" >&2; tail -n 20 "$f" >&2; }; done
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT INT TERM

start_server() { # <data dir> <log file>
  as_pg "$pg_bin/pg_ctl" -D "$1" -l "$2" -w -t 120 start >/dev/null
  started_servers+=("$(server_pid "$1")")
}

# --- 1. The source: an instance of our own, archiving its WAL -----------------------------------
source_port="$(free_port)"
as_pg "$pg_bin/initdb" -D "$source_dir" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
cat <<EOF | as_pg tee -a "$source_dir/postgresql.conf" >/dev/null
port = $source_port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$work'
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $archive_dir/%f.gz && gzip -c %p > $archive_dir/%f.gz.tmp && mv $archive_dir/%f.gz.tmp $archive_dir/%f.gz'
max_wal_senders = 4
EOF
start_server "$source_dir" "$work/source.log"
source_url="postgres://postgres@127.0.0.1:$source_port/order"
sql() { psql "$1" -X -v ON_ERROR_STOP=1 -qAt -c "$2"; }

log "source: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$source_port"
[[ -f "$root/packages/db/dist/cli.js" && -f "$root/services/order/dist/server.js" ]] ||
  (cd "$root" && pnpm exec turbo run build --filter @switchyard/order >/dev/null)
DATABASE_URL="$source_url" node "$root/packages/db/dist/cli.js" "$root/services/order/prisma/migrations" >"$work/migrate.log"

# A catalog with stock enough for the whole drill, then the writers.
sql "$source_url" "
  INSERT INTO products (id, sku, name, price_minor, currency, stock)
  SELECT gen_random_uuid(), 'DRILL-' || n, 'Drill product ' || n, 100 * n, 'EUR', 1000000
    FROM generate_series(1, 20) AS n;
  INSERT INTO stock_movements (id, product_id, delta, reason)
  SELECT gen_random_uuid(), id, stock, 'initial' FROM products;"
# A history: paid orders, each with its line, its stock reservation, its status change and its
# (published) events, as the service leaves them.
sql "$source_url" "
  CREATE TEMPORARY TABLE history AS
  SELECT gen_random_uuid() AS id, gen_random_uuid() AS user_id, p.id AS product_id, p.name,
         p.price_minor, 1 + n % 3 AS q, now() - make_interval(secs => n) AS at
    FROM generate_series(1, $PRELOAD_ORDERS) AS n JOIN products p ON p.sku = 'DRILL-' || (1 + n % 20);
  INSERT INTO orders (id, user_id, status, total_minor, currency, payment_method, created_at, updated_at)
  SELECT id, user_id, 'paid', price_minor * q, 'EUR', 'card', at, at FROM history;
  INSERT INTO order_lines (id, order_id, product_id, name, quantity, unit_price_minor)
  SELECT gen_random_uuid(), id, product_id, name, q, price_minor FROM history;
  INSERT INTO stock_movements (id, product_id, order_id, delta, reason, created_at)
  SELECT gen_random_uuid(), product_id, id, -q, 'reserved', at FROM history;
  UPDATE products SET stock = stock - h.q
    FROM (SELECT product_id, sum(q) AS q FROM history GROUP BY product_id) h WHERE products.id = h.product_id;
  INSERT INTO order_status_changes (id, order_id, from_status, to_status, actor, created_at)
  SELECT gen_random_uuid(), id, 'pending_payment', 'paid', 'system', at FROM history;
  INSERT INTO outbox_events (id, topic, message_key, event_type, headers, payload, created_at, published_at)
  SELECT gen_random_uuid(), e.topic, h.id::text, e.topic, '{}', json_build_object('orderId', h.id)::text, h.at, h.at
    FROM history h CROSS JOIN (VALUES ('order.placed'), ('order.paid')) AS e (topic);"
sql "$source_url" "VACUUM ANALYZE"
database_bytes=$(sql "$source_url" "SELECT pg_database_size('order')")
log "order database: $PRELOAD_ORDERS orders of history, $database_bytes bytes"

# Placing an order: price from the catalog, reserve stock (movement + stock), outbox event, in one
# transaction. Paying one: status change, its history row, outbox event.
cat >"$work/place-order.sql" <<'EOF'
\set p random(1, 20)
\set q random(1, 3)
WITH p AS (SELECT id, name, price_minor FROM products WHERE sku = 'DRILL-' || :p),
o AS (INSERT INTO orders (id, user_id, status, total_minor, currency, payment_method)
      SELECT gen_random_uuid(), gen_random_uuid(), 'pending_payment', p.price_minor * :q, 'EUR', 'card'
        FROM p RETURNING id),
l AS (INSERT INTO order_lines (id, order_id, product_id, name, quantity, unit_price_minor)
      SELECT gen_random_uuid(), o.id, p.id, p.name, :q, p.price_minor FROM o, p),
m AS (INSERT INTO stock_movements (id, product_id, order_id, delta, reason)
      SELECT gen_random_uuid(), p.id, o.id, -:q, 'reserved' FROM o, p),
s AS (UPDATE products SET stock = stock - :q, updated_at = now() FROM p WHERE products.id = p.id)
INSERT INTO outbox_events (id, topic, message_key, event_type, headers, payload)
SELECT gen_random_uuid(), 'order.placed', o.id::text, 'order.placed', '{}', json_build_object('orderId', o.id)::text
  FROM o;
EOF
cat >"$work/pay-order.sql" <<'EOF'
WITH o AS (SELECT id FROM orders WHERE status = 'pending_payment'
            ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED),
u AS (UPDATE orders SET status = 'paid', updated_at = now() FROM o WHERE orders.id = o.id
      RETURNING orders.id),
c AS (INSERT INTO order_status_changes (id, order_id, from_status, to_status, actor)
      SELECT gen_random_uuid(), u.id, 'pending_payment', 'paid', 'system' FROM u)
INSERT INTO outbox_events (id, topic, message_key, event_type, headers, payload)
SELECT gen_random_uuid(), 'order.paid', u.id::text, 'order.paid', '{}', json_build_object('orderId', u.id)::text
  FROM u;
EOF
"$pg_bin/pgbench" -n -h 127.0.0.1 -p "$source_port" -U postgres -c 4 -j 2 -R "$WRITE_RATE" -T 3600 \
  -f "$work/place-order.sql@3" -f "$work/pay-order.sql@1" order >"$work/writer.log" 2>&1 &
writer_pid=$!
log "writing orders at ~$WRITE_RATE transactions/s (pgbench pid $writer_pid)"
sleep "$WARMUP_SECONDS"

# --- 2. Base backup while orders are written ----------------------------------------------------
t0=$(now)
as_pg "$pg_bin/pg_basebackup" -h 127.0.0.1 -p "$source_port" -U postgres -D "$backup_dir" \
  -X stream --checkpoint=fast --no-sync
backup_seconds=$(seconds "$t0" "$(now)")
as_pg "$pg_bin/pg_verifybackup" -q "$backup_dir"
backup_bytes=$(du -sb "$backup_dir" | cut -f1)
backup_start_lsn=$(awk '/^START WAL LOCATION/ { print $4 }' "$backup_dir/backup_label")
log "base backup: ${backup_seconds}s, $backup_bytes bytes, verified (pg_verifybackup)"
sleep 2

# --- 3. The recovery target: digests of what the business tables hold at that instant ----------
# A SHARE lock on the business tables for an instant: writers wait, so what the digests see is
# exactly what every transaction committed before the target time left, and nothing after.
digest_sql() {
  local query='' t key
  for t in "${BUSINESS_TABLES[@]}"; do
    key=id
    [[ $t == outbox_events ]] && key=seq
    [[ -n $query ]] && query+=' UNION ALL '
    query+="SELECT '$t', count(*), coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t.$key)), '-') FROM $t t"
  done
  echo "SELECT * FROM ($query) AS digests (table_name, rows, md5) ORDER BY table_name"
}
digests_at_target="$(psql "$source_url" -X -v ON_ERROR_STOP=1 -qAt <<EOF
BEGIN;
LOCK TABLE $(IFS=,; echo "${BUSINESS_TABLES[*]}") IN SHARE MODE;
$(digest_sql);
SELECT 'target', clock_timestamp(), pg_current_wal_lsn();
COMMIT;
EOF
)"
target_time=$(awk -F'|' '$1 == "target" { print $2 }' <<<"$digests_at_target")
digests_at_target=$(grep -v '^target|' <<<"$digests_at_target")
orders_at_target=$(awk -F'|' '$1 == "orders" { print $2 }' <<<"$digests_at_target")
log "recovery target: $target_time ($orders_at_target orders)"

sleep "$AFTER_TARGET_SECONDS"
kill -TERM "$writer_pid"
wait "$writer_pid" 2>/dev/null || true
writer_pid=''
digests_final="$(psql "$source_url" -X -v ON_ERROR_STOP=1 -qAt -c "$(digest_sql)")"
orders_final=$(awk -F'|' '$1 == "orders" { print $2 }' <<<"$digests_final")
log "source at the end: $orders_final orders ($((orders_final - orders_at_target)) after the target)"

# Everything up to the end must reach the archive (the recovery needs a commit after the target).
last_segment=$(sql "$source_url" "SELECT pg_walfile_name(pg_switch_wal())")
for _ in $(seq 1 300); do
  [[ -f "$archive_dir/$last_segment.gz" ]] && break
  sleep 0.1
done
[[ -f "$archive_dir/$last_segment.gz" ]] || { log "WAL segment $last_segment never reached the archive"; exit 1; }
archive_segments=$(find "$archive_dir" -name '*.gz' | wc -l)
archive_bytes=$(du -sb "$archive_dir" | cut -f1)

# The source is gone from here on: the restore uses only the backup and the archive.
source_pid=$(server_pid "$source_dir")
as_pg "$pg_bin/pg_ctl" -D "$source_dir" -m fast -w stop >/dev/null

# --- 4. Restore into a new data directory, replay to the target time, promote -------------------
restored_port="$(free_port)"
t0=$(now)
as_pg cp -a "$backup_dir" "$restored_dir"
cat <<EOF | as_pg tee -a "$restored_dir/postgresql.auto.conf" >/dev/null
port = $restored_port
archive_mode = off
restore_command = 'gzip -dc $archive_dir/%f.gz > %p'
recovery_target_time = '$target_time'
recovery_target_action = 'promote'
EOF
as_pg touch "$restored_dir/recovery.signal"
restore_seconds=$(seconds "$t0" "$(now)")
t0=$(now)
start_server "$restored_dir" "$work/restored.log"
restored_url="postgres://postgres@127.0.0.1:$restored_port/order"
for _ in $(seq 1 600); do
  [[ $(sql "$restored_url" "SELECT pg_is_in_recovery()" 2>/dev/null) == f ]] && break
  sleep 0.1
done
[[ $(sql "$restored_url" "SELECT pg_is_in_recovery()") == f ]] || { log "the restored server never left recovery"; exit 1; }
replay_seconds=$(seconds "$t0" "$(now)")
stop_line=$(grep -m 1 'recovery stopping before' "$work/restored.log" | sed 's/.*LOG: *//' || true)
redo_done_lsn=$(grep -m 1 -o 'redo done at [0-9A-F/]*' "$work/restored.log" | awk '{ print $4 }' || true)
redo_seconds=$(grep -m 1 'redo done at' "$work/restored.log" | grep -o 'elapsed: [0-9.]*' | awk '{ print $2 }' || true)
replayed_bytes=$(sql "$restored_url" "SELECT pg_wal_lsn_diff('$redo_done_lsn', '$backup_start_lsn')::bigint")
log "restore: ${restore_seconds}s (copy), start + replay + promotion: ${replay_seconds}s (redo ${redo_seconds:-?}s); $stop_line"
[[ -n "$stop_line" ]] || { log "recovery did not stop at the target time"; exit 1; }

# --- 5. Prove it: digests, migrations, the service ------------------------------------------------
digests_restored="$(psql "$restored_url" -X -v ON_ERROR_STOP=1 -qAt -c "$(digest_sql)")"
if [[ "$digests_restored" != "$digests_at_target" ]]; then
  log "digests differ (table|rows|md5)"
  diff <(echo "$digests_at_target") <(echo "$digests_restored") >&2 || true
  exit 1
fi
[[ "$digests_final" != "$digests_at_target" ]] || { log "no write after the target: the drill proves nothing"; exit 1; }
log "business tables at the target time and restored: identical"
printf '%s\n' "$digests_restored" | column -t -s '|' >&2

DATABASE_URL="$restored_url" node "$root/packages/db/dist/cli.js" "$root/services/order/prisma/migrations" >"$work/migrate-restored.log"
grep -q 'is up to date' "$work/migrate-restored.log" || { log "the restored database was missing migrations"; cat "$work/migrate-restored.log" >&2; exit 1; }

# The order service against the restored database. Kafka points at a closed port, so nothing of
# the restored outbox is published to a shared broker (the service serves without Kafka).
service_port="$(free_port)"
(
  cd "$root/services/order"
  exec env PORT="$service_port" HOST=127.0.0.1 DATABASE_URL="$restored_url" \
    KAFKA_BROKERS="127.0.0.1:$(free_port)" KAFKA_NAMESPACE="restore-drill-$$" \
    CACHE_NAMESPACE="restore-drill-$$" AUTH_JWKS_URL="http://127.0.0.1:1/.well-known/jwks.json" \
    node dist/server.js
) >"$work/order-service.log" 2>&1 &
service_pid=$!
ready=''
for _ in $(seq 1 150); do
  ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$service_port/readyz" || true)
  [[ $ready == 200 ]] && break
  sleep 0.2
done
[[ $ready == 200 ]] || { log "the order service on the restored database is not ready ($ready)"; cat "$work/order-service.log" >&2; exit 1; }
catalog=$(curl -sf "http://127.0.0.1:$service_port/v1/products?limit=100")
served_stock=$(node -e 'const b=JSON.parse(process.argv[1]);const items=b.items??b.data??b;console.log(items.reduce((s,p)=>s+p.stock,0))' "$catalog")
restored_stock=$(sql "$restored_url" "SELECT sum(stock) FROM products WHERE active")
[[ "$served_stock" == "$restored_stock" ]] || { log "the service serves stock $served_stock, the restored database holds $restored_stock"; exit 1; }
log "order service on the restored database: ready (schema current), catalog served (stock $served_stock)"
kill -TERM "$service_pid"
wait "$service_pid" 2>/dev/null || true
service_pid=''

tables_json=$(awk -F'|' 'BEGIN { printf "{" } { printf "%s\"%s\":{\"rows\":%s,\"md5\":\"%s\"}", (NR > 1 ? "," : ""), $1, $2, $3 } END { printf "}" }' <<<"$digests_restored")
report=$(cat <<EOF
{
  "postgresql": "$("$pg_bin/postgres" --version | awk '{print $3}')",
  "writeRateTps": $WRITE_RATE,
  "preloadOrders": $PRELOAD_ORDERS,
  "databaseBytes": $database_bytes,
  "backupSeconds": $backup_seconds,
  "baseBackupBytes": $backup_bytes,
  "walArchiveSegments": $archive_segments,
  "walArchiveBytesGzip": $archive_bytes,
  "restoreCopySeconds": $restore_seconds,
  "startReplayPromoteSeconds": $replay_seconds,
  "redoSeconds": ${redo_seconds:-null},
  "walReplayedBytes": ${replayed_bytes:-null},
  "targetTime": "$target_time",
  "ordersAtTarget": $orders_at_target,
  "ordersWrittenAfterTarget": $((orders_final - orders_at_target)),
  "tables": $tables_json,
  "digestsMatch": true,
  "serviceReady": true
}
EOF
)
[[ -n "${RESTORE_DRILL_JSON:-}" ]] && echo "$report" >"$RESTORE_DRILL_JSON"
echo "$report"
log "passed"
