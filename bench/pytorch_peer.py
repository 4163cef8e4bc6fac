#!/usr/bin/python3
"""PyTorch peer of the workbench benchmark: the notebook's network, batch 100, Adam.

Usage: /usr/bin/python3 bench/pytorch_peer.py [THREADS] [--threads N] [--steps N] [--warmup N] [--batch N]
Prints one JSON line: samples/s for training and inference, and the settings used.
Random data (the speed of a step does not depend on the pixels).

With --serve it instead answers JSON commands, one a line on stdin, one JSON line each on
stdout, so that bench/bench.ts can interleave it with the workbench:
  {"cmd": "train", "steps": K}        -> {"samples", "seconds", "cpuSeconds"}
  {"cmd": "infer", "count": N, "rounds": R} -> {"samples", "seconds"}
  {"cmd": "profile", "runs": R}       -> {"stepMs", "ops", "categories"}: torch.profiler's view of
                                         one training step, each op's least self time of R runs
  {"cmd": "stats"}                    -> {"peakRssMiB", "threads", "version", "simd"}
"""
import argparse
import json
import os
import re
import resource
import sys
import tempfile
import time

# The same operations as the workbench's kernel categories (bench/profile-table.ts), by op name.
CATEGORIES = [
    ("conv forward", re.compile(r"mkldnn_convolution$|^aten::(conv2d|convolution|_convolution)$")),
    ("conv gradients", re.compile(r"convolution_backward")),
    ("dense layers", re.compile(r"^aten::(addmm|mm|bmm|matmul|linear)$")),
    ("pooling", re.compile(r"pool")),
]


def category(name: str, in_optimizer: bool) -> str:
    if in_optimizer:
        return "optimizer"
    for label, pattern in CATEGORIES:
        if pattern.search(name):
            return label
    return "other"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("threads", nargs="?", type=int, default=None)
    parser.add_argument("--threads", dest="threads_flag", type=int, default=None)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--serve", action="store_true")
    args = parser.parse_args()
    threads = args.threads_flag or args.threads or 1

    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except ImportError as error:
        print(json.dumps({"error": f"PyTorch is not importable: {error}"}))
        return 3

    torch.set_num_threads(threads)
    torch.manual_seed(0)

    class Net(nn.Module):
        # conv5x5x32 relu - pool - conv5x5x64 relu - pool - dense500 relu - dropout0.4 - dense10
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(1, 32, 5)
            self.conv2 = nn.Conv2d(32, 64, 5)
            self.fc1 = nn.Linear(64 * 4 * 4, 500)
            self.dropout = nn.Dropout(0.4)
            self.fc2 = nn.Linear(500, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = torch.flatten(x, 1)
            x = self.dropout(F.relu(self.fc1(x)))
            return self.fc2(x)

    model = Net()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    batch = args.batch
    x = torch.rand(batch, 1, 28, 28) * 2 - 1
    y = torch.randint(0, 10, (batch,))

    def train_step() -> None:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        with torch.profiler.record_function("optimizer"):
            optimizer.step()

    def profile(runs: int) -> dict:
        """Per op and per category, the least self time (ms) of `runs` profiled steps."""
        model.train()
        ops: dict = {}
        categories: dict = {}
        step_ms = float("inf")
        for _ in range(runs):
            started = time.perf_counter()
            with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
                train_step()
            step_ms = min(step_ms, (time.perf_counter() - started) * 1000)
            run_ops: dict = {}
            run_categories: dict = {}
            for event in prof.events():
                parent, in_optimizer = event.cpu_parent, event.name == "optimizer"
                while parent is not None and not in_optimizer:
                    in_optimizer = parent.name == "optimizer"
                    parent = parent.cpu_parent
                ms = event.self_cpu_time_total / 1000
                entry = run_ops.setdefault(event.name, [0.0, 0])
                entry[0] += ms
                entry[1] += 1
                label = category(event.name, in_optimizer)
                run_categories[label] = run_categories.get(label, 0.0) + ms
            for name, (ms, calls) in run_ops.items():
                if name not in ops or ms < ops[name][0]:
                    ops[name] = [ms, calls]
            for label, ms in run_categories.items():
                categories[label] = min(categories.get(label, float("inf")), ms)
        top = sorted(ops.items(), key=lambda item: -item[1][0])[:15]
        return {
            "stepMs": step_ms,
            "runs": runs,
            "ops": [{"kernel": name, "totalMs": ms, "calls": calls} for name, (ms, calls) in top],
            "categories": categories,
        }

    def train(steps: int) -> dict:
        model.train()
        cpu = time.process_time()
        started = time.perf_counter()
        for _ in range(steps):
            train_step()
        return {
            "samples": steps * batch,
            "seconds": time.perf_counter() - started,
            "cpuSeconds": time.process_time() - cpu,
        }

    def infer(count: int, rounds: int) -> dict:
        model.eval()
        images = torch.rand(count, 1, 28, 28) * 2 - 1
        with torch.no_grad():
            model(images)
            started = time.perf_counter()
            for _ in range(rounds):
                model(images)
        return {"samples": count * rounds, "seconds": time.perf_counter() - started}

    simd = simd_features(torch)

    def stats() -> dict:
        return {
            "framework": "pytorch",
            "version": torch.__version__,
            "threads": threads,
            "simd": simd,
            "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }

    if args.serve:
        print(json.dumps({"ready": True, **stats()}), flush=True)
        for line in sys.stdin:
            command = json.loads(line)
            if command["cmd"] == "train":
                reply = train(int(command["steps"]))
            elif command["cmd"] == "infer":
                reply = infer(int(command.get("count", 1000)), int(command.get("rounds", 3)))
            elif command["cmd"] == "profile":
                reply = profile(int(command.get("runs", 3)))
            elif command["cmd"] == "stats":
                reply = stats()
            elif command["cmd"] == "quit":
                return 0
            else:
                reply = {"error": f"unknown command {command['cmd']}"}
            print(json.dumps(reply), flush=True)
        return 0

    train(args.warmup)
    trained = train(args.steps)
    inferred = infer(1000, 5)
    print(
        json.dumps(
            {
                **stats(),
                "batch": batch,
                "steps": args.steps,
                "samplesPerSec": trained["samples"] / trained["seconds"],
                "inferenceSamplesPerSec": inferred["samples"] / inferred["seconds"],
            }
        )
    )
    return 0


def simd_features(torch) -> str:
    """The instruction sets PyTorch runs with: oneDNN's (convolutions), and ATen's own kernels'."""
    # oneDNN names its ISA only in verbose mode, on fd 1: catch that line while one conv runs.
    saved = os.dup(1)
    captured = tempfile.TemporaryFile()
    sys.stdout.flush()
    os.dup2(captured.fileno(), 1)
    try:
        with torch.backends.mkldnn.verbose(torch.backends.mkldnn.VERBOSE_ON):
            torch.nn.functional.conv2d(torch.rand(2, 1, 28, 28), torch.rand(4, 1, 5, 5))
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
    captured.seek(0)
    found = re.search(r"onednn_verbose,info,cpu,isa:(.*)", captured.read().decode(errors="replace"))
    onednn = found.group(1).strip() if found else "unknown"
    aten = re.search(r"CPU capability usage: (\S+)", torch.__config__.show())
    return f"oneDNN {onednn}; ATen {aten.group(1) if aten else 'unknown'}"


if __name__ == "__main__":
    sys.exit(main())
