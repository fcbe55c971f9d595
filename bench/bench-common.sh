# shellcheck shell=bash
# Shared by bench/run-mqtt-benchmark and bench/run-list-benchmark; sourced, not run.
# Needs bash 5 (EPOCHREALTIME).

bench_die() {
  echo "${0##*/}: $*" >&2
  exit 1
}

# The build directory: --build-dir, else $THINGDECK_BUILD_DIR, else build/release when it holds
# `probe` (a path below the build directory), else build/dev.
bench_find_build_dir() {
  local given=$1 probe=$2 repo=$3
  if [[ -n "$given" ]]; then
    [[ -d "$given" ]] || bench_die "build directory $given does not exist"
    (cd "$given" && pwd)
    return
  fi
  local candidate
  for candidate in "$repo/build/release" "$repo/build/dev"; do
    if [[ -x "$candidate/$probe" ]]; then
      echo "$candidate"
      return
    fi
  done
  bench_die "no build with $probe in build/release or build/dev; build it first:
  cmake --preset release && cmake --build build/release --target ${probe##*/}"
}

# thingdeck-cli in the build directory, or nothing when it is not built (yet).
bench_find_cli() {
  local build=$1 candidate
  for candidate in "$build/app/thingdeck-cli" "$build/thingdeck-cli"; do
    if [[ -x "$candidate" ]]; then
      echo "$candidate"
      return
    fi
  done
}

bench_now() {
  echo "$EPOCHREALTIME"
}

# Seconds since a bench_now value, with millisecond precision.
bench_since() {
  awk -v start="$1" -v end="$EPOCHREALTIME" 'BEGIN { printf "%.3f", end - start }'
}

# The value of key=value in a line such as "received=200000 seconds=2.6 rate=75000".
bench_field() {
  local line=$1 key=$2
  sed -n "s/.*\\b$key=\\([^ ]*\\).*/\\1/p" <<< "$line"
}

# Median of numbers, one per argument.
bench_median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
    END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_run_child COMMAND...: runs COMMAND in a process group of its own and waits for it, so
# that an interrupt does not have to wait for it to end: bench_kill_child (called by the
# scripts' EXIT trap) ends the whole group. Returns COMMAND's exit status. Inside, use
# `timeout --foreground`: plain timeout moves itself and its command to a group of its own.
bench_child_group=""
bench_run_child() {
  setsid "$@" &
  bench_child_group=$! # setsid runs COMMAND as the leader of the new group: same id
  local status=0
  wait "$bench_child_group" || status=$?
  bench_child_group=""
  return "$status"
}

bench_kill_child() {
  if [[ -n "$bench_child_group" ]]; then
    kill -- "-$bench_child_group" 2> /dev/null || true
    bench_child_group=""
  fi
}
