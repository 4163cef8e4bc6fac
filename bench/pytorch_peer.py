#!/usr/bin/python3
"""PyTorch peer of the workbench benchmark: the notebook's network, batch 100, Adam.

Usage: /usr/bin/python3 bench/pytorch_peer.py [THREADS] [--threads N] [--steps N] [--warmup N] [--batch N]
Prints one JSON line: samples/s for training and inference, and the settings used.
Random data (the speed of a step does not depend on the pixels).

With --serve it instead answers JSON commands, one a line on stdin, one JSON line each on
stdout, so that bench/bench.ts can interleave it with the workbench:
  {"cmd": "train", "steps": K}        -> {"samples", "seconds", "cpuSeconds"}
  {"cmd": "infer", "count": N, "rounds": R} -> {"samples", "seconds"}
  {"cmd": "stats"}                    -> {"peakRssMiB", "threads", "version"}
"""
import argparse
import json
import resource
import sys
import time


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
        optimizer.step()

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

    def stats() -> dict:
        return {
            "framework": "pytorch",
            "version": torch.__version__,
            "threads": threads,
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


if __name__ == "__main__":
    sys.exit(main())
