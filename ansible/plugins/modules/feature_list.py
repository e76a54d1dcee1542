#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: feature_list
short_description: Manage a feature list with whmkit
description:
  - Creates a feature list (C(create_featurelist)), turns the features given on or off (C(update_featurelist))
    and removes the list (C(delete_featurelist)).
version_added: "0.1.0"
author:
  - whmkit contributors (@whmkit)
extends_documentation_fragment:
  - whmkit.cpanel.connection
options:
  name:
    description:
      - Name of the feature list.
    type: str
    required: true
  state:
    description:
      - Whether the list exists.
    type: str
    choices: [present, absent]
    default: present
  features:
    description:
      - Features to turn on (true) or off (false), by id, for example C(ssh=false). Features not named are left alone.
    type: dict
    default: {}
'''

EXAMPLES = r'''
- name: A feature list without shell access
  whmkit.cpanel.feature_list:
    name: noshell
    features:
      ssh: false
      cron: true
'''

RETURN = r'''
features:
  description: The features of the list before the run, id to 1 or 0.
  returned: when the list exists
  type: dict
calls:
  description: The writing calls made (planned, in check mode), secrets masked.
  returned: always
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.whmkit.cpanel.plugins.module_utils.whmkit import Runner, argspec, as_list, norm


def read(runner, name):
    lists = runner.get('whmapi1', 'get_featurelists') or {}
    if name not in as_list(lists, 'featurelists'):
        return None
    data = runner.get('whmapi1', 'get_featurelist_data', dict(featurelist=name)) or {}
    return dict((f.get('id'), norm(f.get('value'))) for f in as_list(data, 'features'))


def main():
    module = AnsibleModule(
        argument_spec=argspec(
            name=dict(type='str', required=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            features=dict(type='dict', default={}),
        ),
        supports_check_mode=True,
    )
    p = module.params
    r = Runner(module)
    current = read(r, p['name'])
    wanted = dict((k, '1' if module.boolean(v) else '0') for k, v in p['features'].items())
    r.before = dict(state='absent' if current is None else 'present')
    if current is not None:
        r.before.update(dict((k, current.get(k)) for k in wanted))
    if p['state'] == 'absent':
        r.after = dict(state='absent')
        if current is not None:
            r.change('whmapi1', 'delete_featurelist', dict(featurelist=p['name']))
        r.exit()
    r.after = dict(state='present')
    r.after.update(wanted)
    if current is None:
        r.change('whmapi1', 'create_featurelist', dict(featurelist=p['name']))
        current = {}
    changes = dict((k, v) for k, v in wanted.items() if current.get(k) != v)
    if changes:
        changes['featurelist'] = p['name']
        r.change('whmapi1', 'update_featurelist', changes)
    r.exit(features=current)


if __name__ == '__main__':
    main()
