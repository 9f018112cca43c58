#!/usr/bin/env bash
# Install torch-katas (editable) and its dependencies, then optionally verify it.
# The one install script shared by the dev containers (.devcontainer/*), README's
# set-up and CI. Run `scripts/install.sh --help` for the options.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/install.sh [options]

Installs torch, then this checkout in editable mode with its dev extras, into the
active Python (or into a virtualenv with --venv). With no options: the pinned
torch for this machine (the CPU build, about 0.2 GB, unless an NVIDIA GPU is
here), then the project. A torch already installed (2.2 or newer) is kept;
--cpu, --cuda, --torch-version or --torch-wheel replace it, and remove the
packages the old build brought that nothing needs any more. A virtualenv
without pip (made by `uv venv`) gets pip first.

torch build (default: cuda where an NVIDIA GPU is, that is where `nvidia-smi` is
on PATH or /proc/driver/nvidia exists; else cpu)              TORCH_VARIANT=auto
  --cpu                  CPU-only torch from PyTorch's CPU wheel index (~0.2 GB
                         instead of 2+ GB of CUDA libraries); where that index
                         cannot be reached, from the default index
                                                                 TORCH_VARIANT=cpu
  --cuda                 torch from the default index; on Linux x86_64 its wheels
                         bundle the CUDA runtime (host needs only the NVIDIA
                         driver). Also without a GPU, e.g. for a CUDA image
                                                                 TORCH_VARIANT=cuda
  --torch-version V      torch release to install (default 2.13.0; where this
                         Python has no 2.13.0 wheel, the oldest supported release
                         that has one)                             TORCH_VERSION
  --torch-wheel FILE     install torch from this wheel file instead of an index
                                                                 TORCH_WHEEL
  --torch-index-url URL  index to take torch from (default for --cpu:
                         https://download.pytorch.org/whl/cpu)   TORCH_INDEX_URL

where and what:
  --venv DIR             install into the virtualenv DIR, creating it (with
                         python3, or $PYTHON) when it is missing   KATA_VENV
  --phase PHASE          all (default) | torch | project | verify
                           torch:   only torch: the heavy download (cache it:
                                    Dockerfile or onCreateCommand)
                           project: only the editable install of this checkout
                                    (quick; updateContentCommand); needs torch
                           verify:  install nothing, only run the checks below
  --wheelhouse DIR       offline: take every package from DIR (pip --no-index
                         --find-links DIR)                        KATA_WHEELHOUSE
  --build-wheelhouse DIR download (or build) every wheel the install needs into
                         DIR, for this platform and Python, and install nothing;
                         honours --cpu, --torch-version and --torch-wheel
  --workshop             also the facilitator's dashboard (`kata dashboard`, the
                         `workshop` extra: Starlette and uvicorn); learners
                         joining a workshop do not need it        KATA_WORKSHOP=1
  --verify               after installing, check the result: torch imports, the
                         devices it sees, `kata status` works, exactly one `ptw`
                         (from pytest-watch) is installed, and the environment
                         kata passes against the reference solutions

network (so an unreachable index fails in seconds, not minutes):
  --timeout SECONDS      pip's socket timeout (default 15)        KATA_PIP_TIMEOUT
  --retries N            pip's retries per request (default 2)    KATA_PIP_RETRIES

  -v, --verbose          show pip's own output
  -h, --help             show this help and exit

Exit status: 0 done, 1 an install or check failed, 2 bad usage, 3 an index or
host could not be reached.

Examples:
  scripts/install.sh --verify                       # the torch build for this machine
  scripts/install.sh --cuda --verify                # the CUDA build, GPU or not
  TORCH_WHEEL=dist/torch-2.13.0-....whl scripts/install.sh
  scripts/install.sh --wheelhouse wheelhouse --verify   # no network (docs/workshop.md)
EOF
}

prog=scripts/install.sh
die() { echo "$prog: error: $*" >&2; exit "${EXIT_CODE:-1}"; }
usage_error() { echo "$prog: $*; see --help" >&2; exit 2; }
step() { echo "==> $*"; }

