#!/usr/bin/env python3
"""Samplers measured three ways; prints the tables and writes bench/RESULTS.md.

(a) accuracy: relative error against the exact probability-flow solution for Gaussian data, at 5-50 model calls, ours vs diffusers;
    (a2) the same on six data scales at once, for every sampler x grid, at 5, 10 and 20 model calls;
(b) sample quality at 5, 10 and 20 model calls for the main sampler x grid pairs (and DDPM at 1,000): the spiral toy (sliced
    Wasserstein distance to the data, with its floor) and the digits with the shipped `digits` checkpoint (Frechet distance in a
    digit classifier's feature space, with its real-vs-real floor), each with a 95% interval (spiral: 5 independent
    repeats, t-interval; digits: bootstrap);
(c) overhead: wall time of a sampling loop / (model calls x time of one model call), ours vs the diffusers scheduler loop
    driving the same model, measured alternately in one run.

    .venv/bin/python bench/samplers.py [--n-digits 400] [--quick]
"""
import argparse, platform, time
from pathlib import Path

from _results import write_section

import torch

from diffnotes.noise import Schedule
from diffnotes.sampling import (sample, diffusers_sample, exact_answer_errors, errors_table, model_calls, multiscale_errors,
                                 multiscale_table, steps_for_calls)
from diffnotes.checkpoint import load_checkpoint

MAIN = [("ddim", "leading"), ("dpmpp_2m", "linspace"), ("dpmpp_2m", "karras"), ("dpmpp_2m", "logsnr"), ("unipc", "linspace"),
        ("unipc", "logsnr"), ("euler", "karras"), ("heun", "karras")]

def configs(quick: bool):
    "(sampler, spacing, steps): DDPM with every step, then each main pair at 5, 10 and 20 model calls (Heun: 5, 9, 19)."
    rows = [("ddpm", "leading", 100 if quick else 1000)]
    for sampler, spacing in MAIN:
        for nfe in (5, 10, 20): rows.append((sampler, spacing, steps_for_calls(sampler, nfe)))
    return rows

def mean_interval(values):
    "Mean of independent estimates and its 95% t-interval."
    v = torch.tensor(values, dtype=torch.float64)
    half = T_975[len(v) - 1] * v.std() / len(v) ** 0.5
    return v.mean().item(), (v.mean() - half).item(), (v.mean() + half).item()

T_975 = {4: 2.776, 9: 2.262}     # Student's t quantiles for 5 and 10 estimates

def spiral_quality(quick: bool, repeats: int = 5):
    "Chapter 01's toy, trained by `fit_toy` (seed 0); each configuration sampled `repeats` times (fresh noise, fresh draw of data), mean and t-interval."
    from diffnotes.toy import fit_toy, toy_data, sliced_wasserstein
    res = fit_toy("spiral", n=2000, seed=0, steps=2000 if quick else 8000, progress=False)
    model, scaler, schedule = res.model.eval(), res.scaler, Schedule.linear()
    floor = mean_interval([sliced_wasserstein(toy_data("spiral", 2000, seed=10_000 + 2 * k), toy_data("spiral", 2000, seed=10_001 + 2 * k))
                           for k in range(repeats)])
    rows = []
    for sampler, spacing, steps in configs(quick):
        values = []
        for k in range(repeats):
            x_T = torch.randn(2000, 2, generator=torch.Generator().manual_seed(100 + k))
            x = sample(model, schedule, x_T, sampler, steps, spacing=spacing, generator=torch.Generator().manual_seed(200 + k), progress=False)
            values.append(sliced_wasserstein(scaler.decode(x), toy_data("spiral", 2000, seed=20_000 + k)))
        rows.append((sampler, spacing, steps, model_calls(sampler, steps), mean_interval(values)))
    return floor, rows

