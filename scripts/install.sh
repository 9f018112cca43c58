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
here), then the project.

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
  --torch-version V      torch release to install (default 2.13.0)  TORCH_VERSION
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
chosen=  # how the automatic choice was made, said once torch is installed
torch_version=${TORCH_VERSION:-2.13.0}
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
CPU_INDEX=${KATA_CPU_INDEX:-https://download.pytorch.org/whl/cpu}  # KATA_CPU_INDEX: for tests

need_value() { [[ $# -ge 2 && -n $2 ]] || usage_error "$1 needs a value"; }
while [[ $# -gt 0 ]]; do
    case $1 in
        --cpu) variant=cpu ;;
        --cuda | --default) variant=cuda ;;
        --torch-version) need_value "$@"; torch_version=$2; shift ;;
        --torch-wheel) need_value "$@"; torch_wheel=$2; shift ;;
        --torch-index-url) need_value "$@"; torch_index=$2; shift ;;
        --venv) need_value "$@"; venv=$2; shift ;;
        --phase) need_value "$@"; phase=$2; shift ;;
        --wheelhouse) need_value "$@"; wheelhouse=$2; shift ;;
        --build-wheelhouse) need_value "$@"; build_wheelhouse=$2; shift ;;
        --verify) verify=1 ;;
        --timeout) need_value "$@"; timeout=$2; shift ;;
        --retries) need_value "$@"; retries=$2; shift ;;
        -v | --verbose) verbose=1 ;;
        -h | --help) usage; exit 0 ;;
        *) usage_error "unknown option: $1" ;;
    esac
    shift
done

case $variant in
    cpu | cuda) ;;
    default) variant=cuda ;;
    auto)
        if command -v nvidia-smi >/dev/null 2>&1 || [[ -e /proc/driver/nvidia ]]; then
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
# pip's full log goes to a file, so that a network failure pip reports only as
# "no matching distribution" is still told apart and named.
pip_install() {
    local where=$1
    shift
    : >"$log"
    if "$py" -m pip install "${pip_opts[@]}" --log "$log" "$@"; then
        return 0
    fi
    local url reason
    url=$(grep -m 1 -oE 'Could not fetch URL [^ ]+: connection error' "$log" \
        | sed -E 's/^Could not fetch URL (.*): connection error$/\1/' || true)
    reason=$(grep -oE "$NETWORK_ERRORS" "$log" | head -n 1 || true)
    if [[ -n $url || -n $reason ]]; then
        EXIT_CODE=3 die "cannot reach ${url:-$where} (${reason:-connection error}; pip's timeout ${timeout}s, ${retries} retries): check the network or proxy, or install offline with --torch-wheel FILE or --wheelhouse DIR"
    fi
    die "pip install $* failed (pip's messages are above)"
}
NETWORK_ERRORS='Connection refused|Name or service not known|Temporary failure in name resolution|nodename nor servname|Failed to resolve|No route to host|Network is unreachable|timed out|ProxyError|SSLError|CERTIFICATE_VERIFY_FAILED'

# --- torch ----------------------------------------------------------------------
install_torch() {
    local spec=torch==$torch_version index=$torch_index where
    [[ -n $chosen && -z $torch_wheel ]] && step "$chosen"
    if [[ -n $torch_wheel ]]; then
        [[ -f $torch_wheel ]] || die "--torch-wheel $torch_wheel: no such file"
        step "installing torch from $torch_wheel"
        pip_install "the package index (for torch's dependencies)" "$torch_wheel"
        return
    fi
    if [[ $variant == cpu && -z $index && -z $wheelhouse ]]; then
        index=$(cpu_index)
    fi
    local args=("$spec")
    if [[ -n $wheelhouse ]]; then
        where="the wheelhouse $wheelhouse"
        step "installing $spec from $where"
    elif [[ -n $index ]]; then
        where=$index
        args+=(--index-url "$index")
        step "installing $spec ($variant build) from $index"
    else
        where="the package index"
        if [[ $variant == cuda ]]; then
            step "installing $spec from the default index (on Linux x86_64: the CUDA build, 2+ GB)"
        else
            step "installing $spec from the default index (PyPI's Linux x86_64 wheel is the CUDA build, 2+ GB)"
        fi
    fi
    pip_install "$where" "${args[@]}"
}

# PyTorch's CPU index; or nothing (the default index), with one line saying so,
# when it cannot be reached (a network that lets only package registries through).
cpu_index() {
    if "$py" - "$CPU_INDEX/torch/" "$timeout" >/dev/null 2>&1 <<'EOF'; then
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[2])).close()
EOF
        echo "$CPU_INDEX"
    else
        step "PyTorch's CPU index $CPU_INDEX cannot be reached: taking torch from the default index instead" >&2
    fi
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
    step "installing torch-katas (editable) with its dev tools"
    pip_install "the package index" -e "${root}[dev]"
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
    "$py" - <<'EOF' || die "torch does not import in this Python"
import torch

from katakit import devices

found = devices.available()
selected = [name for name in devices.KNOWN if found.get(name)]
build = f"CUDA {torch.version.cuda} build" if torch.version.cuda else "CPU-only build"
print(f"    torch {torch.__version__} ({build}); {devices.header(found, selected)}")
if torch.version.cuda and not found["cuda"]:
    print("    note: this torch can use an NVIDIA GPU but sees none: check the host's NVIDIA "
          "driver (nvidia-smi) and that the container runs with --gpus all")
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
    local dir=$build_wheelhouse spec=torch==$torch_version
    mkdir -p "$dir"
    [[ -n $chosen && -z $torch_wheel ]] && step "$chosen"
    if [[ -n $torch_wheel ]]; then
        [[ -f $torch_wheel ]] || die "--torch-wheel $torch_wheel: no such file"
        cp "$torch_wheel" "$dir/"
    else
        local index=$torch_index args=()
        [[ $variant == cpu && -z $index ]] && index=$(cpu_index)
        [[ -n $index ]] && args=(--index-url "$index")
        step "downloading $spec ($variant build) into $dir"
        : >"$log"
        "$py" -m pip download "${pip_opts[@]}" --log "$log" --dest "$dir" "${args[@]}" "$spec" \
            || die "could not download $spec into $dir (pip's messages are above)"
    fi
    step "adding torch-katas' dependencies and build backend to $dir"
    : >"$log"
    "$py" -m pip wheel "${pip_opts[@]}" --log "$log" --wheel-dir "$dir" --find-links "$dir" \
        "$spec" "${root}[dev]" hatchling editables \
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
