#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: tweaksetting
short_description: Set a WHM tweak setting with whmkit
description:
  - Reads a tweak setting with C(get_tweaksetting) and sets it with C(set_tweaksetting) when it differs.
version_added: "0.1.0"
author:
  - whmkit contributors (@whmkit)
extends_documentation_fragment:
  - whmkit.cpanel.connection
options:
  key:
    description:
      - Name of the setting, for example C(maxemailsperhour).
    type: str
    required: true
  value:
    description:
      - Value the setting should have.
    type: str
    required: true
  module:
    description:
      - Module the setting belongs to.
    type: str
    default: Main
'''

EXAMPLES = r'''
- name: At most 200 messages an hour per domain
  whmkit.cpanel.tweaksetting:
    key: maxemailsperhour
    value: "200"
'''

RETURN = r'''
value:
  description: The value before the run.
  returned: always
  type: str
calls:
  description: The writing calls made (planned, in check mode), secrets masked.
  returned: always
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.whmkit.cpanel.plugins.module_utils.whmkit import Runner, argspec, norm


def main():
    module = AnsibleModule(
        argument_spec=argspec(
            key=dict(type='str', required=True, no_log=False),
            value=dict(type='str', required=True),
            module=dict(type='str', default='Main'),
        ),
        supports_check_mode=True,
    )
    p = module.params
    r = Runner(module)
    data = r.get('whmapi1', 'get_tweaksetting', dict(key=p['key'], module=p['module'])) or {}
    setting = data.get('tweaksetting') or {}
    current = setting.get('value')
    r.before = {p['key']: norm(current) if current is not None else None}
    r.after = {p['key']: p['value']}
    if current is None or norm(current) != norm(p['value']):
        r.change('whmapi1', 'set_tweaksetting', dict(key=p['key'], value=p['value'], module=p['module']))
    r.exit(value=norm(current) if current is not None else None)


if __name__ == '__main__':
    main()