def digits_quality(n: int, quick: bool):
    from diffnotes.data import digits
    from diffnotes.metrics import digit_classifier, frechet_interval
    digits_ckpt = load_checkpoint("digits")
    model, schedule = digits_ckpt.model, digits_ckpt.schedule
    clf = digit_classifier()
    x = digits("train")[0]
    perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(0))
    with torch.no_grad(): ref, other = clf.features(x[perm[:n]]), clf.features(x[perm[n:2 * n]])
    floor = frechet_interval(other, ref)
    rows = []
    for sampler, spacing, steps in configs(quick):
        x_T = torch.randn(n, 1, 16, 16, generator=torch.Generator().manual_seed(1))
        start = time.perf_counter()
        xs = sample(model, schedule, x_T, sampler, steps, spacing=spacing, generator=torch.Generator().manual_seed(2), progress=False)
        seconds = time.perf_counter() - start
        with torch.no_grad(): feats = clf.features(xs.clamp(-1, 1))
        rows.append((sampler, spacing, steps, model_calls(sampler, steps), frechet_interval(feats, ref), seconds))
    return floor, rows

class Counting(torch.nn.Module):
    "The model, with its call time accumulated, so the loop's own time is the rest."
    def __init__(self, model): super().__init__(); self.model, self.calls, self.seconds = model, 0, 0.0
    def forward(self, x, t):
        start = time.perf_counter(); out = self.model(x, t.round().long() if t.is_floating_point() else t)
        self.seconds += time.perf_counter() - start; self.calls += 1
        return out

