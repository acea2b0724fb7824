#!/usr/bin/env python3
"""Train a shipped checkpoint with the diffnotes CLI and add it to the package data.

    .venv/bin/python tools/make_pretrained.py digits --minutes 5 --seed 0
    .venv/bin/python tools/make_pretrained.py digits-cond --minutes 5 --seed 0
    .venv/bin/python tools/make_pretrained.py shapes-cond --minutes 5 --seed 0
    .venv/bin/python tools/make_pretrained.py vae-digits --minutes 2 --seed 0
    .venv/bin/python tools/make_pretrained.py latent-digits --minutes 5 --seed 0   # after vae-digits
    .venv/bin/python tools/make_pretrained.py digit-classifier --seed 0

Runs `diffnotes train TARGET --out WORK --minutes M --seed S` (timed; TARGET and
any extra arguments from TRAIN_ARGS), slims the checkpoint to its EMA weights in
diffnotes/pretrained/NAME and records the command, seed, wall time, steps and
SHA-256 in diffnotes/pretrained/manifest.json.
"""
import argparse, json, shutil, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRAIN_ARGS = {"vae-digits": ["vae"], "latent-digits": ["latent", "--vae", "vae-digits"]}   # shipped name -> `diffnotes train` arguments

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("name", help="the shipped name: a `diffnotes train` target (e.g. digits) or a key of TRAIN_ARGS")
    p.add_argument("--minutes", type=float, default=5.0)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    from diffnotes.checkpoint import read_config, slim_checkpoint
    if args.name == "digit-classifier": return ship_classifier(args)
    exe = Path(sys.executable).parent / "diffnotes"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / args.name
        cmd = ["diffnotes", "train", *TRAIN_ARGS.get(args.name, [args.name]), "--out", str(work), "--minutes", f"{args.minutes:g}", "--seed", str(args.seed), "--quiet"]
        start = time.time()
        subprocess.run([str(exe), *cmd[1:]], check=True)
        wall = time.time() - start
        dst = ROOT / "diffnotes" / "pretrained" / args.name
        if dst.exists(): shutil.rmtree(dst)
        slim_checkpoint(work, dst)
        config = read_config(dst)
    update_manifest(args.name, {"command": " ".join(c if c != str(work) else "DIR" for c in cmd).replace(" --quiet", ""),
                           "seed": args.seed, "wall_seconds": round(wall, 1), "train_seconds": config["seconds"],
                           "steps": config["step"], "machine": "2-core CPU, no GPU",
                           "weights": config["files"]["weights"], "sha256": config["sha256"]["weights"]})

def ship_classifier(args):
    "The judge of diffnotes.metrics: a DigitClassifier trained on the test split (600 steps, --seed)."
    from diffnotes.metrics import train_digit_classifier, save_digit_classifier, SHIPPED_CLASSIFIER
    from diffnotes.checkpoint import read_config
    start = time.time()
    clf = train_digit_classifier("test", steps=600, seed=args.seed)
    wall = time.time() - start
    dst = ROOT / "diffnotes" / "pretrained" / SHIPPED_CLASSIFIER
    if dst.exists(): shutil.rmtree(dst)
    save_digit_classifier(clf, dst, "test", args.seed, 600)
    config = read_config(dst)
    update_manifest(SHIPPED_CLASSIFIER, {"command": f"python tools/make_pretrained.py digit-classifier --seed {args.seed}",
                                         "seed": args.seed, "wall_seconds": round(wall, 1), "steps": 600, "machine": "2-core CPU, no GPU",
                                         "weights": config["files"]["weights"], "sha256": config["sha256"]["weights"]})

def update_manifest(name, entry):
    manifest_path = ROOT / "diffnotes" / "pretrained" / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    manifest[name] = entry
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    print(json.dumps(entry, indent=1))

if __name__ == "__main__":
    main()
