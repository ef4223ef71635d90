#!/usr/bin/env bash
# DPO Playground's GPU bundle: the bench, the default demo headless and a frontier sweep on
# WebGPU through Node + Dawn (dawn.node). Needs no npm and no network. Node and the Vulkan
# loader come from this folder when present (node/node or node/node.gz, lib/libvulkan.so.1),
# else from the system. Results: results/<date>-<device>.json and .md (or --out DIR).
#   ./run.sh [--quick] [--only bench,demo,frontier] [--presets nano,mini] [--frontier FILE]
#            [--out DIR] [--budget-s S] [--label NAME]
#   ./run.sh --where    # which Node, Vulkan loader and ICDs would be used; runs nothing
# Environment: DPO_GPU_NODE (a node binary), DPO_GPU_VULKAN_LOADER=system (ignore lib/),
# VK_ICD_FILENAMES (the Vulkan driver's ICD json; with none, an NVIDIA driver's is made up).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Unpacks FILE.gz to FILE once (the carry compresses the big binaries to fit 64 MiB).
unpack() {
  local gz="$1" target="${1%.gz}"
  [[ -f "$gz" && ! -f "$target" ]] || return 0
  if command -v gzip >/dev/null 2>&1; then
    gzip -dc "$gz" >"$target.part"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import gzip, shutil, sys; shutil.copyfileobj(gzip.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$gz" "$target.part"
  else
    echo "run.sh: gzip or python3 is needed to unpack $gz" >&2
    exit 2
  fi
  mv "$target.part" "$target"
}
unpack "$HERE/dist/linux-x64/dawn.node.gz"
unpack "$HERE/node/node.gz"
[[ -f "$HERE/node/node" ]] && chmod +x "$HERE/node/node"

if [[ -n "${DPO_GPU_NODE:-}" ]]; then
  NODE="$DPO_GPU_NODE" NODE_FROM="DPO_GPU_NODE"
elif [[ -x "$HERE/node/node" ]]; then
  NODE="$HERE/node/node" NODE_FROM="folder"
elif command -v node >/dev/null 2>&1; then
  NODE="$(command -v node)" NODE_FROM="system"
else
  echo "run.sh: no Node: put a node binary (≥ 20) at $HERE/node/node, or node on PATH" >&2
  exit 2
fi

system_loader() {
  ldconfig -p 2>/dev/null | grep -o '/[^ ]*/libvulkan\.so\.1$' | head -n 1 && return 0
  local d
  for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /usr/local/lib; do
    [[ -e "$d/libvulkan.so.1" ]] && echo "$d/libvulkan.so.1" && return 0
  done
  return 1
}
if [[ -f "$HERE/lib/libvulkan.so.1" && "${DPO_GPU_VULKAN_LOADER:-}" != "system" ]]; then
  export LD_LIBRARY_PATH="$HERE/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export DPO_GPU_VULKAN_LOADER="folder: $HERE/lib/libvulkan.so.1"
elif loader="$(system_loader)"; then
  export DPO_GPU_VULKAN_LOADER="system: $loader"
else
  echo "run.sh: no Vulkan loader (libvulkan.so.1): copy one to $HERE/lib/ or install libvulkan1" >&2
  exit 2
fi

# The Vulkan driver's ICD json. A container given an NVIDIA GPU may have the driver's
# libGLX_nvidia.so.0 (which holds its Vulkan ICD) but not the json that names it.
ICD_DIRS=(/etc/vulkan/icd.d /usr/share/vulkan/icd.d /usr/local/share/vulkan/icd.d)
icds() { ls "${ICD_DIRS[@]}" 2>/dev/null | grep '\.json$' || true; }
if [[ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" && -z "$(icds)" ]]; then
  nv="$(ldconfig -p 2>/dev/null | grep -o '/[^ ]*/libGLX_nvidia\.so\.0$' | head -n 1 || true)"
  if [[ -n "$nv" ]]; then
    icd="${TMPDIR:-/tmp}/dpo-gpu-nvidia-icd.json"
    printf '{"file_format_version": "1.0.0", "ICD": {"library_path": "%s", "api_version": "1.3.0"}}\n' "$nv" >"$icd"
    export VK_ICD_FILENAMES="$icd"
    echo "run.sh: no Vulkan ICD json; made $icd for $nv" >&2
  fi
fi
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"

if [[ "${1:-}" == "--where" ]]; then
  echo "node: $NODE ($NODE_FROM, $("$NODE" --version))"
  echo "vulkan loader: $DPO_GPU_VULKAN_LOADER"
  echo "VK_ICD_FILENAMES: ${VK_ICD_FILENAMES:-(unset)}"
  echo "ICD files: $(icds | tr '\n' ' ')"
  echo "dawn.node: $(ls -l "$HERE/dist/linux-x64/dawn.node" 2>/dev/null | awk '{print $5}') bytes"
  exit 0
fi
exec "$NODE" "$HERE/main.mjs" "$@"
