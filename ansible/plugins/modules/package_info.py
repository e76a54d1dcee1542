#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: package_info
short_description: Read hosting plans with whmkit
description:
  - Returns one hosting plan (C(getpkginfo)) or all of them (C(listpkgs)).
version_added: "0.1.0"
author:
  - whmkit contributors (@whmkit)
extends_documentation_fragment:
  - whmkit.cpanel.connection
options:
  name:
    description:
      - Name of one plan. Not given, all plans are listed.
    type: str
'''

EXAMPLES = r'''
- name: All plans
  whmkit.cpanel.package_info:
  register: plans
'''

RETURN = r'''
packages:
  description: The plans (with C(name), the settings of that plan as C(getpkginfo) reports them, and its C(name)).
  returned: always
  type: list
  elements: dict
exists:
  description: With C(name), whether the plan exists.
  returned: when name is given
  type: bool
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.whmkit.cpanel.plugins.module_utils.whmkit import Client, WhmkitError, argspec, as_list


def main():
    module = AnsibleModule(
        argument_spec=argspec(name=dict(type='str')),
        supports_check_mode=True,
    )
    p = module.params
    client = Client(module)
    try:
        if p['name']:
            res = client.read('whmapi1', 'getpkginfo', dict(pkg=p['name']))
            if not res.ok or not isinstance(res.data, dict):
                module.exit_json(changed=False, packages=[], exists=False)
            pkg = dict(res.data.get('pkg') or {}, name=p['name'])
            module.exit_json(changed=False, packages=[pkg], exists=True)
        res = client.call('whmapi1', 'listpkgs')
        module.exit_json(changed=False, packages=as_list(res.data, 'pkg'))
    except WhmkitError as e:
        module.fail_json(msg=e.message)


if __name__ == '__main__':
    main()
