#!/usr/bin/env python3
"""Draw the landing page's figure, nbs/images/hero.png, from the shipped models (about 20 s on 2 CPU cores).

    .venv/bin/python tools/make_figures.py

Five panels, each from a model that ships with the package: unconditional
digits (`digits`), digits on request (`digits-cond`, one column per label),
sprites on request (`shapes-cond`), digits sampled in a VAE's latent space
(`latent-digits`), real handwriting on request (`mnist`, chapter 07a, one
column per label) and sprites from sentences (`sprites-t2i`, chapter 09, a row
per prompt). Every panel is DPM-Solver++ with 20 steps from seed 0.

Then the README's grids, each drawn by the command it shows:
nbs/images/mnist-grid.png (`diffnotes sample --ckpt mnist --n 64 --precision fp32 --out ...`) and
nbs/images/t2i-grid.png (`diffnotes generate PROMPTS --n 8 --out ...`, T2I_PROMPTS).
"""
from pathlib import Path
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import torch
from torchvision.utils import make_grid

from diffnotes.conditioning import DEFAULT_GUIDANCE, attribute_context, one_hot, sample_contexts
from diffnotes.data import COLOUR_NAMES, SHAPE_NAMES
from diffnotes.checkpoint import load_checkpoint
from diffnotes.cli import run_cli
from diffnotes.sampling import sample_checkpoint
from diffnotes.text_to_image import load_pipeline

ROOT = Path(__file__).resolve().parents[1]

T2I_PROMPTS = ["a big red circle on the left", "a small green triangle at the top", "a big blue circle at the bottom", "a small yellow square on the right"]

HELD_OUT_LABELS = {"a small green triangle at the top": " (held out)", "a big blue circle at the bottom": " (held out)",
                   "a small yellow square on the right": " (held out, worst case)"}   # colour-shape pairs never in training (chapter 09)

def noise(*shape): return torch.randn(*shape, generator=torch.Generator().manual_seed(0))

def main():
    panels = []
    panels.append(("digits: from noise", sample_checkpoint(load_checkpoint("digits"), noise(40, 1, 16, 16), "dpmpp_2m", 20, progress=False), 10))
    cond = load_checkpoint("digits-cond")
    x = sample_contexts(cond.model, cond.schedule, one_hot(torch.arange(10)), 4, progress=False)          # grouped by label
    x = x.view(10, 4, 1, 16, 16).transpose(0, 1).reshape(40, 1, 16, 16)                     # one column per label
    panels.append(("digits-cond: 0 to 9 on request", x, 10))
    shapes = load_checkpoint("shapes-cond")
    ctx = torch.stack([attribute_context(f"{s} {c} {z}") for z in ("large", "small") for s in SHAPE_NAMES for c in COLOUR_NAMES])
    panels.append(("shapes-cond: 24 sprites on request", sample_contexts(shapes.model, shapes.schedule, ctx, 1, clip=1.0, progress=False), 6))
    x = sample_checkpoint(load_checkpoint("latent-digits"), noise(40, 4, 4, 4), "dpmpp_2m", 20, progress=False)   # decoded by its VAE
    panels.append(("latent-digits: decoded latents", x, 10))
    mnist = load_checkpoint("mnist")
    x = sample_checkpoint(mnist, noise(30, *mnist.shape), "dpmpp_2m", 20, spacing="logsnr", context=one_hot(torch.arange(10).repeat(3)), guidance=DEFAULT_GUIDANCE, progress=False)
    panels.append(("mnist: real handwriting, 0 to 9", x, 10))                                     # 32x32: twice the side of the others
    x = load_pipeline("sprites-t2i")(T2I_PROMPTS, n=4, seed=0, output="pt", progress=False)
    held = {p: HELD_OUT_LABELS.get(p, "") for p in T2I_PROMPTS}
    panels.append(("sprites-t2i: a row per prompt\n" + "\n".join(p[2:] + held[p] for p in T2I_PROMPTS), x, 4))
    fig = plt.figure(figsize=(15, 6.8))
    top, bottom = fig.add_gridspec(2, 1, height_ratios=[1, 1.1])
    axes = [*(fig.add_subplot(g) for g in top.subgridspec(1, 3, width_ratios=[10, 10, 6])),      # the 16x16 models and the sprites
            *(fig.add_subplot(g) for g in bottom.subgridspec(1, 3, width_ratios=[1, 1.4, 0.6]))]  # latent digits, MNIST and the sprites from prompts at 32x32
    for ax, (title, imgs, nrow) in zip(axes, panels):
        grid = make_grid(imgs.clamp(-1, 1), nrow=nrow, padding=1, normalize=True, value_range=(-1, 1), pad_value=1)
        ax.imshow(grid.permute(1, 2, 0).numpy(), interpolation="nearest"); ax.set_title(title, fontsize=11); ax.set_axis_off()
    fig.tight_layout()
    out = ROOT / "nbs" / "images" / "hero.png"
    fig.savefig(out, dpi=100, bbox_inches="tight")
    print(f"wrote {out} ({out.stat().st_size / 1e3:.0f} kB)")
    grid = ROOT / "nbs" / "images" / "mnist-grid.png"
    code, printed, err = run_cli(["sample", "--ckpt", "mnist", "--n", "64", "--precision", "fp32", "--out", str(grid), "--quiet"])
    if code: raise SystemExit(err)
    print(f"wrote {grid} ({grid.stat().st_size / 1e3:.0f} kB)")
    grid = ROOT / "nbs" / "images" / "t2i-grid.png"
    code, printed, err = run_cli(["generate", *T2I_PROMPTS, "--n", "8", "--out", str(grid), "--quiet"])
    if code: raise SystemExit(err)
    print(f"wrote {grid} ({grid.stat().st_size / 1e3:.0f} kB)")

if __name__ == "__main__":
    main()
