#!/usr/bin/env bash
# Start a single-node Apache Kafka (KRaft) on 127.0.0.1:${KAFKA_PORT:-9092} from Maven Central
# artifacts, in the background, and create the platform's topics. Reuses a broker that
# already listens on the port. Data and logs live in .var/kafka (git-ignored).
#
# KAFKA_SECURITY=scram: the client listener requires a SCRAM-SHA-512 login and ACLs are
# enforced (server-scram.properties.template), as in production. The super user `admin` gets
# KAFKA_SCRAM_ADMIN_PASSWORD; KAFKA_SCRAM_USERS ("name:password,name:password") adds users.
# Logins are created when the storage is formatted, so use a fresh KAFKA_HOME_DIR for new ones.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
var="${KAFKA_HOME_DIR:-$root/.var/kafka}"
# The jars are shared by every broker home (the chaos run starts its own broker).
lib="${KAFKA_LIB_DIR:-$root/.var/kafka/lib}"

security="${KAFKA_SECURITY:-plaintext}"
case "$security" in
  plaintext) template="$here/server.properties.template" ;;
  scram)
    template="$here/server-scram.properties.template"
    [ -n "${KAFKA_SCRAM_ADMIN_PASSWORD:-}" ] || { echo "kafka: KAFKA_SECURITY=scram needs KAFKA_SCRAM_ADMIN_PASSWORD" >&2; exit 1; }
    ;;
  *) echo "kafka: KAFKA_SECURITY must be plaintext or scram, not $security" >&2; exit 1 ;;
esac

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if port_open "$port"; then
  echo "kafka: already listening on 127.0.0.1:$port, reusing it"
else
  command -v java >/dev/null || { echo "kafka: java is required (Java 17)" >&2; exit 1; }
  mkdir -p "$var"
  # The marker holds the checksum of the pom the jars came from: after a version bump an
  # existing checkout (or CI cache) fetches the new broker instead of keeping the old jars.
  wanted="$(sha256sum "$here/pom.xml" | cut -d' ' -f1)"
  if [ "$(cat "$lib/.complete" 2>/dev/null)" != "$wanted" ]; then
    command -v mvn >/dev/null || { echo "kafka: maven is required to fetch Kafka" >&2; exit 1; }
    echo "kafka: fetching Apache Kafka from Maven Central into $lib"
    rm -rf "$lib"
    mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$lib" -DincludeScope=runtime
    echo "$wanted" >"$lib/.complete"
  fi
  sed -e "s#@PORT@#$port#g" -e "s#@CONTROLLER_PORT@#$controller_port#g" -e "s#@DATA_DIR@#$var/data#g" \
    -e "s#@ADMIN_PASSWORD@#${KAFKA_SCRAM_ADMIN_PASSWORD:-}#g" "$template" > "$var/server.properties"
  chmod 600 "$var/server.properties"
  # SCRAM logins go into the metadata log's bootstrap records when the storage is formatted.
  scram=()
  if [ "$security" = scram ]; then
    scram+=(--add-scram "SCRAM-SHA-512=[name=admin,password=$KAFKA_SCRAM_ADMIN_PASSWORD]")
    IFS=',' read -ra users <<<"${KAFKA_SCRAM_USERS:-}"
    for user in "${users[@]}"; do
      scram+=(--add-scram "SCRAM-SHA-512=[name=${user%%:*},password=${user#*:}]")
    done
  fi
  classpath="$lib/*"
  java_opts=(-Xms256m -Xmx768m -Dlog4j.configuration="file:$here/log4j.properties")
  if [ ! -f "$var/data/meta.properties" ]; then
    cluster_id="$(java -cp "$classpath" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)"
    java "${java_opts[@]}" -cp "$classpath" kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$var/server.properties" "${scram[@]}" >/dev/null
  fi
  echo "kafka: starting on 127.0.0.1:$port (log: $var/kafka.log)"
  nohup java "${java_opts[@]}" -cp "$classpath" kafka.Kafka "$var/server.properties" \
    >"$var/kafka.log" 2>&1 &
  echo $! >"$var/kafka.pid"
  for _ in $(seq 1 120); do
    port_open "$port" && break
    kill -0 "$(cat "$var/kafka.pid")" 2>/dev/null || { echo "kafka: exited during start:" >&2; tail -n 30 "$var/kafka.log" >&2; exit 1; }
    sleep 0.5
  done
  port_open "$port" || { echo "kafka: did not open port $port in 60 s" >&2; tail -n 30 "$var/kafka.log" >&2; exit 1; }
fi

if [ "${KAFKA_SKIP_TOPICS:-}" != "1" ]; then
  if [ "$security" = scram ]; then
    KAFKA_SASL_MECHANISM=scram-sha-512 KAFKA_SASL_USERNAME=admin \
      KAFKA_SASL_PASSWORD="$KAFKA_SCRAM_ADMIN_PASSWORD" node "$here/dist/create-topics.js"
  else
    node "$here/dist/create-topics.js"
  fi
fi
