# ort_env.sh: sourced by the scripts that run ONNX Runtime
# (tests/refs/make_refs.sh, tests/ort/check_ort.sh). Installs
# onnxruntime-node $ORT_VERSION into MCN_NPM_CACHE (default
# $HOME/.cache/mcn-npm) on first use and puts it on NODE_PATH. Needs node
# and npm (Debian: nodejs, npm); nothing else of npm's.
#
# --ignore-scripts: onnxruntime-node's postinstall only downloads the
# CUDA and TensorRT providers from NuGet for linux/x64 (which is not
# reachable here and not wanted); the CPU provider,
# bin/napi-v6/linux/x64/{onnxruntime_binding.node,libonnxruntime.so.1},
# ships in the npm tarball itself.

ORT_VERSION=1.30.0
ort_prefix=${MCN_NPM_CACHE:-${HOME:-/tmp}/.cache/mcn-npm}/onnxruntime-node-$ORT_VERSION

for tool in node npm; do
    if ! command -v $tool >/dev/null 2>&1; then
        echo "$0: needs $tool (Debian: apt-get install nodejs npm)" >&2
        exit 1
    fi
done
if ! NODE_PATH=$ort_prefix/node_modules node -e \
        "if (require('onnxruntime-node/package.json').version !== '$ORT_VERSION') process.exit(1)" \
        2>/dev/null; then
    echo "== installing onnxruntime-node@$ORT_VERSION into $ort_prefix"
    mkdir -p "$ort_prefix"
    npm install --prefix "$ort_prefix" --ignore-scripts --no-audit --no-fund \
        "onnxruntime-node@$ORT_VERSION"
fi
NODE_PATH=$ort_prefix/node_modules
export NODE_PATH
