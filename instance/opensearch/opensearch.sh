#!/usr/bin/env bash
# Real OpenSearch 2.19.x for the reference instance, run as an embedded node
# (EmbeddedOpenSearch.java) from Maven Central jars, on 127.0.0.1.
#
#   opensearch.sh build    compile the launcher, copy the jars to target/lib (skipped when up to date)
#   opensearch.sh start    build if needed, start in the background, wait until HTTP answers
#   opensearch.sh stop     stop the node started here (by PID) and wait for it to exit
#   opensearch.sh status   say whether it runs and answers (exit 0 running, 3 stopped, 1 unhealthy)
#   opensearch.sh check    run smoke_test.py against the running node
#
# Environment (all optional):
#   INSTANCE_DIR               default <repo>/.instance; data in $INSTANCE_DIR/opensearch,
#                              log $INSTANCE_DIR/logs/opensearch.log, pid $INSTANCE_DIR/run/opensearch.pid
#   OPENSEARCH_PORT            HTTP port, default 9200
#   OPENSEARCH_TRANSPORT_PORT  transport port, default 9300
#   OPENSEARCH_HEAP            JVM heap, default 1g
#   OPENSEARCH_START_TIMEOUT   seconds to wait for HTTP, default 90
#   JAVA_HOME                  Java 17+ to use (else `java` on PATH)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
INSTANCE_DIR="${INSTANCE_DIR:-$REPO/.instance}"
OPENSEARCH_PORT="${OPENSEARCH_PORT:-9200}"
OPENSEARCH_TRANSPORT_PORT="${OPENSEARCH_TRANSPORT_PORT:-9300}"
OPENSEARCH_HEAP="${OPENSEARCH_HEAP:-1g}"
OPENSEARCH_START_TIMEOUT="${OPENSEARCH_START_TIMEOUT:-90}"

HOME_DIR="$INSTANCE_DIR/opensearch"
LOG_DIR="$INSTANCE_DIR/logs"
LOG="$LOG_DIR/opensearch.log"
RUN_DIR="$INSTANCE_DIR/run"
PID_FILE="$RUN_DIR/opensearch.pid"
TARGET="$HERE/target"
LIB="$TARGET/lib"
APP_JAR="$TARGET/embedded-opensearch-1.0.0.jar"
STAMP="$TARGET/.build-stamp"
MAIN_CLASS="docs.instance.opensearch.EmbeddedOpenSearch"
URL="http://127.0.0.1:$OPENSEARCH_PORT"

say() { echo "opensearch: $*"; }
die() { echo "opensearch: ERROR: $*" >&2; exit 1; }

java_bin() {
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
        echo "$JAVA_HOME/bin/java"
    elif command -v java >/dev/null 2>&1; then
        command -v java
    else
        die "Java not found (need Java 17+: apt-get install -y openjdk-17-jdk-headless, or set JAVA_HOME)"
    fi
}

check_java() {
    local java ver major
    java="$(java_bin)"
    ver="$("$java" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
    major="${ver%%.*}"
    [[ "$major" =~ ^[0-9]+$ ]] || die "cannot read the Java version from '$java -version'"
    (( major >= 17 )) || die "Java $ver at $java is too old: OpenSearch 2.19 here needs Java 17+ (set JAVA_HOME)"
}

build_hash() {
    # What a build depends on: the pom and the launcher sources.
    (cd "$HERE" && find src -type f -print0 | LC_ALL=C sort -z | xargs -0 cat pom.xml) | sha256sum | cut -d' ' -f1
}

jar_count() {
    find "$LIB" -mindepth 1 -maxdepth 1 | wc -l
}

is_built() {
    [[ -f "$STAMP" && -f "$APP_JAR" ]] || return 1
    compgen -G "$LIB/opensearch-2.19*.jar" >/dev/null || return 1
    [[ "$(cat "$STAMP")" == "$(build_hash)" ]]
}

