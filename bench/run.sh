#!/usr/bin/env bash
# vitrine's build benchmark: wall time, CPU time, peak memory and the time of
# each stage of `vitrine build`, `vitrine check` and `vitrine build --no-pdf`
# on a generated site of N records per kind.
#
#   cargo build --release      # first: this script never builds vitrine
#   bench/run.sh [N ...]       # N = records per kind; default: 100 1000 10000
#
# For each N: generates bench/sites/n<N>/vitrine/ with bench/gen.py (reused
# when present, REGEN=1 regenerates it), then runs each command RUNS times
# with --timings, every build into a fresh, empty output directory on tmpfs
# (removed outside the timing). Prints Markdown tables (medians) per N and a
# table of the ratios between successive N (10000/1000, 1000/100) per command
# and per stage, marking with ⚠ a ratio above 1.1 × the step in N (a
# superlinear stage). The tables also go to bench/out/results-<stamp>.md, the
# raw data to bench/out/raw-<stamp>.tsv and the logs to bench/out/logs-<stamp>/.
#
# Environment (all optional):
#   VITRINE=target/release/vitrine  the binary; it is copied once at the start,
#                          so a concurrent `cargo build` cannot swap it mid-run
#   COMMIT=REV             what the binary was built from, for the tables' header
#                          (default: the project's HEAD, marked when src/ has
#                          uncommitted changes)
#   RUNS=3                 timed runs per command and N
#   COMMANDS="build check build-no-pdf"   which commands, in this order
#   TODAY=2026-11-24       --today (the generated records' mis_a_jour_le, so
#                          no freshness warning whatever the date)
#   REGEN=1                regenerate the sites even if present
#   OUT_BASE=DIR           where builds write (default /dev/shm/vitrine-bench
#                          when /dev/shm is a tmpfs, else bench/out/tmp)
#   INPUT_TMPFS=1          when OUT_BASE is a tmpfs, the site and the binary are
#                          copied there too and read from there (0: read the
#                          site from bench/sites/); see bench/README.md
#   KEEP_OUT=1             keep the last build of each command
#   MEM_LIMIT_MB=M         address-space limit of each run (ulimit -v); default
#                          80 % of RAM, so that a run too big for the machine
#                          fails alone instead of waking the kernel's OOM killer
#                          on a shared machine; 0 = no limit
#   TIMEOUT=S              stop a run after S seconds (default 0: never)
#   NOISE_MAX=0.05         before each run, wait (up to QUIET_WAIT_MAX s) until
#   QUIET_WAIT_MAX=30      other processes use less than this share of the CPUs;
#                          what they used during each run is in "other load"
#   ZOLA_BENCH=DIR         a copy of the workplace's shared harness
#                          (cp -r ../shared/bench /tmp/bench): after vitrine's own
#                          runs, runs its run.sh for each N with Zola, vitrine and
#                          vitrine --no-pdf (bench/vitrine-no-pdf) and appends its
#                          tables, ratios to Zola included. With INPUT_TMPFS=1 the
#                          harness (without its sites/ and out/) is copied to
#                          OUT_BASE and run from there, so that its sites are on
#                          tmpfs too; its out/ is then kept in our logs folder.
#                          It gets our NOISE_MAX and QUIET_WAIT_MAX (its own
#                          default wait is 900 s per build)
#   ZOLA_PEERS="zola new new2"  ZOLA_RUNS=$RUNS  ZOLA_WARMUP=1   passed to it
#                          (new = vitrine, new2 = vitrine --no-pdf; each is left
#                          out at an N where our own run of it failed, since the
#                          harness sets no memory limit)
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
die() { echo "bench/run.sh: ERROR: $*" >&2; exit 1; }
note() { echo "bench/run.sh: $*" >&2; }

if (($# == 0)); then set -- 100 1000 10000; fi
for n in "$@"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, got '$n' (usage: bench/run.sh [N ...])"
done
RUNS=${RUNS:-3}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"
COMMANDS=${COMMANDS:-"build check build-no-pdf"}
for c in $COMMANDS; do
  case $c in build | check | build-no-pdf) ;; *) die "unknown command '$c' (known: build check build-no-pdf)" ;; esac
