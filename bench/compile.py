#!/usr/bin/env python3
"""Does `torch.compile` pay at the course's scale? The digits U-Net's forward pass, eager against compiled.

    .venv/bin/python bench/compile.py [--rounds 20] [--batch 64]

Times the first call of the compiled model (tracing and code generation: what a learner waits for
once per process and input shape), then the forward pass at batch --batch in both forms, rounds
alternated in one run, median of --rounds. The break-even is the number of forward passes after
which the saving has repaid the compilation. For scale: chapter 05's 20-step DPM-Solver++ grid of
64 digits is 20 forward passes, and chapter 04's training run 660 steps (a training step is about
three forward passes' worth of work).

Prints the table and writes it to bench/RESULTS.md (its `compile` part).
"""
import argparse, statistics, time

import torch

from _results import write_section
from diffnotes.unet import digits_model

@torch.no_grad()
def seconds(model, x, t) -> float:
    start = time.perf_counter()
    model(x, t)
    return time.perf_counter() - start

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=20); p.add_argument("--batch", type=int, default=64)
    args = p.parse_args()
    if args.rounds < 1 or args.batch < 1: p.error("--rounds and --batch must be positive")
    torch.manual_seed(0)
    model = digits_model().eval()
    with torch.no_grad(): model.conv_out.weight.normal_(0, 0.05)    # the last layer starts at zero: give the output something to compare
    x, t = torch.randn(args.batch, 1, 16, 16), torch.randint(0, 1000, (args.batch,))
    compiled = torch.compile(model)
    first = seconds(compiled, x, t)                     # compiles
    seconds(model, x, t); seconds(compiled, x, t)       # warm-up of both
    eager, comp = [], []
    for _ in range(args.rounds):
        eager.append(seconds(model, x, t)); comp.append(seconds(compiled, x, t))
    with torch.no_grad(): diff = (compiled(x, t) - model(x, t)).abs().max().item()      # absolute: an untrained U-Net's output is zero (zero-initialised last layer)
    e, c = statistics.median(eager), statistics.median(comp)
    saving = e - c
    breakeven = f"{(first - c) / saving:,.0f}" if saving > 0 else "never (compiled is not faster)"
    text = (f"## torch.compile on the digits U-Net\n\nCommand: `python bench/compile.py --rounds {args.rounds} --batch {args.batch}`; "
            f"torch {torch.__version__}, {torch.get_num_threads()} threads; forward pass without gradients, median of {args.rounds} alternated rounds.\n\n"
            "| first call of the compiled model (s) | eager forward (ms) | compiled forward (ms) | speed-up | forward passes to repay the compilation | largest output difference |\n"
            "|---:|---:|---:|---:|---:|---:|\n"
            f"| {first:.1f} | {1000 * e:.1f} | {1000 * c:.1f} | {e / c:.2f}x | {breakeven} | {diff:.1e} |\n")
    print(text)
    write_section("compile", text)

if __name__ == "__main__":
    main()
