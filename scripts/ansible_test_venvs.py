#!/usr/bin/python3
"""Prepares ansible-test's sanity virtual environments offline, from Debian's packages.

ansible-test (2.14) runs most sanity tests in a virtual environment of its own per test
(~/.ansible/test/venv/sanity.NAME/VERSION/HASH) into which it pip-installs pinned
requirements from the network. Offline, we create each of those environments ourselves
with --system-site-packages, so the tools come from Debian's packages (pylint, yamllint,
pycodestyle, voluptuous, jinja2, pyyaml: scripts/install-deps.sh), and write the marker
that tells ansible-test the environment is complete. The versions differ a little from
ansible-test's pins; the tests run the same code over the collection.

Usage: ansible_test_venvs.py TEST... (for example ansible-doc validate-modules pep8)
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, '/usr/lib/python3/dist-packages')

from ansible_test._internal.commands.sanity import hash_pip_commands  # noqa: E402
from ansible_test._internal.host_configs import NativePythonConfig  # noqa: E402
from ansible_test._internal.python_requirements import collect_requirements  # noqa: E402

PYTHON = '/usr/bin/python3'


def main():
    version = '%d.%d' % sys.version_info[:2]
    python = NativePythonConfig(version=version, path=PYTHON)
    for name in sys.argv[1:]:
        commands = collect_requirements(python=python, controller=True, virtualenv=False, command=None,
                                        ansible=False, cryptography=False, coverage=False,
                                        minimize=name.startswith('import.'), sanity=name)
        if not commands:
            continue  # ansible-test makes a venv without pip itself
        label = 'sanity.%s' % name
        path = os.path.join(os.path.expanduser('~/.ansible/test/venv'), label, version, hash_pip_commands(commands))
        marker = os.path.join(path, 'marker.txt')
        if os.path.exists(marker):
            continue
        subprocess.run([PYTHON, '-m', 'venv', '--system-site-packages', '--without-pip', path], check=True)
        with open(os.path.join(path, 'meta.install.json'), 'w') as f:
            json.dump([c.serialize() for c in commands], f, indent=4)
        with open(os.path.join(path, 'meta.yaml.json'), 'w') as f:
            json.dump(True, f)
        with open(marker, 'w') as f:
            f.write('prepared offline by scripts/ansible_test_venvs.py\n')
        print('prepared %s' % path)


if __name__ == '__main__':
    main()