variant=${TORCH_VARIANT:-auto}
chosen=  # how the automatic choice was made, said before torch is installed
torch_version=${TORCH_VERSION:-2.13.0}
version_given=${TORCH_VERSION:+1}  # a named release is taken as it is
torch_wheel=${TORCH_WHEEL:-}
torch_index=${TORCH_INDEX_URL:-}
venv=${KATA_VENV:-}
wheelhouse=${KATA_WHEELHOUSE:-}
build_wheelhouse=
timeout=${KATA_PIP_TIMEOUT:-15}
retries=${KATA_PIP_RETRIES:-2}
phase=all
verify=0
verbose=0
extras=dev
[[ ${KATA_WORKSHOP:-} == 1 ]] && extras=dev,workshop
CPU_INDEX=${KATA_CPU_INDEX:-https://download.pytorch.org/whl/cpu}  # KATA_CPU_INDEX: for tests

need_value() { [[ $# -ge 2 && -n $2 ]] || usage_error "$1 needs a value"; }
while [[ $# -gt 0 ]]; do
    case $1 in
        --cpu) variant=cpu ;;
        --cuda | --default) variant=cuda ;;
        --torch-version) need_value "$@"; torch_version=$2; version_given=1; shift ;;
        --torch-wheel) need_value "$@"; torch_wheel=$2; shift ;;
        --torch-index-url) need_value "$@"; torch_index=$2; shift ;;
        --venv) need_value "$@"; venv=$2; shift ;;
        --phase) need_value "$@"; phase=$2; shift ;;
        --wheelhouse) need_value "$@"; wheelhouse=$2; shift ;;
        --build-wheelhouse) need_value "$@"; build_wheelhouse=$2; shift ;;
        --workshop) extras=dev,workshop ;;
        --verify) verify=1 ;;
        --timeout) need_value "$@"; timeout=$2; shift ;;
        --retries) need_value "$@"; retries=$2; shift ;;
        -v | --verbose) verbose=1 ;;
        -h | --help) usage; exit 0 ;;
        *) usage_error "unknown option: $1" ;;
    esac
    shift
done

# Whether the caller chose a build: then a torch already installed is replaced.
replace=0
[[ $variant != auto || -n $version_given || -n $torch_wheel ]] && replace=1
host_gpu=0
if command -v nvidia-smi >/dev/null 2>&1 || [[ -e /proc/driver/nvidia ]]; then host_gpu=1; fi
case $variant in
    cpu | cuda) ;;
    default) variant=cuda ;;
    auto)
        if [[ $host_gpu == 1 ]]; then
            variant=cuda
            chosen="an NVIDIA GPU is here: the CUDA build of torch (2+ GB); --cpu for the CPU build"
        else
            variant=cpu
            chosen="no NVIDIA GPU here: the CPU build of torch (about 0.2 GB); --cuda for the CUDA build"
        fi
        ;;
    *) usage_error "TORCH_VARIANT=$variant: choose cpu or cuda (or auto)" ;;
esac
case $phase in
    all | torch | project | verify) ;;
    *) usage_error "--phase $phase: choose all, torch, project or verify" ;;
esac
[[ $timeout =~ ^[0-9]+$ && $timeout -gt 0 ]] || usage_error "--timeout $timeout: give whole seconds"
[[ $retries =~ ^[0-9]+$ ]] || usage_error "--retries $retries: give a whole number"
[[ $phase == verify ]] && verify=1

cd "$(dirname "$0")/.."
root=$PWD