done
TODAY=${TODAY:-2026-11-24}
TIMEOUT=${TIMEOUT:-0}
NOISE_MAX=${NOISE_MAX:-0.05}
QUIET_WAIT_MAX=${QUIET_WAIT_MAX:-30}
SITES_DIR=$BENCH/sites
NCPU=$(nproc)
CLK_TCK=$(getconf CLK_TCK)
MEM_TOTAL_KB=$(awk '/^MemTotal:/{print $2}' /proc/meminfo)
MEM_LIMIT_MB=${MEM_LIMIT_MB:-$((MEM_TOTAL_KB * 8 / 10 / 1024))}

command -v python3 >/dev/null || die "python3 is needed (bench/gen.py, bench/report.py)"
[[ -x /usr/bin/time ]] || die "GNU time (/usr/bin/time) is missing: apt-get install time"

# The binary: relative to the caller's directory when given, else the project's.
if [[ -n ${VITRINE:-} ]]; then
  [[ $VITRINE == /* ]] || VITRINE=$PWD/$VITRINE
else
  VITRINE=$ROOT/target/release/vitrine
fi
[[ -x $VITRINE ]] || die "no vitrine binary at $VITRINE: run \`cargo build --release\` first (or set VITRINE=)"
BIN_DATE=$(date -u -r "$VITRINE" '+%Y-%m-%d %H:%M UTC')
DIRTY=""
if [[ -z ${COMMIT:-} ]]; then
  COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")
  if [[ -n $(git -C "$ROOT" status --porcelain -- src Cargo.toml Cargo.lock themes 2>/dev/null) ]]; then
    DIRTY=" + uncommitted changes to src/ or themes/"
  fi
fi

if [[ -z ${OUT_BASE:-} ]]; then
  if [[ $(stat -f -c %T /dev/shm 2>/dev/null) == tmpfs ]]; then OUT_BASE=/dev/shm/vitrine-bench
  else OUT_BASE=$BENCH/out/tmp; fi
fi
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW=$BENCH/out/raw-$STAMP.tsv
LOGDIR=$BENCH/out/logs-$STAMP
RESULTS=$BENCH/out/results-$STAMP.md
mkdir -p "$OUT_BASE" "$LOGDIR"
OUT_FS=$(stat -f -c %T "$OUT_BASE")
INPUT_TMPFS=${INPUT_TMPFS:-1}
[[ $OUT_FS == tmpfs ]] || INPUT_TMPFS=0
# The binary is copied once (on tmpfs when INPUT_TMPFS=1), so that a concurrent
# `cargo build` cannot swap it mid-run.
SNAP=$(mktemp -d "$([[ $INPUT_TMPFS == 1 ]] && echo "$OUT_BASE" || echo "${TMPDIR:-/tmp}")/bin.XXXXXX")
INPUT_COPY=""
ZB=""
cleanup() {
  rm -rf "$SNAP"
  [[ -z $INPUT_COPY ]] || rm -rf "$INPUT_COPY"
  [[ -z $ZB || $ZB == "${ZOLA_BENCH:-}" ]] || rm -rf "$ZB"
  [[ -z $ZB ]] || rm -rf "$OUT_BASE/shared-bench-builds"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cp "$VITRINE" "$SNAP/vitrine"
BIN=$SNAP/vitrine
VERSION=$("$BIN" --version 2>/dev/null | head -1) || VERSION="?"
printf 'n\tm\thtml\tcommand\trun\texit\twall_s\tmaxrss_kb\tuser_s\tsys_s\tother_cpu_s\tstages\n' > "$RAW"

# ------------------------------------------------------------------ sites --
# site N: make sure $SITES_DIR/n<N>/vitrine exists (only vitrine's copy is kept).
site() {
  local n=$1 dir=$SITES_DIR/n$1
  if [[ ${REGEN:-0} != 1 && -f $dir/expected.env && -f $dir/vitrine/content/site.yaml ]]; then
    note "N=$n: reusing $dir"
    return
  fi
  note "N=$n: generating $dir ..."
  VITRINE_TERRITOIRE=$ROOT/content/territoire python3 "$BENCH/gen.py" "$n" --out "$dir" >&2
  rm -rf "$dir/site" "$dir/hugo" "$dir/eleventy" "$dir/zola"
}

# ---------------------------------------------------------------- noise ----
# Busy CPU time of the whole machine in clock ticks (user+nice+system+irq+softirq+steal).
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9; exit}' /proc/stat; }
wait_quiet() {
  local waited=0 b0 b1 share
  while :; do
    b0=$(busy_ticks); sleep 1; b1=$(busy_ticks)
    share=$(awk -v a="$b0" -v b="$b1" -v hz="$CLK_TCK" -v n="$NCPU" 'BEGIN{printf "%.3f", (b-a)/hz/n}')
    awk -v s="$share" -v m="$NOISE_MAX" 'BEGIN{exit !(s<=m)}' && return 0
    waited=$((waited + 1))
    if ((waited >= QUIET_WAIT_MAX)); then
      note "machine still busy after ${waited}s ($(awk -v s="$share" 'BEGIN{printf "%.0f", s*100}') % CPU); measuring anyway (see \"other load\")"
      return 0
    fi
    ((waited % 30 == 1)) && note "waiting for other processes to go quiet ($(awk -v s="$share" 'BEGIN{printf "%.0f", s*100}') % CPU busy)"
  done
}

# ------------------------------------------------------------ one run ------
# measure N COMMAND RUN: one timed run, one line of $RAW; returns its exit code.
measure() {
  local n=$1 cmd=$2 run=$3 site=$SITE out=$OUT_BASE/n$1-$2
  local log=$LOGDIR/n$n.$cmd.$run.log tfile=$LOGDIR/n$n.$cmd.$run.time
  local args pre=() rc=0 t0 t1 b0 b1 wall maxrss user sys other stages
  case $cmd in
    build)        args=(build --root "$site" --output "$out" --today "$TODAY" --timings) ;;
    check)        args=(check --root "$site" --today "$TODAY" --timings) ;;
    build-no-pdf) args=(build --root "$site" --output "$out" --today "$TODAY" --no-pdf --timings) ;;
  esac
  if ((TIMEOUT > 0)); then pre=(timeout "$TIMEOUT"); fi
  rm -rf "$out"; sync
  wait_quiet
  echo "+ ${pre[*]} $BIN ${args[*]}" > "$log"
  b0=$(busy_ticks); t0=$(date +%s%N)
  (
    if ((MEM_LIMIT_MB > 0)); then ulimit -v $((MEM_LIMIT_MB * 1024)); fi
    exec /usr/bin/time -f '%e %M %U %S' -o "$tfile" "${pre[@]}" "$BIN" "${args[@]}"
  ) >>"$log" 2>&1 || rc=$?
  t1=$(date +%s%N); b1=$(busy_ticks)
  # GNU time writes "Command exited with non-zero status N" before its line.
  maxrss=0 user=0 sys=0
  [[ -s $tfile ]] && read -r _ maxrss user sys < <(tail -1 "$tfile")
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)/1e9}')
  other=$(awk -v b0="$b0" -v b1="$b1" -v hz="$CLK_TCK" -v u="$user" -v s="$sys" \
    'BEGIN{f=(b1-b0)/hz-u-s; if (f<0) f=0; printf "%.2f", f}')
  stages=$(awk -F'\t' '$1=="temps"{printf "%s%s=%s", sep, $2, $3; sep=","}' "$log")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$M" "$VITRINE_EXPECTED_HTML" \
    "$cmd" "$run" "$rc" "$wall" "$maxrss" "$user" "$sys" "$other" "$stages" >> "$RAW"
  if ((rc != 0)); then
    FAILED["$n $cmd"]=$rc
    tail -5 "$log" >&2
    note "N=$n $cmd run $run FAILED (exit $rc; log: $log)"
    return "$rc"
  fi
  [[ $cmd == check ]] || verify "$n" "$cmd" "$out"
  printf '  N=%-6s %-13s run %s: %8.2f s wall, %8.2f s CPU, %6.0f MiB  (other load %s CPU s)\n' \
    "$n" "$cmd" "$run" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')" \
    "$(awk -v k="$maxrss" 'BEGIN{print k/1024}')" "$other" >&2
}

# verify N COMMAND OUT: the build wrote the expected pages (and the PDF or not).
verify() {
  local n=$1 cmd=$2 out=$3 got pdfs
  got=$(find "$out" -type f -name '*.html' | wc -l)
  [[ $got -eq $VITRINE_EXPECTED_HTML ]] \
    || die "N=$n $cmd wrote $got HTML pages, expected $VITRINE_EXPECTED_HTML (bench/gen.py's count); output kept in $out"
  pdfs=$(find "$out" -type f -name '*.pdf' | wc -l)
  if [[ $cmd == build && $pdfs -eq 0 ]]; then
    die "N=$n build wrote no PDF (is $VITRINE built without the pdf feature?); output kept in $out"
  fi
  if [[ $cmd == build-no-pdf && $pdfs -ne 0 ]]; then
    die "N=$n build --no-pdf wrote a PDF; output kept in $out"
  fi
}

# -------------------------------------------------------------- main -------
declare -A FAILED=()
note "binary: $VITRINE ($VERSION, built $BIN_DATE), commit $COMMIT$DIRTY"
note "N = $*; $RUNS run(s) of: $COMMANDS; output on $OUT_BASE ($OUT_FS), input $([[ $INPUT_TMPFS == 1 ]] && echo "copied there too" || echo "read from $SITES_DIR"); memory limit ${MEM_LIMIT_MB} MiB per run"
for n in "$@"; do
  site "$n"
  # shellcheck disable=SC1090,SC1091
  source "$SITES_DIR/n$n/expected.env"   # N, M, VITRINE_EXPECTED_HTML
  if [[ $INPUT_TMPFS == 1 ]]; then
    INPUT_COPY=$OUT_BASE/site-n$n
    rm -rf "$INPUT_COPY"
    cp -r "$SITES_DIR/n$n/vitrine" "$INPUT_COPY"
    SITE=$INPUT_COPY
  else
    SITE=$SITES_DIR/n$n/vitrine
    # Read the inputs once, so the first timed run does not pay for a cold page cache.
    find "$SITE" -type f -exec cat {} + > /dev/null
  fi
  for cmd in $COMMANDS; do
    for ((r = 1; r <= RUNS; r++)); do
      measure "$n" "$cmd" "$r" || break   # a failed run ends this command at this N
    done
  done
  [[ ${KEEP_OUT:-0} == 1 ]] || rm -rf "$OUT_BASE/n$n-build" "$OUT_BASE/n$n-build-no-pdf"
  if [[ -n $INPUT_COPY ]]; then rm -rf "$INPUT_COPY"; INPUT_COPY=""; fi
done

{
  echo "vitrine benchmark (\`bench/run.sh $*\`), $(date -u +%Y-%m-%d): \`$VERSION\`, commit \`$COMMIT\`$DIRTY, binary built $BIN_DATE."
  echo "$(nproc) CPUs ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $((MEM_TOTAL_KB / 1048576)) GiB RAM, $(uname -sr); output$([[ $INPUT_TMPFS == 1 ]] && echo ", input and binary") on $OUT_FS; memory limit $( ((MEM_LIMIT_MB > 0)) && echo "$MEM_LIMIT_MB MiB" || echo "none") per run; medians of $RUNS run(s); times in seconds."
  echo
  python3 "$BENCH/report.py" "$RAW"
} > "$RESULTS"

if [[ -n ${ZOLA_BENCH:-} ]]; then
  [[ -x $ZOLA_BENCH/run.sh ]] || die "ZOLA_BENCH=$ZOLA_BENCH has no run.sh (copy the harness first: cp -r ../shared/bench /tmp/bench)"
  ZB=$ZOLA_BENCH
  if [[ $INPUT_TMPFS == 1 ]]; then
    # Its sites are read from its own folder: put that folder on tmpfs.
    ZB=$OUT_BASE/shared-bench
    rm -rf "$ZB"; mkdir -p "$ZB"
    tar -C "$ZOLA_BENCH" --exclude=./sites --exclude=./out -cf - . | tar -C "$ZB" -xf -
    chmod -R u+w "$ZB"
  fi
  # Its generator, with vitrine's side as ours (the fields vitrine's model
  # renamed since, such as a source's `consulte_le`): the peers' sites are
  # the same byte for byte, and vitrine's site is the one our gen.py writes.
  cp "$BENCH/gen.py" "$ZB/gen.py"
  for n in "$@"; do
    peers="" dropped=""
    for p in ${ZOLA_PEERS:-zola new new2}; do
      if [[ ($p == new && -n ${FAILED["$n build"]:-}) || ($p == new2 && -n ${FAILED["$n build-no-pdf"]:-}) ]]; then
        dropped+=" $p"
      else
        peers+=" $p"
      fi
    done
    [[ -z $dropped ]] || note "N=$n: leaving out of the shared harness:$dropped (failed above)"
    note "N=$n: shared harness $ZOLA_BENCH/run.sh, run from $ZB (Zola and vitrine side by side) ..."
    # The same generator and seed as ours: its vitrine site is ours, and
    # vitrine writes the pages our gen.py counts (the shared harness's own
    # count predates the profession and search pages); without the search
    # index, no recherche/ page.
    source "$SITES_DIR/n$n/expected.env"
    if (cd "$ROOT" && VITRINE_TERRITOIRE=$ROOT/content/territoire VITRINE=$BIN \
        NEW_EXPECTED_HTML=$VITRINE_EXPECTED_HTML NEW2_EXPECTED_HTML=$((VITRINE_EXPECTED_HTML - 1)) \
        NEW_SSG=$BIN NEW_NAME="vitrine (PDF, search)" NEW2_SSG=$BENCH/vitrine-no-pdf NEW2_NAME="vitrine (no PDF, no search)" \
        PEERS=${peers# } RUNS=${ZOLA_RUNS:-$RUNS} WARMUP=${ZOLA_WARMUP:-1} \
        SKIP_GEN=$([[ ${REGEN:-0} == 1 ]] && echo 0 || echo 1) \
        OUT_BASE=$OUT_BASE/shared-bench-builds NOISE_MAX=$NOISE_MAX QUIET_WAIT_MAX=$QUIET_WAIT_MAX \
        "$ZB/run.sh" "$n") > "$LOGDIR/zola-n$n.log" 2>&1; then
      {
        echo
        echo "**Against Zola, N=$n** (the shared harness \`run.sh $n\`, same binary, its own interleaved rounds$([[ -z $dropped ]] || echo "; left out because they failed above:$dropped")):"
        echo
        cat "$ZB/out/results-n$n.md"
      } >> "$RESULTS"
    else
      tail -5 "$LOGDIR/zola-n$n.log" >&2
      note "the shared harness failed at N=$n (log: $LOGDIR/zola-n$n.log)"
      printf '\n**Against Zola, N=%s**: the shared harness failed (see %s).\n' "$n" "${LOGDIR#"$ROOT"/}/zola-n$n.log" >> "$RESULTS"
    fi
    if [[ $ZB != "$ZOLA_BENCH" ]]; then
      rm -rf "$ZB/sites/n$n"   # it holds RAM
      mkdir -p "$LOGDIR/shared-bench-out"
      cp -r "$ZB/out/." "$LOGDIR/shared-bench-out/" 2>/dev/null || true
    fi
  done
fi

echo
cat "$RESULTS"
echo
note "tables: $RESULTS ; raw data: $RAW ; logs: $LOGDIR"
