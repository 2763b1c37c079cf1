#!/usr/bin/env bash
# Publishes the Kiln GPU benchmark self-contained for linux-x64, runs it and PyTorch's fp32 ResNet18 on the same
# CUDA machine with the same batch, and prints Kiln's time per image as a ratio to PyTorch's (below 1: Kiln is faster).
# Needs an NVIDIA GPU with its driver, the .NET SDK 10 to publish, and python3 with torch and torchvision (CUDA build).
# Usage: benchmarks/gpu/run.sh [batch] [iterations]
set -euo pipefail
cd "$(dirname "$0")/../.."

batch=${1:-32}
iterations=${2:-50}
output=$(mktemp -d)

dotnet publish benchmarks/Kiln.Gpu.Benchmarks -c Release -r linux-x64 --self-contained -o "$output" >/dev/null
echo "== Kiln (ILGPU, CUDA)"
kiln_log=$("$output/Kiln.Gpu.Benchmarks" --batch "$batch" --iterations "$iterations")
echo "$kiln_log"
echo "== PyTorch"
torch_log=$(python3 benchmarks/gpu/pytorch_resnet18.py --batch "$batch" --iterations "$iterations")
echo "$torch_log"

kiln=$(echo "$kiln_log" | awk '/^kiln_ms_per_image/ { print $2 }')
torch=$(echo "$torch_log" | awk '/^pytorch_ms_per_image/ { print $2 }')
awk -v kiln="$kiln" -v torch="$torch" -v batch="$batch" 'BEGIN {
    printf "ResNet18 to pooled features, batch %d: Kiln %.3f ms/image, PyTorch %.3f ms/image, ratio Kiln/PyTorch %.2f\n", batch, kiln, torch, kiln / torch
}'
