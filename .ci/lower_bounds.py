"""Print pip constraints pinning every dependency in setup.cfg (install_requires and the test extra) to its
lower bound, so CI can prove the lower bounds still work: python .ci/lower_bounds.py setup.cfg > c.txt"""
import configparser
import re
import sys

config = configparser.ConfigParser()
config.read(sys.argv[1] if len(sys.argv) > 1 else "setup.cfg")
lines = config["options"]["install_requires"].split("\n") + config["options.extras_require"]["test"].split("\n")
for requirement in filter(None, (line.strip() for line in lines)):
    match = re.match(r"^([A-Za-z0-9_.-]+)\s*>=\s*([^,\s]+)", requirement)
    if not match:
        sys.exit(f"no lower bound: {requirement}")
    print(f"{match[1]}=={match[2]}")
