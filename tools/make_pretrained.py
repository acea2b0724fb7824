#!/usr/bin/env python3
"""Train a shipped checkpoint with the diffnotes CLI and add it to the package data.

    .venv/bin/python tools/make_pretrained.py digits --steps 1193 --seed 0
    .venv/bin/python tools/make_pretrained.py digits-cond --steps 1071 --seed 0
    .venv/bin/python tools/make_pretrained.py shapes-cond --steps 1300 --seed 0
    .venv/bin/python tools/make_pretrained.py vae-digits --steps 1063 --seed 0
    .venv/bin/python tools/make_pretrained.py latent-digits --steps 3358 --seed 0   # after vae-digits
    .venv/bin/python tools/make_pretrained.py digits-flow --steps 1193 --seed 0     # chapter 08: the digits U-Net, flow matching
    .venv/bin/python tools/make_pretrained.py vae-mnist --steps 337 --seed 0         # chapter 07a: real MNIST (mnist_5k) ...
    .venv/bin/python tools/make_pretrained.py mnist --steps 1415 --seed 0            # ... diffused in vae-mnist's latents
    .venv/bin/python tools/make_pretrained.py vae-sprites --steps 300 --seed 0       # chapter 09: text to image ...
    .venv/bin/python tools/make_pretrained.py sprites-clip --steps 600 --seed 0      # ... its tokenizer and CLIP ...
    .venv/bin/python tools/make_pretrained.py sprites-t2i --steps 900 --seed 0       # ... and its U-Net (after the two above)
    .venv/bin/python tools/make_pretrained.py digits-fewstep --steps STEPS --seed 0  # chapter 11: a consistency student of digits
    .venv/bin/python tools/make_pretrained.py digits-dit --steps 1193 --seed 0      # chapter 12: a DiT-M/2 with the digits recipe and budget
    .venv/bin/python tools/make_pretrained.py sprites-t2i-dit --steps 900 --seed 0  # chapter 12: SD3 in miniature, the sprites-t2i recipe with an MMDiT and rectified flow
    .venv/bin/python tools/make_pretrained.py digit-classifier --seed 0
    .venv/bin/python tools/make_pretrained.py mnist-classifier --seed 0
    .venv/bin/python tools/make_pretrained.py sprite-judge --seed 0                  # chapter 92's judge of captioned sprites

Runs `diffnotes train TARGET --out WORK --steps N --seed S` (timed; TARGET and any
extra arguments from TRAIN_ARGS), slims the checkpoint to its sampling weights in
diffnotes/pretrained/NAME, and records in diffnotes/pretrained/manifest.json the
command, seed, steps, wall time, the machine (CPU, threads, PyTorch), the SHA-256 of
the weights and the fingerprint of the run's first 20 steps (chapter 04a), which
`diffnotes reproduce NAME` checks. The fingerprint is taken by a second, 20-step run
of the same command and must equal the full run's own first 20 losses.
"""
import argparse, json, platform, shutil, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLASSIFIERS = {"digit-classifier": ("digits", "test"), "mnist-classifier": ("mnist_5k", "train")}   # judges: name -> (data, split)
TRAIN_ARGS = {"vae-digits": ["vae"], "latent-digits": ["latent", "--vae", "vae-digits"],   # shipped name -> `diffnotes train` arguments
              "digits-flow": ["digits", "--objective", "flow"], "digits-fewstep": ["fewstep", "--teacher", "digits"],
              "vae-mnist": ["mnist-vae"], "mnist": ["mnist-latent", "--vae", "vae-mnist"],
              "vae-sprites": ["sprites-vae"], "sprites-t2i": ["sprites-t2i", "--vae", "vae-sprites", "--text-encoder", "sprites-clip"],
              "sprites-t2i-dit": ["sprites-t2i-dit", "--vae", "vae-sprites", "--text-encoder", "sprites-clip"]}

def cpu_name() -> str:
    "The CPU's model name as the OS reports it (Linux: /proc/cpuinfo)."
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"): return line.split(":", 1)[1].strip()
    except OSError: pass
    return platform.processor() or platform.machine()

