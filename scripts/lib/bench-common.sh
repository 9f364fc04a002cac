# Shared by scripts/bench-perplexity and scripts/bench-imatrix: llama.cpp's tools built once
# from the llama-cpp-python sdist, imx built in release, and timed runs under /usr/bin/time.
# Source it after setting `tool` (the calling script's name, for messages).

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="${IMX_LLAMA_CACHE:-$root/.cache/llama.cpp}"
fixtures="${IMX_FIXTURES:-/work/shared/fixtures}"
llama_version="0.3.36"
llama_commit="0c1e570"

die() { echo "$tool: $*" >&2; exit 1; }
note() { echo "$tool: $*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
positive_int() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 expects a positive integer, got '$2'"; }

# ensure_inputs MODEL MODEL_GIVEN TEXT: fetches the bundled model when absent, checks the text,
# installs GNU time for peak RSS.
ensure_inputs() {
    if [ ! -f "$1" ]; then
        [ "$2" -eq 0 ] || die "model $1: no such file"
        "$root/scripts/fetch-models" >&2
    fi
    [ -f "$3" ] || die "text $3: no such file (set IMX_FIXTURES or pass --text)"
    if [ ! -x /usr/bin/time ]; then
        note "installing GNU time (/usr/bin/time) for peak RSS"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time
    fi
    [ -x /usr/bin/time ] || die "/usr/bin/time is missing and could not be installed"
}

# build_llama TARGET: builds llama.cpp's TARGET (llama-perplexity, llama-imatrix) into
# $cache/build/bin. The source is the llama.cpp vendored in llama-cpp-python 0.3.36 (upstream
# commit 0c1e570), fetched from PyPI as the sdist; cmake and ninja come from the machine or from
# PyPI into a venv in the cache. CPU only, Release, static, native ISA, -j2 under nice.
build_llama() {
    local target="$1"
    command -v cc >/dev/null && command -v c++ >/dev/null \
        || die "no C/C++ compiler (cc, c++) to build llama.cpp: apt-get install build-essential"
    command -v python3 >/dev/null || die "python3 is needed to fetch llama-cpp-python from PyPI"
    python3 -m pip --version >/dev/null 2>&1 || die "pip is needed to fetch llama-cpp-python from PyPI"
    mkdir -p "$cache"

    local sdist="$cache/sdist/llama_cpp_python-$llama_version.tar.gz"
    if [ ! -f "$sdist" ]; then
        note "downloading the llama-cpp-python $llama_version sdist from PyPI"
        python3 -m pip download --quiet --disable-pip-version-check --no-deps \
            --no-binary llama-cpp-python --dest "$cache/sdist" "llama-cpp-python==$llama_version" \
            || die "pip download llama-cpp-python==$llama_version failed"
        [ -f "$sdist" ] || die "pip download did not leave $sdist"
    fi

    local src="$cache/src/llama_cpp_python-$llama_version/vendor/llama.cpp"
    if [ ! -f "$src/CMakeLists.txt" ]; then
        mkdir -p "$cache/src"
        tar -xzf "$sdist" -C "$cache/src" || die "$sdist: cannot extract"
        [ -f "$src/CMakeLists.txt" ] || die "$sdist: no vendor/llama.cpp/CMakeLists.txt inside"
    fi

    # cmake (and ninja if possible): the machine's, else PyPI's wheels in a venv in the cache.
    if ! command -v cmake >/dev/null; then
        if [ ! -x "$cache/tools/bin/cmake" ]; then
            note "no cmake on this machine: installing cmake and ninja from PyPI into $cache/tools"
            python3 -m venv "$cache/tools" || die "python3 -m venv $cache/tools failed"
            "$cache/tools/bin/pip" install --quiet --disable-pip-version-check cmake ninja \
                || die "pip install cmake ninja failed"
        fi
        export PATH="$cache/tools/bin:$PATH"
    fi
    local generator=()
    if command -v ninja >/dev/null; then generator=(-G Ninja)
    else command -v make >/dev/null || die "neither ninja nor make found to drive the build"; fi

    local started=$SECONDS
    note "configuring llama.cpp ($llama_commit) in $cache/build (log: $cache/configure.log)"
    nice -n 19 cmake -S "$src" -B "$cache/build" "${generator[@]}" \
        -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=ON \
        -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
        -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF >"$cache/configure.log" 2>&1 \
        || die "cmake configure failed, see $cache/configure.log"
    note "building $target with -j2 (log: $cache/build.log); this takes a while"
    nice -n 19 cmake --build "$cache/build" --target "$target" -j2 >"$cache/build.log" 2>&1 \
        || die "$target build failed, see $cache/build.log"
    [ -x "$cache/build/bin/$target" ] || die "the build finished but $cache/build/bin/$target is missing"
    note "built $cache/build/bin/$target in $((SECONDS - started)) s"
}


# llama_tool TARGET: the path of TARGET, built on first use.
llama_tool() {
    if [ -x "$cache/build/bin/$1" ]; then
        note "using $cache/build/bin/$1 (built earlier; delete $cache/build to rebuild)"
    else
        build_llama "$1"
    fi
}

# build_imx COMMAND: builds imx in release and sets imx_bin, or imx_error when the build fails
# or the binary has no COMMAND yet.
build_imx() {
    imx_bin=""
    imx_error=""
    mkdir -p "$cache"
    note "building imx (swift build -c release --product imx)"
    if (cd "$root" && nice -n 19 swift build -c release --product imx >"$cache/imx-build.log" 2>&1); then
        imx_bin="$(cd "$root" && swift build -c release --show-bin-path)/imx"
        # `imx X --help` exits 0 even without the command (the root help answers), so look for
        # it in the root help's SUBCOMMANDS list.
        if ! "$imx_bin" --help 2>/dev/null | sed -n '/^SUBCOMMANDS:/,$p' | grep -qE "^  $1( |\$)"; then
            imx_error="this imx has no '$1' command; pass --skip-imx"
            imx_bin=""
        fi
    else
        imx_error="swift build -c release --product imx failed, see $cache/imx-build.log"
    fi
}

# run NAME CMD…: runs CMD under /usr/bin/time -v, leaving NAME.log (the tool's output) and
# NAME.time (time's report) in $cache/runs; sets run_wall_ns, run_rss_kib, run_ppl ("-" when the
# output has none and require_ppl=0).
run() {
    local name="$1"; shift
    local log="$cache/runs/$name.log" timing="$cache/runs/$name.time"
    note "running: $*"
    local t0 t1
    t0=$(date +%s%N)
    if ! /usr/bin/time -v -o "$timing" "$@" >"$log" 2>&1; then
        note "$name failed; the last lines of $log:"
        tail -n 5 "$log" >&2
        return 1
    fi
    t1=$(date +%s%N)
    run_wall_ns=$((t1 - t0))
    run_rss_kib=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): \([0-9]*\)$/\1/p' "$timing")
    [ -n "$run_rss_kib" ] || { note "$timing: no 'Maximum resident set size' line"; return 1; }
    run_ppl=$(sed -n 's/.*Final estimate: PPL = \([0-9.]*\).*/\1/p' "$log" | tail -n 1)
    [ -n "$run_ppl" ] || run_ppl=$(grep -oE 'PPL[[:space:]]*[=:][[:space:]]*[0-9]+(\.[0-9]+)?' "$log" \
        | tail -n 1 | grep -oE '[0-9]+(\.[0-9]+)?$' || true)
    if [ -z "$run_ppl" ]; then
        [ "${require_ppl:-1}" -eq 0 ] || { note "$log: no final 'PPL = X' line"; return 1; }
        run_ppl="-"
    fi
}


# tokens_per_s TOKENS WALL_NS, mib KIB, seconds WALL_NS: the table's number formats.
tokens_per_s() { awk -v t="$1" -v ns="$2" 'BEGIN { printf "%.1f", t / (ns / 1e9) }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
seconds() { awk -v ns="$1" 'BEGIN { printf "%.2f", ns / 1e9 }'; }

# print_machine THREADS: the machine block every speed table carries (CPU model and vector
# extensions, OpenBLAS version and the core it runs, threads, fp32 peak), from `imx bench
# machine`; without an imx binary, the CPU model and the core from OpenBLAS itself.
print_machine() {
    if [ -n "${imx_bin:-}" ] && "$imx_bin" bench machine -t "$1" 2>/dev/null; then return; fi
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) ($1 threads)"
    python3 -c 'import ctypes; l = ctypes.CDLL("libopenblas.so.0"); l.openblas_get_corename.restype = ctypes.c_char_p; l.openblas_get_config.restype = ctypes.c_char_p; print("blas: core", l.openblas_get_corename().decode() + ";", l.openblas_get_config().decode())' 2>/dev/null \
        || echo "blas: OpenBLAS core unknown (libopenblas.so.0 not loadable)"
}