cmd_build() {
    check_java
    if is_built; then
        say "build up to date ($(jar_count) jars in ${LIB#"$REPO"/})"
        return 0
    fi
    command -v mvn >/dev/null 2>&1 || die "Maven not found (apt-get install -y maven)"
    local running
    running="$(our_pid)"
    [[ -z "$running" ]] || die "the launcher or its jars changed, but OpenSearch (pid $running) runs from them: run '$0 stop' first"
    mkdir -p "$TARGET"
    local blog="$TARGET/build.log"
    say "building the launcher and fetching the OpenSearch jars with Maven (log: ${blog#"$REPO"/})"
    rm -rf "$LIB" "$STAMP"
    if ! (cd "$HERE" && mvn -B -q -Dstyle.color=never package 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >"$blog"; exit "${PIPESTATUS[0]}"); then
        if grep -qiE "Could not (transfer|resolve)|UnknownHost|Connection (refused|timed out)|Network is unreachable|Failed to read artifact descriptor" "$blog"; then
            die "Maven could not fetch the jars from Maven Central (offline or unreachable?); see ${blog}: $(grep -m1 -iE 'Could not|Unknown|Connection|unreachable' "$blog" | cut -c1-200)"
        fi
        tail -n 20 "$blog" >&2
        die "Maven build failed; see $blog"
    fi
    compgen -G "$LIB/opensearch-2.19*.jar" >/dev/null || die "build finished but $LIB has no opensearch jar; see $blog"
    build_hash >"$STAMP"
    say "built: $(jar_count) jars, $(du -sh "$LIB" | cut -f1) in ${LIB#"$REPO"/}"
}

# PID of our node if it runs (from the pid file, checked against /proc), else empty.
our_pid() {
    local pid
    [[ -f "$PID_FILE" ]] || return 0
    pid="$(tr -dc '0-9' <"$PID_FILE")"
    [[ -n "$pid" ]] || return 0
    if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$MAIN_CLASS"; then
        echo "$pid"
    fi
}

port_in_use() {  # something accepts connections on 127.0.0.1:$1
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

port_owner() {
    if command -v ss >/dev/null 2>&1; then
        ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:(([^)]*))' | head -n1
    fi
}

answers() {  # HTTP root answers as OpenSearch
    curl -sf -m 3 "$URL/" 2>/dev/null | grep -qE '"distribution" *: *"opensearch"'
}

version_line() {
    curl -sf -m 3 "$URL/" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("OpenSearch %s (lucene %s), cluster %s, node %s" % (d["version"]["number"], d["version"]["lucene_version"], d["cluster_name"], d["name"]))' 2>/dev/null \
        || echo "OpenSearch at $URL"
}

show_log_tail() {
    echo "---- last 30 lines of $LOG ----" >&2
    tail -n 30 "$LOG" >&2 || true
    echo "----" >&2
}