# Relative paths given by the caller were meant from where they called us.
absolute() { if [[ $1 == /* ]]; then echo "$1"; else echo "$OLDPWD/$1"; fi; }
[[ -n $torch_wheel ]] && torch_wheel=$(absolute "$torch_wheel")
[[ -n $wheelhouse ]] && wheelhouse=$(absolute "$wheelhouse")
[[ -n $venv ]] && venv=$(absolute "$venv")
[[ -n $build_wheelhouse ]] && build_wheelhouse=$(absolute "$build_wheelhouse")

# --- the Python to install into ------------------------------------------------
if [[ -n $venv ]]; then
    if [[ ! -x $venv/bin/python ]]; then
        step "creating the virtualenv $venv"
        "${PYTHON:-python3}" -m venv "$venv" || die "could not create a virtualenv at $venv"
    fi
    py=$venv/bin/python
elif command -v python >/dev/null 2>&1; then
    py=python
elif command -v python3 >/dev/null 2>&1; then
    py=python3
else
    die "no python found: activate a virtualenv or pass --venv DIR"
fi
"$py" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || die "$("$py" -V 2>&1) is too old: torch-katas needs Python 3.10 or newer"
bindir=$("$py" -c 'import sysconfig; print(sysconfig.get_path("scripts"))')

helper=$root/scripts/installer.py
# A virtualenv made by `uv venv` has no pip: add it, from the Python's own copy if it has one.
if ! "$py" -m pip --version >/dev/null 2>&1; then
    step "$("$py" -V 2>&1) has no pip (a virtualenv made by uv venv?): adding it"
    if ! "$py" -m ensurepip --default-pip >/dev/null 2>&1; then
        command -v uv >/dev/null 2>&1 && uv pip install --quiet --python "$py" pip \
            || die "could not add pip to $py: run \`uv pip install pip\` or make the virtualenv with \`uv venv --seed\`"
    fi
fi

# --- pip, with short timeouts and a clear message when the network fails -------
log=$(mktemp "${TMPDIR:-/tmp}/torch-katas-pip.XXXXXX")
trap 'rm -f "$log"' EXIT

pip_opts=(--disable-pip-version-check --timeout "$timeout" --retries "$retries")
[[ $verbose == 1 ]] || pip_opts+=(--quiet)
if [[ -n $wheelhouse ]]; then
    [[ -d $wheelhouse ]] || die "--wheelhouse $wheelhouse: no such directory"
    pip_opts+=(--no-index --find-links "$wheelhouse")
fi

# pip_install WHERE ARGS...: pip install ARGS; WHERE names the source in messages.
pip_install() {
    local where=$1
    shift
    : >"$log"
    "$py" -m pip install "${pip_opts[@]}" --log "$log" "$@" && return 0
    unreachable_is_fatal "$where"
    die "pip install $* failed (pip's messages are above)"
}

# After pip failed: ask each index pip looked in (WHERE, and those its log names) ourselves, so that
# a network failure is told apart however pip words it; one that gives no answer is
# named, with exit status 3. Returns when every index answers.
unreachable_is_fatal() {
    local urls=() failure
    mapfile -t urls < <({ echo "$1"; grep -E 'Looking in (indexes|links)|Could not fetch URL' "$log"; } \
        | grep -oE 'https?://[^ ,]+' | sed 's/:$//' | sort -u || true)
    [[ ${#urls[@]} -gt 0 ]] || urls=(https://pypi.org/simple/)  # pip names PyPI only when it is not the sole index
    failure=$("$py" "$helper" reach "$timeout" "${urls[@]}") && return 0
    EXIT_CODE=3 die "cannot reach ${failure:-$1} (pip's timeout ${timeout}s, ${retries} retries): check the network or proxy, or install offline with --torch-wheel FILE or --wheelhouse DIR"
}

# --- torch ----------------------------------------------------------------------
# choose_release PIP-INDEX-ARGS...: where torch $torch_version has no wheel for this
# Python and platform, the oldest supported release that has one; one line says so.
choose_release() {
    [[ -n $version_given ]] && return 0
    local listing picked
    : >"$log"
    # Not --quiet: pip index prints its listing at the level --quiet hides.
    if ! listing=$("$py" -m pip index versions torch "${pip_opts[@]/--quiet/--verbose}" --log "$log" "$@" 2>/dev/null); then
        unreachable_is_fatal "the package index"
        return 0  # no listing (no torch there at all?): pip install says what is wrong
    fi
    picked=$("$py" "$helper" pick "$torch_version" <<<"$listing")
    if [[ -z $picked ]]; then
        die "no torch release that torch-katas supports has a wheel for $(platform) here; pip lists: $(sed -n 's/^Available versions: //p' <<<"$listing")"
    elif [[ $picked != "$torch_version" ]]; then
        step "torch $torch_version has no wheel for $(platform): taking torch $picked, the oldest supported release that has one (--torch-version V to choose)"
        torch_version=$picked
    fi
}
platform() { "$py" -c 'import platform, sys; print(f"Python {sys.version_info[0]}.{sys.version_info[1]} on {sys.platform} {platform.machine()}")'; }

# kept_torch: true (and says so) where the torch already here stays. Otherwise notes
# the one there, if any, and what it brought (for uninstall_old_torch, remove_leftovers).
kept_torch() {
    local found version build
    found=$("$py" "$helper" installed) || return 1
    IFS=$'\t' read -r version build <<<"$found"
    if [[ $replace == 0 ]]; then
        step "keeping torch $version ($build build), already in this Python; --cpu, --cuda or --torch-version V replace it"
        return 0
    fi
    local have=cuda
    [[ $build == CPU ]] && have=cpu
    if [[ -z $torch_wheel && $have == "$variant" && ${version%%+*} == "$torch_version" ]]; then
        step "torch $version ($build build) is already here"
        return 0
    fi
    old_torch=$version
    old_brought=$("$py" "$helper" brought)
    step "replacing torch $version ($build build)"
    return 1
}

# Just before the new torch goes in (its index has answered): the old one goes out.
uninstall_old_torch() {
    [[ -n ${old_torch:-} ]] || return 0
    "$py" -m pip uninstall --quiet --yes torch || die "could not uninstall torch $old_torch"
}

# After a replacement: the packages the old torch brought that nothing needs now go too.
remove_leftovers() {
    [[ -n ${old_brought:-} ]] || return 0
    local left
    # shellcheck disable=SC2086  # names, one word each
    left=$("$py" "$helper" unneeded $old_brought)
    [[ -n $left ]] || return 0
    local names=($left)
    step "removing what torch $old_torch brought and nothing needs now (${#names[@]}): ${left// /, }"
    "$py" -m pip uninstall --quiet --yes "${names[@]}" || die "could not uninstall: $left (uninstall them by hand)"
}

install_torch() {
    kept_torch && return 0
    local index=$torch_index where
    if [[ -n $torch_wheel ]]; then
        [[ -f $torch_wheel ]] || die "--torch-wheel $torch_wheel: no such file"
        step "installing torch from $torch_wheel"
        uninstall_old_torch
        pip_install "the package index (for torch's dependencies)" "$torch_wheel"
        remove_leftovers
        return
    fi
    [[ $variant == cpu && -z $index && -z $wheelhouse ]] && use_cpu_index
    [[ -n $chosen ]] && step "$chosen"
    local args=()
    [[ -n $index ]] && args+=(--index-url "$index")
    choose_release "${args[@]}"
    local spec=torch==$torch_version
    if [[ -n $wheelhouse ]]; then
        where="the wheelhouse $wheelhouse"
        step "installing $spec from $where"
    elif [[ -n $index ]]; then
        where=$index
        step "installing $spec ($variant build) from $index"
    else
        where="the package index"
        step "installing $spec from the default index (on Linux x86_64: the CUDA build, 2+ GB)"
    fi
    uninstall_old_torch
    pip_install "$where" "$spec" "${args[@]}"
    remove_leftovers
}

# Sets index to PyTorch's CPU index; or leaves it empty (the default index) where that
# cannot be reached (a network that lets only package registries through), and says
# what that means.
use_cpu_index() {
    local failure
    if failure=$("$py" "$helper" reach "$timeout" "$CPU_INDEX/torch/"); then
        index=$CPU_INDEX
        return
    fi
    chosen="${chosen:+no NVIDIA GPU here, but }PyTorch's CPU index $CPU_INDEX cannot be reached (${failure#*: }): taking torch from the default index, whose Linux x86_64 wheel is the CUDA build (2+ GB; it runs on the CPU too); --torch-wheel FILE installs a CPU build you have"
}

# The console scripts named ptw and the distributions that provide them.
ptw_providers() {
    "$py" - <<'EOF'
from importlib.metadata import entry_points
names = sorted({ep.dist.name for ep in entry_points(group="console_scripts", name="ptw") if ep.dist})
print(" ".join(names))
EOF
}

install_project() {
    "$py" -c 'import importlib.metadata as m; m.version("torch")' 2>/dev/null \
        || die "torch is not installed in $py: run this script with --phase torch (or without --phase) first, so that pip does not pick a torch build for you"
    local also=
    [[ $extras == *workshop* ]] && also=" and the workshop dashboard"
    step "installing torch-katas (editable) with its dev tools$also"
    pip_install "the package index" -e "${root}[$extras]"
    # pytest-watcher also installs a `ptw` command; keep only pytest-watch's.
    if [[ " $(ptw_providers) " == *" pytest-watcher "* ]]; then
        step "removing pytest-watcher: its ptw would shadow pytest-watch's"
        "$py" -m pip uninstall --quiet --yes pytest-watcher
        pip_install "the package index" --force-reinstall --no-deps pytest-watch
    fi
}

# --- checks ---------------------------------------------------------------------
# In the environment's scripts folder, or (after a pip --user fallback) on PATH.
has_command() { [[ -x $bindir/$1 ]] || command -v "$1" >/dev/null 2>&1; }

verify_install() {
    step "checking the installation"
    HOST_GPU=$host_gpu "$py" - <<'EOF' || die "torch does not import in this Python"
import os

import torch

from katakit import devices

found = devices.available()
selected = [name for name in devices.KNOWN if found.get(name)]
build = f"CUDA {torch.version.cuda} build" if torch.version.cuda else "CPU-only build"
print(f"    torch {torch.__version__} ({build}); {devices.header(found, selected)}")
if torch.version.cuda and not found["cuda"] and os.environ["HOST_GPU"] == "1":
    print("    note: this torch can use an NVIDIA GPU but sees none: check the host's NVIDIA "
          "driver (nvidia-smi) and that the container runs with --gpus all")
elif torch.version.cuda and not found["cuda"]:
    print("    note: this is torch's CUDA build, on a machine with no NVIDIA GPU: it runs on "
          "the CPU; `scripts/install.sh --cpu` swaps it for the CPU build (about 0.2 GB)")
EOF
    has_command kata || die "the kata command is missing from $bindir"
    local providers
    providers=$(ptw_providers)
    [[ $providers == pytest-watch ]] \
        || die "expected exactly one ptw, from pytest-watch; found: ${providers:-none}"
    has_command ptw || die "the ptw command is missing from $bindir"
    local out
    if ! out=$(cd "$root" && "$py" -m pytest --solutions -q -p no:cacheprovider \
        katas/test_00_environment.py 2>&1); then
        echo "$out"
        die "the environment kata fails against the reference solutions"
    fi
    echo "    environment kata against the solutions: $(grep -m 1 -E '[0-9]+ passed' <<<"$out" | sed -E 's/^=+ | =+$//g')"
    local kata=$bindir/kata
    [[ -x $kata ]] || kata=kata
    (cd "$root" && "$kata" status --json >/dev/null) || die "kata status fails"
    echo "    kata status: ok; commands: $bindir/kata, $bindir/ptw (pytest-watch)"
}

# Every wheel an offline install needs: torch, the project's dependencies (source-only
# ones built into wheels), and the build backend for the editable install.
make_wheelhouse() {
    local dir=$build_wheelhouse index=$torch_index args=()
    mkdir -p "$dir"
    if [[ -n $torch_wheel ]]; then
        [[ -f $torch_wheel ]] || die "--torch-wheel $torch_wheel: no such file"
        cp "$torch_wheel" "$dir/"
    else
        [[ $variant == cpu && -z $index ]] && use_cpu_index
        [[ -n $chosen ]] && step "$chosen"
        [[ -n $index ]] && args=(--index-url "$index")
        choose_release "${args[@]}"
        step "downloading torch==$torch_version ($variant build) into $dir"
        : >"$log"
        "$py" -m pip download "${pip_opts[@]}" --log "$log" --dest "$dir" "${args[@]}" \
            "torch==$torch_version" \
            || die "could not download torch==$torch_version into $dir (pip's messages are above)"
    fi
    local spec=torch==$torch_version
    step "adding torch-katas' dependencies and build backend to $dir"
    : >"$log"
    "$py" -m pip wheel "${pip_opts[@]}" --log "$log" --wheel-dir "$dir" --find-links "$dir" \
        "$spec" "${root}[$extras]" hatchling editables \
        || die "could not fill the wheelhouse $dir (pip's messages are above)"
    step "wheelhouse ready: $(find "$dir" -name '*.whl' | wc -l) wheels in $dir; install with --wheelhouse $dir"
}

if [[ -n $build_wheelhouse ]]; then
    make_wheelhouse
    exit 0
fi

case $phase in
    all) install_torch; install_project ;;
    torch) install_torch ;;
    project) install_project ;;
    verify) ;;
esac
[[ $verify == 1 ]] && verify_install
[[ $phase == verify ]] || step "done"
