"""Times PyTorch's ResNet18 in fp32 on the CUDA device, up to the global average pooling (512 features).

Usage: python3 pytorch_resnet18.py [--batch N] [--iterations N] [--warmup N]
Each iteration copies a batch of 224x224 images to the device, runs the network and copies the features back, as
the Kiln benchmark does. The last line is "pytorch_ms_per_image <value>", the median over the iterations.
The weights are random: the time does not depend on them, and no download is needed.
"""

import argparse
import statistics
import time

import torch
import torchvision


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    arguments = parser.parse_args()

    if not torch.cuda.is_available():
        raise SystemExit("error: PyTorch finds no CUDA device, so there is nothing to compare with")

    device = torch.device("cuda")
    model = torchvision.models.resnet18(weights=None)
    features = torch.nn.Sequential(*list(model.children())[:-1]).to(device).eval()
    images = torch.rand(arguments.batch, 3, 224, 224) * 255 - 128
    print(f"device: {torch.cuda.get_device_name(device)}, PyTorch {torch.__version__}, fp32")

    # TF32 would trade precision for speed; Kiln computes in full fp32, so PyTorch does too.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False

    def run() -> None:
        with torch.inference_mode():
            features(images.to(device)).cpu()
        torch.cuda.synchronize()

    for _ in range(arguments.warmup):
        run()

    times = []
    for _ in range(arguments.iterations):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)

    median = statistics.median(times)
    print(f"batch time: median {median:.2f} ms, min {min(times):.2f} ms, max {max(times):.2f} ms")
    print(f"pytorch_ms_per_image {median / arguments.batch:.4f}")


if __name__ == "__main__":
    main()