cmd_start() {
    command -v curl >/dev/null 2>&1 || die "curl not found (apt-get install -y curl)"
    local pid
    pid="$(our_pid)"
    if [[ -n "$pid" ]] && answers; then
        say "already running (pid $pid): $(version_line) at $URL"
        return 0
    fi
    cmd_build
    if [[ -z "$pid" ]]; then
        rm -f "$PID_FILE"
        local p
        for p in "$OPENSEARCH_PORT" "$OPENSEARCH_TRANSPORT_PORT"; do
            if port_in_use "$p"; then
                die "port $p on 127.0.0.1 is already taken by another process $(port_owner "$p") (set OPENSEARCH_PORT / OPENSEARCH_TRANSPORT_PORT, or stop it)"
            fi
        done
        mkdir -p "$HOME_DIR" "$LOG_DIR" "$RUN_DIR" "$HOME_DIR/tmp"
        echo "==== $(date -Is) opensearch.sh start (http $OPENSEARCH_PORT, transport $OPENSEARCH_TRANSPORT_PORT) ====" >>"$LOG"
        local java
        java="$(java_bin)"
        # JVM options as a distribution's jvm.options sets them, where they matter here.
        setsid "$java" \
            -Xms"$OPENSEARCH_HEAP" -Xmx"$OPENSEARCH_HEAP" \
            -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
            -Djava.io.tmpdir="$HOME_DIR/tmp" \
            -Dfile.encoding=UTF-8 -Djna.nosys=true \
            -Djava.locale.providers=SPI,COMPAT \
            -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true -Dlog4j2.formatMsgNoLookups=true \
            -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true -Dio.netty.recycler.maxCapacityPerThread=0 \
            -cp "$APP_JAR:$LIB/*" "$MAIN_CLASS" \
            --home "$HOME_DIR" --http-port "$OPENSEARCH_PORT" --transport-port "$OPENSEARCH_TRANSPORT_PORT" \
            --pid-file "$PID_FILE" \
            >>"$LOG" 2>&1 </dev/null &
        pid=$!
        echo "$pid" >"$PID_FILE"
        say "started pid $pid (data ${HOME_DIR}, log ${LOG}); waiting for $URL (up to ${OPENSEARCH_START_TIMEOUT} s)"
    else
        say "pid $pid runs but $URL does not answer yet; waiting (up to ${OPENSEARCH_START_TIMEOUT} s)"
    fi

    local t0=$SECONDS waited=0
    while true; do
        [[ -f "$PID_FILE" ]] && pid="$(tr -dc '0-9' <"$PID_FILE")"
        if ! kill -0 "$pid" 2>/dev/null; then
            show_log_tail
            rm -f "$PID_FILE"
            die "OpenSearch (pid $pid) exited while starting; log: $LOG"
        fi
        if answers; then
            break
        fi
        waited=$((SECONDS - t0))
        if (( waited >= OPENSEARCH_START_TIMEOUT )); then
            show_log_tail
            die "OpenSearch (pid $pid) did not answer on $URL within ${OPENSEARCH_START_TIMEOUT} s (still running; stop it with: $0 stop)"
        fi
        if (( waited > 0 && waited % 5 == 0 )); then
            say "still waiting for $URL (${waited} s)"
        fi
        sleep 1
    done
    # Indices recovered after a warm start: wait until the shards are assigned.
    if ! curl -sf -m 40 "$URL/_cluster/health?wait_for_status=yellow&timeout=30s" >/dev/null; then
        say "WARNING: cluster health did not reach yellow within 30 s (see $LOG)"
    fi
    say "up in $((SECONDS - t0)) s: $(version_line) at $URL"
}

cmd_stop() {
    local pid
    pid="$(our_pid)"
    if [[ -z "$pid" ]]; then
        rm -f "$PID_FILE"
        say "not running"
        return 0
    fi
    say "stopping pid $pid"
    kill -TERM "$pid"
    local i
    for ((i = 0; i < 60; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 1
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "pid $pid still alive after 60 s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 1
    fi
    rm -f "$PID_FILE"
    say "stopped"
}

cmd_status() {
    local pid
    pid="$(our_pid)"
    if [[ -z "$pid" ]]; then
        if port_in_use "$OPENSEARCH_PORT"; then
            say "not started by us, but port $OPENSEARCH_PORT is taken by $(port_owner "$OPENSEARCH_PORT")"
        else
            say "stopped"
        fi
        return 3
    fi
    if answers; then
        local health
        health="$(curl -sf -m 3 "$URL/_cluster/health" | grep -o '"status":"[a-z]*"' | cut -d'"' -f4)"
        say "running (pid $pid, health ${health:-?}): $(version_line) at $URL"
        return 0
    fi
    say "pid $pid runs but $URL does not answer"
    return 1
}

cmd_check() {
    answers || die "nothing answers as OpenSearch on $URL (start it first: $0 start)"
    python3 "$HERE/smoke_test.py" --url "$URL" "$@"
}

case "${1:-}" in
    build) cmd_build ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    check) shift; cmd_check "$@" ;;
    *) echo "usage: $0 {build|start|stop|status|check [--mappings DIR...]}" >&2; exit 2 ;;
esac
