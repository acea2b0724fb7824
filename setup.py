"""Package metadata for diffnotes, read from settings.ini (nbdev 2's single source of truth)."""
import shlex
from configparser import ConfigParser
from pathlib import Path

import setuptools

here = Path(__file__).parent
parser = ConfigParser(delimiters=["="])
parser.read(here / "settings.ini", encoding="utf-8")
cfg = parser["DEFAULT"]

for key in "lib_name version description author author_email license min_python requirements".split():
    if key not in cfg: raise ValueError(f"settings.ini is missing `{key}`")

licenses = {"apache2": ("Apache Software License 2.0", "OSI Approved :: Apache Software License")}
statuses = ["Planning", "Pre-Alpha", "Alpha", "Beta", "Production/Stable", "Mature", "Inactive"]
min_python = cfg["min_python"]
py_versions = [f"3.{minor}" for minor in range(int(min_python.split(".")[1]), 14)]
lic_name, lic_classifier = licenses[cfg["license"]]

def split_reqs(key): return shlex.split(cfg.get(key, ""))

readme = here / "README.md"
setuptools.setup(
    name=cfg["lib_name"],
    version=cfg["version"],
    description=cfg["description"],
    long_description=readme.read_text(encoding="utf-8") if readme.exists() else "",
    long_description_content_type="text/markdown",
    author=cfg["author"],
    author_email=cfg["author_email"],
    license=lic_name,
    url=cfg["git_url"],
    keywords=cfg["keywords"].split(),
    classifiers=[f"Development Status :: {cfg['status']} - {statuses[int(cfg['status'])]}",
                 f"Intended Audience :: {cfg['audience']}",
                 f"License :: {lic_classifier}",
                 f"Natural Language :: {cfg['language']}",
                 "Topic :: Scientific/Engineering :: Artificial Intelligence"]
                + [f"Programming Language :: Python :: {v}" for v in py_versions],
    packages=setuptools.find_packages(include=[cfg["lib_path"], cfg["lib_path"] + ".*"]),
    include_package_data=True,
    package_data={cfg["lib_path"]: ["pretrained/manifest.json", "pretrained/*/config.json", "pretrained/*/*.safetensors"]},
    python_requires=f">={min_python}",
    install_requires=split_reqs("requirements"),
    extras_require={"dev": split_reqs("dev_requirements")},
    entry_points={"console_scripts": split_reqs("console_scripts"),
                  "nbdev": [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
    zip_safe=False,
)