def overhead(rounds: int, batch: int):
    from diffusers import DDIMScheduler, DPMSolverMultistepScheduler, EulerDiscreteScheduler, HeunDiscreteScheduler
    digits_ckpt = load_checkpoint("digits")
    model, schedule = digits_ckpt.model, digits_ckpt.schedule
    makers = {"ddim": lambda: DDIMScheduler(clip_sample=False), "dpmpp_2m": DPMSolverMultistepScheduler,
              "euler": lambda: EulerDiscreteScheduler(use_karras_sigmas=True), "heun": lambda: HeunDiscreteScheduler(use_karras_sigmas=True)}
    steps = {"ddim": 50, "dpmpp_2m": 20, "euler": 20, "heun": 10}
    x_T = torch.randn(batch, 1, 16, 16, generator=torch.Generator().manual_seed(0))
    results = {(name, who): [] for name in makers for who in ("ours", "diffusers")}
    with torch.no_grad():
        model(x_T, torch.full((batch,), 500))
        for _ in range(rounds):
            for name, make in makers.items():
                for who in ("ours", "diffusers"):
                    m = Counting(model)
                    start = time.perf_counter()
                    if who == "ours": sample(m, schedule, x_T, name, steps[name], progress=False)
                    else: diffusers_sample(make(), m, x_T, steps[name])
                    total = time.perf_counter() - start
                    results[name, who].append((total, m.seconds, m.calls))
    # one model call's time, measured on its own in the same run
    tt = torch.full((batch,), 500)
    with torch.no_grad():
        start = time.perf_counter()
        for _ in range(50): model(x_T, tt)
    call = (time.perf_counter() - start) / 50
    rows = []
    for name in makers:
        for who in ("ours", "diffusers"):
            runs = results[name, who]
            best = min(runs, key=lambda r: r[0])
            rows.append((name, who, best[2], best[0], best[0] / (best[2] * call), best[0] / best[1], best[0] - best[1]))
    return call, rows

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n-digits", type=int, default=400, help="digits sampled per configuration (default 400)")
    p.add_argument("--rounds", type=int, default=5, help="alternating rounds of the overhead measurement")
    p.add_argument("--batch", type=int, default=16, help="batch size of the overhead measurement")
    p.add_argument("--quick", action="store_true", help="a fast smoke run: fewer toy steps, DDPM at 100 steps")
    args = p.parse_args()
    torch.set_num_threads(2)
    schedule = Schedule.linear()
    out = [f"# Sampler benchmarks\n\nCommand: `python bench/samplers.py --n-digits {args.n_digits}{' --quick' if args.quick else ''}`; "
           f"torch {torch.__version__}, {torch.get_num_threads()} threads, {platform.machine()} CPU.\n"]

    t0 = time.time()
    rows = exact_answer_errors(schedule)
    out.append("## (a) Error against the exact answer\n\nData N(0, 0.5^2), the exact noise predictor, relative L2 error of x_0 "
               "against the exact probability-flow solution, 4,096 samples.\n\n" + errors_table(rows) + "\n")
    print(out[-1], flush=True)

    rows = multiscale_errors(schedule)
    out.append("## (a2) Error against the exact answer on six scales\n\nData N(0, diag(s^2)), s = 0.05, 0.1, 0.2, 0.5, 1, 2 (one channel each), the exact "
               "noise predictor; RMS over the scales of the relative error against the exact solution, 1,024 samples; '—': diffusers has no such grid for this solver.\n\n"
               + multiscale_table(rows) + "\n")
    print(out[-1], flush=True)

    iv = lambda e, fmt: f"{e[0]:{fmt}} [{e[1]:{fmt}}, {e[2]:{fmt}}]"
    floor, rows = spiral_quality(args.quick)
    lines = ["| sampler | spacing | steps | model calls | sliced Wasserstein [95% interval] | x floor |", "|---|---|---:|---:|---|---:|"]
    lines += [f"| {s} | {sp} | {st} | {nfe} | {iv(d, '.4f')} | {d[0] / floor[0]:.2f} |" for s, sp, st, nfe, d in rows]
    out.append(f"## (b1) The spiral toy\n\nToyMLP trained 8,000 steps (seed 0). Each configuration is run 5 times, each time 2,000 samples from fresh noise against a fresh "
               f"draw of 2,000 data points; the table gives the mean distance and its 95% t-interval. Floor (5 pairs of fresh draws, the same way): {iv(floor, '.4f')}.\n\n" + "\n".join(lines) + "\n")
    print(out[-1], flush=True)

    floor, rows = digits_quality(args.n_digits, args.quick)
    lines = ["| sampler | spacing | steps | model calls | Frechet distance [95% interval] | x floor | seconds |", "|---|---|---:|---:|---|---:|---:|"]
    lines += [f"| {s} | {sp} | {st} | {nfe} | {iv(d, '.1f')} | {d[0] / floor[0]:.2f} | {sec:.1f} |" for s, sp, st, nfe, d, sec in rows]
    out.append(f"## (b2) Digits, shipped `digits` checkpoint\n\n{args.n_digits} samples per configuration against {args.n_digits} train-split digits, "
               f"features of `diffnotes.metrics.digit_classifier()`; real-vs-real floor at the same size {iv(floor, '.1f')}. "
               f"Intervals: `diffnotes.metrics.frechet_interval`, 200 bootstrap resamples, shifted by the bootstrap's bias.\n\n" + "\n".join(lines) + "\n")
    print(out[-1], flush=True)

    call, rows = overhead(args.rounds, args.batch)
    lines = ["| sampler | loop | model calls | loop time (s) | loop / (calls x one call) | loop / its own model time | time outside the model (ms) |",
             "|---|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {s} | {who} | {n} | {tot:.3f} | {ratio:.3f} | {own:.3f} | {1000 * rest:.1f} |" for s, who, n, tot, ratio, own, rest in rows]
    out.append(f"## (c) Sampler overhead\n\nThe shipped `digits` U-Net, batch {args.batch} at 16x16; one model call {1000 * call:.1f} ms; "
               f"best of {args.rounds} alternating rounds. 'loop / (calls x one call)' divides by a separately timed call, so it also carries that call's timing noise; 'loop / its own model time' divides by the time the loop's own calls took, and isolates the sampler's arithmetic. Ours and diffusers' scheduler loop drive the same model (diffusers' fractional Karras timesteps are rounded for it).\n\n" + "\n".join(lines) + "\n")
    print(out[-1], flush=True)
    out.append(f"Total benchmark time {time.time() - t0:.0f} s.\n")
    write_section("samplers", "\n".join(out))

if __name__ == "__main__":
    main()