def machine() -> dict:
    import torch
    return {"cpu": cpu_name(), "threads": torch.get_num_threads(), "torch": torch.__version__, "gpu": torch.cuda.is_available(),
            "kernels": torch.backends.cpu.get_cpu_capability()}       # AVX2 or AVX512: the same CPU name can round differently

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("name", help="the shipped name: a `diffnotes train` target (e.g. digits) or a key of TRAIN_ARGS")
    p.add_argument("--steps", type=int, default=None, help="optimizer steps of the run (required except for digit-classifier)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    if args.name in CLASSIFIERS: return ship_classifier(args)
    if args.name == "sprite-judge": return ship_sprite_judge(args)
    if not args.steps or args.steps < 1: p.error("--steps N (a positive int) is required: a run given in minutes cannot be reproduced")
    from diffnotes.checkpoint import FINGERPRINT_STEPS, read_config, read_tensors, slim_checkpoint
    from diffnotes.cli import train_fingerprint
    exe = Path(sys.executable).parent / "diffnotes"
    cmd = ["diffnotes", "train", *TRAIN_ARGS.get(args.name, [args.name]), "--out", "DIR", "--steps", str(args.steps), "--seed", str(args.seed)]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / args.name
        start = time.time()
        subprocess.run([str(exe), *[str(work) if c == "DIR" else c for c in cmd[1:]], "--quiet"], check=True)
        wall = time.time() - start
        losses = read_tensors(work, "state")["losses"].tolist()
        fingerprint = train_fingerprint(cmd[1:], FINGERPRINT_STEPS)
        if fingerprint["losses"] != losses[:FINGERPRINT_STEPS]:
            sys.exit(f"the 20-step fingerprint run differs from the full run's first steps: {fingerprint['losses'][:3]} vs {losses[:3]}")
        dst = ROOT / "diffnotes" / "pretrained" / args.name
        if dst.exists(): shutil.rmtree(dst)
        slim_checkpoint(work, dst)
        config = read_config(dst)
    update_manifest(args.name, {"command": " ".join(cmd), "seed": args.seed, "steps": config["step"],
                                "wall_seconds": round(wall, 1), "train_seconds": config["seconds"],
                                "machine": machine(), "weights": config["files"]["weights"], "sha256": config["sha256"]["weights"],
                                "fingerprint": fingerprint})

def ship_run(run, dst: Path):
    "Write a finished `Trainer` run as a shipped checkpoint in `dst`: its weights and config, without the optimizer state (chapter 04a's `slim_checkpoint`)."
    from diffnotes.checkpoint import slim_checkpoint
    with tempfile.TemporaryDirectory() as tmp:
        run.save(Path(tmp) / "run")
        if dst.exists(): shutil.rmtree(dst)
        slim_checkpoint(Path(tmp) / "run", dst)

def ship_classifier(args):
    "A judge of diffnotes.metrics: a DigitClassifier trained on its data's split (CLASSIFIERS), 600 steps, --seed."
    from diffnotes.metrics import digit_classifier_trainer
    from diffnotes.checkpoint import read_config
    data, split = CLASSIFIERS[args.name]
    start = time.time()
    run = digit_classifier_trainer(split, steps=600, seed=args.seed, data=data).fit()
    wall = time.time() - start
    ship_run(run, ROOT / "diffnotes" / "pretrained" / args.name)
    dst = ROOT / "diffnotes" / "pretrained" / args.name
    config = read_config(dst)
    update_manifest(args.name, {"command": f"python tools/make_pretrained.py {args.name} --seed {args.seed}",
                                         "seed": args.seed, "wall_seconds": round(wall, 1), "steps": 600, "machine": machine(),
                                         "weights": config["files"]["weights"], "sha256": config["sha256"]["weights"]})

def ship_sprite_judge(args):
    "Chapter 92's judge of captioned sprites (chapter 09): `train_captioned_judge()` with its defaults (600 steps on 8,192 sprites), --seed."
    from diffnotes.metrics import SHIPPED_SPRITE_JUDGE, captioned_judge_trainer
    from diffnotes.checkpoint import read_config
    start = time.time()
    run = captioned_judge_trainer(seed=args.seed).fit()
    wall = time.time() - start
    dst = ROOT / "diffnotes" / "pretrained" / SHIPPED_SPRITE_JUDGE
    ship_run(run, dst)
    config = read_config(dst)
    update_manifest(SHIPPED_SPRITE_JUDGE, {"command": f"python tools/make_pretrained.py {SHIPPED_SPRITE_JUDGE} --seed {args.seed}",
                                           "seed": args.seed, "wall_seconds": round(wall, 1), "steps": 600, "machine": machine(),
                                           "weights": config["files"]["weights"], "sha256": config["sha256"]["weights"]})

def update_manifest(name, entry):
    "Record `entry` for shipped model `name`, with its kind (what `diffnotes sample --help` lists without reading the checkpoint)."
    from diffnotes.checkpoint import checkpoint_kind, read_config
    manifest_path = ROOT / "diffnotes" / "pretrained" / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    manifest[name] = {**entry, "kind": checkpoint_kind(read_config(ROOT / "diffnotes" / "pretrained" / name))}
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    print(json.dumps({k: v for k, v in entry.items() if k != "fingerprint"}, indent=1))

if __name__ == "__main__":
    main()
