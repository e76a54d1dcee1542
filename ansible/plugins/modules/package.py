#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: package
short_description: Manage a hosting plan (package) with whmkit
description:
  - Creates a hosting plan with C(addpkg), changes the settings that differ with C(editpkg), removes it with C(killpkg).
version_added: "0.1.0"
author:
  - whmkit contributors (@whmkit)
extends_documentation_fragment:
  - whmkit.cpanel.connection
options:
  name:
    description:
      - Name of the plan.
    type: str
    required: true
  state:
    description:
      - Whether the plan exists.
    type: str
    choices: [present, absent]
    default: present
  settings:
    description:
      - Settings of the plan, as C(addpkg) names them (lower case), for example C(quota), C(bwlimit),
        C(maxftp), C(maxpop), C(featurelist), C(hasshell). Values C(unlimited) or numbers.
      - Only the settings given are compared and changed.
    type: dict
    default: {}
'''

EXAMPLES = r'''
- name: The gold plan
  whmkit.cpanel.package:
    name: gold
    settings:
      quota: 5000
      bwlimit: unlimited
      maxftp: 10
      featurelist: default
'''

RETURN = r'''
package:
  description: The plan as C(getpkginfo) reports it (before the run in check mode).
  returned: when the plan exists
  type: dict
calls:
  description: The writing calls made (planned, in check mode), secrets masked.
  returned: always
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.whmkit.cpanel.plugins.module_utils.whmkit import Runner, argspec, dict_changes


def info(runner, name):
    res = runner.read('whmapi1', 'getpkginfo', dict(pkg=name))
    if not res.ok or not isinstance(res.data, dict):
        return None
    return res.data.get('pkg')


def main():
    module = AnsibleModule(
        argument_spec=argspec(
            name=dict(type='str', required=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            settings=dict(type='dict', default={}),
        ),
        supports_check_mode=True,
    )
    p = module.params
    r = Runner(module)
    pkg = info(r, p['name'])
    settings = dict((k.lower(), v) for k, v in p['settings'].items())
    current = dict((k.lower(), v) for k, v in (pkg or {}).items())
    r.before = dict(state='present' if pkg is not None else 'absent')
    r.before.update(dict((k, current.get(k)) for k in settings))
    if p['state'] == 'absent':
        r.after = dict(state='absent')
        if pkg is not None:
            r.change('whmapi1', 'killpkg', dict(pkgname=p['name']))
        r.exit()
    r.after = dict(state='present')
    r.after.update(settings)
    if pkg is None:
        params = dict(settings)
        params['name'] = p['name']
        r.change('whmapi1', 'addpkg', params)
    else:
        changes = dict_changes(current, settings)
        if changes:
            changes['name'] = p['name']
            r.change('whmapi1', 'editpkg', changes)
    final = pkg if module.check_mode or not r.changed else info(r, p['name'])
    r.exit(package=final or {})


if __name__ == '__main__':
    main()
